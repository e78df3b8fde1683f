/**
 * What a vaccine protects against, guessed from what a document says about it: its ATC code
 * (WHO ATC J07, https://atcddd.fhi.no/atc_ddd_index/?code=J07), its CVX code (CDC, for FHIR
 * files from the United States) or its name, in French or English wording.
 *
 * What must stay true: no guess when unsure. An unknown product gives no targets and the patient
 * is asked, because a wrong target would make the prevention engine call a disease covered when
 * it is not. So ATC groups that mix diseases (J07AH meningococcal, J07BC hepatitis, J07BK
 * varicella-zoster, J07CA combinations) count only by their exact codes, and a name counts only
 * by words that name one disease or one product.
 */
import type { TypeCode } from '../records/document-classes.ts';
import { foldName } from './entry.ts';
import { VACCINE_TARGETS, type VaccineTarget } from './vaccines.ts';

export const ATC_SYSTEM = '2.16.840.1.113883.6.73';
export const CVX_SYSTEM = '2.16.840.1.113883.12.292';

const DTP_POLIO: readonly VaccineTarget[] = ['diphtheria', 'tetanus', 'pertussis', 'polio'];
const HEXAVALENT: readonly VaccineTarget[] = [...DTP_POLIO, 'hib', 'hepatitis-b'];
const MMR: readonly VaccineTarget[] = ['measles', 'mumps', 'rubella'];

/** Exact ATC codes (level 5) whose diseases are certain. */
const ATC_EXACT: Readonly<Record<string, readonly VaccineTarget[]>> = {
  J07AF01: ['diphtheria'],
  J07AG01: ['hib'],
  J07AH06: ['meningococcus-b'],
  J07AH07: ['meningococcus-c'],
  J07AH08: ['meningococcus-acwy'],
  J07AH09: ['meningococcus-b'],
  J07AM01: ['tetanus'],
  J07AM51: ['tetanus', 'diphtheria'],
  J07AN01: ['tuberculosis'],
  J07BA01: ['tick-borne-encephalitis'],
  J07BA02: ['japanese-encephalitis'],
  J07BA03: ['japanese-encephalitis'],
  J07BC01: ['hepatitis-b'],
  J07BC02: ['hepatitis-a'],
  J07BC20: ['hepatitis-a', 'hepatitis-b'],
  J07BD52: MMR,
  J07BD54: [...MMR, 'varicella'],
  J07BK01: ['varicella'],
  J07BK02: ['zoster'],
  J07BK03: ['zoster'],
  J07BX03: ['covid-19'], // the COVID-19 code before J07BN was created
  J07CA01: ['diphtheria', 'polio', 'tetanus'],
  J07CA02: DTP_POLIO,
  J07CA06: [...DTP_POLIO, 'hib'],
  J07CA09: HEXAVALENT,
};

/** ATC level-4 groups that name one disease: any code inside protects at least against it. */
const ATC_GROUP: Readonly<Record<string, VaccineTarget>> = {
  J07AF: 'diphtheria',
  J07AG: 'hib',
  J07AJ: 'pertussis',
  J07AL: 'pneumococcus',
  J07AM: 'tetanus',
  J07AN: 'tuberculosis',
  J07AP: 'typhoid',
  J07BB: 'influenza',
  J07BD: 'measles',
  J07BE: 'mumps',
  J07BF: 'polio',
  J07BG: 'rabies',
  J07BH: 'rotavirus',
  J07BJ: 'rubella',
  J07BL: 'yellow-fever',
  J07BM: 'hpv',
  J07BN: 'covid-19',
};

/** CVX codes (https://www2a.cdc.gov/vaccines/iis/iisstandards/vaccines.asp?rpt=cvx), the common ones only. */
const CVX: Readonly<Record<string, readonly VaccineTarget[]>> = {
  '03': MMR,
  '08': ['hepatitis-b'],
  '10': ['polio'],
  '19': ['tuberculosis'],
  '20': ['diphtheria', 'tetanus', 'pertussis'],
  '21': ['varicella'],
  '62': ['hpv'],
  '88': ['influenza'],
  '94': [...MMR, 'varicella'],
  '115': ['tetanus', 'diphtheria', 'pertussis'],
  '133': ['pneumococcus'],
  '165': ['hpv'],
  '187': ['zoster'],
  '207': ['covid-19'],
  '208': ['covid-19'],
};

/**
 * Words (on folded text: lowercase, no accents, punctuation as spaces) that name a disease or a
 * product. Patterns are whole words so that "Haemophilus influenzae" is not influenza.
 */
const NAME_RULES: readonly (readonly [RegExp, readonly VaccineTarget[]])[] = [
  // Products
  [/\b(infanrix hexa|hexyon|hexaxim|vaxelis|hexavalent)\b/, HEXAVALENT],
  [/\b(infanrix quinta|pentavac)\b/, [...DTP_POLIO, 'hib']],
  [/\b(infanrix tetra|tetravac|repevax|boostrixtetra|boostrix tetra)\b/, DTP_POLIO],
  [/\bboostrix\b/, ['diphtheria', 'tetanus', 'pertussis']],
  [/\b(revaxis|dtpolio)\b/, ['diphtheria', 'tetanus', 'polio']],
  [/\b(tetavax|antitetanique)\b/, ['tetanus']],
  [/\bbcg\b/, ['tuberculosis']],
  [/\b(prevenar|pneumovax|vaxneuvance|apexxnar|capvaxive)\b/, ['pneumococcus']],
  [/\b(gardasil|cervarix)\b/, ['hpv']],
  [/\b(shingrix|zostavax)\b/, ['zoster']],
  [/\b(vaxigrip|influvac|fluarix|efluelda|fluenz|flucelvax|supemtek)\b/, ['influenza']],
  [/\b(comirnaty|spikevax|nuvaxovid|vaxzevria|jcovden|vidprevtyn)\b/, ['covid-19']],
  [/\b(priorix tetra|proquad)\b/, [...MMR, 'varicella']],
  [/\b(ror|mmr|priorix|mmrvaxpro|m m rvaxpro)\b/, MMR],
  [/\b(varivax|varilrix)\b/, ['varicella']],
  [/\b(bexsero|trumenba)\b/, ['meningococcus-b']],
  [/\b(nimenrix|menveo|menquadfi)\b/, ['meningococcus-acwy']],
  [/\b(neisvac|menjugate|meningitec)\b/, ['meningococcus-c']],
  [/\b(rotarix|rotateq)\b/, ['rotavirus']],
  [/\bstamaril\b/, ['yellow-fever']],
  [/\b(typhim|typherix|vivotif)\b/, ['typhoid']],
  [/\btyavax\b/, ['typhoid', 'hepatitis-a']],
  [/\b(havrix|avaxim|vaqta)\b/, ['hepatitis-a']],
  [/\btwinrix\b/, ['hepatitis-a', 'hepatitis-b']],
  [/\b(engerix|hbvaxpro|genhevac)\b/, ['hepatitis-b']],
  [/\b(verorab|rabipur)\b/, ['rabies']],
  [/\b(ticovac|encepur)\b/, ['tick-borne-encephalitis']],
  [/\bixiaro\b/, ['japanese-encephalitis']],
  [/\b(abrysvo|arexvy|mresvia)\b/, ['rsv']],
  // Diseases, French and English
  [/\b(diphteri\w*|diphtheri\w*)\b/, ['diphtheria']],
  [/\b(tetanique|tetanos|tetanus)\b/, ['tetanus']],
  [/\b(coqueluch\w*|pertussis|anticoquelucheux)\b/, ['pertussis']],
  [/\b(poliomyeliti\w*|polio)\b/, ['polio']],
  [/\b(haemophilus|hib)\b/, ['hib']],
  [/\b(hepatite|hepatitis) b\b/, ['hepatitis-b']],
  [/\b(hepatite|hepatitis) a\b/, ['hepatitis-a']],
  [/\b(pneumocoq\w*|pneumococ\w*)\b/, ['pneumococcus']],
  [/\b(rougeole|measles)\b/, ['measles']],
  [/\b(oreillons|mumps)\b/, ['mumps']],
  [/\b(rubeole|rubella)\b/, ['rubella']],
  [/\b(varicelle|varicella)\b/, ['varicella']],
  [/\b(papillomavirus|hpv)\b/, ['hpv']],
  [/\b(grippe|grippal|antigrippal|influenza|flu)\b/, ['influenza']],
  [/\b(covid|covid 19|sars cov 2)\b/, ['covid-19']],
  [/\bzona\b/, ['zoster']],
  [/\b(antituberculeux|tuberculose|tuberculosis)\b/, ['tuberculosis']],
  [/\b(rotavirus)\b/, ['rotavirus']],
  [/\b(fievre jaune|yellow fever|amaril)\b/, ['yellow-fever']],
  [/\b(typhoide|typhoid)\b/, ['typhoid']],
  [/\b(rage|rabique|rabies)\b/, ['rabies']],
  [/\b(encephalite a tiques|tick borne encephalitis)\b/, ['tick-borne-encephalitis']],
  [/\b(encephalite japonaise|japanese encephalitis)\b/, ['japanese-encephalitis']],
  [/\b(vrs|rsv|syncytial)\b/, ['rsv']],
];

/** Meningococcal serogroups read after the word ("méningococcique A+C", "MenACWY"). */
const MENINGO = /\b(?:meningococ\w*|men)((?: (?:a|b|c|w|w135|y|acwy|acyw))+)\b|\bmen(acwy|acyw|b|c)\b/;

/** The targets of one code, or null when Carnet does not know the code. */
export function targetsOfCode(code: Pick<TypeCode, 'system' | 'code'>): readonly VaccineTarget[] | null {
  const value = code.code.trim().toUpperCase();
  if (code.system === ATC_SYSTEM) {
    const exact = ATC_EXACT[value];
    if (exact !== undefined) return exact;
    const group = ATC_GROUP[value.slice(0, 5)];
    return group === undefined ? null : [group];
  }
  if (code.system === CVX_SYSTEM) return CVX[value.replace(/^0+(?=\d{2})/, '')] ?? CVX[value] ?? null;
  return null;
}

/** The targets a product name states; empty when it names none that Carnet knows. */
export function targetsOfName(name: string): readonly VaccineTarget[] {
  const text = foldName(name);
  const found = new Set<VaccineTarget>();
  for (const [pattern, targets] of NAME_RULES) if (pattern.test(text)) for (const target of targets) found.add(target);
  // "varicella zoster" names the virus, not shingles
  if (/\bzoster\b/.test(text) && !found.has('varicella')) found.add('zoster');
  for (const target of meningococcalTargets(text)) found.add(target);
  return ordered(found);
}

function meningococcalTargets(text: string): VaccineTarget[] {
  const match = MENINGO.exec(text);
  if (match === null) return [];
  const groups = new Set((match[1] ?? match[2] ?? '').split(/ |(?=[a-z])/).flatMap((word) => (word === 'w135' ? ['w'] : [...word])));
  if (groups.has('a') && groups.has('c') && groups.has('w') && groups.has('y')) return groups.has('b') ? ['meningococcus-acwy', 'meningococcus-b'] : ['meningococcus-acwy'];
  const out: VaccineTarget[] = [];
  if (groups.has('c')) out.push('meningococcus-c');
  if (groups.has('b')) out.push('meningococcus-b');
  return out;
}

/**
 * The diseases a vaccination protects against: from the first code Carnet knows (the product's
 * own code is the most reliable), else from the names. Empty when nothing is certain.
 */
export function guessVaccineTargets(input: { readonly names: readonly string[]; readonly codes: readonly Pick<TypeCode, 'system' | 'code'>[] }): readonly VaccineTarget[] {
  const exact = input.codes.map(targetsOfCode).filter((targets): targets is readonly VaccineTarget[] => targets !== null);
  // An exact ATC code beats a group: prefer the code that says the most.
  const best = exact.reduce<readonly VaccineTarget[] | null>((most, targets) => (most === null || targets.length > most.length ? targets : most), null);
  const fromNames = new Set(input.names.flatMap((name) => [...targetsOfName(name)]));
  if (best === null) return ordered(fromNames);
  // A group code ("J07AM", tetanus) may say less than the name ("diphtérique, tétanique"): the
  // name adds what it states only when it agrees with the code.
  const merged = new Set(best);
  if ([...best].every((target) => fromNames.has(target))) for (const target of fromNames) merged.add(target);
  return ordered(merged);
}

function ordered(targets: ReadonlySet<VaccineTarget>): VaccineTarget[] {
  return VACCINE_TARGETS.filter((target) => targets.has(target));
}
