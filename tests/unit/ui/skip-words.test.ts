/**
 * What the preview says about what it leaves out: every kind of Bluetooth note and every status
 * the Glucose profile defines has its own words, in French and in English, never the core's
 * codes; Carnet's names of what is not imported are translated, a file's own words are not.
 */
import { describe, expect, it } from 'vitest';
import { SENSOR_STATUS, type SensorStatus } from '../../../src/core/readings/bluetooth/glucose-measurement.ts';
import type { DeviceNote } from '../../../src/core/readings/parsed.ts';
import { dictionaryFor, loadFeatureWords } from '../../../src/ui/i18n/i18n.ts';
import type { MarkupProblem } from '../../../src/core/readings/importers/apple-health.ts';
import { describeDeviceNote, describeMarkupProblem, nameIgnored } from '../../../src/ui/readings/skip-words.ts';

// The Bluetooth words load with the feature screens; here, at once.
await loadFeatureWords();

const STATUSES: SensorStatus[] = [...SENSOR_STATUS, 'reserved'];
const NOTES: DeviceNote[] = [
  { type: 'undecodable', record: 'measurement', problem: 'cut-short' },
  { type: 'undecodable', record: 'context', problem: 'reserved-flags' },
  { type: 'undecodable', record: 'measurement', problem: 'extra-bytes' },
  { type: 'sent-again', record: 'measurement', changed: false },
  { type: 'sent-again', record: 'context', changed: true },
  { type: 'context-alone' },
  { type: 'context-unannounced' },
  { type: 'no-value', statuses: [] },
  { type: 'no-value', statuses: ['general-device-fault'] },
  { type: 'reserved-sample-type' },
  { type: 'device-status', statuses: ['sample-size-insufficient', 'strip-type-incorrect'] },
  { type: 'clock-fault' },
  ...(['nan', 'nres', 'positive-infinity', 'negative-infinity', 'reserved'] as const).map((value): DeviceNote => ({ type: 'special-value', value })),
];

describe('describeDeviceNote', () => {
  for (const language of ['fr', 'en'] as const) {
    const words = dictionaryFor(language).bluetooth.skipped;

    it(`gives each note its own words in ${language}, without the core's codes`, () => {
      const said = NOTES.map((note) => describeDeviceNote(words, note));
      expect(new Set(said).size).toBe(NOTES.length);
      for (const text of said) expect(text).not.toMatch(/[a-z]+-[a-z]+-|undecodable|sent-again|special-value/);
    });

    it(`names every sensor status in ${language}`, () => {
      const named = STATUSES.map((status) => describeDeviceNote(words, { type: 'device-status', statuses: [status] }));
      expect(new Set(named).size).toBe(STATUSES.length);
      for (const [index, text] of named.entries()) expect(text, STATUSES[index]).not.toMatch(new RegExp(`^${STATUSES[index]}$|-`));
    });
  }

  it('says it in French on a French screen', () => {
    const words = dictionaryFor('fr').bluetooth.skipped;
    expect(describeDeviceNote(words, { type: 'sent-again', record: 'measurement', changed: true })).toBe('mesure reçue deux fois avec un contenu différent');
    expect(describeDeviceNote(words, { type: 'no-value', statuses: ['general-device-fault', 'battery-low'] })).toBe('aucune valeur (panne de l’appareil, pile faible)');
    expect(describeDeviceNote(words, { type: 'undecodable', record: 'context', problem: 'cut-short' })).toBe('contexte : données incomplètes');
    // Status bits 12 to 15 all decode as 'reserved': said once.
    expect(describeDeviceNote(words, { type: 'device-status', statuses: ['reserved', 'reserved', 'battery-low', 'reserved'] })).toBe('état inconnu (bit réservé), pile faible');
  });
});

describe('nameIgnored', () => {
  it('translates Carnet\'s names and leaves a file\'s own words as written, whatever they are', () => {
    const words = dictionaryFor('fr').readings.import;
    expect(['meal', 'insulin', '(no event type)', '(other)', 'type 9', 'Calibration', 'constructor', '__proto__', 'toString'].map((what) => nameIgnored(words, what))).toEqual([
      'repas',
      'insuline',
      '(sans type d’événement)',
      '(autres)',
      'type 9',
      'Calibration',
      'constructor',
      '__proto__',
      'toString',
    ]);
  });
});

describe('describeMarkupProblem', () => {
  const problems: MarkupProblem[] = [
    { kind: 'too-deep', limit: 64 },
    { kind: 'crossed', closing: 'Workout', open: 'HealthData' },
    { kind: 'crossed', closing: 'Workout', open: '' },
    { kind: 'comment' },
    { kind: 'declaration' },
    { kind: 'stray-lt' },
    { kind: 'broken-tag', name: 'Record' },
    { kind: 'tag-too-long', limit: 1_048_576 },
  ];

  it('words each break of the markup apart, in French and in English', () => {
    for (const language of ['fr', 'en'] as const) {
      const words = dictionaryFor(language).appleHealth.markup;
      const said = problems.map((problem) => describeMarkupProblem(words, problem, (bytes) => `${bytes} B`));
      expect(new Set(said).size, language).toBe(problems.length);
      for (const text of said) expect(text).not.toMatch(/too-deep|stray-lt|broken-tag|tag-too-long/);
    }
  });

  it('names the elements as the file writes them, and the size as the screen writes it', () => {
    const words = dictionaryFor('fr').appleHealth.markup;
    expect(describeMarkupProblem(words, { kind: 'crossed', closing: 'Workout', open: 'HealthData' }, String)).toBe('</Workout> ferme <HealthData>');
    expect(describeMarkupProblem(words, { kind: 'crossed', closing: 'Workout', open: '' }, String)).toBe('</Workout> ne ferme aucune balise');
    expect(describeMarkupProblem(words, { kind: 'tag-too-long', limit: 1_048_576 }, () => '1 Mo')).toBe('une balise de plus de 1 Mo');
  });
});
