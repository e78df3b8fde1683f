/**
 * What each profile section asks for, as data: one form component draws every section from it,
 * and turns what was typed back into an entry that the core parser then checks.
 */
import {
  ALLERGY_TYPES,
  CONDITION_TYPES,
  DONATION_STANCES,
  MEASUREMENT_TYPES,
  RELATIVES,
  SEVERITIES,
  WISH_TYPES,
  type ProfileEntry,
  type ProfileSection,
} from '../../core/profile/entry.ts';
import { BLOOD_GROUPS, SEXES } from '../../core/records/health-profile.ts';

export type FieldKind = 'text' | 'textarea' | 'partial' | 'day' | 'select' | 'check' | 'integer' | 'decimal' | 'targets' | 'phone' | 'email';

export interface FieldDef {
  readonly key: string;
  readonly kind: FieldKind;
  readonly required?: boolean;
  /** For `select`: the stored values; their words are in the `option` dictionary under `key`. */
  readonly options?: readonly string[];
  readonly max?: number;
}

/** The sections a patient edits, in the order of Mon espace santé's profile. */
export const EDITABLE_SECTIONS = [
  'identity',
  'allergy',
  'treatment',
  'condition',
  'vaccination',
  'measurement',
  'family',
  'wish',
  'contact',
  'professional',
] as const satisfies readonly ProfileSection[];
export type EditableSection = (typeof EDITABLE_SECTIONS)[number];

export function isEditableSection(text: string | undefined): text is EditableSection {
  return (EDITABLE_SECTIONS as readonly string[]).includes(text ?? '');
}

const note: FieldDef = { key: 'note', kind: 'textarea', max: 10_000 };

export const SECTION_FIELDS: Record<EditableSection, readonly FieldDef[]> = {
  identity: [
    { key: 'givenName', kind: 'text', max: 200 },
    { key: 'familyName', kind: 'text', max: 200 },
    { key: 'birthDate', kind: 'day' },
    { key: 'sex', kind: 'select', options: SEXES },
    { key: 'bloodGroup', kind: 'select', options: BLOOD_GROUPS },
    note,
  ],
  allergy: [
    { key: 'substance', kind: 'text', required: true, max: 300 },
    { key: 'type', kind: 'select', required: true, options: ALLERGY_TYPES },
    { key: 'reaction', kind: 'text', max: 500 },
    { key: 'severity', kind: 'select', options: SEVERITIES },
    { key: 'since', kind: 'partial' },
    note,
  ],
  treatment: [
    { key: 'medicine', kind: 'text', required: true, max: 300 },
    { key: 'dose', kind: 'text', max: 200 },
    { key: 'schedule', kind: 'text', max: 300 },
    { key: 'prescriber', kind: 'text', max: 300 },
    { key: 'start', kind: 'partial' },
    { key: 'end', kind: 'partial' },
    note,
  ],
  condition: [
    { key: 'name', kind: 'text', required: true, max: 300 },
    { key: 'type', kind: 'select', required: true, options: CONDITION_TYPES },
    { key: 'start', kind: 'partial' },
    { key: 'end', kind: 'partial' },
    { key: 'active', kind: 'check' },
    note,
  ],
  vaccination: [
    { key: 'vaccine', kind: 'text', required: true, max: 300 },
    { key: 'date', kind: 'partial', required: true },
    { key: 'targets', kind: 'targets' },
    { key: 'doseNumber', kind: 'integer' },
    { key: 'batch', kind: 'text', max: 100 },
    { key: 'performer', kind: 'text', max: 300 },
    note,
  ],
  measurement: [
    { key: 'type', kind: 'select', required: true, options: MEASUREMENT_TYPES },
    { key: 'label', kind: 'text', max: 100 },
    { key: 'value', kind: 'decimal', required: true },
    { key: 'unit', kind: 'text', max: 20 },
    { key: 'date', kind: 'day', required: true },
    note,
  ],
  family: [
    { key: 'relative', kind: 'select', required: true, options: RELATIVES },
    { key: 'condition', kind: 'text', required: true, max: 300 },
    { key: 'ageAtOnset', kind: 'integer' },
    note,
  ],
  wish: [
    { key: 'type', kind: 'select', required: true, options: WISH_TYPES },
    { key: 'stance', kind: 'select', options: DONATION_STANCES },
    { key: 'text', kind: 'textarea', max: 20_000 },
    { key: 'date', kind: 'partial' },
    note,
  ],
  contact: [
    { key: 'name', kind: 'text', required: true, max: 300 },
    { key: 'relation', kind: 'text', max: 100 },
    { key: 'phone', kind: 'phone', max: 50 },
    { key: 'email', kind: 'email', max: 254 },
    { key: 'emergency', kind: 'check' },
    { key: 'trusted', kind: 'check' },
    note,
  ],
  professional: [
    { key: 'name', kind: 'text', required: true, max: 300 },
    { key: 'specialty', kind: 'text', max: 200 },
    { key: 'phone', kind: 'phone', max: 50 },
    { key: 'email', kind: 'email', max: 254 },
    { key: 'address', kind: 'textarea', max: 500 },
    { key: 'gp', kind: 'check' },
    note,
  ],
};

/** A blank entry's form values (identity starts from nothing: every field may stay empty). */
export function blankValues(section: EditableSection, today: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of SECTION_FIELDS[section]) {
    if (field.kind === 'check') values[field.key] = false;
    else if (field.kind === 'targets') values[field.key] = [];
    else if (field.kind === 'select' && field.required === true) values[field.key] = field.options?.[0] ?? '';
    else values[field.key] = '';
  }
  if (section === 'measurement') {
    values['date'] = today;
    values['unit'] = 'cm';
  }
  if (section === 'condition') values['active'] = true;
  return values;
}

/** An entry's stored fields as form values: null becomes empty. */
export function valuesOf(entry: ProfileEntry): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) values[key] = value === null ? '' : typeof value === 'number' ? String(value) : value;
  return values;
}

/**
 * Form values back to the JSON the core parser reads: empty optional fields become null, numbers
 * are read with a comma or a dot. The parser, not this function, decides what is valid.
 */
export function entryJson(section: EditableSection, values: Record<string, unknown>, documents: readonly string[], keep: Record<string, unknown> = {}): Record<string, unknown> {
  const json: Record<string, unknown> = { ...keep, section, documents: [...documents] };
  for (const field of SECTION_FIELDS[section]) {
    const raw = values[field.key];
    const text = typeof raw === 'string' ? raw.trim() : raw;
    switch (field.kind) {
      case 'check':
        json[field.key] = raw === true;
        break;
      case 'targets':
        json[field.key] = Array.isArray(raw) ? raw : [];
        break;
      case 'integer':
      case 'decimal':
        json[field.key] = text === '' || text === undefined ? null : Number(String(text).replace(',', '.'));
        break;
      case 'partial':
      case 'day':
      case 'select':
        json[field.key] = text === '' || text === undefined ? null : text;
        break;
      default:
        json[field.key] = text ?? '';
    }
  }
  // Names of the identity may stay empty; the parser wants text, not null.
  if (section === 'identity') {
    json['givenName'] ??= '';
    json['familyName'] ??= '';
  }
  if (section === 'measurement' && json['type'] !== 'other') {
    json['label'] = '';
    json['unit'] = 'cm';
  }
  if (section === 'wish' && json['type'] !== 'organ-donation') json['stance'] = null;
  return json;
}
