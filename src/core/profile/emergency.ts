/**
 * The emergency card: what a first responder needs and nothing more (allergies, current
 * treatments, active conditions, blood group, people to call, the doctor), drawn from the
 * profile's entries, and the same summary as plain text for a QR code any phone camera reads.
 */
import type { AllergyEntry, ConditionEntry, ContactEntry, IdentityEntry, ProfessionalEntry, ProfileEntry, TreatmentEntry } from './entry.ts';
import { utf8 } from '../bytes.ts';
import { partialDateEnd } from './entry.ts';

export interface EmergencyCard {
  readonly name: string;
  readonly birthDate: string | null;
  readonly bloodGroup: string | null;
  readonly allergies: readonly Pick<AllergyEntry, 'substance' | 'type' | 'reaction' | 'severity'>[];
  readonly treatments: readonly Pick<TreatmentEntry, 'medicine' | 'dose' | 'schedule'>[];
  readonly conditions: readonly Pick<ConditionEntry, 'name'>[];
  /** Emergency contacts first, then the trusted person. */
  readonly contacts: readonly Pick<ContactEntry, 'name' | 'relation' | 'phone' | 'trusted'>[];
  readonly doctor: Pick<ProfessionalEntry, 'name' | 'phone'> | null;
}

const SEVERITY_ORDER = { severe: 0, moderate: 1, mild: 2 } as const;

/** `entries` in any order; the first identity entry is the one used (the caller picks the newest). */
export function emergencyCard(entries: readonly ProfileEntry[], today: string): EmergencyCard {
  const of = <S extends ProfileEntry['section']>(section: S) => entries.filter((entry): entry is Extract<ProfileEntry, { section: S }> => entry.section === section);
  const identity: IdentityEntry | undefined = of('identity')[0];
  const current = (end: string | null) => end === null || partialDateEnd(end) >= today;
  const allergies = of('allergy').sort((a, b) => (SEVERITY_ORDER[a.severity ?? 'mild'] - SEVERITY_ORDER[b.severity ?? 'mild']) || a.substance.localeCompare(b.substance));
  const contacts = of('contact')
    .filter((contact) => contact.emergency || contact.trusted)
    .sort((a, b) => Number(b.emergency) - Number(a.emergency) || a.name.localeCompare(b.name));
  const doctor = of('professional').find((professional) => professional.gp) ?? null;
  return {
    name: identity === undefined ? '' : `${identity.givenName} ${identity.familyName}`.trim(),
    birthDate: identity?.birthDate ?? null,
    bloodGroup: identity?.bloodGroup ?? null,
    allergies: allergies.map(({ substance, type, reaction, severity }) => ({ substance, type, reaction, severity })),
    treatments: of('treatment').filter((treatment) => current(treatment.end)).map(({ medicine, dose, schedule }) => ({ medicine, dose, schedule })),
    conditions: of('condition').filter((condition) => condition.active).map(({ name }) => ({ name })),
    contacts: contacts.map(({ name, relation, phone, trusted }) => ({ name, relation, phone, trusted })),
    doctor: doctor === null ? null : { name: doctor.name, phone: doctor.phone },
  };
}

/** The words the text form uses, in the patient's language. */
export interface EmergencyLabels {
  readonly title: string;
  readonly born: string;
  readonly bloodGroup: string;
  readonly allergies: string;
  readonly treatments: string;
  readonly conditions: string;
  readonly contacts: string;
  readonly trusted: string;
  readonly doctor: string;
  readonly none: string;
  readonly severity: (severity: 'mild' | 'moderate' | 'severe') => string;
  readonly intolerance: string;
  /** The last line when some did not fit: how many were left out. */
  readonly more: (count: number) => string;
}

/** Each list of the card as the lines a reader sees, on paper and in the QR code alike. */
export interface EmergencyItems {
  readonly allergies: readonly string[];
  readonly treatments: readonly string[];
  readonly conditions: readonly string[];
  readonly contacts: readonly string[];
  readonly doctor: string | null;
}

export function emergencyItems(card: EmergencyCard, labels: EmergencyLabels): EmergencyItems {
  const join = (...parts: string[]) => parts.filter((part) => part !== '').join(', ');
  return {
    allergies: card.allergies.map((a) => join(a.substance, a.type === 'intolerance' ? labels.intolerance : '', a.severity === null ? '' : labels.severity(a.severity), a.reaction)),
    treatments: card.treatments.map((t) => join(t.medicine, t.dose, t.schedule)),
    conditions: card.conditions.map((c) => c.name),
    contacts: card.contacts.map((c) => join(c.name, c.relation, c.trusted ? labels.trusted : '', c.phone)),
    doctor: card.doctor === null ? null : join(card.doctor.name, card.doctor.phone),
  };
}

/**
 * Plain text, one fact per line, that any camera app shows as is. Bounded to `maxBytes` of UTF-8
 * (a QR code holds at most 2,331 bytes at the error correction the card uses): lines that do not
 * fit are left out and the last line says how many.
 */
export function emergencyText(card: EmergencyCard, labels: EmergencyLabels, maxBytes = 1800): string {
  const lines = [labels.title];
  if (card.name !== '') lines.push(card.name);
  if (card.birthDate !== null) lines.push(`${labels.born} ${card.birthDate}`);
  if (card.bloodGroup !== null) lines.push(`${labels.bloodGroup} ${card.bloodGroup}`);
  const list = (title: string, items: readonly string[]) => {
    lines.push(`${title}:`);
    if (items.length === 0) lines.push(`- ${labels.none}`);
    for (const item of items) lines.push(`- ${item}`);
  };
  const items = emergencyItems(card, labels);
  list(labels.allergies, items.allergies);
  list(labels.treatments, items.treatments);
  list(labels.conditions, items.conditions);
  list(labels.contacts, items.contacts);
  if (items.doctor !== null) lines.push(`${labels.doctor}: ${items.doctor}`);
  const size = (text: string) => utf8(text).length;
  const full = lines.join('\n');
  if (size(full) <= maxBytes) return full;
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    const tail = labels.more(lines.length - index);
    if (size([...kept, line, tail].join('\n')) > maxBytes) return [...kept, tail].join('\n');
    kept.push(line);
  }
  return kept.join('\n');
}
