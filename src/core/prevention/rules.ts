/**
 * France's prevention calendar as data: vaccinations, organised cancer screening, the compulsory
 * child examinations, M'T dents and Mon bilan prévention. Every fact comes from the research
 * snapshot shared/prevention/SOURCES.md and cites its source ids; a fact the snapshot marks
 * UNCONFIRMED is left out here and listed in docs/prevention.md. The engine (engine.ts) only
 * applies these rules to a patient's dates; changing what Carnet reminds about means editing this
 * file, bumping RULES_VERSION and updating the worked examples in the tests (docs/prevention.md).
 *
 * Ages follow the French wording exactly. An age is reached on the birthday (a 29 February
 * birthday falls on 1 March in other years, as does any day the target month lacks), and
 * windows are half-open: `{ from, before }` starts on the `from` birthday and ends the day
 * before the `before` one, so "jusqu'à X ans révolus" is `before: years(X + 1)`.
 */
import type { VaccineTarget } from '../profile/vaccines.ts';
import type { SourceId } from './sources.ts';

/** The date the rules describe the calendar as in force; bump it with every change here. */
export const RULES_VERSION = '2026-11-23';

/** Which editions and texts the rules rely on (through the sources of SOURCES.md). */
export const RULES_EDITION =
  'Calendrier des vaccinations 2025 (via S1, S2, S7) with the HPV catch-up to 26 ans révolus (HAS 2025-04-30, arrêté 2025-12-09); ' +
  'flu and COVID-19 campaign 2025-2026; arrêté du 30 juillet 2020 (cervical screening); breast and colorectal programmes as on ameli.fr and e-cancer.fr (2024); ' +
  'arrêté du 26 février 2019 as changed on 2025-01-01 (child examinations); M’T dents tous les ans (2025-04-01); Mon bilan prévention (2024).';

export interface Localized {
  readonly fr: string;
  readonly en: string;
}

/** An age from birth (or an interval from a date): years and months by the calendar, then days. */
export interface Age {
  readonly years?: number;
  readonly months?: number;
  readonly days?: number;
}

/** From the `from` birthday to the day before the `before` one. */
export interface AgeWindow {
  readonly from: Age;
  readonly before: Age;
}

export type RuleCategory = 'vaccination' | 'screening' | 'exam' | 'check-up';

/** What a reminder takes for granted and the patient (or the UI) should confirm. */
export type Assumption =
  | 'no-symptoms'
  | 'no-particular-risk'
  | 'no-personal-or-family-history'
  | 'no-inflammatory-bowel-disease'
  | 'no-previous-colonoscopy'
  | 'no-total-hysterectomy'
  | 'previous-results-normal';

interface RuleBase {
  /** Stable: the UI and dismissed keys may refer to it. Add rules, never rename one. */
  readonly id: string;
  readonly category: RuleCategory;
  readonly title: Localized;
  /** One or two sentences: what the rule says and why, for the patient. */
  readonly why: Localized;
  readonly mandatory: boolean;
  /** `female` for rules of the female programmes; null when the rule is for everyone. */
  readonly sex: 'female' | null;
  /** The birth cohort the rule covers (born on or after this date), or null for everyone. */
  readonly bornFrom: string | null;
  readonly assumes: readonly Assumption[];
  readonly sources: readonly SourceId[];
}

export interface SeriesDose {
  readonly label: Localized;
  readonly window: AgeWindow;
  /** Target sets any one of which a day's injections must cover; the series' targets otherwise. */
  readonly accepts?: readonly (readonly VaccineTarget[])[];
}

/** Infant doses at fixed ages, counted in order: the n-th qualifying injection day is dose n. */
export interface InfantSeriesRule extends RuleBase {
  readonly kind: 'infant-series';
  readonly series: string;
  readonly targets: readonly VaccineTarget[];
  readonly doses: readonly SeriesDose[];
  /** Injections before this age do not count towards the series. */
  readonly countsFrom: Age | null;
  /** Catch-up ends the day before this age; null when the sources give no end. */
  readonly closes: Age | null;
}

export interface ChildBooster {
  /** The fixed age, used in the item key (`vaccination:dtp:6`). */
  readonly age: number;
  readonly label: Localized;
  readonly window: AgeWindow;
  /** Listed as overdue until the day before this age. */
  readonly keepUntil: Age;
  readonly targets: readonly VaccineTarget[];
}

/** Diphtheria, tetanus and polio boosters: childhood ages, then fixed adult ages with recalage. */
export interface BoosterTrackRule extends RuleBase {
  readonly kind: 'booster-track';
  readonly series: string;
  /** A day's injections count as a booster when they cover all of these. */
  readonly matches: readonly VaccineTarget[];
  readonly childBoosters: readonly ChildBooster[];
  /** From this age the adult fixed ages apply (the childhood windows have closed). */
  readonly adultFrom: Age;
  readonly fixedAges: readonly number[];
  /** After the last fixed age, a booster every this many years. */
  readonly thenEvery: number;
  readonly adultTargets: readonly VaccineTarget[];
  /** The booster at `pertussis.age` adds pertussis, which can be caught up until the day before `pertussis.before`. */
  readonly pertussis: { readonly age: number; readonly before: Age };
  /** A booster less than this long before a fixed age moves the next one to the following fixed age. */
  readonly minimumBeforeFixedAge: Age;
  /** The move is sourced only for fixed ages below this one; from it, the engine asks for review. */
  readonly shiftConfirmedBelow: number;
}

/** HPV: two doses when started at 11 to 14 ans révolus, three in the catch-up. */
export interface HpvRule extends RuleBase {
  readonly kind: 'hpv';
  readonly series: string;
  readonly targets: readonly VaccineTarget[];
  readonly routine: AgeWindow;
  /** Catch-up ends the day before this age. */
  readonly catchUpBefore: Age;
  readonly twoDoses: { readonly minimum: Age; readonly maximum: Age };
  /** Doses 2 and 3 of the catch-up, counted from dose 1. */
  readonly threeDoses: readonly Age[];
}

/** Doses recommended from an age: one, or two with a spacing. */
export interface FromAgeRule extends RuleBase {
  readonly kind: 'from-age';
  readonly series: string;
  readonly targets: readonly VaccineTarget[];
  readonly from: Age;
  /** Overdue after the day before this age; null: due with no deadline. */
  readonly dueBefore: Age | null;
  /** No longer listed from this age; null: no upper age. */
  readonly before: Age | null;
  /** Only injections from this age count (earlier ones were for another indication). */
  readonly countsFrom: Age;
  /** A second dose this long after the first, or null for one dose. */
  readonly secondDoseAfter: Age | null;
}

export interface Campaign {
  readonly season: string;
  readonly start: string;
  /** Last day, inclusive. */
  readonly end: string;
}

/** A yearly autumn campaign from an age. Only the campaigns listed have known dates. */
export interface SeasonalRule extends RuleBase {
  readonly kind: 'seasonal';
  readonly series: string;
  readonly targets: readonly VaccineTarget[];
  readonly from: Age;
  readonly campaigns: readonly Campaign[];
}

/** An act repeated at an interval inside an age window, first due when the window opens. */
export interface PeriodicActRule extends RuleBase {
  readonly kind: 'periodic-act';
  readonly act: string;
  readonly window: AgeWindow;
  readonly interval: Age;
}

/** Cervical screening: cytology at 25–29 (two a year apart, then every 3 years), HPV test from 30. */
export interface CervicalRule extends RuleBase {
  readonly kind: 'cervical';
  readonly window: AgeWindow;
  readonly cytologyAct: string;
  readonly hpvAct: string;
  readonly hpvFrom: Age;
  readonly secondCytologyAfter: Age;
  readonly cytologyEvery: Age;
  readonly hpvAfterCytology: Age;
  readonly hpvEvery: Age;
}

/** An act due once inside an age window (an examination, a bilan). */
export interface ActWindowRule extends RuleBase {
  readonly kind: 'act-window';
  readonly act: string;
  readonly window: AgeWindow;
  /** Listed as overdue until the day before this age (then superseded); the window's end otherwise. */
  readonly keepUntil: Age | null;
}

/** An act once in each year of age (from one birthday to the day before the next). */
export interface YearlyActRule extends RuleBase {
  readonly kind: 'yearly-act';
  readonly act: string;
  readonly firstAge: number;
  readonly lastAge: number;
  /** Years of age starting before this date are covered only when a multiple of `formerlyEvery`. */
  readonly yearlySince: string;
  readonly formerlyEvery: number;
}

export type PreventionRule =
  | InfantSeriesRule
  | BoosterTrackRule
  | HpvRule
  | FromAgeRule
  | SeasonalRule
  | PeriodicActRule
  | CervicalRule
  | ActWindowRule
  | YearlyActRule;

const years = (n: number): Age => ({ years: n });
const months = (n: number): Age => ({ months: n });
const days = (n: number): Age => ({ days: n });
/** A fixed-age dose: due on that birthday (the window is that one day; overdue the day after). */
const on = (age: Age): AgeWindow => ({ from: age, before: { ...age, days: (age.days ?? 0) + 1 } });
const label = (fr: string, en: string): Localized => ({ fr, en });

const HEXAVALENT: readonly VaccineTarget[] = ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b'];
const MMR: readonly VaccineTarget[] = ['measles', 'mumps', 'rubella'];
const INFANT_OBLIGATION_SOURCES: readonly SourceId[] = ['S10', 'S11', 'S41', 'S42'];

const infantRules: readonly PreventionRule[] = [
  {
    id: 'vaccination.hexavalent',
    kind: 'infant-series',
    category: 'vaccination',
    series: 'hexavalent',
    title: label('Vaccin hexavalent (DTCaP-Hib-HepB)', 'Hexavalent vaccine (DTaP-IPV-Hib-HepB)'),
    why: label(
      'Obligatoire : deux injections à 2 et 4 mois, rappel à 11 mois (diphtérie, tétanos, coqueluche, polio, Haemophilus b, hépatite B).',
      'Mandatory: two injections at 2 and 4 months, booster at 11 months (diphtheria, tetanus, pertussis, polio, Haemophilus b, hepatitis B).',
    ),
    mandatory: true,
    sex: null,
    bornFrom: '2018-01-01',
    assumes: [],
    targets: HEXAVALENT,
    doses: [
      { label: label('2 mois', '2 months'), window: on(months(2)) },
      { label: label('4 mois', '4 months'), window: on(months(4)) },
      { label: label('rappel à 11 mois', 'booster at 11 months'), window: on(months(11)) },
    ],
    countsFrom: null,
    closes: null,
    sources: INFANT_OBLIGATION_SOURCES,
  },
  {
    id: 'vaccination.pneumococcal-infant',
    kind: 'infant-series',
    category: 'vaccination',
    series: 'pneumococcal-infant',
    title: label('Pneumocoque (vaccin conjugué)', 'Pneumococcal conjugate vaccine'),
    why: label('Obligatoire : injections à 2 et 4 mois, rappel à 11 mois.', 'Mandatory: injections at 2 and 4 months, booster at 11 months.'),
    mandatory: true,
    sex: null,
    bornFrom: '2018-01-01',
    assumes: [],
    targets: ['pneumococcus'],
    doses: [
      { label: label('2 mois', '2 months'), window: on(months(2)) },
      { label: label('4 mois', '4 months'), window: on(months(4)) },
      { label: label('rappel à 11 mois', 'booster at 11 months'), window: on(months(11)) },
    ],
    countsFrom: null,
    closes: null,
    sources: INFANT_OBLIGATION_SOURCES,
  },
  {
    id: 'vaccination.mmr',
    kind: 'infant-series',
    category: 'vaccination',
    series: 'mmr',
    title: label('Rougeole, oreillons, rubéole (ROR)', 'Measles, mumps, rubella (MMR)'),
    why: label(
      'Obligatoire : une injection à 12 mois, la seconde entre 16 et 18 mois. Une dose reçue avant 12 mois ne compte pas : il en faut alors une troisième.',
      'Mandatory: one injection at 12 months, the second between 16 and 18 months. A dose given before 12 months does not count, so a third one is needed.',
    ),
    mandatory: true,
    sex: null,
    bornFrom: '2018-01-01',
    assumes: [],
    targets: MMR,
    doses: [
      { label: label('12 mois', '12 months'), window: on(months(12)) },
      // "entre 16 et 18 mois": the 18-month day included.
      { label: label('entre 16 et 18 mois', 'between 16 and 18 months'), window: { from: months(16), before: { months: 18, days: 1 } } },
    ],
    countsFrom: months(12),
    closes: null,
    sources: [...INFANT_OBLIGATION_SOURCES, 'S1'],
  },
  {
    id: 'vaccination.menb-infant',
    kind: 'infant-series',
    category: 'vaccination',
    series: 'menb',
    title: label('Méningocoque B', 'Meningococcus B'),
    why: label(
      'Obligatoire depuis le 1er janvier 2025 : injections à 3 et 5 mois, rappel à 12 mois ; rattrapage jusqu’à 2 ans.',
      'Mandatory since 1 January 2025: injections at 3 and 5 months, booster at 12 months; catch-up until 2 years.',
    ),
    mandatory: true,
    sex: null,
    // Certainly covered from this date; S8 and S9 disagree on earlier births (UNCONFIRMED).
    bornFrom: '2025-01-01',
    assumes: [],
    targets: ['meningococcus-b'],
    doses: [
      { label: label('3 mois', '3 months'), window: on(months(3)) },
      { label: label('5 mois', '5 months'), window: on(months(5)) },
      { label: label('rappel à 12 mois', 'booster at 12 months'), window: on(months(12)) },
    ],
    countsFrom: null,
    closes: years(2),
    sources: ['S2', 'S40', 'S1'],
  },
  {
    id: 'vaccination.acwy-infant',
    kind: 'infant-series',
    category: 'vaccination',
    series: 'acwy-infant',
    title: label('Méningocoques ACWY (nourrisson)', 'Meningococci ACWY (infant)'),
    why: label(
      'Obligatoire depuis le 1er janvier 2025 : une injection à 6 mois, rappel à 12 mois ; obligation étendue jusqu’à 2 ans. Un schéma commencé avec le méningocoque C se poursuit en ACWY.',
      'Mandatory since 1 January 2025: one injection at 6 months, booster at 12 months; the obligation runs until 2 years. A schedule started with meningococcus C continues with ACWY.',
    ),
    mandatory: true,
    sex: null,
    bornFrom: '2025-01-01',
    assumes: [],
    targets: ['meningococcus-acwy'],
    doses: [
      { label: label('6 mois', '6 months'), window: on(months(6)), accepts: [['meningococcus-acwy'], ['meningococcus-c']] },
      { label: label('rappel à 12 mois', 'booster at 12 months'), window: on(months(12)) },
    ],
    countsFrom: null,
    closes: years(2),
    sources: ['S2', 'S9', 'S40', 'S1'],
  },
];

const otherVaccinationRules: readonly PreventionRule[] = [
  {
    id: 'vaccination.dtp-boosters',
    kind: 'booster-track',
    category: 'vaccination',
    series: 'dtp',
    title: label('Rappel diphtérie, tétanos, polio', 'Diphtheria, tetanus and polio booster'),
    why: label(
      'Rappels à 6 ans (DTCaP), entre 11 et 13 ans (dTcaP), puis à 25 ans (avec la coqueluche), 45 et 65 ans, puis tous les 10 ans. Un rappel fait moins de 5 ans avant un âge fixe reporte le suivant à l’âge fixe d’après.',
      'Boosters at 6 (DTaP-IPV), between 11 and 13 (Tdap-IPV), then at 25 (with pertussis), 45 and 65, then every 10 years. A booster given less than 5 years before a fixed age moves the next one to the following fixed age.',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    matches: ['diphtheria', 'tetanus'],
    childBoosters: [
      {
        age: 6,
        label: label('6 ans (DTCaP)', 'age 6 (DTaP-IPV)'),
        window: on(years(6)),
        keepUntil: years(11),
        targets: ['diphtheria', 'tetanus', 'pertussis', 'polio'],
      },
      {
        age: 11,
        label: label('11 à 13 ans (dTcaP)', 'ages 11 to 13 (Tdap-IPV)'),
        window: { from: years(11), before: years(14) },
        keepUntil: years(14),
        targets: ['diphtheria', 'tetanus', 'pertussis', 'polio'],
      },
    ],
    adultFrom: years(14),
    fixedAges: [25, 45, 65],
    thenEvery: 10,
    adultTargets: ['diphtheria', 'tetanus', 'polio'],
    pertussis: { age: 25, before: years(40) },
    minimumBeforeFixedAge: years(5),
    shiftConfirmedBelow: 65,
    sources: ['S11', 'S12', 'S13'],
  },
  {
    id: 'vaccination.hpv',
    kind: 'hpv',
    category: 'vaccination',
    series: 'hpv',
    title: label('Papillomavirus (HPV)', 'Human papillomavirus (HPV)'),
    why: label(
      'Pour les filles et les garçons de 11 à 14 ans : 2 doses espacées de 5 à 13 mois. Rattrapage pour tous jusqu’à 26 ans révolus : 3 doses (M0, M2, M6).',
      'For girls and boys aged 11 to 14: 2 doses 5 to 13 months apart. Catch-up for everyone until the day before the 27th birthday: 3 doses (months 0, 2 and 6).',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['hpv'],
    routine: { from: years(11), before: years(15) },
    catchUpBefore: years(27),
    twoDoses: { minimum: months(5), maximum: months(13) },
    threeDoses: [months(2), months(6)],
    sources: ['S4', 'S5', 'S39'],
  },
  {
    id: 'vaccination.acwy-adolescent',
    kind: 'from-age',
    category: 'vaccination',
    series: 'acwy-adolescent',
    title: label('Méningocoques ACWY (adolescent)', 'Meningococci ACWY (adolescent)'),
    why: label(
      'Une dose entre 11 et 14 ans, quelles que soient les vaccinations antérieures ; rattrapage de 15 à 24 ans révolus.',
      'One dose between 11 and 14 whatever earlier vaccinations; catch-up from 15 until the day before the 25th birthday.',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['meningococcus-acwy'],
    from: years(11),
    dueBefore: years(15),
    before: years(25),
    countsFrom: years(11),
    secondDoseAfter: null,
    sources: ['S1', 'S2', 'S3'],
  },
  {
    id: 'vaccination.zoster',
    kind: 'from-age',
    category: 'vaccination',
    series: 'zoster',
    title: label('Zona (Shingrix)', 'Shingles (Shingrix)'),
    why: label('Recommandé à tous les adultes de 65 ans et plus : 2 doses à 2 mois d’intervalle.', 'Recommended for every adult aged 65 and over: 2 doses 2 months apart.'),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['zoster'],
    from: years(65),
    dueBefore: null,
    before: null,
    countsFrom: years(0),
    secondDoseAfter: months(2),
    sources: ['S16', 'S17', 'S3'],
  },
  {
    id: 'vaccination.pneumococcal-adult',
    kind: 'from-age',
    category: 'vaccination',
    series: 'pneumococcal-adult',
    title: label('Pneumocoque (Prevenar 20), 65 ans et plus', 'Pneumococcal vaccine (Prevenar 20), 65 and over'),
    why: label('Recommandé à toutes les personnes de 65 ans et plus : une dose.', 'Recommended for everyone aged 65 and over: one dose.'),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['pneumococcus'],
    from: years(65),
    dueBefore: null,
    before: null,
    countsFrom: years(65),
    secondDoseAfter: null,
    sources: ['S19', 'S1'],
  },
  {
    id: 'vaccination.rsv-adult',
    kind: 'from-age',
    category: 'vaccination',
    series: 'rsv-adult',
    title: label('Virus respiratoire syncytial (VRS), 75 ans et plus', 'Respiratory syncytial virus (RSV), 75 and over'),
    why: label(
      'Recommandé à partir de 75 ans (dès 65 ans en cas de maladie respiratoire ou cardiaque chronique, à voir avec votre médecin) ; pas de rappel prévu.',
      'Recommended from 75 (from 65 with a chronic lung or heart disease: ask your doctor); no booster has been recommended.',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['rsv'],
    from: years(75),
    dueBefore: null,
    before: null,
    countsFrom: years(65),
    secondDoseAfter: null,
    sources: ['S18', 'S1', 'S7'],
  },
  {
    id: 'vaccination.influenza',
    kind: 'seasonal',
    category: 'vaccination',
    series: 'influenza',
    title: label('Grippe saisonnière', 'Seasonal flu'),
    why: label('Chaque année à partir de 65 ans, pendant la campagne d’automne.', 'Every year from 65, during the autumn campaign.'),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['influenza'],
    from: years(65),
    // 2025-26: opened 14 October 2025 (S14), extended to 28 February 2026 (S15).
    campaigns: [{ season: '2025-26', start: '2025-10-14', end: '2026-02-28' }],
    sources: ['S14', 'S15', 'S7'],
  },
  {
    id: 'vaccination.covid-19',
    kind: 'seasonal',
    category: 'vaccination',
    series: 'covid-19',
    title: label('Covid-19', 'COVID-19'),
    why: label('Chaque automne à partir de 65 ans, pendant la campagne conjointe avec la grippe.', 'Every autumn from 65, during the campaign run jointly with flu.'),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    targets: ['covid-19'],
    from: years(65),
    campaigns: [{ season: '2025-26', start: '2025-10-14', end: '2026-02-28' }],
    sources: ['S14', 'S15', 'S7'],
  },
];

const screeningRules: readonly PreventionRule[] = [
  {
    id: 'screening.breast',
    kind: 'periodic-act',
    category: 'screening',
    act: 'screening.breast',
    title: label('Dépistage du cancer du sein (mammographie)', 'Breast cancer screening (mammogram)'),
    why: label(
      'Pour les femmes de 50 à 74 ans sans symptôme ni risque particulier : une mammographie et un examen clinique des seins tous les 2 ans, pris en charge à 100 %.',
      'For women aged 50 to 74 with no symptoms or particular risk: a mammogram and a clinical breast examination every 2 years, fully covered.',
    ),
    mandatory: false,
    sex: 'female',
    bornFrom: null,
    assumes: ['no-symptoms', 'no-particular-risk'],
    // Whether "74" runs to the 75th birthday is UNCONFIRMED: reminders stop at the 74th.
    window: { from: years(50), before: years(74) },
    interval: years(2),
    sources: ['S22', 'S23', 'S24', 'S21'],
  },
  {
    id: 'screening.colorectal',
    kind: 'periodic-act',
    category: 'screening',
    act: 'screening.colorectal',
    title: label('Dépistage du cancer colorectal (test immunologique)', 'Bowel cancer screening (faecal immunochemical test)'),
    why: label(
      'Pour les personnes de 50 à 74 ans à risque moyen : un test à faire chez soi tous les 2 ans (kit chez le médecin, le pharmacien ou en ligne).',
      'For people aged 50 to 74 at average risk: a home test every 2 years (kit from a doctor, a pharmacist or online).',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: ['no-symptoms', 'no-personal-or-family-history', 'no-inflammatory-bowel-disease', 'no-previous-colonoscopy'],
    // Same wording as breast screening, same reading: reminders stop at the 74th birthday.
    window: { from: years(50), before: years(74) },
    interval: years(2),
    sources: ['S25', 'S26', 'S27'],
  },
  {
    id: 'screening.cervical',
    kind: 'cervical',
    category: 'screening',
    title: label('Dépistage du cancer du col de l’utérus', 'Cervical cancer screening'),
    why: label(
      'Pour les femmes de 25 à 65 ans : de 25 à 29 ans, un examen cytologique, deux à 1 an d’intervalle puis tous les 3 ans ; dès 30 ans, un test HPV 3 ans après la dernière cytologie normale, puis tous les 5 ans s’il est négatif.',
      'For women aged 25 to 65: from 25 to 29, a cytology, two a year apart then every 3 years; from 30, an HPV test 3 years after the last normal cytology, then every 5 years while negative.',
    ),
    mandatory: false,
    sex: 'female',
    bornFrom: null,
    assumes: ['no-total-hysterectomy', 'previous-results-normal'],
    // "De 25 à 65 ans", no invitation from 66: the 65th year included.
    window: { from: years(25), before: years(66) },
    cytologyAct: 'screening.cervical-cytology',
    hpvAct: 'screening.cervical-hpv',
    hpvFrom: years(30),
    secondCytologyAfter: years(1),
    cytologyEvery: years(3),
    hpvAfterCytology: years(3),
    hpvEvery: years(5),
    sources: ['S28', 'S29', 'S30', 'S31'],
  },
];

/**
 * The compulsory examinations as changed on 2025-01-01 (S35, S34): the one between the 3rd week
 * and the end of the 1st month is gone, one in the 7th year is added. "Au cours du n-ième mois"
 * is read literally, the n-th month of life (from n − 1 months to the day before n months), and
 * "au cours de la n-ième année" likewise (from n − 1 years): that is the reading under which
 * R2132-1's counts hold (13 in the first three years, 3 in the 4th to 6th, 4 from the 7th).
 */
const CHILD_EXAMS: readonly { readonly code: string; readonly fr: string; readonly en: string; readonly window: AgeWindow }[] = [
  { code: '8d', fr: 'dans les 8 jours suivant la naissance', en: 'within 8 days of birth', window: { from: days(0), before: days(9) } },
  { code: '2w', fr: 'au cours de la 2e semaine', en: 'during the 2nd week', window: { from: days(7), before: days(14) } },
  ...[2, 3, 4, 5, 6, 9, 12, 13].map((n) => ({
    code: `${n}m`,
    fr: `au cours du ${n}e mois`,
    en: `during the ${ordinal(n)} month`,
    window: { from: months(n - 1), before: months(n) },
  })),
  { code: '16-18m', fr: 'entre 16 et 18 mois', en: 'between 16 and 18 months', window: { from: months(16), before: { months: 18, days: 1 } } },
  { code: '24-25m', fr: 'au cours du 24e ou du 25e mois', en: 'during the 24th or 25th month', window: { from: months(23), before: months(25) } },
  ...[3, 4, 5, 6, 7].map((n) => ({
    code: `${n}y`,
    fr: `au cours de la ${n}e année`,
    en: `during the ${ordinal(n)} year`,
    window: { from: years(n - 1), before: years(n) },
  })),
  { code: '8-9y', fr: 'entre 8 et 9 ans', en: 'between 8 and 9', window: { from: years(8), before: years(10) } },
  { code: '11-13y', fr: 'entre 11 et 13 ans', en: 'between 11 and 13', window: { from: years(11), before: years(14) } },
  { code: '15-16y', fr: 'entre 15 et 16 ans', en: 'between 15 and 16', window: { from: years(15), before: years(17) } },
];

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** In months, to order the windows; exact enough for ages that are whole months or a few days. */
function roughMonths(age: Age): number {
  return (age.years ?? 0) * 12 + (age.months ?? 0) + (age.days ?? 0) / 31;
}

const examRules: readonly PreventionRule[] = CHILD_EXAMS.map((exam, i): ActWindowRule => {
  const next = CHILD_EXAMS[i + 1];
  // A missed examination stays listed until the next one's window opens, which supersedes it.
  const keepUntil = next !== undefined && roughMonths(next.window.from) > roughMonths(exam.window.before) ? next.window.from : null;
  return {
    id: `exam.child.${exam.code}`,
    kind: 'act-window',
    category: 'exam',
    act: `exam.child.${exam.code}`,
    title: label(`Examen de santé de l’enfant, ${exam.fr}`, `Child health examination, ${exam.en}`),
    why: label(
      'Examen obligatoire (20 examens de 0 à 16 ans), pris en charge à 100 %, noté dans le carnet de santé.',
      'Compulsory examination (20 from birth to 16), fully covered, written in the child’s health record book.',
    ),
    mandatory: true,
    sex: null,
    bornFrom: null,
    assumes: [],
    window: exam.window,
    keepUntil,
    sources: ['S32', 'S33', 'S34', 'S35'],
  };
});

const BILAN_BRACKETS: readonly (readonly [number, number])[] = [
  [18, 25],
  [45, 50],
  [60, 65],
  [70, 75],
];

const checkUpRules: readonly PreventionRule[] = [
  ...BILAN_BRACKETS.map(([from, to]): ActWindowRule => ({
    id: `bilan.${from}-${to}`,
    kind: 'act-window',
    category: 'check-up',
    act: `bilan.${from}-${to}`,
    title: label(`Mon bilan prévention (${from}–${to} ans)`, `Mon bilan prévention, prevention check-up (${from}–${to})`),
    why: label(
      'Un bilan par tranche d’âge avec un médecin, une sage-femme, un infirmier ou un pharmacien, pris en charge à 100 %.',
      'One check-up per age bracket with a doctor, midwife, nurse or pharmacist, fully covered.',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    // Whether the upper age is included is UNCONFIRMED: the bracket ends on that birthday.
    window: { from: years(from), before: years(to) },
    keepUntil: null,
    sources: ['S38'],
  })),
  {
    id: 'dental.mt-dents',
    kind: 'yearly-act',
    category: 'check-up',
    act: 'dental.mt-dents',
    title: label('Examen bucco-dentaire M’T dents', 'M’T dents dental check-up'),
    why: label(
      'De 3 à 24 ans, un examen de prévention chez le dentiste chaque année, à faire dans l’année qui suit l’anniversaire, pris en charge à 100 %.',
      'From 3 to 24, a preventive dental check-up every year, within a year of the birthday, fully covered.',
    ),
    mandatory: false,
    sex: null,
    bornFrom: null,
    assumes: [],
    firstAge: 3,
    lastAge: 24,
    yearlySince: '2025-04-01',
    formerlyEvery: 3,
    sources: ['S37'],
  },
];

export const PREVENTION_RULES: readonly PreventionRule[] = [...infantRules, ...otherVaccinationRules, ...screeningRules, ...examRules, ...checkUpRules];
