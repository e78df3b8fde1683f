/** The line that names a profile entry wherever it is listed (its section, an import preview). */
import type { ProfileEntry } from '../../core/profile/entry.ts';
import type { Dictionary } from '../i18n/i18n.ts';

export function entrySummary(t: Dictionary, entry: ProfileEntry): string {
  const words = t.profile;
  const option = (key: string, value: string | null) => (value === null ? '' : ((words.option as Record<string, Record<string, string>>)[key]?.[value] ?? value));
  const join = (...parts: (string | null | undefined)[]) => parts.filter((part) => part !== null && part !== undefined && part !== '').join(' · ');
  const span = (start: string | null, end: string | null) => (start === null && end === null ? '' : `${start ?? '…'} – ${end ?? words.ongoing}`);
  switch (entry.section) {
    case 'identity':
      return join(`${entry.givenName} ${entry.familyName}`.trim(), entry.birthDate, option('sex', entry.sex), entry.bloodGroup);
    case 'allergy':
      return join(entry.substance, option('type', entry.type), option('severity', entry.severity), entry.reaction);
    case 'treatment':
      return join(entry.medicine, entry.dose, entry.schedule, span(entry.start, entry.end));
    case 'condition':
      return join(entry.name, option('type', entry.type), span(entry.start, entry.end), entry.active ? words.active : '');
    case 'vaccination':
      return join(entry.vaccine, entry.date, entry.doseNumber === null ? '' : words.dose(entry.doseNumber), entry.targets.map((target) => words.target[target]).join(', '));
    case 'measurement':
      return join(entry.type === 'other' ? entry.label : option('type', entry.type), `${entry.value.toLocaleString(t.lang)} ${entry.unit}`, entry.date);
    case 'family':
      return join(option('relative', entry.relative), entry.condition, entry.ageAtOnset === null ? '' : words.atAge(entry.ageAtOnset));
    case 'wish':
      return join(option('type', entry.type), option('stance', entry.stance), entry.text.slice(0, 80));
    case 'contact':
      return join(entry.name, entry.relation, entry.phone, entry.trusted ? words.field.trusted : '', entry.emergency ? words.field.emergency : '');
    case 'professional':
      return join(entry.name, entry.specialty, entry.phone, entry.gp ? words.field.gp : '');
    case 'prevention':
      return join(entry.item, entry.date);
  }
}

