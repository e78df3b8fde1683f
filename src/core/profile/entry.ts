/**
 * The health profile ("profil médical"), one sealed `profile` record per entry, so that two
 * devices editing different allergies never overwrite each other (the merge is per record). Each
 * section is a list of typed entries with dates and free notes, linked to the documents that
 * support them (docs/format.md §5.2, `profile`).
 *
 * Dates in a medical history are often partial ("operated in 1975"): `PartialDate` keeps what
 * the patient or the document knows, a year, a month or a day, and nothing it does not.
 */
import { isCalendarDate, parseHealthIdentity, type HealthIdentity } from '../records/health-profile.ts';
import type { RecordCodec } from '../records/codec.ts';
import { parseTypeCode } from '../records/document.ts';
import type { TypeCode } from '../records/document-classes.ts';
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import { VACCINE_TARGETS, type VaccineTarget } from './vaccines.ts';

/** Stored strings: add, never rename. */
export const PROFILE_SECTIONS = [
  'identity',
  'condition',
  'treatment',
  'allergy',
  'vaccination',
  'measurement',
  'family',
  'wish',
  'contact',
  'professional',
  'prevention',
] as const;
export type ProfileSection = (typeof PROFILE_SECTIONS)[number];

export const CONDITION_TYPES = ['illness', 'hospitalisation', 'operation'] as const;
export const ALLERGY_TYPES = ['allergy', 'intolerance'] as const;
export const SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export const MEASUREMENT_TYPES = ['height', 'waist', 'other'] as const;
export const RELATIVES = ['mother', 'father', 'sibling', 'child', 'grandparent', 'aunt-uncle', 'other'] as const;
export const WISH_TYPES = ['advance-directives', 'organ-donation', 'other'] as const;
/** France presumes consent to organ donation; a refusal is registered (Registre national des refus). */
export const DONATION_STANCES = ['donor', 'refuses', 'undecided'] as const;
export const PREVENTION_ACTIONS = ['done', 'dismissed'] as const;

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a year, a month or a day. */
export type PartialDate = string;
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isPartialDate(text: string): boolean {
  const match = PARTIAL_DATE.exec(text);
  if (match === null) return false;
  if (match[3] !== undefined) return isCalendarDate(text);
  if (match[2] !== undefined) return Number(match[2]) >= 1 && Number(match[2]) <= 12;
  return true;
}

/** The first day a partial date may mean (`1975` → `1975-01-01`). */
export function partialDateStart(date: PartialDate): string {
  const [year, month = '01', day = '01'] = date.split('-');
  return `${year}-${month}-${day}`;
}

/** The last day a partial date may mean (`2024-02` → `2024-02-29`). */
export function partialDateEnd(date: PartialDate): string {
  const [year = '', month, day] = date.split('-');
  if (day !== undefined) return date;
  const last = month ?? '12';
  const days = new Date(Date.UTC(Number(year), Number(last), 0)).getUTCDate();
  return `${year}-${last}-${String(days).padStart(2, '0')}`;
}

interface Common {
  readonly note: string;
  /** Record ids of the documents that support this entry. */
  readonly documents: readonly string[];
}

export type IdentityEntry = Common & HealthIdentity & { readonly section: 'identity' };

export interface ConditionEntry extends Common {
  readonly section: 'condition';
  readonly name: string;
  readonly type: (typeof CONDITION_TYPES)[number];
  readonly start: PartialDate | null;
  readonly end: PartialDate | null;
  /** Still present or treated; a past operation is not. */
  readonly active: boolean;
  readonly code: TypeCode | null;
}

export interface TreatmentEntry extends Common {
  readonly section: 'treatment';
  readonly medicine: string;
  readonly dose: string;
  readonly schedule: string;
  readonly prescriber: string;
  readonly start: PartialDate | null;
  readonly end: PartialDate | null;
  readonly code: TypeCode | null;
}

export interface AllergyEntry extends Common {
  readonly section: 'allergy';
  readonly substance: string;
  readonly type: (typeof ALLERGY_TYPES)[number];
  readonly reaction: string;
  readonly severity: (typeof SEVERITIES)[number] | null;
  readonly since: PartialDate | null;
  readonly code: TypeCode | null;
}

export interface VaccinationEntry extends Common {
  readonly section: 'vaccination';
  /** The product or the vaccine as the patient knows it ("Infanrix Hexa", "grippe"). */
  readonly vaccine: string;
  /** What it protects against: what the prevention engine reasons on. */
  readonly targets: readonly VaccineTarget[];
  readonly date: PartialDate;
  readonly doseNumber: number | null;
  readonly batch: string;
  readonly performer: string;
  readonly code: TypeCode | null;
}

export interface MeasurementEntry extends Common {
  readonly section: 'measurement';
  readonly type: (typeof MEASUREMENT_TYPES)[number];
  /** What an `other` measurement is; empty for the named types. */
  readonly label: string;
  readonly value: number;
  /** UCUM: `cm` for height and waist. */
  readonly unit: string;
  readonly date: string;
}

export interface FamilyEntry extends Common {
  readonly section: 'family';
  readonly relative: (typeof RELATIVES)[number];
  readonly condition: string;
  readonly ageAtOnset: number | null;
}

export interface WishEntry extends Common {
  readonly section: 'wish';
  readonly type: (typeof WISH_TYPES)[number];
  readonly text: string;
  /** Organ donation only. */
  readonly stance: (typeof DONATION_STANCES)[number] | null;
  readonly date: PartialDate | null;
}

export interface ContactEntry extends Common {
  readonly section: 'contact';
  readonly name: string;
  readonly relation: string;
  readonly phone: string;
  readonly email: string;
  /** The "personne de confiance" of the French public health code (art. L1111-6). */
  readonly trusted: boolean;
  /** Called first in an emergency: shown on the emergency card. */
  readonly emergency: boolean;
}

export interface ProfessionalEntry extends Common {
  readonly section: 'professional';
  readonly name: string;
  readonly specialty: string;
  readonly phone: string;
  readonly email: string;
  readonly address: string;
  /** The "médecin traitant". */
  readonly gp: boolean;
}

/** A prevention reminder the patient marked done or dismissed. */
export interface PreventionEntry extends Common {
  readonly section: 'prevention';
  /** The engine's item key. */
  readonly item: string;
  readonly action: (typeof PREVENTION_ACTIONS)[number];
  /** The act it records (`screening.breast`), for a done act; null for a dismissal or a vaccination. */
  readonly act: string | null;
  readonly date: string;
}

export type ProfileEntry =
  | IdentityEntry
  | ConditionEntry
  | TreatmentEntry
  | AllergyEntry
  | VaccinationEntry
  | MeasurementEntry
  | FamilyEntry
  | WishEntry
  | ContactEntry
  | ProfessionalEntry
  | PreventionEntry;

export type EntryOf<S extends ProfileSection> = Extract<ProfileEntry, { section: S }>;

export const MAX_NOTE = 10_000;
export const MAX_LINKED_DOCUMENTS = 50;
const RECORD_ID = /^[0-9a-f]{32}$/;
const PHONE = /^[0-9+()./ -]*$/;
const EMAIL = /^$|^[^\s@]+@[^\s@]+$/;
/** Plausible bounds for a height, in centimetres (a newborn to the tallest recorded). */
export const HEIGHT_CM = { min: 30, max: 275 } as const;

class EntryChecker extends Checker {
  text(object: Record<string, unknown>, key: string, max: number, min = 0): string | undefined {
    const value = object[key];
    if (value === undefined && min === 0) return '';
    return this.string(value, `data.${key}`, { min, max });
  }

  flag(object: Record<string, unknown>, key: string): boolean | undefined {
    const value = object[key] ?? false;
    if (typeof value !== 'boolean') return this.fail(`data.${key}`, 'expected true or false');
    return value;
  }

  partial(object: Record<string, unknown>, key: string, required: boolean): PartialDate | null | undefined {
    const value = object[key];
    if ((value === undefined || value === null) && !required) return null;
    const text = this.string(value, `data.${key}`, { min: 4, max: 10 });
    if (text === undefined) return undefined;
    if (!isPartialDate(text)) return this.fail(`data.${key}`, 'not a date');
    return text;
  }

  day(object: Record<string, unknown>, key: string): string | undefined {
    const text = this.string(object[key], `data.${key}`, { min: 10, max: 10 });
    if (text !== undefined && !isCalendarDate(text)) return this.fail(`data.${key}`, 'not a calendar date');
    return text;
  }

  maybe<T extends string>(object: Record<string, unknown>, key: string, allowed: readonly T[]): T | null | undefined {
    const value = object[key];
    if (value === undefined || value === null) return null;
    return this.oneOf(value, `data.${key}`, allowed);
  }

  whole(object: Record<string, unknown>, key: string, min: number, max: number): number | null | undefined {
    const value = object[key];
    if (value === undefined || value === null) return null;
    return this.integer(value, `data.${key}`, min, max);
  }

  /** A date range must not run backwards (compared on the days each end may mean). */
  range(start: PartialDate | null | undefined, end: PartialDate | null | undefined): void {
    if (typeof start === 'string' && typeof end === 'string' && partialDateEnd(end) < partialDateStart(start)) this.fail('data.end', 'before the start');
  }
}

function parseCommon(check: EntryChecker, object: Record<string, unknown>): Common | undefined {
  const note = check.text(object, 'note', MAX_NOTE);
  const list = object['documents'] === undefined ? [] : (check.array(object['documents'], 'data.documents', MAX_LINKED_DOCUMENTS) ?? []);
  const documents = list.map((item, index) => check.string(item, `data.documents[${index}]`, { min: 32, max: 32, pattern: RECORD_ID }));
  if (new Set(documents).size !== documents.length) check.fail('data.documents', 'a document is linked twice');
  if (note === undefined || documents.some((id) => id === undefined)) return undefined;
  return { note, documents: documents as string[] };
}

function parseTargets(check: EntryChecker, value: unknown): VaccineTarget[] | undefined {
  const list = check.array(value ?? [], 'data.targets', VACCINE_TARGETS.length);
  if (list === undefined) return undefined;
  const targets = list.map((item, index) => check.oneOf(item, `data.targets[${index}]`, VACCINE_TARGETS));
  if (new Set(targets).size !== targets.length) check.fail('data.targets', 'a disease is listed twice');
  return targets.some((target) => target === undefined) ? undefined : (targets as VaccineTarget[]);
}

/** Each section's own fields, or undefined with the problems recorded in `check`. */
function parseFields(check: EntryChecker, section: ProfileSection, o: Record<string, unknown>): Omit<ProfileEntry, keyof Common> | undefined {
  const code = () => parseTypeCode(check, o['code'], 'data.code');
  const all = <T extends object>(fields: T): T | undefined => (Object.values(fields).includes(undefined) ? undefined : fields);
  switch (section) {
    case 'identity': {
      const identity = parseHealthIdentity(o);
      if (!identity.ok) {
        check.issues.push(...identity.error.issues);
        return undefined;
      }
      return { section, ...identity.value };
    }
    case 'condition': {
      const fields = all({
        section,
        name: check.text(o, 'name', 300, 1),
        type: check.oneOf(o['type'], 'data.type', CONDITION_TYPES),
        start: check.partial(o, 'start', false),
        end: check.partial(o, 'end', false),
        active: check.flag(o, 'active'),
        code: code(),
      });
      check.range(fields?.start, fields?.end);
      return fields;
    }
    case 'treatment': {
      const fields = all({
        section,
        medicine: check.text(o, 'medicine', 300, 1),
        dose: check.text(o, 'dose', 200),
        schedule: check.text(o, 'schedule', 300),
        prescriber: check.text(o, 'prescriber', 300),
        start: check.partial(o, 'start', false),
        end: check.partial(o, 'end', false),
        code: code(),
      });
      check.range(fields?.start, fields?.end);
      return fields;
    }
    case 'allergy':
      return all({
        section,
        substance: check.text(o, 'substance', 300, 1),
        type: check.oneOf(o['type'], 'data.type', ALLERGY_TYPES),
        reaction: check.text(o, 'reaction', 500),
        severity: check.maybe(o, 'severity', SEVERITIES),
        since: check.partial(o, 'since', false),
        code: code(),
      });
    case 'vaccination':
      return all({
        section,
        vaccine: check.text(o, 'vaccine', 300, 1),
        targets: parseTargets(check, o['targets']),
        date: check.partial(o, 'date', true) ?? undefined,
        doseNumber: check.whole(o, 'doseNumber', 1, 20),
        batch: check.text(o, 'batch', 100),
        performer: check.text(o, 'performer', 300),
        code: code(),
      });
    case 'measurement': {
      const type = check.oneOf(o['type'], 'data.type', MEASUREMENT_TYPES);
      const label = check.text(o, 'label', 100, type === 'other' ? 1 : 0);
      const value = o['value'];
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1e6) check.fail('data.value', 'expected a positive number');
      else if (type === 'height' && (value < HEIGHT_CM.min || value > HEIGHT_CM.max)) check.fail('data.value', `outside ${HEIGHT_CM.min}..${HEIGHT_CM.max}`);
      const unit = type === 'other' ? check.text(o, 'unit', 20) : check.oneOf(o['unit'], 'data.unit', ['cm'] as const);
      return all({ section, type, label, value: typeof value === 'number' ? value : undefined, unit, date: check.day(o, 'date') });
    }
    case 'family':
      return all({
        section,
        relative: check.oneOf(o['relative'], 'data.relative', RELATIVES),
        condition: check.text(o, 'condition', 300, 1),
        ageAtOnset: check.whole(o, 'ageAtOnset', 0, 130),
      });
    case 'wish': {
      const type = check.oneOf(o['type'], 'data.type', WISH_TYPES);
      const stance = check.maybe(o, 'stance', DONATION_STANCES);
      if (typeof stance === 'string' && type !== 'organ-donation') check.fail('data.stance', 'only for organ donation');
      return all({ section, type, text: check.text(o, 'text', 20_000), stance, date: check.partial(o, 'date', false) });
    }
    case 'contact':
      return all({
        section,
        name: check.text(o, 'name', 300, 1),
        relation: check.text(o, 'relation', 100),
        phone: check.string(o['phone'] ?? '', 'data.phone', { max: 50, pattern: PHONE }),
        email: check.string(o['email'] ?? '', 'data.email', { max: 254, pattern: EMAIL }),
        trusted: check.flag(o, 'trusted'),
        emergency: check.flag(o, 'emergency'),
      });
    case 'professional':
      return all({
        section,
        name: check.text(o, 'name', 300, 1),
        specialty: check.text(o, 'specialty', 200),
        phone: check.string(o['phone'] ?? '', 'data.phone', { max: 50, pattern: PHONE }),
        email: check.string(o['email'] ?? '', 'data.email', { max: 254, pattern: EMAIL }),
        address: check.text(o, 'address', 500),
        gp: check.flag(o, 'gp'),
      });
    case 'prevention': {
      const action = check.oneOf(o['action'], 'data.action', PREVENTION_ACTIONS);
      const act = o['act'] === undefined || o['act'] === null ? null : check.string(o['act'], 'data.act', { min: 1, max: 100 });
      return all({ section, item: check.text(o, 'item', 200, 1), action, act, date: check.day(o, 'date') });
    }
  }
}

export function parseProfileEntry(value: unknown): Result<ProfileEntry, Invalid> {
  const check = new EntryChecker();
  const object = check.object(value, 'data');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  // The first profile records held the identity alone, without a section (format.md §5.2).
  const section = object['section'] === undefined ? 'identity' : check.oneOf(object['section'], 'data.section', PROFILE_SECTIONS);
  if (section === undefined) return err({ type: 'Invalid', issues: check.issues });
  const common = parseCommon(check, object);
  const fields = parseFields(check, section, object);
  if (common === undefined || fields === undefined || check.issues.length > 0) return err({ type: 'Invalid', issues: check.issues });
  return ok({ ...fields, ...common } as ProfileEntry);
}

export const profileEntryCodec: RecordCodec<'profile', ProfileEntry> = {
  kind: 'profile',
  parse: parseProfileEntry,
  toJson: (data) => ({ ...data }),
};

/** Folds case, accents and punctuation, for recognising the same vaccine or substance. */
export function foldName(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Whether two vaccinations are the same injection: the same day (or overlapping partial dates)
 * and the same product code, the same name, or a disease in common.
 */
export function isSameVaccination(a: Pick<VaccinationEntry, 'vaccine' | 'targets' | 'date' | 'code'>, b: Pick<VaccinationEntry, 'vaccine' | 'targets' | 'date' | 'code'>): boolean {
  const overlap = partialDateStart(a.date) <= partialDateEnd(b.date) && partialDateStart(b.date) <= partialDateEnd(a.date);
  if (!overlap) return false;
  if (a.code !== null && b.code !== null && a.code.system === b.code.system) return a.code.code === b.code.code;
  if (foldName(a.vaccine) === foldName(b.vaccine)) return true;
  return a.targets.some((target) => b.targets.includes(target));
}

/** What the calendar says is impossible about an entry, given today and the birth date. */
export type EntryProblem =
  | { readonly type: 'InFuture'; readonly field: string }
  | { readonly type: 'BeforeBirth'; readonly field: string };

const DATED_FIELDS: Partial<Record<ProfileSection, readonly string[]>> = {
  identity: ['birthDate'],
  condition: ['start', 'end'],
  treatment: ['start'],
  allergy: ['since'],
  vaccination: ['date'],
  measurement: ['date'],
  wish: ['date'],
  prevention: ['date'],
};

/**
 * Dates that cannot be: born in the future, vaccinated before birth. A treatment's end may be
 * planned, so only past-facing dates are checked. `today` and `birthDate` are `YYYY-MM-DD`.
 */
export function entryProblems(entry: ProfileEntry, today: string, birthDate: string | null): EntryProblem[] {
  const problems: EntryProblem[] = [];
  const fields = entry as unknown as Record<string, unknown>;
  for (const field of DATED_FIELDS[entry.section] ?? []) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    if (partialDateStart(value) > today) problems.push({ type: 'InFuture', field });
    else if (entry.section !== 'identity' && birthDate !== null && partialDateEnd(value) < birthDate) problems.push({ type: 'BeforeBirth', field });
  }
  return problems;
}
