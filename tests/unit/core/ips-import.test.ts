/**
 * IPS import: the two HL7 examples (tests/fixtures/fhir, see PROVENANCE.md) as they are, JSON and
 * XML, with exact counts and values; every refusal giving its typed error; unknown codes and
 * unusable resources reported, never dropped in silence; duplicates recognised by
 * planProfileImport; truncation and byte flips never throwing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.ts';
import { readCdaVaccinations } from '../../../src/core/profile/cda-vaccinations.ts';
import type { ProfileEntry } from '../../../src/core/profile/entry.ts';
import { IPS_LIMITS, parseIps, planProfileImport, type IpsError, type IpsImport } from '../../../src/core/profile/ips-import.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const MINIMAL = 'fhir/bundle-minimal.json';
const FULL_XML = 'fhir/IPS-bundle-01.xml';
const SNOMED_OID = '2.16.840.1.113883.6.96';

function imported(bytes: Uint8Array | string): IpsImport {
  const result = parseIps(typeof bytes === 'string' ? utf8(bytes) : bytes);
  if (!result.ok) throw new Error(`expected an import, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(bytes: Uint8Array | string): IpsError {
  const result = parseIps(typeof bytes === 'string' ? utf8(bytes) : bytes);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const martha = { section: 'identity', givenName: 'Martha', familyName: 'DeLarosa', birthDate: '1972-05-01', sex: 'female', note: '', documents: [] } as const;
const flushing = {
  section: 'condition',
  name: 'Menopausal flushing',
  type: 'illness',
  start: '2015',
  end: null,
  active: true,
  code: { system: SNOMED_OID, code: '198436008', display: 'Menopausal flushing (finding)' },
  note: '',
  documents: [],
};
const anastrozole = {
  section: 'treatment',
  medicine: 'Product containing anastrozole',
  dose: '1 tablet',
  schedule: '',
  prescriber: '',
  start: '2015-03',
  end: null,
  code: { system: SNOMED_OID, code: '108774000', display: 'Product containing anastrozole (medicinal product)' },
  note: '',
  documents: [],
};
const penicillin = {
  section: 'allergy',
  substance: 'Substance with penicillin structure and antibacterial mechanism of action',
  type: 'allergy',
  reaction: '',
  severity: null,
  since: '2010',
  code: { system: SNOMED_OID, code: '373270004', display: 'Substance with penicillin structure and antibacterial mechanism of action (substance)' },
  note: '',
  documents: [],
};

describe('the HL7 IPS examples', () => {
  it('bundle-minimal.json: Martha, one problem, one medication, one allergy, nothing else', () => {
    const ips = imported(fixture(MINIMAL));
    expect(ips.format).toBe('json');
    expect(ips.title).toBe('Patient Summary as of December 11, 2020 14:30');
    expect(ips.date).toBe('2020-12-11T14:30:00+01:00');
    expect(ips.identity).toEqual({ ...martha, bloodGroup: null });
    expect(ips.entries).toEqual([flushing, anastrozole, penicillin]);
    expect(ips.absent).toEqual([]);
    expect(ips.problems).toEqual([]);
  });

  it('IPS-bundle-01.xml: two problems, two medications, one allergy, the blood group, what is left reported', () => {
    const ips = imported(fixture(FULL_XML));
    expect(ips.format).toBe('xml');
    expect(ips.title).toBe('Patient Summary as of December 11, 2017 14:30');
    // The blood group comes from the "Blood typing" panel's 882-1 member.
    expect(ips.identity).toEqual({ ...martha, bloodGroup: 'A+' });
    expect(ips.entries.map((entry) => entry.section)).toEqual(['condition', 'treatment', 'treatment', 'allergy', 'condition']);
    expect(ips.entries[0]).toEqual(flushing);
    expect(ips.entries[1]).toEqual(anastrozole);
    expect(ips.entries[2]).toEqual({
      section: 'treatment',
      medicine: 'Black Cohosh Extract herbal supplement',
      dose: '',
      schedule: '',
      prescriber: '',
      start: '2016-01',
      end: null,
      code: { system: SNOMED_OID, code: '412588001', display: 'Cimicifuga racemosa extract (substance)' },
      note: '',
      documents: [],
    });
    expect(ips.entries[3]).toEqual(penicillin);
    expect(ips.entries[4]).toEqual({
      section: 'condition',
      name: 'Malignant tumor of breast',
      type: 'illness',
      start: '2015-01',
      end: '2015-03',
      active: false,
      code: { system: SNOMED_OID, code: '254837009', display: 'Malignant tumor of breast' },
      note: '',
      documents: [],
    });
    // "No known food allergies" is an absence, not an allergy.
    expect(ips.absent).toEqual([{ resourceType: 'AllergyIntolerance', code: { system: SNOMED_OID, code: '429625007', display: 'No known food allergy (situation)' } }]);
    expect(ips.problems).toEqual([
      { type: 'NarrativeOnly', title: 'Plan of Treatment', code: '18776-5' },
      // HbA1c, MRSA, and the three antibody results of the panel.
      { type: 'Unsupported', resourceType: 'Observation', count: 5 },
    ]);
  });

  it('the same patient reads the same from JSON and from XML', () => {
    const json = imported(fixture(MINIMAL));
    const xml = imported(fixture(FULL_XML));
    expect(planProfileImport(xml.entries, json.entries)).toMatchObject({ add: [], duplicates: [{}, {}, {}] });
  });
});

// --- hand-made bundles --------------------------------------------------------------------------

const PATIENT = { fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', resource: { resourceType: 'Patient', name: [{ family: 'Durand', given: ['Léa'] }], birthDate: '1990-02-03' } };

function bundle(sectionEntries: readonly { code: string; resources: readonly Record<string, unknown>[]; title?: string; text?: string }[], extra: Record<string, unknown>[] = []): string {
  let n = 100;
  const entries: { fullUrl: string; resource: Record<string, unknown> }[] = [];
  const sections = sectionEntries.map((section) => ({
    title: section.title ?? section.code,
    code: { coding: [{ system: 'http://loinc.org', code: section.code }] },
    text: { status: 'generated', div: section.text ?? '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
    entry: section.resources.length === 0 ? undefined : section.resources.map((resource) => {
      n += 1;
      const fullUrl = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      entries.push({ fullUrl, resource });
      return { reference: fullUrl };
    }),
  }));
  const composition = {
    resourceType: 'Composition',
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '60591-5' }] },
    subject: { reference: PATIENT.fullUrl },
    date: '2024-01-01',
    author: [{ reference: PATIENT.fullUrl }],
    title: 'Synthèse',
    section: sections,
  };
  return JSON.stringify({ resourceType: 'Bundle', type: 'document', entry: [{ fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000000', resource: composition }, PATIENT, ...entries, ...extra] });
}

const subject = { reference: PATIENT.fullUrl };

describe('mapping', () => {
  it('an Immunization: product, date, lot, dose, performer, and its diseases guessed from the name', () => {
    const ips = imported(
      bundle([
        {
          code: '11369-6',
          resources: [
            {
              resourceType: 'Immunization',
              status: 'completed',
              vaccineCode: { text: 'Gardasil 9' },
              patient: subject,
              occurrenceDateTime: '2021-06-02T10:15:00+02:00',
              lotNumber: 'U012345',
              performer: [{ actor: { display: 'Dr Caron' } }],
              protocolApplied: [{ doseNumberPositiveInt: 2 }],
              note: [{ text: 'bras gauche' }],
            },
          ],
        },
      ]),
    );
    expect(ips.entries).toEqual([
      { section: 'vaccination', vaccine: 'Gardasil 9', targets: ['hpv'], date: '2021-06-02', doseNumber: 2, batch: 'U012345', performer: 'Dr Caron', code: null, note: 'bras gauche', documents: [] },
    ]);
  });

  it('prefers a French translation of a display, and strips SNOMED CT semantic tags', () => {
    const display = {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/translation', extension: [{ url: 'lang', valueCode: 'fr-FR' }, { url: 'content', valueString: 'Asthme' }] }],
    };
    const ips = imported(
      bundle([
        { code: '11450-4', resources: [{ resourceType: 'Condition', code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma (disorder)', _display: display }] }, subject }] },
        { code: '48765-2', resources: [{ resourceType: 'AllergyIntolerance', code: { coding: [{ system: 'http://snomed.info/sct', code: '256259004', display: 'Pollen (substance)' }] }, patient: subject }] },
        { code: '10160-0', resources: [{ resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'Ventoline' }, subject, effectiveDateTime: '2020' }] },
      ]),
    );
    expect(ips.entries.map((e) => ('name' in e ? e.name : 'substance' in e ? e.substance : 'medicine' in e ? e.medicine : ''))).toEqual(['Asthme', 'Pollen', 'Ventoline']);
  });

  it('resolves relative references against RESTful fullUrls, and contained Medications', () => {
    const text = JSON.stringify({
      resourceType: 'Bundle',
      type: 'document',
      entry: [
        {
          fullUrl: 'https://example.org/fhir/Composition/c1',
          resource: {
            resourceType: 'Composition',
            type: { coding: [{ system: 'http://loinc.org', code: '60591-5' }] },
            subject: { reference: 'Patient/p1' },
            section: [{ code: { coding: [{ system: 'http://loinc.org', code: '10160-0' }] }, entry: [{ reference: 'MedicationStatement/m1' }] }],
          },
        },
        { fullUrl: 'https://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1', name: [{ text: 'Jo Bloggs' }] } },
        {
          fullUrl: 'https://example.org/fhir/MedicationStatement/m1',
          resource: {
            resourceType: 'MedicationStatement',
            id: 'm1',
            status: 'active',
            contained: [{ resourceType: 'Medication', id: 'med', code: { text: 'Doliprane 1000 mg' } }],
            medicationReference: { reference: '#med' },
            subject: { reference: 'Patient/p1' },
            dosage: [{ text: '1 comprimé si douleur' }],
          },
        },
      ],
    });
    const ips = imported(text);
    expect(ips.identity).toMatchObject({ givenName: '', familyName: 'Jo Bloggs' });
    expect(ips.entries).toMatchObject([{ section: 'treatment', medicine: 'Doliprane 1000 mg', dose: '1 comprimé si douleur' }]);
  });
});

describe('bad input: each a typed error', () => {
  it('neither JSON nor XML, empty', () => {
    expect(refused('hello')).toEqual({ type: 'IpsUnreadable', format: null, detail: 'neither JSON nor XML' });
    expect(refused('')).toEqual({ type: 'IpsUnreadable', format: null, detail: 'empty' });
    expect(refused(' \n')).toEqual({ type: 'IpsUnreadable', format: null, detail: 'empty' });
  });

  it('a truncated file, JSON or XML', () => {
    const json = fixture(MINIMAL);
    expect(refused(json.subarray(0, json.length / 2))).toMatchObject({ type: 'IpsUnreadable', format: 'json' });
    const xml = fixture(FULL_XML);
    expect(refused(xml.subarray(0, xml.length / 2))).toMatchObject({ type: 'IpsUnreadable', format: 'xml' });
  });

  it('bytes that are not UTF-8, an XML DOCTYPE', () => {
    expect(refused(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ type: 'IpsUnreadable', format: 'json', detail: 'not valid UTF-8 at byte 1' });
    expect(refused('<!DOCTYPE Bundle [<!ENTITY x "y">]><Bundle xmlns="http://hl7.org/fhir"/>')).toMatchObject({ type: 'IpsUnreadable', format: 'xml' });
  });

  it('well-formed but not FHIR: a JSON array, JSON without resourceType, a CDA', () => {
    expect(refused('[1, 2]')).toEqual({ type: 'IpsNotFhir', detail: 'JSON that is not an object' });
    expect(refused('{"type": "document"}')).toEqual({ type: 'IpsNotFhir', detail: 'no resourceType' });
    expect(refused(fixture('cda/VAC_2023.01.xml'))).toEqual({ type: 'IpsNotFhir', detail: 'XML root ClinicalDocument in urn:hl7-org:v3' });
  });

  it('a FHIR resource that is not a Bundle, in JSON and in XML', () => {
    expect(refused('{"resourceType": "Patient", "id": "x"}')).toEqual({ type: 'IpsNotABundle', resourceType: 'Patient' });
    expect(refused('<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>')).toEqual({ type: 'IpsNotABundle', resourceType: 'Patient' });
  });

  it('a Bundle that is not a document', () => {
    expect(refused('{"resourceType": "Bundle", "type": "collection", "entry": []}')).toEqual({ type: 'IpsNotADocument', bundleType: 'collection' });
    expect(refused('{"resourceType": "Bundle"}')).toEqual({ type: 'IpsNotADocument', bundleType: null });
  });

  it('a document that is not a patient summary, or without its Composition first', () => {
    const other = bundle([]).replace('60591-5', '34133-9');
    expect(refused(other)).toEqual({ type: 'IpsNotPatientSummary', code: '34133-9' });
    const parsed = JSON.parse(bundle([])) as { entry: unknown[] };
    expect(refused(JSON.stringify({ ...parsed, entry: parsed.entry.toReversed() }))).toEqual({ type: 'Invalid', issues: [{ path: 'Bundle.entry[0]', problem: 'not a Composition' }] });
  });

  it('a file over the size limit', () => {
    expect(refused(new Uint8Array(IPS_LIMITS.maxBytes + 1))).toEqual({ type: 'IpsTooLarge', maxBytes: IPS_LIMITS.maxBytes });
  });
});

describe('bad parts: kept when usable, each reported', () => {
  it('unknown codes: an entry named only by a code is kept with it; an unknown absence code is reported', () => {
    const ips = imported(
      bundle([
        { code: '11450-4', resources: [{ resourceType: 'Condition', code: { coding: [{ system: 'http://example.org/codes', code: 'X-17' }] }, subject }] },
        { code: '48765-2', resources: [{ resourceType: 'AllergyIntolerance', code: { coding: [{ system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code: 'no-known-anything' }] }, patient: subject }] },
      ]),
    );
    expect(ips.entries).toMatchObject([{ section: 'condition', name: 'X-17', code: { system: 'http://example.org/codes', code: 'X-17', display: null } }]);
    expect(ips.problems).toEqual([
      { type: 'UnknownCode', resourceType: 'Condition', code: { system: 'http://example.org/codes', code: 'X-17', display: null } },
      { type: 'UnknownCode', resourceType: 'AllergyIntolerance', code: { system: 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips', code: 'no-known-anything', display: null } },
    ]);
  });

  it('a vaccine Carnet cannot tell the diseases of is kept with no targets, for the patient to choose', () => {
    const ips = imported(bundle([{ code: '11369-6', resources: [{ resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'Vaccin XYZ' }, patient: subject, occurrenceDateTime: '2020-05' }] }]));
    expect(ips.entries).toMatchObject([{ section: 'vaccination', vaccine: 'Vaccin XYZ', targets: [], date: '2020-05' }]);
    expect(ips.problems).toEqual([{ type: 'VaccineTargetsUnknown', vaccine: 'Vaccin XYZ' }]);
  });

  it('entries missing what they need are skipped with a reason; unsupported types are counted', () => {
    const ips = imported(
      bundle(
        [
          {
            code: '11369-6',
            resources: [
              { resourceType: 'Immunization', status: 'not-done', vaccineCode: { text: 'ROR' }, patient: subject, occurrenceDateTime: '2020' },
              { resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'ROR' }, patient: subject, occurrenceString: 'enfance' },
              { resourceType: 'Immunization', status: 'completed', vaccineCode: {}, patient: subject, occurrenceDateTime: '2020' },
            ],
          },
          { code: '11450-4', resources: [{ resourceType: 'Condition', code: { text: 'Diabète' }, subject, onsetDateTime: '2020', abatementDateTime: '2019' }] },
          { code: '18776-5', resources: [{ resourceType: 'CarePlan' }, { resourceType: 'CarePlan' }] },
          { code: '10160-0', resources: [{ resourceType: 'MedicationStatement', status: 'entered-in-error', medicationCodeableConcept: { text: 'X' }, subject }] },
        ],
      ),
    );
    expect(ips.entries).toEqual([]);
    expect(ips.problems).toEqual([
      { type: 'Skipped', resourceType: 'Immunization', reason: 'not-done', name: 'ROR' },
      { type: 'Skipped', resourceType: 'Immunization', reason: 'no-date', name: 'ROR' },
      { type: 'Skipped', resourceType: 'Immunization', reason: 'no-name', name: null },
      // The end before the start: refused by the profile's own rules.
      { type: 'Skipped', resourceType: 'Condition', reason: 'invalid', name: 'Diabète' },
      { type: 'Skipped', resourceType: 'MedicationStatement', reason: 'entered-in-error', name: 'X' },
      { type: 'Unsupported', resourceType: 'CarePlan', count: 2 },
    ]);
  });

  it('a section entry that does not resolve is reported', () => {
    const text = bundle([{ code: '48765-2', resources: [] }]).replace('"title":"48765-2"', '"title":"48765-2","entry":[{"reference":"urn:uuid:nowhere","display":"Ailleurs"}]');
    expect(imported(text).problems).toEqual([{ type: 'Skipped', resourceType: 'unknown', reason: 'unresolved-reference', name: 'Ailleurs' }]);
  });

  it('never throws on a truncated or altered file', () => {
    for (const name of [MINIMAL, FULL_XML]) {
      const bytes = fixture(name);
      for (let end = 0; end < bytes.length; end += 97) expect(() => parseIps(bytes.subarray(0, end))).not.toThrow();
      // A seeded walk of single-byte changes.
      let seed = 0x2545f491;
      for (let i = 0; i < 300; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const copy = bytes.slice();
        copy[seed % copy.length] = (seed >>> 8) & 0xff;
        expect(() => parseIps(copy)).not.toThrow();
      }
    }
  });
});

describe('planProfileImport', () => {
  const note = { note: '', documents: [] } as const;

  it('recognises an allergy by its code whatever its wording, and a treatment by its folded name', () => {
    const existing: ProfileEntry[] = [
      { section: 'allergy', substance: 'Pénicilline', type: 'allergy', reaction: 'urticaire', severity: 'severe', since: null, code: { system: SNOMED_OID, code: '373270004', display: null }, ...note },
      { section: 'treatment', medicine: 'PRODUCT containing Anastrozole', dose: '', schedule: '', prescriber: '', start: '2015', end: null, code: null, ...note },
    ];
    const ips = imported(fixture(MINIMAL));
    const plan = planProfileImport(existing, ips.entries);
    expect(plan.add).toEqual([ips.entries[0]]);
    expect(plan.duplicates).toEqual([
      { incoming: ips.entries[1], existing: existing[1] },
      { incoming: ips.entries[2], existing: existing[0] },
    ]);
  });

  it('a condition with dates that cannot mean the same time is new', () => {
    const existing: ProfileEntry[] = [{ section: 'condition', name: 'menopausal  flushing', type: 'illness', start: '2010', end: null, active: true, code: null, ...note }];
    expect(planProfileImport(existing, imported(fixture(MINIMAL)).entries).add).toHaveLength(3);
  });

  it('an identity that differs is a conflict, never added; the same one is a duplicate', () => {
    const ips = imported(fixture(MINIMAL));
    if (ips.identity === null) throw new Error('no identity');
    const mine: ProfileEntry = { section: 'identity', givenName: 'Léa', familyName: 'Durand', birthDate: null, sex: null, bloodGroup: null, ...note };
    expect(planProfileImport([mine], [ips.identity])).toEqual({ add: [], duplicates: [], conflicts: [{ incoming: ips.identity, existing: mine }] });
    expect(planProfileImport([{ ...ips.identity, givenName: 'MARTHA' }], [ips.identity]).duplicates).toHaveLength(1);
    expect(planProfileImport([], [ips.identity]).add).toEqual([ips.identity]);
  });

  it('vaccinations: the VAC document twice gives only duplicates; two doses on one day stay two', () => {
    const vac = readCdaVaccinations(fixture('cda/VAC_2023.01.xml'));
    if (!vac.ok) throw new Error('VAC');
    const first = planProfileImport([], vac.value.entries);
    // The two tetanus injections share the product and the day but not the lot nor the rank.
    expect(first.add).toHaveLength(4);
    expect(first.duplicates).toEqual([]);
    const again = planProfileImport(first.add, vac.value.entries);
    expect(again.add).toEqual([]);
    expect(again.duplicates).toHaveLength(4);
  });

  it('vaccinations: "grippe" written by the patient is the influenza vaccine of the same day', () => {
    const mine: ProfileEntry = { section: 'vaccination', vaccine: 'grippe', targets: ['influenza'], date: '2023-10', doseNumber: null, batch: '', performer: '', code: null, ...note };
    const ips = imported(bundle([{ code: '11369-6', resources: [{ resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'Vaxigrip Tetra' }, patient: subject, occurrenceDateTime: '2023-10-17' }] }]));
    expect(planProfileImport([mine], ips.entries)).toMatchObject({ add: [], duplicates: [{ existing: mine }] });
    const later = imported(bundle([{ code: '11369-6', resources: [{ resourceType: 'Immunization', status: 'completed', vaccineCode: { text: 'Vaxigrip Tetra' }, patient: subject, occurrenceDateTime: '2024-10-17' }] }]));
    expect(planProfileImport([mine], later.entries).add).toHaveLength(1);
  });
});

describe('hostile shapes', () => {
  it('a long chain of result panels is walked without recursion', () => {
    const count = 20_000;
    const extra = Array.from({ length: count }, (_, i) => ({
      fullUrl: `urn:uuid:chain-${i}`,
      resource: { resourceType: 'Observation', status: 'final', code: { text: 'panel' }, hasMember: i + 1 < count ? [{ reference: `urn:uuid:chain-${i + 1}` }] : undefined },
    }));
    const text = bundle([{ code: '30954-2', resources: [] }], extra).replace('"title":"30954-2"', '"title":"30954-2","entry":[{"reference":"urn:uuid:chain-0"}]');
    expect(imported(text).problems).toEqual([{ type: 'Unsupported', resourceType: 'Observation', count: 1 }]);
  });
});
