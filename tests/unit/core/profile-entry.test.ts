/** Health profile entries: every section parsed from untrusted JSON, dates that cannot be, the emergency card. */
import { describe, expect, it } from 'vitest';
import { emergencyCard, emergencyText, type EmergencyLabels } from '../../../src/core/profile/emergency.ts';
import {
  entryProblems,
  isPartialDate,
  isSameVaccination,
  parseProfileEntry,
  partialDateEnd,
  partialDateStart,
  profileEntryCodec,
  type ProfileEntry,
  type VaccinationEntry,
} from '../../../src/core/profile/entry.ts';

const common = { note: '', documents: [] };
const identity = { section: 'identity', ...common, givenName: 'Léa', familyName: 'Martin', birthDate: '1990-02-03', sex: 'female', bloodGroup: 'O-' };

function parsed(value: unknown): ProfileEntry {
  const result = parseProfileEntry(value);
  if (!result.ok) throw new Error(JSON.stringify(result.error.issues));
  return result.value;
}

function issues(value: unknown): string[] {
  const result = parseProfileEntry(value);
  return result.ok ? [] : result.error.issues.map((issue) => `${issue.path}: ${issue.problem}`);
}

describe('partial dates', () => {
  it('accepts a year, a month or a real day, and nothing else', () => {
    expect(['1975', '1975-06', '2024-02-29', '2000-12-31'].every(isPartialDate)).toBe(true);
    expect(['75', '1975-13', '1975-00', '2023-02-29', '1975-6', '1975-06-1', ''].some(isPartialDate)).toBe(false);
  });

  it('spans the days it may mean', () => {
    expect([partialDateStart('1975'), partialDateEnd('1975')]).toEqual(['1975-01-01', '1975-12-31']);
    expect([partialDateStart('2024-02'), partialDateEnd('2024-02')]).toEqual(['2024-02-01', '2024-02-29']);
    expect([partialDateStart('2023-02'), partialDateEnd('2023-02')]).toEqual(['2023-02-01', '2023-02-28']);
    expect([partialDateStart('2023-05-04'), partialDateEnd('2023-05-04')]).toEqual(['2023-05-04', '2023-05-04']);
  });
});

describe('profile entries', () => {
  it('reads the first identity records, written without a section', () => {
    const { section: _section, note: _note, documents: _documents, ...bare } = identity;
    expect(parsed(bare)).toEqual(identity);
  });

  it('round-trips one entry of every section through the codec', () => {
    const samples = [
      identity,
      { section: 'condition', ...common, name: 'Asthme', type: 'illness', start: '1998', end: null, active: true, code: null },
      { section: 'treatment', ...common, medicine: 'Ventoline 100 µg', dose: '2 bouffées', schedule: 'si besoin', prescriber: 'Dr Roux', start: '2020-03', end: null, code: null },
      { section: 'allergy', ...common, substance: 'Pénicilline', type: 'allergy', reaction: 'urticaire', severity: 'severe', since: '2004', code: { system: 'http://snomed.info/sct', code: '373270004', display: null } },
      { section: 'vaccination', ...common, vaccine: 'Boostrixtetra', targets: ['diphtheria', 'tetanus', 'pertussis', 'polio'], date: '2015-06-14', doseNumber: 1, batch: 'AB123', performer: 'Dr Roux', code: null },
      { section: 'measurement', ...common, type: 'height', label: '', value: 168.5, unit: 'cm', date: '2025-01-10' },
      { section: 'family', ...common, relative: 'mother', condition: 'Diabète de type 2', ageAtOnset: 55 },
      { section: 'wish', ...common, type: 'organ-donation', text: '', stance: 'donor', date: null },
      { section: 'contact', ...common, name: 'Paul Martin', relation: 'frère', phone: '+33 6 12 34 56 78', email: 'paul@example.org', trusted: true, emergency: true },
      { section: 'professional', ...common, name: 'Dr Claire Roux', specialty: 'Médecine générale', phone: '01 23 45 67 89', email: '', address: '1 rue de la Paix, Paris', gp: true },
      { section: 'prevention', ...common, item: 'screening.breast', action: 'done', act: 'screening.breast', date: '2026-10-01' },
    ];
    for (const sample of samples) {
      const entry = parsed(sample);
      expect(entry).toEqual(sample);
      expect(parsed(profileEntryCodec.toJson(entry))).toEqual(entry);
    }
  });

  it('says everything wrong at once, with paths', () => {
    expect(issues({ section: 'allergy', ...common, substance: '', type: 'rash', reaction: 'x'.repeat(501), severity: 'fatal', since: '2004-13' })).toEqual([
      'data.substance: must not be empty',
      'data.type: expected one of allergy, intolerance',
      'data.reaction: longer than 500',
      'data.severity: expected one of mild, moderate, severe',
      'data.since: not a date',
    ]);
    expect(issues({ section: 'nope', ...common })).toEqual(['data.section: expected one of identity, condition, treatment, allergy, vaccination, measurement, family, wish, contact, professional, prevention']);
    expect(issues({ ...identity, documents: ['a', 'a'] })).toContain('data.documents: a document is linked twice');
    expect(issues({ section: 'treatment', ...common, medicine: 'X', start: '2020-05', end: '2019' })).toEqual(['data.end: before the start']);
    expect(issues({ section: 'vaccination', ...common, vaccine: 'X', targets: ['flu'], date: null })).toEqual([
      'data.targets[0]: expected one of diphtheria, tetanus, pertussis, polio, hib, hepatitis-b, pneumococcus, meningococcus-b, meningococcus-c, meningococcus-acwy, measles, mumps, rubella, varicella, hpv, influenza, covid-19, zoster, rsv, tuberculosis, hepatitis-a, rotavirus, yellow-fever, typhoid, rabies, tick-borne-encephalitis, japanese-encephalitis',
      'data.date: expected text',
    ]);
    expect(issues({ section: 'measurement', ...common, type: 'height', label: '', value: 400, unit: 'cm', date: '2025-01-01' })).toEqual(['data.value: outside 30..275']);
    expect(issues({ section: 'measurement', ...common, type: 'other', label: '', value: Number.NaN, unit: 'mmHg', date: '2025-01-01' })).toEqual([
      'data.label: must not be empty',
      'data.value: expected a positive number',
    ]);
    expect(issues({ section: 'wish', ...common, type: 'other', text: 'x', stance: 'donor' })).toEqual(['data.stance: only for organ donation']);
    expect(issues({ section: 'contact', ...common, name: 'A', phone: '06<script>', email: 'not an email' })).toEqual([
      'data.phone: not in the expected form',
      'data.email: not in the expected form',
    ]);
  });

  it('finds dates that cannot be: born in the future, vaccinated before birth', () => {
    const today = '2026-11-23';
    expect(entryProblems(parsed({ ...identity, birthDate: '2027-01-01' }), today, null)).toEqual([{ type: 'InFuture', field: 'birthDate' }]);
    const vaccination = parsed({ section: 'vaccination', ...common, vaccine: 'BCG', targets: ['tuberculosis'], date: '1989' });
    expect(entryProblems(vaccination, today, '1990-02-03')).toEqual([{ type: 'BeforeBirth', field: 'date' }]);
    // A year that includes the birth day may be right.
    expect(entryProblems(parsed({ ...vaccination, date: '1990' }), today, '1990-02-03')).toEqual([]);
    expect(entryProblems(parsed({ ...vaccination, date: '2026-11-24' }), today, '1990-02-03')).toEqual([{ type: 'InFuture', field: 'date' }]);
    // A treatment may be planned to end later.
    expect(entryProblems(parsed({ section: 'treatment', ...common, medicine: 'X', start: '2026-01', end: '2027-06' }), today, '1990-02-03')).toEqual([]);
  });

  it('recognises the same injection recorded twice', () => {
    const base = parsed({ section: 'vaccination', ...common, vaccine: 'VACCIN BCG SSI', targets: ['tuberculosis'], date: '1975', code: null }) as VaccinationEntry;
    expect(isSameVaccination(base, { ...base, vaccine: 'Vaccin BCG  SSI', date: '1975-04-02', targets: [] })).toBe(true);
    expect(isSameVaccination(base, { ...base, vaccine: 'BCG', date: '1976' })).toBe(false);
    expect(isSameVaccination(base, { ...base, vaccine: 'Autre nom', targets: ['tuberculosis'] })).toBe(true);
    const coded = { ...base, code: { system: '1.2.250.1.213.2.3.1', code: '61077869', display: null } };
    expect(isSameVaccination(coded, { ...coded, code: { system: '1.2.250.1.213.2.3.1', code: '68747507', display: null } })).toBe(false);
  });
});

const labels: EmergencyLabels = {
  title: 'EMERGENCY',
  born: 'born',
  bloodGroup: 'Blood group',
  allergies: 'Allergies',
  treatments: 'Treatments',
  conditions: 'Conditions',
  contacts: 'Contact',
  trusted: 'trusted person',
  doctor: 'Doctor',
  none: 'none known',
  severity: (severity) => severity,
  intolerance: 'intolerance',
  more: (count) => `+${count} more`,
};

describe('emergency card', () => {
  const entries = [
    identity,
    { section: 'allergy', ...common, substance: 'Lactose', type: 'intolerance', reaction: '', severity: 'mild', since: null },
    { section: 'allergy', ...common, substance: 'Pénicilline', type: 'allergy', reaction: 'œdème', severity: 'severe', since: null },
    { section: 'treatment', ...common, medicine: 'Levothyrox', dose: '75 µg', schedule: 'le matin', prescriber: '', start: '2015', end: null },
    { section: 'treatment', ...common, medicine: 'Amoxicilline', dose: '1 g', schedule: '', prescriber: '', start: '2020-01-01', end: '2020-01-08' },
    { section: 'condition', ...common, name: 'Hypothyroïdie', type: 'illness', start: '2015', end: null, active: true },
    { section: 'condition', ...common, name: 'Appendicectomie', type: 'operation', start: '2001', end: null, active: false },
    { section: 'contact', ...common, name: 'Zoé', relation: 'amie', phone: '0600000001', trusted: true, emergency: false },
    { section: 'contact', ...common, name: 'Paul', relation: 'frère', phone: '0600000002', trusted: false, emergency: true },
    { section: 'contact', ...common, name: 'Voisin', relation: '', phone: '0600000003', trusted: false, emergency: false },
    { section: 'professional', ...common, name: 'Dr Roux', specialty: '', phone: '0123456789', email: '', address: '', gp: true },
  ].map(parsed);

  it('keeps what a first responder needs: severe allergies first, current treatments, active conditions, emergency contacts first', () => {
    const card = emergencyCard(entries, '2026-11-23');
    expect(card).toEqual({
      name: 'Léa Martin',
      birthDate: '1990-02-03',
      bloodGroup: 'O-',
      allergies: [
        { substance: 'Pénicilline', type: 'allergy', reaction: 'œdème', severity: 'severe' },
        { substance: 'Lactose', type: 'intolerance', reaction: '', severity: 'mild' },
      ],
      treatments: [{ medicine: 'Levothyrox', dose: '75 µg', schedule: 'le matin' }],
      conditions: [{ name: 'Hypothyroïdie' }],
      contacts: [
        { name: 'Paul', relation: 'frère', phone: '0600000002', trusted: false },
        { name: 'Zoé', relation: 'amie', phone: '0600000001', trusted: true },
      ],
      doctor: { name: 'Dr Roux', phone: '0123456789' },
    });
    expect(emergencyText(card, labels)).toBe(
      [
        'EMERGENCY',
        'Léa Martin',
        'born 1990-02-03',
        'Blood group O-',
        'Allergies:',
        '- Pénicilline, severe, œdème',
        '- Lactose, intolerance, mild',
        'Treatments:',
        '- Levothyrox, 75 µg, le matin',
        'Conditions:',
        '- Hypothyroïdie',
        'Contact:',
        '- Paul, frère, 0600000002',
        '- Zoé, amie, trusted person, 0600000001',
        'Doctor: Dr Roux, 0123456789',
      ].join('\n'),
    );
  });

  it('says "none known" for empty lists, and stays within what a QR code holds', () => {
    const empty = emergencyCard([], '2026-11-23');
    expect(emergencyText(empty, labels)).toBe(['EMERGENCY', 'Allergies:', '- none known', 'Treatments:', '- none known', 'Conditions:', '- none known', 'Contact:', '- none known'].join('\n'));
    const many = emergencyCard(
      Array.from({ length: 200 }, (_, index) => parsed({ section: 'treatment', ...common, medicine: `Médicament numéro ${index}`, dose: '1 comprimé', schedule: 'matin et soir' })),
      '2026-11-23',
    );
    const text = emergencyText(many, labels, 1800);
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(1800);
    expect(text.split('\n').at(-1)).toMatch(/^\+\d+ more$/);
  });
});
