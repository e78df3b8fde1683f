/**
 * The profile as an IPS document Bundle: checked against the IPS 1.1 section rules that can be
 * checked structurally (validateIpsStructure), for a full profile and for an empty one (the
 * "no known" entries), every tamper of the structure giving its issue, and the export read back
 * by parseIps giving the same entries.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.ts';
import type { ProfileEntry } from '../../../src/core/profile/entry.ts';
import {
  ABSENT_UNKNOWN_SYSTEM,
  exportIps,
  narrative,
  validateIpsStructure,
  VACCINE_TARGET_SYSTEM,
  type FhirResource,
  type IpsBundle,
  type JsonObject,
} from '../../../src/core/profile/ips-export.ts';
import { parseIps, planProfileImport } from '../../../src/core/profile/ips-import.ts';

const NOW = Date.UTC(2025, 2, 14, 9, 30);
const SNOMED_OID = '2.16.840.1.113883.6.96';
const CIS_OID = '1.2.250.1.213.2.3.1';

function ids(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
}

const common = { note: '', documents: [] } as const;

const identity: ProfileEntry = { section: 'identity', givenName: 'Élodie', familyName: 'Martin', birthDate: '1980-06-15', sex: 'female', bloodGroup: 'O-', ...common };
const allergies: ProfileEntry[] = [
  { section: 'allergy', substance: 'Pénicilline', type: 'allergy', reaction: 'urticaire géante', severity: 'severe', since: '2010', code: { system: SNOMED_OID, code: '764146007', display: 'Penicillin' }, ...common, note: 'Œdème <b>facial</b> & "gonflement"' },
  { section: 'allergy', substance: 'Lactose', type: 'intolerance', reaction: '', severity: 'mild', since: null, code: null, ...common },
];
const treatments: ProfileEntry[] = [
  { section: 'treatment', medicine: 'Lévothyrox 75 µg', dose: '1 comprimé', schedule: 'le matin à jeun', prescriber: 'Dr Dupont', start: '2019-04', end: null, code: null, ...common },
  { section: 'treatment', medicine: 'Amoxicilline', dose: '1 g', schedule: '3 fois par jour', prescriber: '', start: '2024-01-02', end: '2024-01-09', code: null, ...common },
];
const conditions: ProfileEntry[] = [
  { section: 'condition', name: 'Hypothyroïdie', type: 'illness', start: '2019', end: null, active: true, code: null, ...common },
  { section: 'condition', name: 'Pneumopathie', type: 'hospitalisation', start: '2022-11-03', end: '2022-11-10', active: false, code: null, ...common, note: 'CHU de Nantes' },
  { section: 'condition', name: 'Appendicectomie', type: 'operation', start: '1995', end: null, active: false, code: null, ...common },
];
const vaccinations: ProfileEntry[] = [
  { section: 'vaccination', vaccine: 'Infanrix Hexa', targets: ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b'], date: '1981-03', doseNumber: 1, batch: 'A21CB', performer: 'Dr Leroy', code: null, ...common },
  { section: 'vaccination', vaccine: 'REVAXIS', targets: ['diphtheria', 'tetanus', 'polio'], date: '2009-09-28', doseNumber: null, batch: '', performer: '', code: { system: CIS_OID, code: '60917345', display: 'REVAXIS' }, ...common },
  { section: 'vaccination', vaccine: 'grippe', targets: ['influenza'], date: '2024-10-20', doseNumber: null, batch: '', performer: '', code: null, ...common },
];
const measurements: ProfileEntry[] = [
  { section: 'measurement', type: 'height', label: '', value: 165, unit: 'cm', date: '2020-01-10', ...common },
  { section: 'measurement', type: 'height', label: '', value: 166, unit: 'cm', date: '2024-05-02', ...common },
  { section: 'measurement', type: 'waist', label: '', value: 82, unit: 'cm', date: '2024-05-02', ...common },
];
const wishes: ProfileEntry[] = [
  { section: 'wish', type: 'advance-directives', text: 'Pas d’acharnement thérapeutique.', stance: null, date: '2023-02-01', ...common },
  { section: 'wish', type: 'organ-donation', text: '', stance: 'donor', date: null, ...common },
];
const contact: ProfileEntry = { section: 'contact', name: 'Paul Martin', relation: 'frère', phone: '06 12 34 56 78', email: '', trusted: true, emergency: true, ...common };
const weight = { loinc: '29463-7', display: 'Body weight', value: 61.5, unit: 'kg', time: Date.UTC(2025, 2, 1, 8) };
const hba1c = { loinc: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', value: 5.4, unit: '%', time: Date.UTC(2025, 1, 1, 8) };

const FULL = [identity, ...allergies, ...treatments, ...conditions, ...vaccinations, ...measurements, ...wishes, contact];

function full(): IpsBundle {
  return exportIps({ entries: FULL, results: [weight, hba1c], now: NOW, newId: ids() });
}

function resources(bundle: IpsBundle, type: string): FhirResource[] {
  return bundle.entry.map((entry) => entry.resource).filter((resource) => resource.resourceType === type);
}

function composition(bundle: IpsBundle): JsonObject {
  return bundle.entry[0]?.resource as JsonObject;
}

function sections(bundle: IpsBundle): JsonObject[] {
  return composition(bundle)['section'] as JsonObject[];
}

function sectionCodes(bundle: IpsBundle): string[] {
  return sections(bundle).map((section) => (((section['code'] as JsonObject)['coding'] as JsonObject[])[0] as JsonObject)['code'] as string);
}

function sectionByCode(bundle: IpsBundle, code: string): JsonObject {
  const found = sections(bundle).find((section) => JSON.stringify(section['code']).includes(`"${code}"`));
  if (found === undefined) throw new Error(`no section ${code}`);
  return found;
}

function resolve(bundle: IpsBundle, reference: string): FhirResource {
  const found = bundle.entry.find((entry) => entry.fullUrl === reference);
  if (found === undefined) throw new Error(`unresolved ${reference}`);
  return found.resource;
}

function entriesOf(bundle: IpsBundle, code: string): FhirResource[] {
  return ((sectionByCode(bundle, code)['entry'] as JsonObject[] | undefined) ?? []).map((ref) => resolve(bundle, ref['reference'] as string));
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('exportIps: a full profile', () => {
  it('is a document Bundle that passes the IPS structural rules, the Composition first', () => {
    const bundle = full();
    expect(validateIpsStructure(bundle)).toEqual([]);
    expect(bundle.type).toBe('document');
    expect(bundle.timestamp).toBe('2025-03-14T09:30:00.000Z');
    expect(bundle.identifier.system).toBe('urn:ietf:rfc:3986');
    expect(bundle.identifier.value).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const first = composition(bundle);
    expect(first['resourceType']).toBe('Composition');
    expect(first['status']).toBe('final');
    expect(first['title']).toBe('Patient Summary');
    expect(first['type']).toEqual({ coding: [{ system: 'http://loinc.org', code: '60591-5', display: 'Patient summary Document' }] });
    expect(first['date']).toBe('2025-03-14T09:30:00.000Z');
    // The patient is the subject and the author.
    const patientUrl = (first['subject'] as JsonObject)['reference'] as string;
    expect(resolve(bundle, patientUrl).resourceType).toBe('Patient');
    expect(first['author']).toEqual([{ reference: patientUrl }]);
    expect(bundle.entry[1]?.resource.resourceType).toBe('Patient');
  });

  it('is plain JSON: no undefined members, and it survives JSON as it is', () => {
    const bundle = full();
    expect(clone(bundle)).toEqual(bundle);
  });

  it('has unique urn:uuid fullUrls, each resource id being its UUID', () => {
    const bundle = full();
    const urls = bundle.entry.map((entry) => entry.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const entry of bundle.entry) expect(entry.fullUrl).toBe(`urn:uuid:${String(entry.resource['id'])}`);
  });

  it('writes the required sections first, then only the sections the profile knows', () => {
    expect(sectionCodes(full())).toEqual(['48765-2', '10160-0', '11450-4', '11348-0', '47519-4', '11369-6', '8716-3', '30954-2', '42348-3']);
  });

  it('writes one resource per entry, in the section of its kind', () => {
    const bundle = full();
    expect(entriesOf(bundle, '48765-2').map((r) => r.resourceType)).toEqual(['AllergyIntolerance', 'AllergyIntolerance']);
    expect(entriesOf(bundle, '10160-0').map((r) => r.resourceType)).toEqual(['MedicationStatement', 'MedicationStatement']);
    expect(entriesOf(bundle, '11450-4').map((r) => (r['code'] as JsonObject)['text'])).toEqual(['Hypothyroïdie']);
    expect(entriesOf(bundle, '11348-0').map((r) => (r['code'] as JsonObject)['text'])).toEqual(['Pneumopathie']);
    expect(entriesOf(bundle, '47519-4').map((r) => r.resourceType)).toEqual(['Procedure']);
    expect(entriesOf(bundle, '11369-6')).toHaveLength(3);
    // The latest height only, the waist, the weight; the HbA1c and the blood group are results.
    expect(entriesOf(bundle, '8716-3').map((r) => [((r['code'] as JsonObject)['coding'] as JsonObject[])[0]?.['code'], (r['valueQuantity'] as JsonObject)['value']])).toEqual([
      ['8302-2', 166],
      ['8280-0', 82],
      ['29463-7', 61.5],
    ]);
    expect(entriesOf(bundle, '30954-2').map((r) => ((r['code'] as JsonObject)['coding'] as JsonObject[])[0]?.['code'])).toEqual(['4548-4', '882-1']);
    // Contacts have no IPS section: nothing else is in the Bundle.
    expect(bundle.entry).toHaveLength(1 + 1 + 2 + 2 + 1 + 1 + 1 + 3 + 5);
  });

  it('keeps the patient’s French wording as written, with the stored codes as codings', () => {
    const bundle = full();
    const [penicillin, lactose] = resources(bundle, 'AllergyIntolerance');
    expect(penicillin).toMatchObject({
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      type: 'allergy',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }], text: 'Pénicilline' },
      onsetDateTime: '2010',
      reaction: [{ manifestation: [{ text: 'urticaire géante' }], severity: 'severe' }],
      note: [{ text: 'Œdème <b>facial</b> & "gonflement"' }],
    });
    // A severity without a described reaction: the manifestation is marked unknown.
    expect(lactose?.['reaction']).toEqual([{ manifestation: [{ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] }], severity: 'mild' }]);
    const [levothyrox, amoxicilline] = resources(bundle, 'MedicationStatement');
    expect(levothyrox).toMatchObject({
      status: 'active',
      medicationCodeableConcept: { text: 'Lévothyrox 75 µg' },
      effectivePeriod: { start: '2019-04' },
      dosage: [{ text: '1 comprimé', timing: { code: { text: 'le matin à jeun' } } }],
      extension: [{ url: 'https://carnet.health/fhir/StructureDefinition/prescriber', valueString: 'Dr Dupont' }],
    });
    expect(amoxicilline).toMatchObject({ status: 'completed', effectivePeriod: { start: '2024-01-02', end: '2024-01-09' } });
    const [hexa, revaxis] = resources(bundle, 'Immunization');
    expect(hexa).toMatchObject({ status: 'completed', vaccineCode: { text: 'Infanrix Hexa' }, occurrenceDateTime: '1981-03', lotNumber: 'A21CB', performer: [{ actor: { display: 'Dr Leroy' } }] });
    expect((hexa as JsonObject)['protocolApplied']).toEqual([{
      targetDisease: ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b'].map((code) => ({ coding: [{ system: VACCINE_TARGET_SYSTEM, code }] })),
      doseNumberPositiveInt: 1,
    }]);
    expect(revaxis?.['vaccineCode']).toEqual({ coding: [{ system: 'urn:oid:1.2.250.1.213.2.3.1', code: '60917345', display: 'REVAXIS' }], text: 'REVAXIS' });
    expect(resources(bundle, 'Patient')[0]).toMatchObject({ name: [{ family: 'Martin', given: ['Élodie'] }], gender: 'female', birthDate: '1980-06-15' });
    expect(resources(bundle, 'Procedure')[0]).toMatchObject({ status: 'completed', code: { text: 'Appendicectomie' }, performedDateTime: '1995' });
  });

  it('gives every section a generated XHTML narrative with the content escaped', () => {
    const bundle = full();
    for (const section of sections(bundle)) {
      const text = section['text'] as JsonObject;
      expect(text['status']).toBe('generated');
      expect(text['div']).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml"><ul>(<li>[^<>]*<\/li>)+<\/ul><\/div>$/);
    }
    const allergiesText = (sectionByCode(bundle, '48765-2')['text'] as JsonObject)['div'] as string;
    expect(allergiesText).toContain('Pénicilline (2010) — urticaire géante — severe — Œdème &lt;b&gt;facial&lt;/b&gt; &amp; &quot;gonflement&quot;');
    const directives = (sectionByCode(bundle, '42348-3')['text'] as JsonObject)['div'] as string;
    expect(directives).toContain('Pas d’acharnement thérapeutique.');
    expect(directives).toContain('organ-donation: donor');
    expect(sectionByCode(bundle, '42348-3')['entry']).toBeUndefined();
  });

  it('escapes markup in narrative lines', () => {
    expect(narrative(['<script>alert(1)</script> & \u0007'])).toBe('<div xmlns="http://www.w3.org/1999/xhtml"><ul><li>&lt;script&gt;alert(1)&lt;/script&gt; &amp; </li></ul></div>');
  });

  it('refuses an id generator that does not give UUIDs (a bug, so it throws)', () => {
    expect(() => exportIps({ entries: [identity], now: NOW, newId: () => 'not-a-uuid' })).toThrow(/UUID/);
  });
});

describe('exportIps: an empty profile', () => {
  it('writes the three required sections with the IPS "no known" entries, and passes the rules', () => {
    const bundle = exportIps({ entries: [identity], now: NOW, newId: ids() });
    expect(validateIpsStructure(bundle)).toEqual([]);
    // The blood group, known from the identity, is the one result.
    expect(sectionCodes(bundle)).toEqual(['48765-2', '10160-0', '11450-4', '30954-2']);
    const [allergy] = entriesOf(bundle, '48765-2');
    const [medication] = entriesOf(bundle, '10160-0');
    const [problem] = entriesOf(bundle, '11450-4');
    expect(allergy).toMatchObject({ resourceType: 'AllergyIntolerance', code: { coding: [{ system: ABSENT_UNKNOWN_SYSTEM, code: 'no-known-allergies', display: 'No known allergies' }] } });
    expect(medication).toMatchObject({
      resourceType: 'MedicationStatement',
      status: 'unknown',
      medicationCodeableConcept: { coding: [{ system: ABSENT_UNKNOWN_SYSTEM, code: 'no-known-medications', display: 'No known medications' }] },
      effectiveDateTime: '2025-03-14',
    });
    expect(problem).toMatchObject({ resourceType: 'Condition', code: { coding: [{ system: ABSENT_UNKNOWN_SYSTEM, code: 'no-known-problems', display: 'No known problems' }] } });
    expect((sectionByCode(bundle, '48765-2')['text'] as JsonObject)['div']).toBe('<div xmlns="http://www.w3.org/1999/xhtml"><ul><li>No known allergies</li></ul></div>');
    // Composition, Patient, the three "no known" entries and the blood group result.
    expect(bundle.entry).toHaveLength(6);
  });

  it('still writes a Patient, marked unknown, when the profile has no identity', () => {
    const bundle = exportIps({ entries: [], now: NOW, newId: ids() });
    expect(validateIpsStructure(bundle)).toEqual([]);
    const absent = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
    expect(resources(bundle, 'Patient')[0]).toEqual({ resourceType: 'Patient', id: expect.any(String), name: [absent], _birthDate: absent });
  });

  it('reads back as the three absences and nothing to add', () => {
    const bundle = exportIps({ entries: [identity], now: NOW, newId: ids() });
    const read = parseIps(utf8(JSON.stringify(bundle)));
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(read.value.entries).toEqual([]);
    expect(read.value.absent.map((a) => a.code.code)).toEqual(['no-known-allergies', 'no-known-medications', 'no-known-problems']);
    expect(read.value.problems).toEqual([]);
  });
});

describe('validateIpsStructure: each broken rule is reported', () => {
  const broken = (change: (bundle: Record<string, unknown>) => void) => {
    const bundle = clone(full()) as unknown as Record<string, unknown>;
    change(bundle);
    return validateIpsStructure(bundle);
  };
  const entryList = (bundle: Record<string, unknown>) => bundle['entry'] as { fullUrl: string; resource: Record<string, unknown> }[];
  const sectionList = (bundle: Record<string, unknown>) => (entryList(bundle)[0]?.resource['section'] as Record<string, unknown>[]);

  it('not a Bundle, or not a document', () => {
    expect(validateIpsStructure({ resourceType: 'Patient' })).toEqual([{ path: 'Bundle', problem: 'not a Bundle' }]);
    expect(validateIpsStructure(null)).toEqual([{ path: 'Bundle', problem: 'not a Bundle' }]);
    expect(broken((b) => (b['type'] = 'collection'))).toContainEqual({ path: 'Bundle.type', problem: 'not document' });
    expect(broken((b) => delete b['timestamp'])).toContainEqual({ path: 'Bundle.timestamp', problem: 'missing' });
    expect(broken((b) => delete b['identifier'])).toContainEqual({ path: 'Bundle.identifier', problem: 'missing' });
  });

  it('the Composition not first, or not a patient summary', () => {
    expect(broken((b) => (b['entry'] = entryList(b).toReversed()))).toContainEqual({ path: 'Bundle.entry[0]', problem: 'not a Composition' });
    expect(broken((b) => ((entryList(b)[0] as { resource: Record<string, unknown> }).resource['type'] = { coding: [{ system: 'http://loinc.org', code: '34133-9' }] }))).toContainEqual({
      path: 'Composition.type',
      problem: 'not LOINC 60591-5',
    });
  });

  it('a required section missing, or twice', () => {
    expect(broken((b) => sectionList(b).splice(1, 1))).toContainEqual({ path: 'Composition.section', problem: 'missing medications section (10160-0)' });
    expect(broken((b) => sectionList(b).push(clone(sectionList(b)[0] as Record<string, unknown>)))).toContainEqual({ path: 'Composition.section', problem: 'more than one allergies section (48765-2)' });
  });

  it('a required section without entries or emptyReason', () => {
    expect(broken((b) => delete (sectionList(b)[2] as Record<string, unknown>)['entry'])).toContainEqual({ path: 'Composition.section[2]', problem: 'a required section needs an entry or an emptyReason' });
  });

  it('a section entry that does not resolve, or of a type the section does not allow', () => {
    expect(broken((b) => ((sectionList(b)[0] as { entry: { reference: string }[] }).entry[0] = { reference: 'urn:uuid:00000000-0000-4000-8000-ffffffffffff' }))).toContainEqual({
      path: 'Composition.section[0].entry[0]',
      problem: 'does not resolve inside the Bundle',
    });
    const problems = broken((b) => ((sectionList(b)[0] as { entry: unknown[] }).entry[0] = (sectionList(b)[2] as { entry: unknown[] }).entry[0]));
    expect(problems).toContainEqual({ path: 'Composition.section[0].entry[0]', problem: 'Condition is not allowed here' });
  });

  it('a dangling reference anywhere, a duplicated fullUrl, a missing narrative', () => {
    expect(broken((b) => ((entryList(b)[2] as { resource: Record<string, unknown> }).resource['patient'] = { reference: 'Patient/nowhere' }))).toContainEqual({
      path: 'Bundle.entry[2].resource.patient.reference',
      problem: 'does not resolve inside the Bundle',
    });
    expect(broken((b) => ((entryList(b)[3] as { fullUrl: string }).fullUrl = (entryList(b)[2] as { fullUrl: string }).fullUrl))).toContainEqual({ path: 'Bundle.entry[3].fullUrl', problem: 'not unique' });
    expect(broken((b) => delete (sectionList(b)[1] as Record<string, unknown>)['text'])).toContainEqual({ path: 'Composition.section[1].text', problem: 'missing a narrative' });
  });

  it('the HL7 IPS example passes', async () => {
    const { readFileSync } = await import('node:fs');
    const minimal = JSON.parse(readFileSync(new URL('../../fixtures/fhir/bundle-minimal.json', import.meta.url), 'utf8')) as unknown;
    expect(validateIpsStructure(minimal)).toEqual([]);
  });
});

describe('export then import', () => {
  const read = () => {
    const result = parseIps(utf8(JSON.stringify(full())));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  };

  it('gives back the same entries: allergies, treatments, conditions, operations, vaccinations', () => {
    const back = read();
    const bySection = (section: ProfileEntry['section'], list: readonly ProfileEntry[]) => list.filter((entry) => entry.section === section);
    for (const section of ['allergy', 'treatment', 'condition', 'vaccination'] as const) {
      const original = bySection(section, FULL);
      expect(bySection(section, back.entries)).toHaveLength(original.length);
      for (const entry of original) expect(back.entries).toContainEqual(entry);
    }
    expect(back.identity).toEqual(identity);
    // Only the latest height and waist are in a summary.
    expect(bySection('measurement', back.entries)).toEqual(measurements.slice(1));
  });

  it('is recognised as nothing new by planProfileImport', () => {
    const back = read();
    const plan = planProfileImport(FULL, [...(back.identity === null ? [] : [back.identity]), ...back.entries]);
    expect(plan.add).toEqual([]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.duplicates).toHaveLength(1 + back.entries.length);
  });

  it('reports what an IPS cannot carry back: the narrative-only advance directives, the results', () => {
    expect(read().problems).toEqual([
      { type: 'NarrativeOnly', title: 'Advance Directives', code: '42348-3' },
      { type: 'Unsupported', resourceType: 'Observation', count: 2 },
    ]);
  });
});
