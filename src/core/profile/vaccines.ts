/**
 * What a vaccination protects against, as stable identifiers: the prevention engine reasons on
 * these, never on product names, because one injection (a hexavalent) covers six diseases and
 * the same disease comes in many brands. Strings are part of the format (docs/format.md §5.2,
 * `profile` vaccination entries): add, never rename.
 */
export const VACCINE_TARGETS = [
  'diphtheria',
  'tetanus',
  'pertussis',
  'polio',
  'hib',
  'hepatitis-b',
  'pneumococcus',
  'meningococcus-b',
  'meningococcus-c',
  'meningococcus-acwy',
  'measles',
  'mumps',
  'rubella',
  'varicella',
  'hpv',
  'influenza',
  'covid-19',
  'zoster',
  'rsv',
  'tuberculosis',
  'hepatitis-a',
  'rotavirus',
  'yellow-fever',
  'typhoid',
  'rabies',
  'tick-borne-encephalitis',
  'japanese-encephalitis',
] as const;

export type VaccineTarget = (typeof VACCINE_TARGETS)[number];

export function isVaccineTarget(text: string): text is VaccineTarget {
  return (VACCINE_TARGETS as readonly string[]).includes(text);
}
