/**
 * What a Bluetooth device's record was refused for, as the preview says it: every kind of note
 * and every status the Glucose profile defines has its own words, in French and in English,
 * never the core's codes.
 */
import { describe, expect, it } from 'vitest';
import { SENSOR_STATUS, type SensorStatus } from '../../../src/core/readings/bluetooth/glucose-measurement.ts';
import type { DeviceNote } from '../../../src/core/readings/parsed.ts';
import { dictionaryFor } from '../../../src/ui/i18n/i18n.ts';
import { describeDeviceNote } from '../../../src/ui/readings/device-note.ts';

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
    const words = dictionaryFor(language).readings.import.device;

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
    const words = dictionaryFor('fr').readings.import.device;
    expect(describeDeviceNote(words, { type: 'sent-again', record: 'measurement', changed: true })).toBe('mesure reçue deux fois avec un contenu différent');
    expect(describeDeviceNote(words, { type: 'no-value', statuses: ['general-device-fault', 'battery-low'] })).toBe('aucune valeur (panne de l’appareil, pile faible)');
    expect(describeDeviceNote(words, { type: 'undecodable', record: 'context', problem: 'cut-short' })).toBe('contexte : données incomplètes');
  });
});
