/** The emergency card's text form, in the patient's language. */
import type { EmergencyLabels } from '../../core/profile/emergency.ts';
import type { Dictionary } from '../i18n/i18n.ts';

export function emergencyLabels(t: Dictionary): EmergencyLabels {
  const card = t.profile.card;
  return {
    title: card.textTitle,
    born: card.born,
    bloodGroup: card.bloodGroup,
    allergies: card.allergies,
    treatments: card.treatments,
    conditions: card.conditions,
    contacts: card.contacts,
    trusted: card.trusted,
    doctor: card.doctor,
    none: card.none,
    severity: (severity) => t.profile.option.severity[severity],
    intolerance: card.intolerance,
    more: card.more,
  };
}
