/**
 * The health profile as an HL7 International Patient Summary: a FHIR R4 (4.0.1) `document`
 * Bundle following the IPS implementation guide 1.1 (http://hl7.org/fhir/uv/ips/STU1.1). The
 * Composition comes first (LOINC 60591-5, "Patient summary Document"), then the Patient, then
 * every resource a section lists.
 *
 * Sections: allergies (48765-2), medication (10160-0) and problems (11450-4) are always there;
 * when the profile has nothing for one, it holds the IPS "known absent" entry of the 1.1 code
 * system absent-unknown-uv-ips (an AllergyIntolerance coded `no-known-allergies`, and so on),
 * as the guide requires an entry in each. Past illnesses (11348-0), procedures (47519-4),
 * immunizations (11369-6), vital signs (8716-3), results (30954-2) and advance directives
 * (42348-3) are written only when the profile knows something for them. Advance directives are
 * narrative only, which the guide allows: R4 Consent requires a policy and a scope Carnet does not
 * record.
 *
 * What must stay true: the patient's own words go out as written (French stays French); every
 * narrative is generated XHTML with all text escaped; the output passes validateIpsStructure.
 * Pure: the time and the ids come in. Carnet's own terms live under CARNET_FHIR: never change
 * them, only add.
 */
import { CARNET_FHIR, codeSystemUri, fhirString, LOINC_URL } from '../export/fhir-documents.ts';
import type { TypeCode } from '../records/document-classes.ts';
import type { Issue } from '../validate.ts';
import {
  partialDateEnd,
  type AllergyEntry,
  type ConditionEntry,
  type IdentityEntry,
  type MeasurementEntry,
  type ProfileEntry,
  type TreatmentEntry,
  type VaccinationEntry,
  type WishEntry,
} from './entry.ts';

// --- terms ----------------------------------------------------------------------------------------

/** IPS 1.1 code system for "known absent" and "not known" data. */
export const ABSENT_UNKNOWN_SYSTEM = 'http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips';
export const SNOMED_URL = 'http://snomed.info/sct';
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
/** The diseases a vaccination protects against; codes are vaccines.ts's VACCINE_TARGETS. */
export const VACCINE_TARGET_SYSTEM = `${CARNET_FHIR}/CodeSystem/vaccine-target`;
/** What kind of condition entry a Condition was (only `hospitalisation` is written). */
export const CONDITION_TYPE_SYSTEM = `${CARNET_FHIR}/CodeSystem/condition-type`;
/** Who prescribed a treatment, as the patient wrote it (valueString). */
export const PRESCRIBER_EXTENSION = `${CARNET_FHIR}/StructureDefinition/prescriber`;

const UCUM_URL = 'http://unitsofmeasure.org';
const XHTML = 'http://www.w3.org/1999/xhtml';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** The IPS sections by their LOINC code, with the resource types IPS 1.1 allows in each. */
export const IPS_SECTIONS = {
  allergies: { code: '48765-2', display: 'Allergies and adverse reactions Document', title: 'Allergies and Intolerances', types: ['AllergyIntolerance'] },
  medications: { code: '10160-0', display: 'History of Medication use Narrative', title: 'Medication Summary', types: ['MedicationStatement', 'MedicationRequest'] },
  problems: { code: '11450-4', display: 'Problem list - Reported', title: 'Problem List', types: ['Condition'] },
  procedures: { code: '47519-4', display: 'History of Procedures Document', title: 'History of Procedures', types: ['Procedure'] },
  immunizations: { code: '11369-6', display: 'History of Immunization Narrative', title: 'Immunizations', types: ['Immunization'] },
  devices: { code: '46264-8', display: 'History of medical device use', title: 'Medical Devices', types: ['DeviceUseStatement'] },
  results: { code: '30954-2', display: 'Relevant diagnostic tests/laboratory data Narrative', title: 'Results', types: ['Observation', 'DiagnosticReport'] },
  vitalSigns: { code: '8716-3', display: 'Vital signs', title: 'Vital Signs', types: ['Observation'] },
  pastIllness: { code: '11348-0', display: 'History of Past illness Narrative', title: 'History of Past Illness', types: ['Condition'] },
  functionalStatus: { code: '47420-5', display: 'Functional status assessment note', title: 'Functional Status', types: ['Condition', 'ClinicalImpression'] },
  planOfCare: { code: '18776-5', display: 'Plan of care note', title: 'Plan of Care', types: ['CarePlan'] },
  socialHistory: { code: '29762-2', display: 'Social history Narrative', title: 'Social History', types: ['Observation'] },
  pregnancy: { code: '10162-6', display: 'History of pregnancies Narrative', title: 'History of Pregnancy', types: ['Observation'] },
  advanceDirectives: { code: '42348-3', display: 'Advance directives', title: 'Advance Directives', types: ['Consent'] },
} as const;
export const REQUIRED_IPS_SECTIONS = ['allergies', 'medications', 'problems'] as const;

/** The "no known" entries written when a required section is empty (absent-unknown-uv-ips 1.1). */
export const NO_KNOWN = {
  allergies: { code: 'no-known-allergies', display: 'No known allergies' },
  medications: { code: 'no-known-medications', display: 'No known medications' },
  problems: { code: 'no-known-problems', display: 'No known problems' },
} as const;

/** Measurements and results that are vital signs (FHIR R4 vital signs profile codes). */
const VITAL_SIGNS = new Set(['29463-7', '8302-2', '39156-5', '8867-4', '8310-5', '9279-1', '2708-6', '59408-5', '85354-9', '8480-6', '8462-4', '8287-5', '9843-4', '8280-0']);
export const LOINC_BODY_HEIGHT = { code: '8302-2', display: 'Body height' } as const;
export const LOINC_WAIST = { code: '8280-0', display: 'Waist Circumference at umbilicus by Tape measure' } as const;
export const LOINC_BLOOD_GROUP = { code: '882-1', display: 'ABO and Rh group [Type] in Blood' } as const;

/** Code systems FHIR names by a URL, and the OIDs Carnet stores them under (CDA's names). */
export const URL_OF_SYSTEM: Readonly<Record<string, string>> = {
  '2.16.840.1.113883.6.1': LOINC_URL,
  '2.16.840.1.113883.6.96': SNOMED_URL,
  '2.16.840.1.113883.6.73': 'http://www.whocc.no/atc',
  '2.16.840.1.113883.6.3': 'http://hl7.org/fhir/sid/icd-10',
  '2.16.840.1.113883.12.292': 'http://hl7.org/fhir/sid/cvx',
  '2.16.840.1.113883.6.8': UCUM_URL,
};

/** A stored code system as FHIR names it: its URL when FHIR has one, else `urn:oid:`, else as stored. */
export function systemToFhir(system: string): string | undefined {
  return URL_OF_SYSTEM[system.trim()] ?? codeSystemUri(system);
}

// --- input and output ---------------------------------------------------------------------------

/** A latest result to show in the summary (the latest weight, an HbA1c). */
export interface IpsResult {
  readonly loinc: string;
  readonly display: string;
  readonly value: number;
  /** UCUM. */
  readonly unit: string;
  /** UTC milliseconds. */
  readonly time: number;
}

export interface IpsExportInput {
  readonly entries: readonly ProfileEntry[];
  readonly results?: readonly IpsResult[];
  /** UTC milliseconds: the document's date. */
  readonly now: number;
  /** A fresh UUID (lowercase, 8-4-4-4-12) per call: the fullUrls and the Bundle's identifier. */
  readonly newId: () => string;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}
export interface FhirResource extends JsonObject {
  readonly resourceType: string;
}
export interface IpsBundle extends JsonObject {
  readonly resourceType: 'Bundle';
  readonly identifier: { readonly system: string; readonly value: string };
  readonly type: 'document';
  readonly timestamp: string;
  readonly entry: readonly { readonly fullUrl: string; readonly resource: FhirResource }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// --- export -------------------------------------------------------------------------------------

interface Section {
  readonly key: keyof typeof IPS_SECTIONS;
  readonly items: { readonly fullUrl: string; readonly line: string }[];
  /** Narrative-only sections (advance directives). */
  readonly lines?: readonly string[];
}

export function exportIps(input: IpsExportInput): IpsBundle {
  const { now } = input;
  const timestamp = new Date(now).toISOString();
  const today = timestamp.slice(0, 10);
  const uuid = () => {
    const id = input.newId();
    if (!UUID.test(id)) throw new Error('exportIps: newId must return a lowercase UUID');
    return id;
  };
  const entries: { fullUrl: string; resource: FhirResource }[] = [];
  const add = (resource: FhirResource): string => {
    const id = uuid();
    const fullUrl = `urn:uuid:${id}`;
    entries.push({ fullUrl, resource: { ...resource, id } as FhirResource });
    return fullUrl;
  };

  const compositionId = uuid();
  const identity = input.entries.find((entry): entry is IdentityEntry => entry.section === 'identity') ?? null;
  const patientUrl = add(patientOf(identity));
  const patient = { reference: patientUrl };
  const sections: Section[] = [];
  const sectionOf = (key: Section['key']): Section => {
    let section = sections.find((s) => s.key === key);
    if (section === undefined) {
      section = { key, items: [] };
      sections.push(section);
    }
    return section;
  };
  // The three required sections first, in the guide's order.
  for (const key of REQUIRED_IPS_SECTIONS) sectionOf(key);

  const of = <S extends ProfileEntry['section']>(section: S) => input.entries.filter((entry): entry is Extract<ProfileEntry, { section: S }> => entry.section === section);
  for (const allergy of of('allergy')) sectionOf('allergies').items.push({ fullUrl: add(allergyOf(allergy, patient)), line: allergyLine(allergy) });
  for (const treatment of of('treatment')) sectionOf('medications').items.push({ fullUrl: add(treatmentOf(treatment, patient, today)), line: treatmentLine(treatment) });
  const conditions = of('condition');
  for (const condition of conditions.filter((c) => c.type !== 'operation' && c.active))
    sectionOf('problems').items.push({ fullUrl: add(conditionOf(condition, patient)), line: conditionLine(condition) });
  for (const condition of conditions.filter((c) => c.type !== 'operation' && !c.active))
    sectionOf('pastIllness').items.push({ fullUrl: add(conditionOf(condition, patient)), line: conditionLine(condition) });
  for (const operation of conditions.filter((c) => c.type === 'operation'))
    sectionOf('procedures').items.push({ fullUrl: add(procedureOf(operation, patient)), line: conditionLine(operation) });
  for (const vaccination of of('vaccination')) sectionOf('immunizations').items.push({ fullUrl: add(immunizationOf(vaccination, patient)), line: vaccinationLine(vaccination) });

  for (const observation of observationsOf(of('measurement'), input.results ?? [], identity)) {
    const key = VITAL_SIGNS.has(observation.loinc) ? 'vitalSigns' : 'results';
    sectionOf(key).items.push({ fullUrl: add(observationOf(observation, patient)), line: observation.line });
  }

  const wishes = of('wish').filter((wish) => wish.type !== 'other' && (wish.text.trim() !== '' || wish.stance !== null));
  if (wishes.length > 0) sections.push({ key: 'advanceDirectives', items: [], lines: wishes.map(wishLine) });

  // The known-absent entries, for required sections the profile has nothing for.
  for (const key of REQUIRED_IPS_SECTIONS) {
    const section = sectionOf(key);
    if (section.items.length > 0) continue;
    const absent = NO_KNOWN[key];
    section.items.push({ fullUrl: add(absentOf(key, patient, today)), line: absent.display });
  }

  const composition: FhirResource = {
    resourceType: 'Composition',
    id: compositionId,
    status: 'final',
    type: { coding: [{ system: LOINC_URL, code: '60591-5', display: 'Patient summary Document' }] },
    subject: patient,
    date: timestamp,
    // The patient keeps this summary: they are its author.
    author: [patient],
    title: 'Patient Summary',
    section: sections.map(sectionJson),
  };
  return compact({
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuid()}` },
    type: 'document',
    timestamp,
    entry: [{ fullUrl: `urn:uuid:${compositionId}`, resource: composition }, ...entries],
  });
}

/** Our own tree without its `undefined` members, so that it is plain JSON as it stands. */
function compact<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item: JsonValue) => compact(item)) as unknown as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key] = compact(child);
  return out as T;
}

function sectionJson(section: Section): JsonObject {
  const definition = IPS_SECTIONS[section.key];
  const lines = section.lines ?? section.items.map((item) => item.line);
  return {
    title: definition.title,
    code: { coding: [{ system: LOINC_URL, code: definition.code, display: definition.display }] },
    text: { status: 'generated', div: narrative(lines) },
    entry: section.items.length === 0 ? undefined : section.items.map((item) => ({ reference: item.fullUrl })),
  };
}

// --- resources ----------------------------------------------------------------------------------

type Ref = { readonly reference: string };

function patientOf(identity: IdentityEntry | null): FhirResource {
  const given = identity === null ? undefined : fhirString(identity.givenName);
  const family = identity === null ? undefined : fhirString(identity.familyName);
  const named = given !== undefined || family !== undefined;
  return {
    resourceType: 'Patient',
    // IPS requires a name and a birth date: when unknown, say so rather than invent one.
    name: [named ? { family, given: given === undefined ? undefined : [given] } : absentReason('unknown')],
    gender: identity?.sex ?? undefined,
    birthDate: identity?.birthDate ?? undefined,
    _birthDate: identity?.birthDate === null || identity === null ? absentReason('unknown') : undefined,
  };
}

function allergyOf(allergy: AllergyEntry, patient: Ref): FhirResource {
  const reaction = fhirString(allergy.reaction);
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: concept(ALLERGY_CLINICAL, 'active'),
    type: allergy.type,
    code: codeableConcept(allergy.code, allergy.substance),
    patient,
    onsetDateTime: allergy.since ?? undefined,
    // A severity without a described reaction keeps its place with the manifestation marked unknown.
    reaction:
      reaction === undefined && allergy.severity === null
        ? undefined
        : [{ manifestation: [reaction === undefined ? absentReason('unknown') : { text: reaction }], severity: allergy.severity ?? undefined }],
    note: annotation(allergy.note),
  };
}

function treatmentOf(treatment: TreatmentEntry, patient: Ref, today: string): FhirResource {
  const ended = treatment.end !== null && partialDateEnd(treatment.end) < today;
  const dose = fhirString(treatment.dose);
  const schedule = fhirString(treatment.schedule);
  const prescriber = fhirString(treatment.prescriber);
  const period = treatment.start === null && treatment.end === null ? undefined : { start: treatment.start ?? undefined, end: treatment.end ?? undefined };
  return {
    resourceType: 'MedicationStatement',
    extension: prescriber === undefined ? undefined : [{ url: PRESCRIBER_EXTENSION, valueString: prescriber }],
    status: ended ? 'completed' : 'active',
    medicationCodeableConcept: codeableConcept(treatment.code, treatment.medicine),
    subject: patient,
    effectivePeriod: period,
    // IPS requires effective[x]: when no date is known, it is marked unknown.
    _effectiveDateTime: period === undefined ? absentReason('unknown') : undefined,
    dosage:
      dose === undefined && schedule === undefined
        ? undefined
        : [{ text: dose, timing: schedule === undefined ? undefined : { code: { text: schedule } } }],
    note: annotation(treatment.note),
  };
}

function conditionOf(condition: ConditionEntry, patient: Ref): FhirResource {
  const category: JsonObject[] = [{ coding: [{ system: CONDITION_CATEGORY, code: 'problem-list-item', display: 'Problem List Item' }] }];
  if (condition.type === 'hospitalisation') category.push({ coding: [{ system: CONDITION_TYPE_SYSTEM, code: 'hospitalisation' }] });
  return {
    resourceType: 'Condition',
    clinicalStatus: concept(CONDITION_CLINICAL, condition.active ? 'active' : condition.end === null ? 'inactive' : 'resolved'),
    category,
    code: codeableConcept(condition.code, condition.name),
    subject: patient,
    onsetDateTime: condition.start ?? undefined,
    abatementDateTime: condition.end ?? undefined,
    note: annotation(condition.note),
  };
}

function procedureOf(operation: ConditionEntry, patient: Ref): FhirResource {
  const performed =
    operation.end !== null && operation.end !== operation.start
      ? { performedPeriod: { start: operation.start ?? undefined, end: operation.end } }
      : operation.start !== null
        ? { performedDateTime: operation.start }
        : { _performedDateTime: absentReason('unknown') };
  return {
    resourceType: 'Procedure',
    status: 'completed',
    code: codeableConcept(operation.code, operation.name),
    subject: patient,
    ...performed,
    note: annotation(operation.note),
  };
}

function immunizationOf(vaccination: VaccinationEntry, patient: Ref): FhirResource {
  const performer = fhirString(vaccination.performer);
  const dose = vaccination.doseNumber === null ? { _doseNumberPositiveInt: absentReason('unknown') } : { doseNumberPositiveInt: vaccination.doseNumber };
  const protocol =
    vaccination.targets.length === 0 && vaccination.doseNumber === null
      ? undefined
      : [{ targetDisease: vaccination.targets.length === 0 ? undefined : vaccination.targets.map((target) => ({ coding: [{ system: VACCINE_TARGET_SYSTEM, code: target }] })), ...dose }];
  return {
    resourceType: 'Immunization',
    status: 'completed',
    vaccineCode: codeableConcept(vaccination.code, vaccination.vaccine),
    patient,
    occurrenceDateTime: vaccination.date,
    lotNumber: fhirString(vaccination.batch),
    performer: performer === undefined ? undefined : [{ actor: { display: performer } }],
    note: annotation(vaccination.note),
    protocolApplied: protocol,
  };
}

function absentOf(key: (typeof REQUIRED_IPS_SECTIONS)[number], patient: Ref, today: string): FhirResource {
  const code = { coding: [{ system: ABSENT_UNKNOWN_SYSTEM, ...NO_KNOWN[key] }] };
  switch (key) {
    // The clinical status means nothing for "none known", but R4 requires one; "active" is what
    // the guide's own examples write.
    case 'allergies':
      return { resourceType: 'AllergyIntolerance', clinicalStatus: concept(ALLERGY_CLINICAL, 'active'), code, patient };
    case 'medications':
      return { resourceType: 'MedicationStatement', status: 'unknown', medicationCodeableConcept: code, subject: patient, effectiveDateTime: today };
    case 'problems':
      return { resourceType: 'Condition', clinicalStatus: concept(CONDITION_CLINICAL, 'active'), code, subject: patient };
  }
}

interface PlannedObservation {
  readonly loinc: string;
  readonly display: string;
  readonly category: 'vital-signs' | 'laboratory';
  readonly effective: string;
  /** For choosing the latest of one code. */
  readonly sortKey: string;
  readonly value: JsonObject;
  readonly line: string;
}

/** The latest height and waist of the profile, the blood group, and the results passed in (the latest of each code). */
function observationsOf(measurements: readonly MeasurementEntry[], results: readonly IpsResult[], identity: IdentityEntry | null): PlannedObservation[] {
  const latest = new Map<string, PlannedObservation>();
  const offer = (observation: PlannedObservation) => {
    const known = latest.get(observation.loinc);
    if (known === undefined || known.sortKey < observation.sortKey) latest.set(observation.loinc, observation);
  };
  for (const measurement of measurements) {
    if (measurement.type === 'other') continue; // no agreed code: the label is the patient's own
    const term = measurement.type === 'height' ? LOINC_BODY_HEIGHT : LOINC_WAIST;
    offer({
      loinc: term.code,
      display: term.display,
      category: 'vital-signs',
      effective: measurement.date,
      sortKey: measurement.date,
      value: { valueQuantity: quantity(measurement.value, 'cm') },
      line: `${term.display}: ${measurement.value} cm (${measurement.date})`,
    });
  }
  for (const result of results) {
    if (!Number.isFinite(result.value) || !Number.isSafeInteger(result.time)) throw new Error('exportIps: a result needs a finite value and a time in milliseconds');
    const effective = new Date(result.time).toISOString();
    offer({
      loinc: result.loinc,
      display: result.display,
      category: VITAL_SIGNS.has(result.loinc) ? 'vital-signs' : 'laboratory',
      effective,
      sortKey: effective,
      value: { valueQuantity: quantity(result.value, result.unit) },
      line: `${result.display}: ${result.value} ${result.unit} (${effective.slice(0, 10)})`,
    });
  }
  const out = [...latest.values()];
  if (identity?.bloodGroup !== null && identity?.bloodGroup !== undefined) {
    // Carnet knows the group as the patient wrote it, not from a dated lab result: no date, no code.
    out.push({
      loinc: LOINC_BLOOD_GROUP.code,
      display: LOINC_BLOOD_GROUP.display,
      category: 'laboratory',
      effective: '',
      sortKey: '',
      value: { valueCodeableConcept: { text: identity.bloodGroup } },
      line: `${LOINC_BLOOD_GROUP.display}: ${identity.bloodGroup}`,
    });
  }
  return out;
}

function observationOf(observation: PlannedObservation, patient: Ref): FhirResource {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [concept(OBSERVATION_CATEGORY, observation.category)],
    code: { coding: [{ system: LOINC_URL, code: observation.loinc, display: fhirString(observation.display) }] },
    subject: patient,
    effectiveDateTime: observation.effective === '' ? undefined : observation.effective,
    _effectiveDateTime: observation.effective === '' ? absentReason('unknown') : undefined,
    ...observation.value,
  };
}

function quantity(value: number, unit: string): JsonObject {
  const code = fhirString(unit);
  return { value, unit: code, system: code === undefined ? undefined : UCUM_URL, code };
}

// --- datatypes ----------------------------------------------------------------------------------

function concept(system: string, code: string): JsonObject {
  return { coding: [{ system, code }] };
}

/** The patient's wording as `text`, the stored code (if any) as the coding. */
function codeableConcept(code: TypeCode | null, text: string): JsonObject {
  const system = code === null ? undefined : systemToFhir(code.system);
  const coding = code === null || system === undefined ? undefined : [{ system, code: code.code, display: code.display === null ? undefined : fhirString(code.display) }];
  return { coding, text: fhirString(text) };
}

function annotation(note: string): JsonObject[] | undefined {
  const text = fhirString(note);
  return text === undefined ? undefined : [{ text }];
}

function absentReason(code: 'unknown' | 'asked-unknown' | 'not-applicable'): JsonObject {
  return { extension: [{ url: DATA_ABSENT_REASON, valueCode: code }] };
}

// --- narrative ----------------------------------------------------------------------------------

function dated(text: string, from: string | null, to: string | null = null): string {
  if (from === null && to === null) return text;
  return `${text} (${from ?? '…'}${to === null ? '' : ` – ${to}`})`;
}

function joined(...parts: readonly string[]): string {
  return parts.map((part) => part.trim()).filter((part) => part !== '').join(' — ');
}

const allergyLine = (a: AllergyEntry) => joined(dated(a.substance, a.since), a.reaction, a.severity ?? '', a.note);
const treatmentLine = (t: TreatmentEntry) => joined(dated(t.medicine, t.start, t.end), t.dose, t.schedule, t.prescriber, t.note);
const conditionLine = (c: ConditionEntry) => joined(dated(c.name, c.start, c.end), c.note);
const vaccinationLine = (v: VaccinationEntry) => joined(dated(v.vaccine, v.date), v.doseNumber === null ? '' : `#${v.doseNumber}`, v.batch, v.performer, v.note);
const wishLine = (w: WishEntry) => joined(dated(w.type === 'organ-donation' ? `organ-donation: ${w.stance ?? 'undecided'}` : w.type, w.date), w.text);

/** A generated XHTML div: one list item per line, every character of content escaped. */
export function narrative(lines: readonly string[]): string {
  const items = lines.map((line) => `<li>${escapeXhtml(line)}</li>`).join('');
  return `<div xmlns="${XHTML}"><ul>${items}</ul></div>`;
}

function escapeXhtml(text: string): string {
  // Control characters are not allowed in XML at all: dropped, as fhirString does.
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// --- structural validation ----------------------------------------------------------------------

/**
 * The IPS rules that can be checked without terminology or profiles: a `document` Bundle with an
 * identifier and a timestamp; unique fullUrls; the Composition first, typed 60591-5, with a
 * subject that is a Patient in the Bundle, a date, an author and a title; the allergies,
 * medication and problems sections present once each and holding an entry (or an emptyReason);
 * every section with a title, a code and a generated XHTML narrative, and entries that resolve
 * inside the Bundle to resources of the types the section allows; every reference anywhere in
 * the Bundle resolvable. Empty when all hold.
 */
export function validateIpsStructure(bundle: unknown): Issue[] {
  const issues: Issue[] = [];
  const fail = (path: string, problem: string) => issues.push({ path, problem });
  if (!isObject(bundle) || bundle['resourceType'] !== 'Bundle') {
    fail('Bundle', 'not a Bundle');
    return issues;
  }
  if (bundle['type'] !== 'document') fail('Bundle.type', 'not document');
  if (!isObject(bundle['identifier']) || typeof bundle['identifier']['value'] !== 'string') fail('Bundle.identifier', 'missing');
  if (typeof bundle['timestamp'] !== 'string') fail('Bundle.timestamp', 'missing');
  const entries = Array.isArray(bundle['entry']) ? bundle['entry'] : [];
  if (entries.length === 0) {
    fail('Bundle.entry', 'empty');
    return issues;
  }
  const resolver = createResolver(entries);
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const fullUrl = isObject(entry) ? entry['fullUrl'] : undefined;
    if (typeof fullUrl !== 'string' || fullUrl === '') fail(`Bundle.entry[${index}].fullUrl`, 'missing');
    else if (seen.has(fullUrl)) fail(`Bundle.entry[${index}].fullUrl`, 'not unique');
    else seen.add(fullUrl);
    if (!isObject(entry) || !isObject(entry['resource']) || typeof entry['resource']['resourceType'] !== 'string') fail(`Bundle.entry[${index}].resource`, 'missing');
  });

  const first = entries[0];
  const composition = isObject(first) && isObject(first['resource']) ? first['resource'] : null;
  if (composition === null || composition['resourceType'] !== 'Composition') {
    fail('Bundle.entry[0]', 'not a Composition');
    return issues;
  }
  const baseOf = (index: number): string | null => {
    const entry = entries[index];
    return isObject(entry) && typeof entry['fullUrl'] === 'string' ? entry['fullUrl'] : null;
  };
  const composed = baseOf(0);
  const codings = isObject(composition['type']) && Array.isArray(composition['type']['coding']) ? composition['type']['coding'] : [];
  if (!codings.some((c) => isObject(c) && c['system'] === LOINC_URL && c['code'] === '60591-5')) fail('Composition.type', 'not LOINC 60591-5');
  if (typeof composition['status'] !== 'string') fail('Composition.status', 'missing');
  if (typeof composition['date'] !== 'string') fail('Composition.date', 'missing');
  if (typeof composition['title'] !== 'string' || composition['title'].trim() === '') fail('Composition.title', 'missing');
  if (!Array.isArray(composition['author']) || composition['author'].length === 0) fail('Composition.author', 'missing');
  const subject = isObject(composition['subject']) ? composition['subject']['reference'] : undefined;
  if (typeof subject !== 'string') fail('Composition.subject', 'missing');
  else if (resolver.resolve(subject, composed)?.['resourceType'] !== 'Patient') fail('Composition.subject', 'not a Patient in the Bundle');

  const sections = Array.isArray(composition['section']) ? composition['section'] : [];
  if (sections.length === 0) fail('Composition.section', 'missing');
  const definitions = Object.values(IPS_SECTIONS);
  const counts = new Map<string, number>();
  sections.forEach((section, index) => {
    const path = `Composition.section[${index}]`;
    if (!isObject(section)) {
      fail(path, 'not an object');
      return;
    }
    const code = isObject(section['code']) && Array.isArray(section['code']['coding'])
      ? section['code']['coding'].find((c) => isObject(c) && c['system'] === LOINC_URL && typeof c['code'] === 'string')
      : undefined;
    const loinc = isObject(code) ? (code['code'] as string) : null;
    if (loinc === null) fail(`${path}.code`, 'missing a LOINC code');
    else counts.set(loinc, (counts.get(loinc) ?? 0) + 1);
    if (typeof section['title'] !== 'string' || section['title'].trim() === '') fail(`${path}.title`, 'missing');
    const text = section['text'];
    if (!isObject(text) || typeof text['status'] !== 'string' || typeof text['div'] !== 'string' || !/^<div\s[^>]*xmlns=["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(text['div']))
      fail(`${path}.text`, 'missing a narrative');
    if (section['section'] !== undefined) fail(`${path}.section`, 'IPS sections do not nest');
    const allowed = definitions.find((definition) => definition.code === loinc)?.types as readonly string[] | undefined;
    const list = Array.isArray(section['entry']) ? section['entry'] : [];
    if (list.length > 0 && section['emptyReason'] !== undefined) fail(`${path}.emptyReason`, 'present with entries');
    list.forEach((reference, at) => {
      const target = isObject(reference) ? reference['reference'] : undefined;
      const resource = typeof target === 'string' ? resolver.resolve(target, composed) : null;
      if (resource === null) fail(`${path}.entry[${at}]`, 'does not resolve inside the Bundle');
      else if (allowed !== undefined && !allowed.includes(resource['resourceType'] as string)) fail(`${path}.entry[${at}]`, `${String(resource['resourceType'])} is not allowed here`);
    });
    if (REQUIRED_IPS_SECTIONS.some((key) => IPS_SECTIONS[key].code === loinc) && list.length === 0 && section['emptyReason'] === undefined)
      fail(path, 'a required section needs an entry or an emptyReason');
  });
  for (const key of REQUIRED_IPS_SECTIONS) {
    const count = counts.get(IPS_SECTIONS[key].code) ?? 0;
    if (count !== 1) fail('Composition.section', `${count === 0 ? 'missing' : 'more than one'} ${key} section (${IPS_SECTIONS[key].code})`);
  }

  // Every reference anywhere in the Bundle, found without recursion (a hostile file can nest deep).
  entries.forEach((entry, index) => {
    if (!isObject(entry) || !isObject(entry['resource'])) return;
    const stack: { value: unknown; path: string }[] = [{ value: entry['resource'], path: `Bundle.entry[${index}].resource` }];
    while (stack.length > 0) {
      const { value, path } = stack.pop() as { value: unknown; path: string };
      if (Array.isArray(value)) value.forEach((item, at) => stack.push({ value: item, path: `${path}[${at}]` }));
      else if (isObject(value)) {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'reference' && typeof child === 'string') {
            if (!child.startsWith('#') && resolver.resolve(child, baseOf(index)) === null) fail(`${path}.reference`, 'does not resolve inside the Bundle');
          } else if (key !== 'contained') stack.push({ value: child, path: `${path}.${key}` });
        }
      }
    }
  });
  return issues;
}

// --- references (shared with ips-import.ts) -----------------------------------------------------

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Resolver {
  /** The resource a reference points at, relative to the fullUrl of the entry it is written in. */
  resolve(reference: string, base: string | null): Json | null;
}

const RELATIVE = /^([A-Za-z]{1,64})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * Reference resolution inside a Bundle (FHIR R4 §2.36.4.1): an absolute reference (`urn:uuid:`,
 * a URL) must equal a fullUrl; a relative one (`Patient/123`) is resolved against the base of the
 * referring entry's fullUrl when it is a RESTful URL, else matched by type and id.
 */
export function createResolver(entries: readonly unknown[]): Resolver {
  const byFullUrl = new Map<string, Json>();
  const byTypeAndId = new Map<string, Json>();
  for (const entry of entries) {
    if (!isObject(entry) || !isObject(entry['resource'])) continue;
    const resource = entry['resource'];
    if (typeof entry['fullUrl'] === 'string' && !byFullUrl.has(entry['fullUrl'])) byFullUrl.set(entry['fullUrl'], resource);
    if (typeof resource['resourceType'] === 'string' && typeof resource['id'] === 'string') {
      const key = `${resource['resourceType']}/${resource['id']}`;
      if (!byTypeAndId.has(key)) byTypeAndId.set(key, resource);
    }
  }
  return {
    resolve(reference, base) {
      const direct = byFullUrl.get(reference);
      if (direct !== undefined) return direct;
      const relative = RELATIVE.exec(reference);
      if (relative === null) return null;
      const local = `${relative[1]}/${relative[2]}`;
      const restBase = base === null ? null : /^(https?:\/\/.+)\/[A-Za-z]+\/[A-Za-z0-9\-.]+$/.exec(base)?.[1];
      if (restBase !== undefined && restBase !== null) {
        const absolute = byFullUrl.get(`${restBase}/${local}`);
        if (absolute !== undefined) return absolute;
      }
      return byTypeAndId.get(local) ?? null;
    },
  };
}
