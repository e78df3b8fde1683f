/**
 * Reads an HL7 International Patient Summary (a FHIR R4 `document` Bundle whose Composition is
 * LOINC 60591-5, http://hl7.org/fhir/uv/ips/STU1.1) in FHIR JSON or FHIR XML, and proposes what
 * it holds as profile entries, for the patient to review before anything is added:
 * AllergyIntolerance → allergy; MedicationStatement and MedicationRequest (with their Medication)
 * → treatment; Condition → condition; Procedure → operation; Immunization → vaccination (its
 * diseases guessed by vaccine-targets.ts); Consent → advance directive; the subject Patient (and a
 * blood group result) → the identity; body height and waist Observations → measurements.
 *
 * FHIR XML (https://hl7.org/fhir/R4/xml.html) is turned into the JSON shape first: a primitive's
 * `value` attribute is its value, its extensions go to `_name`, an element met more than once
 * becomes an array (readers here take one or many either way), `resource` and `contained` wrap a
 * resource named by its element, and the XHTML `div` is written back as a string.
 *
 * What must stay true: the file is untrusted. XML goes through xml.ts (bounded, no DOCTYPE), JSON
 * is size-bounded and walked without recursion; every failure is a typed value. Nothing is
 * dropped in silence: a resource Carnet cannot use is counted, one missing what an entry needs is
 * reported with its reason, and every proposed entry has passed parseProfileEntry.
 */
import { firstInvalidUtf8, parseXml, parseXmlBytes, textContent, type XmlElement } from '../importers/xml.ts';
import { fromUtf8 } from '../bytes.ts';
import type { TypeCode } from '../records/document-classes.ts';
import { err, ok, type Result } from '../result.ts';
import type { Invalid } from '../validate.ts';
import {
  foldName,
  isPartialDate,
  isSameVaccination,
  parseProfileEntry,
  partialDateEnd,
  partialDateStart,
  SEVERITIES,
  type IdentityEntry,
  type PartialDate,
  type ProfileEntry,
} from './entry.ts';
import {
  ABSENT_UNKNOWN_SYSTEM,
  CONDITION_TYPE_SYSTEM,
  createResolver,
  isObject,
  LOINC_BLOOD_GROUP,
  LOINC_BODY_HEIGHT,
  LOINC_WAIST,
  PRESCRIBER_EXTENSION,
  SNOMED_URL,
  URL_OF_SYSTEM,
  VACCINE_TARGET_SYSTEM,
  type Json,
} from './ips-export.ts';
import { isVaccineTarget, type VaccineTarget } from './vaccines.ts';
import { guessVaccineTargets } from './vaccine-targets.ts';

export const FHIR_NAMESPACE = 'http://hl7.org/fhir';
const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const LOINC_URL = URL_OF_SYSTEM['2.16.840.1.113883.6.1'] as string;
const TRANSLATION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/translation';

/**
 * Bounds for untrusted files. An IPS is small (the HL7 examples are 16 to 60 KB); one carrying
 * its documents in base64 may reach megabytes, hence 32 MiB. Depth 100 is far beyond FHIR's.
 */
export const IPS_LIMITS = { maxBytes: 32 * 1024 * 1024, maxDepth: 100, maxElements: 500_000 } as const;

export type IpsError =
  | { readonly type: 'IpsTooLarge'; readonly maxBytes: number }
  /** Not well-formed (damaged, cut short), not UTF-8, or an XML DOCTYPE. */
  | { readonly type: 'IpsUnreadable'; readonly format: 'json' | 'xml' | null; readonly detail: string }
  /** Well-formed, but not FHIR (no resourceType, another XML vocabulary such as a CDA). */
  | { readonly type: 'IpsNotFhir'; readonly detail: string }
  | { readonly type: 'IpsNotABundle'; readonly resourceType: string }
  | { readonly type: 'IpsNotADocument'; readonly bundleType: string | null }
  /** A FHIR document, but of another kind than a patient summary (the Composition's type code). */
  | { readonly type: 'IpsNotPatientSummary'; readonly code: string | null }
  /** A document Bundle that breaks the rules every reader relies on (no Composition first, no subject). */
  | Invalid;

export type IpsSkipReason = 'unresolved-reference' | 'no-name' | 'no-date' | 'not-done' | 'entered-in-error' | 'refuted' | 'invalid';

export type IpsProblem =
  /** A resource that was not turned into an entry, and why. */
  | { readonly type: 'Skipped'; readonly resourceType: string; readonly reason: IpsSkipReason; readonly name: string | null }
  /** Resources Carnet does not import (results other than height and waist, care plans…), by type. */
  | { readonly type: 'Unsupported'; readonly resourceType: string; readonly count: number }
  /** An entry named only by a code Carnet cannot put words on: kept, with the code as its name. */
  | { readonly type: 'UnknownCode'; readonly resourceType: string; readonly code: TypeCode }
  /** A vaccination whose diseases Carnet could not tell: kept, the patient is to choose them. */
  | { readonly type: 'VaccineTargetsUnknown'; readonly vaccine: string }
  /** A section with text but no entries (a plan of care written as prose): nothing to import. */
  | { readonly type: 'NarrativeOnly'; readonly title: string | null; readonly code: string | null };

/** A statement that something is known absent ("No known food allergies"). */
export interface IpsAbsence {
  readonly resourceType: string;
  readonly code: TypeCode;
}

export interface IpsImport {
  readonly format: 'json' | 'xml';
  readonly title: string | null;
  /** Composition.date as written. */
  readonly date: string | null;
  /** The Patient the summary is about, as an identity to compare with the profile's. */
  readonly identity: IdentityEntry | null;
  /** Proposed entries, identity excluded, in the document's order. */
  readonly entries: readonly ProfileEntry[];
  readonly absent: readonly IpsAbsence[];
  readonly problems: readonly IpsProblem[];
}

// --- parsing ------------------------------------------------------------------------------------

export function parseIps(bytes: Uint8Array): Result<IpsImport, IpsError> {
  if (bytes.length > IPS_LIMITS.maxBytes) return err({ type: 'IpsTooLarge', maxBytes: IPS_LIMITS.maxBytes });
  const read = readFhir(bytes);
  if (!read.ok) return read;
  const { format, root } = read.value;
  if (typeof root['resourceType'] !== 'string') return err({ type: 'IpsNotFhir', detail: 'no resourceType' });
  if (root['resourceType'] !== 'Bundle') return err({ type: 'IpsNotABundle', resourceType: bounded(root['resourceType']) });
  const bundleType = one(root, 'type');
  if (bundleType !== 'document') return err({ type: 'IpsNotADocument', bundleType: typeof bundleType === 'string' ? bounded(bundleType) : null });

  const entries = objects(root, 'entry');
  const first = object(entries[0] ?? null, 'resource');
  if (first === null || first['resourceType'] !== 'Composition') return err({ type: 'Invalid', issues: [{ path: 'Bundle.entry[0]', problem: 'not a Composition' }] });
  const typeCodes = readConcept(object(first, 'type')).codings;
  if (!typeCodes.some((c) => c.system === LOINC_URL && c.code === '60591-5')) {
    const code = typeCodes.find((c) => c.code !== null)?.code ?? null;
    return err({ type: 'IpsNotPatientSummary', code: code === null ? null : bounded(code) });
  }
  return ok(new Reader(format, entries).read(first));
}

interface Fhir {
  readonly format: 'json' | 'xml';
  readonly root: Json;
}

function readFhir(bytes: Uint8Array): Result<Fhir, IpsError> {
  const bad = firstInvalidUtf8(bytes);
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[start] as number)) start += 1;
  const lead = bytes[start];
  if (lead === 0x3c) {
    // '<'
    const parsed = parseXmlBytes(bytes, IPS_LIMITS);
    if (!parsed.ok) return err({ type: 'IpsUnreadable', format: 'xml', detail: parsed.error.detail });
    const root = parsed.value;
    if (root.uri !== FHIR_NAMESPACE) return err({ type: 'IpsNotFhir', detail: `XML root ${bounded(root.name)} in ${bounded(root.uri || 'no namespace')}` });
    return ok({ format: 'xml', root: resourceOfXml(root) });
  }
  if (lead === 0x7b || lead === 0x5b) {
    // '{' or '['
    if (bad !== -1) return err({ type: 'IpsUnreadable', format: 'json', detail: `not valid UTF-8 at byte ${bad}` });
    let value: unknown;
    try {
      value = JSON.parse(fromUtf8(bytes));
    } catch (error) {
      // JSON.parse's own throw, converted once here; its message names the position only.
      return err({ type: 'IpsUnreadable', format: 'json', detail: error instanceof SyntaxError ? bounded(error.message) : 'not JSON' });
    }
    if (!isObject(value)) return err({ type: 'IpsNotFhir', detail: 'JSON that is not an object' });
    return ok({ format: 'json', root: value });
  }
  return err({ type: 'IpsUnreadable', format: null, detail: bytes.length === start ? 'empty' : 'neither JSON nor XML' });
}

// --- FHIR XML to the JSON shape -----------------------------------------------------------------

function resourceOfXml(element: XmlElement): Json {
  const out: Json = { resourceType: element.name };
  fillFromXml(out, element);
  return out;
}

function fillFromXml(out: Json, element: XmlElement): void {
  for (const attribute of ['id', 'url']) {
    const value = element.attributes.get(attribute);
    if (value !== undefined) out[attribute] = value;
  }
  const values = new Map<string, unknown[]>();
  const extras = new Map<string, (Json | null)[]>();
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    let value: unknown;
    let extra: Json | null = null;
    if (child.uri === XHTML_NAMESPACE && child.name === 'div') value = xhtmlString(child);
    else if (child.uri !== FHIR_NAMESPACE) continue;
    else if ((child.name === 'resource' || child.name === 'contained') && innerResource(child) !== null) value = resourceOfXml(innerResource(child) as XmlElement);
    else if (child.attributes.has('value')) {
      value = child.attributes.get('value');
      const nested: Json = {};
      fillFromXml(nested, child);
      if (Object.keys(nested).length > 0) extra = nested;
    } else {
      const nested: Json = {};
      fillFromXml(nested, child);
      value = nested;
    }
    const list = values.get(child.name) ?? [];
    const extraList = extras.get(child.name) ?? [];
    list.push(value);
    extraList.push(extra);
    values.set(child.name, list);
    extras.set(child.name, extraList);
  }
  for (const [name, list] of values) {
    out[name] = list.length === 1 ? list[0] : list;
    const extraList = extras.get(name) ?? [];
    if (extraList.some((extra) => extra !== null)) out[`_${name}`] = extraList.length === 1 ? extraList[0] : extraList;
  }
}

function innerResource(wrapper: XmlElement): XmlElement | null {
  const inner = wrapper.children.filter((child): child is XmlElement => typeof child !== 'string');
  const only = inner[0];
  return inner.length === 1 && only !== undefined && only.uri === FHIR_NAMESPACE && /^[A-Z]/.test(only.name) ? only : null;
}

/** The XHTML narrative as FHIR JSON carries it: a string of markup, every text and attribute escaped. */
function xhtmlString(element: XmlElement): string {
  const attributes = [...element.attributes].map(([name, value]) => ` ${name}="${escapeXml(value)}"`).join('');
  const xmlns = element.name === 'div' ? ` xmlns="${XHTML_NAMESPACE}"` : '';
  const inner = element.children.map((child) => (typeof child === 'string' ? escapeXml(child) : xhtmlString(child))).join('');
  return `<${element.name}${xmlns}${attributes}>${inner}</${element.name}>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The text of a narrative div (FHIR requires it to be well-formed XHTML), or null. */
function narrativeText(div: string | null): string | null {
  if (div === null) return null;
  const parsed = parseXml(div, IPS_LIMITS);
  return parsed.ok ? nonEmpty(textContent(parsed.value).replace(/\s+/g, ' ').trim()) : null;
}

// --- reading the JSON shape ---------------------------------------------------------------------

const list = (value: unknown): readonly unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const objects = (o: Json | null, key: string): Json[] => (o === null ? [] : list(o[key]).filter(isObject));
const object = (o: Json | null, key: string): Json | null => objects(o, key)[0] ?? null;
const one = (o: Json | null, key: string): unknown => (o === null ? undefined : list(o[key])[0]);

function text(o: Json | null, key: string): string | null {
  const value = one(o, key);
  return typeof value === 'string' ? nonEmpty(value.trim()) : null;
}

function number(o: Json | null, key: string): number | null {
  const value = one(o, key);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?(0|[1-9]\d{0,15})(\.\d{1,15})?$/.test(value.trim())) return Number(value);
  return null;
}

interface Coding {
  readonly system: string | null;
  readonly code: string | null;
  readonly display: string | null;
}

interface Concept {
  readonly text: string | null;
  readonly codings: readonly Coding[];
}

function readConcept(concept: Json | null): Concept {
  return {
    text: text(concept, 'text'),
    codings: objects(concept, 'coding').map((coding) => ({ system: text(coding, 'system'), code: text(coding, 'code'), display: displayOf(coding) })),
  };
}

/** A coding's display, in French when the file carries a French translation of it. */
function displayOf(coding: Json): string | null {
  for (const extension of objects(object(coding, '_display'), 'extension')) {
    if (text(extension, 'url') !== TRANSLATION_EXTENSION) continue;
    const parts = objects(extension, 'extension');
    const lang = text(parts.find((part) => text(part, 'url') === 'lang') ?? null, 'valueCode');
    const content = text(parts.find((part) => text(part, 'url') === 'content') ?? null, 'valueString');
    if (lang !== null && content !== null && /^fr\b/i.test(lang)) return content;
  }
  return text(coding, 'display');
}

/** SNOMED CT's semantic tag ("(finding)", "(substance)") is for terminologists, not for patients. */
const SEMANTIC_TAG = / \((finding|disorder|substance|situation|procedure|medicinal product|product|clinical drug|morphologic abnormality|event|regime\/therapy|observable entity)\)$/;

/** The concept's words: its text, else a display; null when only codes are there. */
function conceptName(concept: Concept): string | null {
  if (concept.text !== null) return concept.text;
  for (const coding of concept.codings) {
    if (coding.display === null) continue;
    return coding.system === SNOMED_URL ? coding.display.replace(SEMANTIC_TAG, '') : coding.display;
  }
  return null;
}

/** FHIR's name for a code system as Carnet stores it: the OID CDA uses when there is one. */
export function systemFromFhir(uri: string): string {
  for (const [oid, url] of Object.entries(URL_OF_SYSTEM)) if (url === uri) return oid;
  return uri.startsWith('urn:oid:') ? uri.slice('urn:oid:'.length) : uri;
}

const OWN_SYSTEMS = new Set([VACCINE_TARGET_SYSTEM, CONDITION_TYPE_SYSTEM]);

function storedCodes(concept: Concept): TypeCode[] {
  const out: TypeCode[] = [];
  for (const coding of concept.codings) {
    if (coding.system === null || coding.code === null || OWN_SYSTEMS.has(coding.system)) continue;
    const system = systemFromFhir(coding.system);
    if (system.length > 200 || coding.code.length > 100) continue;
    out.push({ system, code: coding.code, display: coding.display !== null && coding.display.length <= 500 ? coding.display : null });
  }
  return out;
}

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** A FHIR date or dateTime as a partial date, the day as written (the sender's own day). */
function partialOf(value: string | null): PartialDate | null {
  const match = value === null ? null : FHIR_DATE.exec(value);
  if (match === null) return null;
  const date = [match[1], match[2], match[3]].filter((part) => part !== undefined).join('-');
  return isPartialDate(date) ? date : null;
}

function notes(resource: Json): string {
  return objects(resource, 'note')
    .map((note) => text(note, 'text'))
    .filter((note): note is string => note !== null)
    .join('\n');
}

/** Codes for "known absent" in SNOMED CT (IPS ConceptMap absence-to-snomed-uv-ips). */
const SNOMED_ABSENT = new Set(['716186003', '409137002', '428607008', '429625007', '787483001', '787482006', '787481004', '160245001', '787480003']);
/** Every code of IPS 1.1's absent-unknown-uv-ips code system. */
const ABSENT_UNKNOWN_CODES = new Set([
  'no-allergy-info',
  'no-known-allergies',
  'no-known-medication-allergies',
  'no-known-environmental-allergies',
  'no-known-food-allergies',
  'no-device-info',
  'no-known-devices',
  'no-immunization-info',
  'no-known-immunizations',
  'no-medication-info',
  'no-known-medications',
  'no-problem-info',
  'no-known-problems',
  'no-procedure-info',
  'no-known-procedures',
]);

const CLINICAL_ACTIVE = new Set(['active', 'recurrence', 'relapse']);

// --- the reader ---------------------------------------------------------------------------------

class Reader {
  private readonly resolver;
  private readonly fullUrlOf = new Map<Json, string>();
  private readonly visited = new Set<Json>();
  private readonly out: ProfileEntry[] = [];
  private readonly absent: IpsAbsence[] = [];
  private readonly problems: IpsProblem[] = [];
  private readonly unsupported = new Map<string, number>();
  private readonly queue: Json[] = [];
  private bloodGroup: IdentityEntry['bloodGroup'] = null;

  constructor(
    private readonly format: 'json' | 'xml',
    entries: readonly Json[],
  ) {
    this.resolver = createResolver(entries);
    for (const entry of entries) {
      const resource = object(entry, 'resource');
      const fullUrl = text(entry, 'fullUrl');
      if (resource !== null && fullUrl !== null) this.fullUrlOf.set(resource, fullUrl);
    }
  }

  read(composition: Json): IpsImport {
    const subject = this.resolveFrom(composition, object(composition, 'subject'));
    // Sections may nest in FHIR (not in IPS): walked with a stack, not recursion.
    const stack = objects(composition, 'section').toReversed();
    let guard = 0;
    while (stack.length > 0 && guard++ < 10_000) {
      const section = stack.pop() as Json;
      stack.push(...objects(section, 'section').toReversed());
      const references = objects(section, 'entry');
      if (references.length === 0) {
        const title = text(section, 'title');
        const code = readConcept(object(section, 'code')).codings.find((c) => c.code !== null)?.code ?? null;
        if (object(section, 'emptyReason') === null && narrativeText(text(object(section, 'text'), 'div')) !== null) this.problems.push({ type: 'NarrativeOnly', title, code });
        continue;
      }
      for (const reference of references) {
        const resource = this.resolveFrom(composition, reference);
        if (resource === null) this.skip('unknown', 'unresolved-reference', text(reference, 'display'));
        else this.visit(resource);
        // Members of result panels, queued rather than recursed into: a hostile chain can be long.
        while (this.queue.length > 0) this.visit(this.queue.shift() as Json);
      }
    }
    const identity = subject !== null && subject['resourceType'] === 'Patient' ? this.identityOf(subject) : null;
    for (const [resourceType, count] of this.unsupported) this.problems.push({ type: 'Unsupported', resourceType, count });
    return {
      format: this.format,
      title: text(composition, 'title'),
      date: text(composition, 'date'),
      identity,
      entries: this.out,
      absent: this.absent,
      problems: this.problems,
    };
  }

  private resolveFrom(from: Json, reference: Json | null): Json | null {
    const target = text(reference, 'reference');
    if (target === null) return null;
    if (target.startsWith('#')) return objects(from, 'contained').find((resource) => text(resource, 'id') === target.slice(1)) ?? null;
    return this.resolver.resolve(target, this.fullUrlOf.get(from) ?? null);
  }

  private visit(resource: Json): void {
    if (this.visited.has(resource)) return;
    this.visited.add(resource);
    const type = typeof resource['resourceType'] === 'string' ? resource['resourceType'] : 'unknown';
    switch (type) {
      case 'AllergyIntolerance':
        return this.allergy(resource);
      case 'MedicationStatement':
      case 'MedicationRequest':
        return this.treatment(resource, type);
      case 'Condition':
        return this.condition(resource);
      case 'Procedure':
        return this.procedure(resource);
      case 'Immunization':
        return this.immunization(resource);
      case 'Observation':
        return this.observation(resource);
      case 'Consent':
        return this.consent(resource);
      case 'Patient':
        return; // the subject, read once at the end
      default:
        this.unsupported.set(type, (this.unsupported.get(type) ?? 0) + 1);
    }
  }

  private skip(resourceType: string, reason: IpsSkipReason, name: string | null): void {
    this.problems.push({ type: 'Skipped', resourceType, reason, name });
  }

  /** True (and recorded) when the concept states an absence rather than a thing. */
  private isAbsence(resourceType: string, concept: Concept): boolean {
    for (const coding of concept.codings) {
      const absentUnknown = coding.system === ABSENT_UNKNOWN_SYSTEM;
      const snomedAbsent = coding.system === SNOMED_URL && coding.code !== null && SNOMED_ABSENT.has(coding.code);
      if (!absentUnknown && !snomedAbsent) continue;
      const code = { system: systemFromFhir(coding.system as string), code: coding.code ?? '', display: coding.display };
      if (absentUnknown && !ABSENT_UNKNOWN_CODES.has(coding.code ?? '')) this.problems.push({ type: 'UnknownCode', resourceType, code });
      else this.absent.push({ resourceType, code });
      return true;
    }
    return false;
  }

  /** The entry's name, or the code itself (reported) when the file gives no words. */
  private nameOf(resourceType: string, concept: Concept): string | null {
    const name = conceptName(concept);
    if (name !== null) return name;
    const code = storedCodes(concept)[0];
    if (code === undefined) return null;
    this.problems.push({ type: 'UnknownCode', resourceType, code });
    return code.code;
  }

  private propose(resourceType: string, name: string, fields: Record<string, unknown>): void {
    const parsed = parseProfileEntry({ ...fields, documents: [] });
    if (parsed.ok) this.out.push(parsed.value);
    else this.skip(resourceType, 'invalid', name);
  }

  private allergy(resource: Json): void {
    const verification = readConcept(object(resource, 'verificationStatus')).codings[0]?.code;
    const code = readConcept(object(resource, 'code'));
    if (verification === 'entered-in-error' || verification === 'refuted') return this.skip('AllergyIntolerance', verification, conceptName(code));
    if (this.isAbsence('AllergyIntolerance', code)) return;
    const reactions = objects(resource, 'reaction');
    const substance = this.nameOf('AllergyIntolerance', code) ?? conceptName(readConcept(object(reactions[0] ?? null, 'substance')));
    if (substance === null) return this.skip('AllergyIntolerance', 'no-name', null);
    const manifestations = reactions.flatMap((reaction) => objects(reaction, 'manifestation').map((m) => conceptName(readConcept(m)))).filter((m): m is string => m !== null);
    const severity = reactions.map((reaction) => text(reaction, 'severity')).find((s) => s !== null) ?? null;
    this.propose('AllergyIntolerance', substance, {
      section: 'allergy',
      substance,
      type: text(resource, 'type') === 'intolerance' ? 'intolerance' : 'allergy',
      reaction: manifestations.join(', '),
      severity: (SEVERITIES as readonly (string | null)[]).includes(severity) ? severity : null,
      since: partialOf(text(resource, 'onsetDateTime') ?? text(object(resource, 'onsetPeriod'), 'start')),
      code: storedCodes(code)[0] ?? null,
      note: notes(resource),
    });
  }

  private treatment(resource: Json, resourceType: 'MedicationStatement' | 'MedicationRequest'): void {
    const status = text(resource, 'status');
    const medicationResource = this.resolveFrom(resource, object(resource, 'medicationReference'));
    const concept = readConcept(object(resource, 'medicationCodeableConcept') ?? object(medicationResource, 'code'));
    if (status === 'entered-in-error' || status === 'cancelled') return this.skip(resourceType, 'entered-in-error', conceptName(concept));
    if (status === 'not-taken') return this.skip(resourceType, 'not-done', conceptName(concept));
    if (this.isAbsence(resourceType, concept)) return;
    const medicine = this.nameOf(resourceType, concept);
    if (medicine === null) return this.skip(resourceType, object(resource, 'medicationReference') !== null && medicationResource === null ? 'unresolved-reference' : 'no-name', null);
    const dosage = object(resource, resourceType === 'MedicationStatement' ? 'dosage' : 'dosageInstruction');
    const quantity = object(object(dosage, 'doseAndRate'), 'doseQuantity');
    const quantityText = quantity === null || number(quantity, 'value') === null ? null : [String(number(quantity, 'value')), text(quantity, 'unit') ?? text(quantity, 'code')].filter((p) => p !== null).join(' ');
    const timing = readConcept(object(object(dosage, 'timing'), 'code'));
    const period = object(resource, 'effectivePeriod');
    const prescriberExtension = objects(resource, 'extension').find((extension) => text(extension, 'url') === PRESCRIBER_EXTENSION) ?? null;
    const requester = object(resource, 'requester');
    this.propose(resourceType, medicine, {
      section: 'treatment',
      medicine,
      dose: text(dosage, 'text') ?? quantityText ?? '',
      schedule: conceptName(timing) ?? '',
      prescriber: text(prescriberExtension, 'valueString') ?? (requester === null ? null : (text(requester, 'display') ?? personName(this.resolveFrom(resource, requester)))) ?? '',
      start: partialOf(text(period, 'start') ?? text(resource, 'effectiveDateTime') ?? text(resource, 'authoredOn')),
      end: partialOf(text(period, 'end')),
      code: storedCodes(concept)[0] ?? null,
      note: notes(resource),
    });
  }

  private condition(resource: Json): void {
    const verification = readConcept(object(resource, 'verificationStatus')).codings[0]?.code;
    const code = readConcept(object(resource, 'code'));
    if (verification === 'entered-in-error' || verification === 'refuted') return this.skip('Condition', verification, conceptName(code));
    if (this.isAbsence('Condition', code)) return;
    const name = this.nameOf('Condition', code);
    if (name === null) return this.skip('Condition', 'no-name', null);
    const clinical = readConcept(object(resource, 'clinicalStatus')).codings[0]?.code ?? null;
    const end = partialOf(text(resource, 'abatementDateTime') ?? text(object(resource, 'abatementPeriod'), 'end'));
    const hospitalisation = objects(resource, 'category').some((category) => readConcept(category).codings.some((c) => c.system === CONDITION_TYPE_SYSTEM && c.code === 'hospitalisation'));
    this.propose('Condition', name, {
      section: 'condition',
      name,
      type: hospitalisation ? 'hospitalisation' : 'illness',
      start: partialOf(text(resource, 'onsetDateTime') ?? text(object(resource, 'onsetPeriod'), 'start')),
      end,
      active: clinical === null ? end === null : CLINICAL_ACTIVE.has(clinical),
      code: storedCodes(code)[0] ?? null,
      note: notes(resource),
    });
  }

  private procedure(resource: Json): void {
    const status = text(resource, 'status');
    const code = readConcept(object(resource, 'code'));
    if (status === 'entered-in-error') return this.skip('Procedure', 'entered-in-error', conceptName(code));
    if (status === 'not-done' || status === 'preparation') return this.skip('Procedure', 'not-done', conceptName(code));
    if (this.isAbsence('Procedure', code)) return;
    const name = this.nameOf('Procedure', code);
    if (name === null) return this.skip('Procedure', 'no-name', null);
    const period = object(resource, 'performedPeriod');
    this.propose('Procedure', name, {
      section: 'condition',
      name,
      type: 'operation',
      start: partialOf(text(resource, 'performedDateTime') ?? text(period, 'start')),
      end: partialOf(text(period, 'end')),
      active: false,
      code: storedCodes(code)[0] ?? null,
      note: notes(resource),
    });
  }

  private immunization(resource: Json): void {
    const status = text(resource, 'status');
    const concept = readConcept(object(resource, 'vaccineCode'));
    if (status === 'entered-in-error') return this.skip('Immunization', 'entered-in-error', conceptName(concept));
    if (status === 'not-done') return this.skip('Immunization', 'not-done', conceptName(concept));
    if (this.isAbsence('Immunization', concept)) return;
    const vaccine = this.nameOf('Immunization', concept);
    if (vaccine === null) return this.skip('Immunization', 'no-name', null);
    const date = partialOf(text(resource, 'occurrenceDateTime'));
    if (date === null) return this.skip('Immunization', 'no-date', vaccine);
    const protocols = objects(resource, 'protocolApplied');
    const diseases = protocols.flatMap((protocol) => objects(protocol, 'targetDisease').map(readConcept));
    const stated = diseases.flatMap((disease) => disease.codings.filter((c) => c.system === VACCINE_TARGET_SYSTEM).map((c) => c.code ?? ''));
    const codes = storedCodes(concept);
    const targets: readonly VaccineTarget[] =
      stated.length > 0
        ? [...new Set(stated.filter(isVaccineTarget))]
        : guessVaccineTargets({
            names: [vaccine, ...concept.codings.flatMap((c) => (c.display === null ? [] : [c.display])), ...diseases.flatMap((d) => [d.text, ...d.codings.map((c) => c.display)]).filter((n): n is string => n !== null)],
            codes,
          });
    if (targets.length === 0) this.problems.push({ type: 'VaccineTargetsUnknown', vaccine });
    const dose = protocols.map((protocol) => number(protocol, 'doseNumberPositiveInt') ?? number(protocol, 'doseNumberString')).find((n) => n !== null) ?? null;
    const performers = objects(resource, 'performer').map((performer) => {
      const actor = object(performer, 'actor');
      return text(actor, 'display') ?? personName(this.resolveFrom(resource, actor));
    });
    this.propose('Immunization', vaccine, {
      section: 'vaccination',
      vaccine,
      targets,
      date,
      doseNumber: dose !== null && Number.isInteger(dose) && dose >= 1 && dose <= 20 ? dose : null,
      batch: text(resource, 'lotNumber') ?? '',
      performer: performers.find((p) => p !== null) ?? '',
      code: codes[0] ?? null,
      note: notes(resource),
    });
  }

  private observation(resource: Json): void {
    const members = objects(resource, 'hasMember');
    if (members.length > 0) {
      // A panel: its members are the results.
      for (const member of members) {
        const found = this.resolveFrom(resource, member);
        if (found === null) this.skip('Observation', 'unresolved-reference', text(member, 'display'));
        else this.queue.push(found);
      }
      return;
    }
    const loinc = readConcept(object(resource, 'code')).codings.find((c) => c.system === LOINC_URL)?.code ?? null;
    if (loinc === LOINC_BLOOD_GROUP.code) {
      const value = readConcept(object(resource, 'valueCodeableConcept'));
      const group = bloodGroupOf([value.text, ...value.codings.map((c) => c.display)]);
      if (group !== null) {
        this.bloodGroup = group;
        return;
      }
    }
    if (loinc === LOINC_BODY_HEIGHT.code || loinc === LOINC_WAIST.code) return this.measurement(resource, loinc === LOINC_BODY_HEIGHT.code ? 'height' : 'waist');
    this.unsupported.set('Observation', (this.unsupported.get('Observation') ?? 0) + 1);
  }

  private measurement(resource: Json, type: 'height' | 'waist'): void {
    const quantity = object(resource, 'valueQuantity');
    const value = number(quantity, 'value');
    const unit = text(quantity, 'code') ?? text(quantity, 'unit');
    const factor = unit === 'cm' ? 1 : unit === 'm' ? 100 : unit === 'mm' ? 0.1 : unit === '[in_i]' ? 2.54 : null;
    const date = partialOf(text(resource, 'effectiveDateTime') ?? text(object(resource, 'effectivePeriod'), 'start'));
    if (value === null || factor === null) return this.skip('Observation', 'invalid', type);
    if (date === null || date.length !== 10) return this.skip('Observation', 'no-date', type);
    this.propose('Observation', type, { section: 'measurement', type, label: '', value: Math.round(value * factor * 10) / 10, unit: 'cm', date, note: notes(resource) });
  }

  private consent(resource: Json): void {
    const status = text(resource, 'status');
    if (status === 'entered-in-error' || status === 'rejected') return this.skip('Consent', 'entered-in-error', null);
    const words = narrativeText(text(object(resource, 'text'), 'div')) ?? objects(resource, 'category').map((c) => conceptName(readConcept(c))).find((n) => n !== null) ?? null;
    if (words === null) return this.skip('Consent', 'no-name', null);
    this.propose('Consent', words, { section: 'wish', type: 'advance-directives', text: words, stance: null, date: partialOf(text(resource, 'dateTime')), note: '' });
  }

  private identityOf(patient: Json): IdentityEntry | null {
    const names = objects(patient, 'name');
    const name = names.find((n) => text(n, 'use') === 'official') ?? names.find((n) => text(n, 'use') === 'usual') ?? names[0] ?? null;
    const given = list(name?.['given']).filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim());
    const gender = text(patient, 'gender');
    const birthDate = partialOf(text(patient, 'birthDate'));
    const parsed = parseProfileEntry({
      section: 'identity',
      givenName: given.join(' '),
      familyName: text(name, 'family') ?? (given.length === 0 ? (text(name, 'text') ?? '') : ''),
      birthDate: birthDate !== null && birthDate.length === 10 ? birthDate : null,
      sex: gender === 'female' || gender === 'male' || gender === 'other' ? gender : null,
      bloodGroup: this.bloodGroup,
      note: '',
      documents: [],
    });
    if (parsed.ok && parsed.value.section === 'identity') return parsed.value;
    this.skip('Patient', 'invalid', null);
    return null;
  }
}

function personName(resource: Json | null): string | null {
  if (resource === null) return null;
  const organisation = text(resource, 'name');
  if (organisation !== null) return organisation; // an Organization's name is a string
  const name = object(resource, 'name');
  if (name === null) return null;
  const given = list(name['given']).filter((g): g is string => typeof g === 'string');
  return nonEmpty([...given, text(name, 'family') ?? ''].join(' ').replace(/\s+/g, ' ').trim()) ?? text(name, 'text');
}

const BLOOD_GROUP = /(?:^|[^A-Za-z])(AB|A|B|O)\s*(?:Rh\s*\(?D\)?\s*)?(\+|-|positive|negative)(?![A-Za-z])/i;

function bloodGroupOf(texts: readonly (string | null)[]): IdentityEntry['bloodGroup'] {
  for (const value of texts) {
    const match = value === null ? null : BLOOD_GROUP.exec(value);
    if (match === null) continue;
    const sign = match[2] === '+' || match[2]?.toLowerCase() === 'positive' ? '+' : '-';
    return `${(match[1] as string).toUpperCase()}${sign}` as IdentityEntry['bloodGroup'];
  }
  return null;
}

function nonEmpty(value: string): string | null {
  return value === '' ? null : value;
}

/** Text from the file echoed in an error, bounded so a hostile file cannot flood a message. */
function bounded(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

// --- planning an import -------------------------------------------------------------------------

export interface ProfileImportPlan {
  /** New to the profile: offered for adding. */
  readonly add: readonly ProfileEntry[];
  /** Already there (or twice in what is imported): not offered again. */
  readonly duplicates: readonly { readonly incoming: ProfileEntry; readonly existing: ProfileEntry }[];
  /** An identity that differs from the profile's: for the patient to compare, never added. */
  readonly conflicts: readonly { readonly incoming: IdentityEntry; readonly existing: IdentityEntry }[];
}

/**
 * Sorts imported entries into the new and the already known. Vaccinations are the same injection
 * by isSameVaccination, unless their lot numbers or dose ranks differ (two doses of one vaccine on
 * one day are two injections); allergies, conditions and treatments by their code or folded name,
 * with dates that may mean the same time.
 */
export function planProfileImport(existing: readonly ProfileEntry[], incoming: readonly ProfileEntry[]): ProfileImportPlan {
  const add: ProfileEntry[] = [];
  const duplicates: { incoming: ProfileEntry; existing: ProfileEntry }[] = [];
  const conflicts: { incoming: IdentityEntry; existing: IdentityEntry }[] = [];
  for (const entry of incoming) {
    const known = [...existing, ...add].find((other) => isSameEntry(other, entry));
    if (known !== undefined) {
      duplicates.push({ incoming: entry, existing: known });
      continue;
    }
    if (entry.section === 'identity') {
      const current = [...existing, ...add].find((other): other is IdentityEntry => other.section === 'identity');
      if (current !== undefined) {
        conflicts.push({ incoming: entry, existing: current });
        continue;
      }
    }
    add.push(entry);
  }
  return { add, duplicates, conflicts };
}

function isSameEntry(a: ProfileEntry, b: ProfileEntry): boolean {
  if (a.section !== b.section) return false;
  switch (a.section) {
    case 'vaccination': {
      const v = b as typeof a;
      if (a.batch.trim() !== '' && v.batch.trim() !== '' && foldName(a.batch) !== foldName(v.batch)) return false;
      if (a.doseNumber !== null && v.doseNumber !== null && a.doseNumber !== v.doseNumber) return false;
      return isSameVaccination(a, v);
    }
    case 'allergy': {
      const o = b as typeof a;
      return sameConcept(a.code, a.substance, o.code, o.substance) && mayOverlap(a.since, o.since);
    }
    case 'condition': {
      const o = b as typeof a;
      return a.type === o.type && sameConcept(a.code, a.name, o.code, o.name) && mayOverlap(a.start, o.start);
    }
    case 'treatment': {
      const o = b as typeof a;
      return sameConcept(a.code, a.medicine, o.code, o.medicine) && mayOverlap(a.start, o.start);
    }
    case 'identity': {
      const o = b as typeof a;
      return foldName(a.givenName) === foldName(o.givenName) && foldName(a.familyName) === foldName(o.familyName) && (a.birthDate === null || o.birthDate === null || a.birthDate === o.birthDate);
    }
    case 'measurement': {
      const o = b as typeof a;
      return a.type === o.type && foldName(a.label) === foldName(o.label) && a.date === o.date && a.value === o.value;
    }
    case 'wish': {
      const o = b as typeof a;
      return a.type === o.type && foldName(a.text) === foldName(o.text) && a.stance === o.stance;
    }
    default:
      return sameFields(a, b);
  }
}

/** The same code in the same system, or the same name once folded. */
function sameConcept(aCode: TypeCode | null, aName: string, bCode: TypeCode | null, bName: string): boolean {
  if (aCode !== null && bCode !== null && aCode.system === bCode.system && aCode.code === bCode.code) return true;
  return foldName(aName) !== '' && foldName(aName) === foldName(bName);
}

/** Unknown dates may mean anything; known ones must overlap ("2015" and "2015-03" do). */
function mayOverlap(a: PartialDate | null, b: PartialDate | null): boolean {
  if (a === null || b === null) return true;
  return partialDateStart(a) <= partialDateEnd(b) && partialDateStart(b) <= partialDateEnd(a);
}

/** Contacts, professionals, family history, prevention marks: the same fields, notes and links aside. */
function sameFields(a: ProfileEntry, b: ProfileEntry): boolean {
  const strip = (entry: ProfileEntry) => {
    const { note: _note, documents: _documents, ...fields } = entry;
    return JSON.stringify(Object.entries(fields).sort(([x], [y]) => (x < y ? -1 : 1)).map(([key, value]) => [key, typeof value === 'string' ? foldName(value) : value]));
  };
  return strip(a) === strip(b);
}
