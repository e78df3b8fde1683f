/**
 * The prevention engine: applies the rules of rules.ts to a patient's birth date, sex, recorded
 * vaccinations and acts on a given day, and says what is overdue, due, upcoming or needs review,
 * with the dates, the reasoning and the sources. Pure: the day comes in as `today` (a calendar
 * date in the patient's zone), nothing is read from a clock.
 *
 * What must stay true (docs/prevention.md):
 * - Ages are calendar ages: a birthday missing from the target month (29 February, 31 April)
 *   falls on the 1st of the next month, so a birthday is never earlier than the real one.
 * - A partial date (YYYY or YYYY-MM) is never guessed: the rules are applied to the earliest and
 *   to the latest day it can stand for, and an item on which the two readings disagree is
 *   returned as `needs-review` with the other reading attached. Where they agree, the earliest
 *   reading's dates are kept, so a reminder never comes later than it could be due.
 * - An item with nothing recorded to go on says so (`basis: 'no-record'`) rather than guessing.
 * - Dismissed items are returned flagged (`dismissed: true`), not dropped, so they can be undone.
 * - Bad input is an `Invalid` value naming every problem; the engine never throws on input.
 */
import { isVaccineTarget, type VaccineTarget } from '../profile/vaccines.ts';
import { isCalendarDate } from '../records/health-profile.ts';
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import {
  PREVENTION_RULES,
  type ActWindowRule,
  type Age,
  type Assumption,
  type BoosterTrackRule,
  type CervicalRule,
  type FromAgeRule,
  type HpvRule,
  type InfantSeriesRule,
  type Localized,
  type PeriodicActRule,
  type PreventionRule,
  type RuleCategory,
  type SeasonalRule,
  type YearlyActRule,
} from './rules.ts';
import { PREVENTION_SOURCES, type Source } from './sources.ts';

export type PatientSex = 'female' | 'male' | 'other' | null;

export interface PreventionInput {
  /** YYYY-MM-DD in the patient's zone. */
  readonly today: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly sex: PatientSex;
  /** `date` is YYYY, YYYY-MM or YYYY-MM-DD. */
  readonly vaccinations: readonly { readonly targets: readonly VaccineTarget[]; readonly date: string }[];
  /** Screenings, examinations and check-ups the patient marked done (act ids of rules.ts). */
  readonly acts: readonly { readonly act: string; readonly date: string }[];
  /** Item keys the patient dismissed. */
  readonly dismissed: readonly string[];
}

/**
 * - `overdue`: the due date has passed (`dates.due` is the day it was due).
 * - `due`: in its window now, no due date passed (or none: "from 65", "dès 30 ans").
 * - `upcoming`: the window opens later (`dates.start`).
 * - `needs-review`: the rules cannot tell (a partial date, a fact the sources leave unconfirmed,
 *   a sex-specific programme when the recorded sex is not female); `review` says why.
 */
export type PreventionStatus = 'overdue' | 'due' | 'upcoming' | 'needs-review';

export interface ItemDates {
  /** First day the act or dose is in its window. */
  readonly start: string;
  /** Last day before it is overdue; null when there is no deadline. */
  readonly due: string | null;
  /** Last day it is listed at all (the catch-up ends, the next examination supersedes it); null: open. */
  readonly until: string | null;
}

/** The computed part of the "why", as parameters the UI words in the patient's language. */
export type Reasoning =
  /** Due by age: from the `from` birthday, due before the `before` one (null: no deadline). */
  | { readonly type: 'age'; readonly from: Age; readonly before: Age | null }
  /** Dose `dose` of a series of `of`; `recorded` doses of it are recorded. */
  | { readonly type: 'series'; readonly dose: number; readonly of: number; readonly recorded: number; readonly from: Age; readonly before: Age }
  /** The previous act or dose on `previous`, then `interval`. */
  | { readonly type: 'after-previous'; readonly previous: string; readonly interval: Age }
  /** The next fixed-age booster after the one on `previous` (null: none recorded); `movedFrom` when recalage moved it. */
  | { readonly type: 'booster'; readonly previous: string | null; readonly fixedAge: number; readonly movedFrom: number | null }
  /** Recalage would move the booster from `fixedAge` to `movedTo`, but the sources do not confirm the rule at that age. */
  | { readonly type: 'booster-move-unconfirmed'; readonly previous: string; readonly fixedAge: number; readonly movedTo: number; readonly movedToDate: string }
  | { readonly type: 'campaign'; readonly season: string; readonly start: string; readonly end: string }
  /** Outside any campaign the rules know the dates of; the last known one, if any. */
  | { readonly type: 'campaign-unknown'; readonly lastKnownSeason: string | null; readonly lastKnownEnd: string | null };

export interface OtherReading {
  readonly status: PreventionStatus;
  readonly dates: ItemDates;
  readonly review: ReviewReason | null;
}

export type ReviewReason =
  /**
   * A partial date could stand for days on which the rules give different answers. The item shows
   * the earliest-day reading (the latest-day one when only that lists it); `otherReading` is the
   * other reading, null when under it the item is done or not listed.
   */
  | { readonly type: 'partial-date'; readonly otherReading: OtherReading | null }
  /** The rule would need a fact SOURCES.md leaves unconfirmed. */
  | { readonly type: 'unconfirmed'; readonly fact: 'dtp-booster-move-from-65' | 'campaign-dates' }
  /** A programme for women, and the recorded sex is `other` or not recorded. */
  | { readonly type: 'sex'; readonly recorded: 'other' | null };

/** What marking the item done records. */
export type MarkDone = { readonly kind: 'vaccination'; readonly targets: readonly VaccineTarget[] } | { readonly kind: 'act'; readonly act: string };

export interface PreventionItem {
  /** Stable across runs while the same occurrence is pending; what `dismissed` holds. */
  readonly key: string;
  readonly ruleId: string;
  readonly category: RuleCategory;
  readonly title: Localized;
  /** Which dose or occurrence, when the rule has several. */
  readonly detail: Localized | null;
  readonly status: PreventionStatus;
  readonly basis: 'no-record' | 'recorded';
  readonly mandatory: boolean;
  readonly dates: ItemDates;
  /** Keys of earlier doses of the same series not recorded yet, which must come first. */
  readonly waitsFor: readonly string[];
  readonly review: ReviewReason | null;
  /** What the reminder takes for granted (no symptoms, no colonoscopy…). */
  readonly assumes: readonly Assumption[];
  readonly why: Localized;
  readonly reasoning: Reasoning;
  readonly citations: readonly Source[];
  readonly marksDone: MarkDone;
  readonly dismissed: boolean;
}

/** Upcoming items whose window opens further ahead than this are not listed. */
export const UPCOMING_HORIZON: Age = { years: 10 };

export function evaluatePrevention(input: PreventionInput, rules: readonly PreventionRule[] = PREVENTION_RULES): Result<PreventionItem[], Invalid> {
  const parsed = parseInput(input);
  if (!parsed.ok) return parsed;
  const { today, birth, sex, vaccinations, acts, dismissed } = parsed.value;
  const partial = [...vaccinations, ...acts].some((entry) => entry.earliest !== entry.latest);
  const earliest = evaluateReading(rules, { today, birth, sex, injections: injectionsOf(vaccinations, 'earliest'), acts: actsOf(acts, 'earliest') });
  const merged = partial
    ? mergeReadings(earliest, evaluateReading(rules, { today, birth, sex, injections: injectionsOf(vaccinations, 'latest'), acts: actsOf(acts, 'latest') }))
    : [...earliest.values()];
  const horizon = isoOf(addAge(today, UPCOMING_HORIZON));
  const dismissedKeys = new Set(dismissed);
  return ok(
    merged
      .filter((item) => item.dates.start <= horizon)
      .map((item) => ({ ...item, dismissed: dismissedKeys.has(item.key) }))
      .sort(compareItems),
  );
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian), no Date.

interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

function dayOf(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yearOfEra = yy - era * 400;
  const dayOfYear = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

function ymdOf(day: number): Ymd {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yearOfEra + era * 400 + (m <= 2 ? 1 : 0), m, d: dayOfYear - Math.floor((153 * mp + 2) / 5) + 1 };
}

function daysInMonth(y: number, m: number): number {
  return m === 12 ? 31 : dayOf(y, m + 1, 1) - dayOf(y, m, 1);
}

/** `day` plus an age: years and months by the calendar (a missing day is the 1st of the next month), then days. */
function addAge(day: number, age: Age): number {
  const { y, m, d } = ymdOf(day);
  const monthIndex = m - 1 + (age.years ?? 0) * 12 + (age.months ?? 0);
  const ty = y + Math.floor(monthIndex / 12);
  const tm = monthIndex - Math.floor(monthIndex / 12) * 12 + 1;
  const length = daysInMonth(ty, tm);
  const anniversary = d <= length ? dayOf(ty, tm, d) : dayOf(ty, tm, length) + 1;
  return anniversary + (age.days ?? 0);
}

function isoOf(day: number): string {
  const { y, m, d } = ymdOf(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function dayOfIso(text: string): number {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return dayOf(y, m, d);
}

// ---------------------------------------------------------------------------------------------
// Input

interface DatedEntry {
  readonly earliest: number;
  readonly latest: number;
}

interface ParsedInput {
  readonly today: number;
  readonly birth: number;
  readonly sex: PatientSex;
  readonly vaccinations: readonly (DatedEntry & { readonly targets: readonly VaccineTarget[] })[];
  readonly acts: readonly (DatedEntry & { readonly act: string })[];
  readonly dismissed: readonly string[];
}

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2}))?$/;
const SEXES: readonly PatientSex[] = ['female', 'male', 'other', null];
const MAX_ENTRIES = 10_000;

/** The first and last day a YYYY, YYYY-MM or YYYY-MM-DD date can stand for, or null. */
function rangeOf(text: string): { readonly first: number; readonly last: number } | null {
  if (isCalendarDate(text)) {
    const day = dayOfIso(text);
    return { first: day, last: day };
  }
  const match = PARTIAL_DATE.exec(text);
  if (match === null) return null;
  const y = Number(match[1]);
  if (match[2] === undefined) return { first: dayOf(y, 1, 1), last: dayOf(y, 12, 31) };
  const m = Number(match[2]);
  if (m < 1 || m > 12) return null;
  return { first: dayOf(y, m, 1), last: dayOf(y, m, daysInMonth(y, m)) };
}

function parseInput(input: PreventionInput): Result<ParsedInput, Invalid> {
  const check = new Checker();
  const calendarDate = (value: unknown, path: string): number | undefined => {
    if (typeof value !== 'string' || !isCalendarDate(value)) return check.fail(path, 'not a calendar date (YYYY-MM-DD)');
    return dayOfIso(value);
  };
  const today = calendarDate(input.today, 'today');
  const birth = calendarDate(input.birthDate, 'birthDate');
  if (today !== undefined && birth !== undefined && birth > today) check.fail('birthDate', 'after today');
  if (!SEXES.includes(input.sex)) check.fail('sex', 'expected female, male, other or null');

  /** Clamped to [birth, today]; an entry wholly outside is an issue, not a guess. */
  const dated = (value: unknown, path: string): DatedEntry | undefined => {
    const range = typeof value === 'string' ? rangeOf(value) : null;
    if (range === null) return check.fail(path, 'not a date (YYYY, YYYY-MM or YYYY-MM-DD)');
    if (birth !== undefined && range.last < birth) return check.fail(path, 'before the birth date');
    if (today !== undefined && range.first > today) return check.fail(path, 'after today');
    if (birth === undefined || today === undefined) return undefined;
    return { earliest: Math.max(range.first, birth), latest: Math.min(range.last, today) };
  };

  const vaccinations: (DatedEntry & { readonly targets: readonly VaccineTarget[] })[] = [];
  (check.array(input.vaccinations, 'vaccinations', MAX_ENTRIES) ?? []).forEach((value: unknown, i) => {
    const entry = check.object(value, `vaccinations[${i}]`);
    if (entry === undefined) return;
    const targets = check.array(entry['targets'], `vaccinations[${i}].targets`, 50);
    if (targets !== undefined && targets.length === 0) check.fail(`vaccinations[${i}].targets`, 'must not be empty');
    const known = (targets ?? []).filter((target): target is VaccineTarget => typeof target === 'string' && isVaccineTarget(target));
    if (targets !== undefined && known.length !== targets.length) check.fail(`vaccinations[${i}].targets`, 'unknown vaccine target');
    const range = dated(entry['date'], `vaccinations[${i}].date`);
    if (range !== undefined && known.length > 0) vaccinations.push({ ...range, targets: known });
  });

  const acts: (DatedEntry & { readonly act: string })[] = [];
  (check.array(input.acts, 'acts', MAX_ENTRIES) ?? []).forEach((value: unknown, i) => {
    const entry = check.object(value, `acts[${i}]`);
    if (entry === undefined) return;
    // Act ids this version does not know (from a newer rules file) are kept and simply match nothing.
    const act = check.string(entry['act'], `acts[${i}].act`, { min: 1, max: 100 });
    const range = dated(entry['date'], `acts[${i}].date`);
    if (act !== undefined && range !== undefined) acts.push({ ...range, act });
  });

  const dismissed: string[] = [];
  (check.array(input.dismissed, 'dismissed', MAX_ENTRIES) ?? []).forEach((key: unknown, i) => {
    if (typeof key === 'string') dismissed.push(key);
    else check.fail(`dismissed[${i}]`, 'expected text');
  });

  if (check.issues.length > 0 || today === undefined || birth === undefined) return err({ type: 'Invalid', issues: check.issues });
  return ok({ today, birth, sex: input.sex, vaccinations, acts, dismissed });
}

// ---------------------------------------------------------------------------------------------
// One reading: every date taken as its earliest or its latest day.

interface Injection {
  readonly day: number;
  readonly targets: ReadonlySet<VaccineTarget>;
}

interface ActDone {
  readonly act: string;
  readonly day: number;
}

interface Reading {
  readonly today: number;
  readonly birth: number;
  readonly sex: PatientSex;
  /** One entry per day, with the union of that day's targets (a pentavalent and a hepatitis B the same day make a hexavalent dose). */
  readonly injections: readonly Injection[];
  readonly acts: readonly ActDone[];
}

function injectionsOf(entries: ParsedInput['vaccinations'], which: 'earliest' | 'latest'): Injection[] {
  const byDay = new Map<number, Set<VaccineTarget>>();
  for (const entry of entries) {
    const day = entry[which];
    const targets = byDay.get(day) ?? new Set<VaccineTarget>();
    for (const target of entry.targets) targets.add(target);
    byDay.set(day, targets);
  }
  return [...byDay].map(([day, targets]) => ({ day, targets })).sort((a, b) => a.day - b.day);
}

function actsOf(entries: ParsedInput['acts'], which: 'earliest' | 'latest'): ActDone[] {
  return entries.map((entry) => ({ act: entry.act, day: entry[which] })).sort((a, b) => a.day - b.day);
}

function covers(injection: Injection, targets: readonly VaccineTarget[]): boolean {
  return targets.every((target) => injection.targets.has(target));
}

/** An item before sex review, status and the dismissed flag; `slot` is what the two readings are matched on. */
interface Draft {
  readonly slot: string;
  readonly key: string;
  readonly detail: Localized | null;
  readonly start: number;
  readonly due: number | null;
  readonly until: number | null;
  readonly basis: 'no-record' | 'recorded';
  readonly waitsFor: readonly string[];
  readonly review: ReviewReason | null;
  readonly reasoning: Reasoning;
  readonly marksDone: MarkDone;
}

type Undismissed = Omit<PreventionItem, 'dismissed'>;

function evaluateReading(rules: readonly PreventionRule[], reading: Reading): Map<string, Undismissed> {
  const items = new Map<string, Undismissed>();
  for (const rule of rules) {
    if (rule.sex === 'female' && reading.sex === 'male') continue;
    if (rule.bornFrom !== null && reading.birth < dayOfIso(rule.bornFrom)) continue;
    const sexReview: ReviewReason | null =
      rule.sex === 'female' && (reading.sex === 'other' || reading.sex === null) ? { type: 'sex', recorded: reading.sex } : null;
    for (const draft of draftsOf(rule, reading)) {
      const review = draft.review ?? sexReview;
      items.set(draft.slot, {
        key: draft.key,
        ruleId: rule.id,
        category: rule.category,
        title: rule.title,
        detail: draft.detail,
        status: review === null ? timing(reading.today, draft.start, draft.due) : 'needs-review',
        basis: draft.basis,
        mandatory: rule.mandatory,
        dates: { start: isoOf(draft.start), due: draft.due === null ? null : isoOf(draft.due), until: draft.until === null ? null : isoOf(draft.until) },
        waitsFor: draft.waitsFor,
        review,
        assumes: rule.assumes,
        why: rule.why,
        reasoning: draft.reasoning,
        citations: rule.sources.map((id) => PREVENTION_SOURCES[id]),
        marksDone: draft.marksDone,
      });
    }
  }
  return items;
}

function timing(today: number, start: number, due: number | null): PreventionStatus {
  if (today < start) return 'upcoming';
  return due !== null && today > due ? 'overdue' : 'due';
}

function draftsOf(rule: PreventionRule, reading: Reading): Draft[] {
  switch (rule.kind) {
    case 'infant-series':
      return infantSeries(rule, reading);
    case 'booster-track':
      return boosterTrack(rule, reading);
    case 'hpv':
      return hpvSeries(rule, reading);
    case 'from-age':
      return fromAge(rule, reading);
    case 'seasonal':
      return seasonal(rule, reading);
    case 'periodic-act':
      return periodicAct(rule, reading);
    case 'cervical':
      return cervical(rule, reading);
    case 'act-window':
      return actWindow(rule, reading);
    case 'yearly-act':
      return yearlyAct(rule, reading);
  }
}

const doseLabel = (n: number): Localized => ({ fr: `dose ${n}`, en: `dose ${n}` });
const vaccination = (targets: readonly VaccineTarget[]): MarkDone => ({ kind: 'vaccination', targets });
const act = (id: string): MarkDone => ({ kind: 'act', act: id });

function infantSeries(rule: InfantSeriesRule, reading: Reading): Draft[] {
  const closes = rule.closes === null ? null : addAge(reading.birth, rule.closes);
  if (closes !== null && reading.today >= closes) return [];
  const countsFrom = rule.countsFrom === null ? reading.birth : addAge(reading.birth, rule.countsFrom);
  let recorded = 0;
  for (const injection of reading.injections) {
    const dose = rule.doses[recorded];
    if (dose === undefined) break;
    if (injection.day >= countsFrom && (dose.accepts ?? [rule.targets]).some((targets) => covers(injection, targets))) recorded++;
  }
  const keyOf = (index: number) => `vaccination:${rule.series}:${index + 1}`;
  return rule.doses.flatMap((dose, index): Draft[] => {
    if (index < recorded) return [];
    const key = keyOf(index);
    return [
      {
        slot: key,
        key,
        detail: dose.label,
        start: addAge(reading.birth, dose.window.from),
        due: addAge(reading.birth, dose.window.before) - 1,
        until: closes === null ? null : closes - 1,
        basis: recorded > 0 ? 'recorded' : 'no-record',
        waitsFor: rule.doses.slice(recorded, index).map((_, j) => keyOf(recorded + j)),
        review: null,
        reasoning: { type: 'series', dose: index + 1, of: rule.doses.length, recorded, from: dose.window.from, before: dose.window.before },
        marksDone: vaccination(rule.targets),
      },
    ];
  });
}

function boosterTrack(rule: BoosterTrackRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const boosters = reading.injections.filter((injection) => covers(injection, rule.matches));
  const basis = boosters.length > 0 ? 'recorded' : 'no-record';
  const keyOf = (age: number) => `vaccination:${rule.series}:${age}`;

  if (today < addAge(birth, rule.adultFrom)) {
    return rule.childBoosters.flatMap((booster): Draft[] => {
      const start = addAge(birth, booster.window.from);
      const keep = addAge(birth, booster.keepUntil);
      if (today >= keep || boosters.some((injection) => injection.day >= start)) return [];
      const key = keyOf(booster.age);
      return [
        {
          slot: key,
          key,
          detail: booster.label,
          start,
          due: addAge(birth, booster.window.before) - 1,
          until: keep - 1,
          basis,
          waitsFor: [],
          review: null,
          reasoning: { type: 'age', from: booster.window.from, before: booster.window.before },
          marksDone: vaccination(booster.targets),
        },
      ];
    });
  }

  const birthday = (age: number) => addAge(birth, { years: age });
  /** The fixed age after `age` (itself a fixed age): the next in the list, then every `thenEvery` years. */
  const fixedAfter = (age: number): number => rule.fixedAges.find((fixed) => fixed > age) ?? age + rule.thenEvery;
  /** The first fixed age whose birthday comes after `day`. */
  const nextFixedAfter = (day: number): number => {
    let age = rule.fixedAges[0] ?? rule.thenEvery;
    while (birthday(age) <= day) age = fixedAfter(age);
    return age;
  };
  const targetsAt = (age: number): readonly VaccineTarget[] =>
    age === rule.pertussis.age && today < addAge(birth, rule.pertussis.before)
      ? (['diphtheria', 'tetanus', 'pertussis', 'polio'] as const).filter((target) => target === 'pertussis' || rule.adultTargets.includes(target))
      : rule.adultTargets;
  const draft = (age: number, rest: Pick<Draft, 'review' | 'reasoning'>): Draft => ({
    slot: `${rule.id}:adult`,
    key: keyOf(age),
    detail: { fr: `${age} ans`, en: `age ${age}` },
    start: birthday(age),
    due: birthday(age),
    until: null,
    basis,
    waitsFor: [],
    marksDone: vaccination(targetsAt(age)),
    ...rest,
  });

  const last = boosters.at(-1)?.day;
  if (last === undefined) {
    // Nothing recorded: the fixed age last reached (overdue since), or the first one ahead.
    let age = nextFixedAfter(today);
    const first = rule.fixedAges[0] ?? age;
    if (age !== first) {
      let previous = first;
      while (fixedAfter(previous) !== age) previous = fixedAfter(previous);
      age = previous;
    }
    return [draft(age, { review: null, reasoning: { type: 'booster', previous: null, fixedAge: age, movedFrom: null } })];
  }
  const age = nextFixedAfter(last);
  const previous = isoOf(last);
  if (addAge(last, rule.minimumBeforeFixedAge) <= birthday(age)) {
    return [draft(age, { review: null, reasoning: { type: 'booster', previous, fixedAge: age, movedFrom: null } })];
  }
  const movedTo = fixedAfter(age);
  if (age >= rule.shiftConfirmedBelow) {
    return [
      draft(age, {
        review: { type: 'unconfirmed', fact: 'dtp-booster-move-from-65' },
        reasoning: { type: 'booster-move-unconfirmed', previous, fixedAge: age, movedTo, movedToDate: isoOf(birthday(movedTo)) },
      }),
    ];
  }
  return [draft(movedTo, { review: null, reasoning: { type: 'booster', previous, fixedAge: movedTo, movedFrom: age } })];
}

function hpvSeries(rule: HpvRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const doses = reading.injections.filter((injection) => covers(injection, rule.targets));
  const keyOf = (n: number) => `vaccination:${rule.series}:${n}`;
  const marksDone = vaccination(rule.targets);
  const first = doses[0];
  if (first === undefined) {
    const catchUpEnd = addAge(birth, rule.catchUpBefore);
    if (today >= catchUpEnd) return [];
    return [
      {
        slot: keyOf(1),
        key: keyOf(1),
        detail: doseLabel(1),
        start: addAge(birth, rule.routine.from),
        due: addAge(birth, rule.routine.before) - 1,
        until: catchUpEnd - 1,
        basis: 'no-record',
        waitsFor: [],
        review: null,
        reasoning: { type: 'age', from: rule.routine.from, before: rule.routine.before },
        marksDone,
      },
    ];
  }
  const previous = isoOf(first.day);
  // Started before the 15th birthday: two doses; otherwise the three-dose catch-up.
  if (first.day < addAge(birth, rule.routine.before)) {
    if (doses.length >= 2) return [];
    return [
      {
        slot: keyOf(2),
        key: keyOf(2),
        detail: doseLabel(2),
        start: addAge(first.day, rule.twoDoses.minimum),
        due: addAge(first.day, rule.twoDoses.maximum),
        until: null,
        basis: 'recorded',
        waitsFor: [],
        review: null,
        reasoning: { type: 'after-previous', previous, interval: rule.twoDoses.minimum },
        marksDone,
      },
    ];
  }
  return rule.threeDoses.flatMap((interval, i): Draft[] => {
    const n = i + 2;
    if (n <= doses.length) return [];
    const day = addAge(first.day, interval);
    const waitsFor = Array.from({ length: n - 1 - doses.length }, (_, j) => keyOf(doses.length + 1 + j));
    return [
      { slot: keyOf(n), key: keyOf(n), detail: doseLabel(n), start: day, due: day, until: null, basis: 'recorded', waitsFor, review: null, reasoning: { type: 'after-previous', previous, interval }, marksDone },
    ];
  });
}

function fromAge(rule: FromAgeRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const closes = rule.before === null ? null : addAge(birth, rule.before);
  if (closes !== null && today >= closes) return [];
  const countsFrom = addAge(birth, rule.countsFrom);
  const doses = reading.injections.filter((injection) => injection.day >= countsFrom && covers(injection, rule.targets));
  const keyOf = (n: number) => `vaccination:${rule.series}:${n}`;
  const first = doses[0];
  if (first === undefined) {
    return [
      {
        slot: keyOf(1),
        key: keyOf(1),
        detail: rule.secondDoseAfter === null ? null : doseLabel(1),
        start: addAge(birth, rule.from),
        due: rule.dueBefore === null ? null : addAge(birth, rule.dueBefore) - 1,
        until: closes === null ? null : closes - 1,
        basis: 'no-record',
        waitsFor: [],
        review: null,
        reasoning: { type: 'age', from: rule.from, before: rule.dueBefore },
        marksDone: vaccination(rule.targets),
      },
    ];
  }
  if (rule.secondDoseAfter === null || doses.length >= 2) return [];
  const day = addAge(first.day, rule.secondDoseAfter);
  return [
    {
      slot: keyOf(2),
      key: keyOf(2),
      detail: doseLabel(2),
      start: day,
      due: day,
      until: null,
      basis: 'recorded',
      waitsFor: [],
      review: null,
      reasoning: { type: 'after-previous', previous: isoOf(first.day), interval: rule.secondDoseAfter },
      marksDone: vaccination(rule.targets),
    },
  ];
}

function seasonal(rule: SeasonalRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const eligible = addAge(birth, rule.from);
  // Before the age there is no season to name: the dates of future campaigns are not known.
  if (today < eligible) return [];
  const doses = reading.injections.filter((injection) => covers(injection, rule.targets));
  const marksDone = vaccination(rule.targets);
  const slot = `${rule.id}:season`;
  const campaign = rule.campaigns.find((known) => dayOfIso(known.start) <= today && today <= dayOfIso(known.end));
  if (campaign !== undefined) {
    const start = dayOfIso(campaign.start);
    const end = dayOfIso(campaign.end);
    if (doses.some((dose) => dose.day >= start && dose.day <= end)) return [];
    return [
      {
        slot,
        key: `vaccination:${rule.series}:${campaign.season}`,
        detail: { fr: `campagne ${campaign.season}`, en: `${campaign.season} campaign` },
        start: Math.max(start, eligible),
        due: end,
        until: end,
        basis: doses.length > 0 ? 'recorded' : 'no-record',
        waitsFor: [],
        review: null,
        reasoning: { type: 'campaign', season: campaign.season, start: campaign.start, end: campaign.end },
        marksDone,
      },
    ];
  }
  // Outside every campaign the rules know: due once the next one opens, but its dates are unconfirmed.
  const lastKnown = rule.campaigns.filter((known) => dayOfIso(known.end) < today).sort((a, b) => a.end.localeCompare(b.end)).at(-1);
  const after = lastKnown === undefined ? null : dayOfIso(lastKnown.end);
  if (after !== null && doses.some((dose) => dose.day > after)) return [];
  return [
    {
      slot,
      key: `vaccination:${rule.series}:after-${lastKnown?.season ?? 'none'}`,
      detail: null,
      start: Math.max(after === null ? eligible : after + 1, eligible),
      due: null,
      until: null,
      basis: doses.length > 0 ? 'recorded' : 'no-record',
      waitsFor: [],
      review: { type: 'unconfirmed', fact: 'campaign-dates' },
      reasoning: { type: 'campaign-unknown', lastKnownSeason: lastKnown?.season ?? null, lastKnownEnd: lastKnown?.end ?? null },
      marksDone,
    },
  ];
}

function periodicAct(rule: PeriodicActRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const opens = addAge(birth, rule.window.from);
  const closes = addAge(birth, rule.window.before);
  if (today >= closes) return [];
  const last = reading.acts.filter((done) => done.act === rule.act).at(-1);
  const start = last === undefined ? opens : Math.max(addAge(last.day, rule.interval), opens);
  if (start >= closes) return [];
  return [
    {
      slot: rule.id,
      key: `${rule.act}:${isoOf(start)}`,
      detail: null,
      start,
      due: start,
      until: closes - 1,
      basis: last === undefined ? 'no-record' : 'recorded',
      waitsFor: [],
      review: null,
      reasoning: last === undefined ? { type: 'age', from: rule.window.from, before: rule.window.before } : { type: 'after-previous', previous: isoOf(last.day), interval: rule.interval },
      marksDone: act(rule.act),
    },
  ];
}

function cervical(rule: CervicalRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const opens = addAge(birth, rule.window.from);
  const closes = addAge(birth, rule.window.before);
  const hpvFrom = addAge(birth, rule.hpvFrom);
  if (today >= closes) return [];
  const cytologies = reading.acts.filter((done) => done.act === rule.cytologyAct);
  const hpvTests = reading.acts.filter((done) => done.act === rule.hpvAct);
  const lastCytology = cytologies.at(-1)?.day;
  const lastHpv = hpvTests.at(-1)?.day;

  let next: { act: string; start: number; due: number | null; reasoning: Reasoning };
  if (lastHpv !== undefined && !(lastCytology !== undefined && lastCytology > lastHpv)) {
    const day = addAge(lastHpv, rule.hpvEvery);
    next = { act: rule.hpvAct, start: day, due: day, reasoning: { type: 'after-previous', previous: isoOf(lastHpv), interval: rule.hpvEvery } };
  } else if (lastCytology !== undefined) {
    const cytology = lastCytology;
    // Two cytologies a year apart first, then every 3 years; from 30, an HPV test 3 years after the last one.
    const interval = cytologies.length === 1 && lastHpv === undefined ? rule.secondCytologyAfter : rule.cytologyEvery;
    const cytologyDay = addAge(cytology, interval);
    if (cytologyDay < hpvFrom && today < hpvFrom) {
      next = { act: rule.cytologyAct, start: cytologyDay, due: cytologyDay, reasoning: { type: 'after-previous', previous: isoOf(cytology), interval } };
    } else {
      const day = Math.max(addAge(cytology, rule.hpvAfterCytology), hpvFrom);
      next = { act: rule.hpvAct, start: day, due: day, reasoning: { type: 'after-previous', previous: isoOf(cytology), interval: rule.hpvAfterCytology } };
    }
  } else {
    // Nothing recorded. "Dès 30 ans en l'absence de dépistage antérieur": due from an age, no deadline.
    next =
      today < hpvFrom
        ? { act: rule.cytologyAct, start: opens, due: null, reasoning: { type: 'age', from: rule.window.from, before: null } }
        : { act: rule.hpvAct, start: hpvFrom, due: null, reasoning: { type: 'age', from: rule.hpvFrom, before: null } };
  }
  const start = Math.max(next.start, opens);
  if (start >= closes) return [];
  return [
    {
      slot: rule.id,
      key: `${rule.id}:${isoOf(start)}`,
      detail: next.act === rule.hpvAct ? { fr: 'test HPV', en: 'HPV test' } : { fr: 'examen cytologique', en: 'cytology' },
      start,
      due: next.due === null ? null : Math.max(next.due, opens),
      until: closes - 1,
      basis: lastCytology === undefined && lastHpv === undefined ? 'no-record' : 'recorded',
      waitsFor: [],
      review: null,
      reasoning: next.reasoning,
      marksDone: act(next.act),
    },
  ];
}

function actWindow(rule: ActWindowRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const keep = addAge(birth, rule.keepUntil ?? rule.window.before);
  if (today >= keep || reading.acts.some((done) => done.act === rule.act)) return [];
  // "No record" means nothing of the family (no child examination, no bilan) is recorded at all.
  const family = rule.act.slice(0, rule.act.lastIndexOf('.') + 1);
  return [
    {
      slot: rule.act,
      key: rule.act,
      detail: null,
      start: addAge(birth, rule.window.from),
      due: addAge(birth, rule.window.before) - 1,
      until: keep - 1,
      basis: reading.acts.some((done) => done.act.startsWith(family)) ? 'recorded' : 'no-record',
      waitsFor: [],
      review: null,
      reasoning: { type: 'age', from: rule.window.from, before: rule.window.before },
      marksDone: act(rule.act),
    },
  ];
}

function yearlyAct(rule: YearlyActRule, reading: Reading): Draft[] {
  const { birth, today } = reading;
  const birthday = (age: number) => addAge(birth, { years: age });
  let age = ymdOf(today).y - ymdOf(birth).y;
  if (birthday(age) > today) age--;
  const yearlySince = dayOfIso(rule.yearlySince);
  const done = reading.acts.filter((entry) => entry.act === rule.act);
  for (let n = Math.max(age, rule.firstAge); n <= rule.lastAge; n++) {
    const start = birthday(n);
    const end = birthday(n + 1) - 1;
    if (start < yearlySince && n % rule.formerlyEvery !== 0) continue;
    if (done.some((entry) => entry.day >= start && entry.day <= end)) continue;
    return [
      {
        slot: rule.id,
        key: `${rule.act}:${n}`,
        detail: { fr: `${n} ans`, en: `age ${n}` },
        start,
        due: end,
        until: end,
        basis: done.length > 0 ? 'recorded' : 'no-record',
        waitsFor: [],
        review: null,
        reasoning: { type: 'age', from: { years: n }, before: { years: n + 1 } },
        marksDone: act(rule.act),
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Two readings of partial dates, merged.

function mergeReadings(earliest: Map<string, Undismissed>, latest: Map<string, Undismissed>): Undismissed[] {
  const merged: Undismissed[] = [];
  for (const [slot, item] of earliest) {
    const other = latest.get(slot);
    if (other !== undefined && other.status === item.status) merged.push(item);
    else merged.push(toReview(item, other === undefined ? null : { status: other.status, dates: other.dates, review: other.review }));
  }
  for (const [slot, item] of latest) if (!earliest.has(slot)) merged.push(toReview(item, null));
  return merged;
}

function toReview(item: Undismissed, otherReading: OtherReading | null): Undismissed {
  return { ...item, status: 'needs-review', review: { type: 'partial-date', otherReading } };
}

const STATUS_ORDER: Readonly<Record<PreventionStatus, number>> = { overdue: 0, 'needs-review': 1, due: 2, upcoming: 3 };

function compareItems(a: PreventionItem, b: PreventionItem): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (a.dates.due ?? a.dates.start).localeCompare(b.dates.due ?? b.dates.start) ||
    a.key.localeCompare(b.key)
  );
}
