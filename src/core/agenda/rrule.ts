/**
 * Recurrence rules, after RFC 5545 §3.3.10 (RECUR) and §3.8.5.3 (RRULE): the subset a health
 * agenda needs (an injection every 4 weeks, a course of tablets for 10 days, the second Monday of
 * each month), parsed into a typed rule with a typed error for anything else, and expanded lazily:
 * only the occurrences that touch a window are ever computed, so a rule without end is valid.
 *
 * Supported: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, COUNT, UNTIL, BYDAY (with ordinals such as
 * 2MO or -1FR in MONTHLY and YEARLY), BYMONTHDAY (negative counts from the month's end), BYMONTH,
 * BYSETPOS and WKST. Refused with a reason: sub-daily frequencies, BYHOUR, BYMINUTE, BYSECOND,
 * BYWEEKNO, BYYEARDAY and anything unknown.
 *
 * What must stay true: occurrences keep the wall-clock time of the first one in the event's zone
 * across daylight-saving changes (calendar.ts says how gaps and repeated hours are read); DTSTART
 * is always the first occurrence (§3.8.5.3) and counts toward COUNT; EXDATE removes occurrences
 * after COUNT has been applied (§3.8.5.1).
 */
import { err, ok, type Result } from '../result.ts';
import { DAY_MS, MINUTE_MS, dateOfDay, dayNumber, daysInMonth, instantToWall, isLeapYear, wallToInstant, weekdayOf } from './calendar.ts';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const MAX_INTERVAL = 1000;
export const MAX_COUNT = 10_000;
export const MAX_RRULE_LENGTH = 500;

export type Until =
  /** Inclusive last date (an all-day event's rule). */
  | { readonly kind: 'date'; readonly day: number }
  /** Inclusive last instant (`Z`): what RFC 5545 requires with a zoned DTSTART. */
  | { readonly kind: 'utc'; readonly instant: number }
  /** A wall-clock date-time in the event's zone (tolerated when read, never written). */
  | { readonly kind: 'local'; readonly day: number; readonly seconds: number };

export interface ByDay {
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  /** 0 for every such weekday; n (±1..53) for the nth, from the end when negative. */
  readonly ordinal: number;
}

export interface Rrule {
  readonly freq: Frequency;
  readonly interval: number;
  readonly count: number | null;
  readonly until: Until | null;
  readonly byDay: readonly ByDay[];
  readonly byMonthDay: readonly number[];
  readonly byMonth: readonly number[];
  readonly bySetPos: readonly number[];
  /** 0 = Monday (the default) … 6 = Sunday. */
  readonly wkst: number;
}

export type RruleProblem = 'syntax' | 'missing-freq' | 'unsupported' | 'bad-value' | 'repeated' | 'conflict' | 'too-long';

export interface RruleInvalid {
  readonly type: 'RruleInvalid';
  readonly reason: RruleProblem;
  /** The part at fault, as written (`BYHOUR=9`, `FREQ=HOURLY`), or '' for the rule as a whole. */
  readonly part: string;
}

const UNSUPPORTED = new Set(['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYWEEKNO', 'BYYEARDAY', 'RSCALE', 'SKIP']);

function invalid(reason: RruleProblem, part: string): { ok: false; error: RruleInvalid } {
  return err({ type: 'RruleInvalid', reason, part });
}

/** A list of integers in [min, max] other than 0 (signed when `signed`), or null. */
function integerList(text: string, min: number, max: number, signed: boolean): number[] | null {
  const values: number[] = [];
  for (const item of text.split(',')) {
    if (!(signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(item)) return null;
    const value = Number(item);
    if (value === 0 || Math.abs(value) < min || Math.abs(value) > max) return null;
    if (!values.includes(value)) values.push(value);
  }
  return values;
}

/** `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`. */
export function parseUntil(text: string): Until | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = dayNumber(year, month, day);
  if (match[4] === undefined) return { kind: 'date', day: date };
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6])];
  if (hour > 23 || minute > 59 || second > 60) return null;
  const seconds = hour * 3600 + minute * 60 + Math.min(second, 59);
  return match[7] === 'Z' ? { kind: 'utc', instant: date * DAY_MS + seconds * 1000 } : { kind: 'local', day: date, seconds };
}

export function parseRrule(source: string): Result<Rrule, RruleInvalid> {
  if (source.length > MAX_RRULE_LENGTH) return invalid('too-long', '');
  const text = source.trim().replace(/^RRULE:/i, '');
  const seen = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part === '') continue;
    const match = /^([A-Za-z-]+)=(.+)$/.exec(part);
    if (match === null) return invalid('syntax', part);
    const name = (match[1] as string).toUpperCase();
    if (seen.has(name)) return invalid('repeated', part);
    seen.set(name, (match[2] as string).toUpperCase());
  }
  const freqText = seen.get('FREQ');
  if (freqText === undefined) return invalid('missing-freq', '');
  if (!(FREQUENCIES as readonly string[]).includes(freqText)) {
    return ['SECONDLY', 'MINUTELY', 'HOURLY'].includes(freqText) ? invalid('unsupported', `FREQ=${freqText}`) : invalid('bad-value', `FREQ=${freqText}`);
  }
  const freq = freqText as Frequency;
  let interval = 1;
  let count: number | null = null;
  let until: Until | null = null;
  let byDay: ByDay[] = [];
  let byMonthDay: number[] = [];
  let byMonth: number[] = [];
  let bySetPos: number[] = [];
  let wkst = 0;
  for (const [name, value] of seen) {
    const part = `${name}=${value}`;
    switch (name) {
      case 'FREQ':
        break;
      case 'INTERVAL':
        if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_INTERVAL) return invalid('bad-value', part);
        interval = Number(value);
        break;
      case 'COUNT':
        if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_COUNT) return invalid('bad-value', part);
        count = Number(value);
        break;
      case 'UNTIL': {
        until = parseUntil(value);
        if (until === null) return invalid('bad-value', part);
        break;
      }
      case 'BYDAY': {
        const list: ByDay[] = [];
        for (const item of value.split(',')) {
          const day = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
          if (day === null) return invalid('bad-value', part);
          const ordinal = day[1] === undefined ? 0 : Number(day[1]);
          if (day[1] !== undefined && (ordinal === 0 || Math.abs(ordinal) > 53)) return invalid('bad-value', part);
          const weekday = WEEKDAYS.indexOf(day[2] as Weekday);
          if (!list.some((entry) => entry.weekday === weekday && entry.ordinal === ordinal)) list.push({ weekday, ordinal });
        }
        byDay = list;
        break;
      }
      case 'BYMONTHDAY': {
        const list = integerList(value, 1, 31, true);
        if (list === null) return invalid('bad-value', part);
        byMonthDay = list;
        break;
      }
      case 'BYMONTH': {
        const list = integerList(value, 1, 12, false);
        if (list === null) return invalid('bad-value', part);
        byMonth = list;
        break;
      }
      case 'BYSETPOS': {
        const list = integerList(value, 1, 366, true);
        if (list === null) return invalid('bad-value', part);
        bySetPos = list;
        break;
      }
      case 'WKST': {
        const index = WEEKDAYS.indexOf(value as Weekday);
        if (index < 0) return invalid('bad-value', part);
        wkst = index;
        break;
      }
      default:
        return UNSUPPORTED.has(name) || name.startsWith('X-') ? invalid('unsupported', part) : invalid('bad-value', part);
    }
  }
  // RFC 5545 §3.3.10: COUNT and UNTIL MUST NOT occur together; BYMONTHDAY does not apply to
  // WEEKLY; numbered BYDAY only in MONTHLY and YEARLY; BYSETPOS only with another BYxxx.
  if (count !== null && until !== null) return invalid('conflict', 'COUNT+UNTIL');
  if (freq === 'WEEKLY' && byMonthDay.length > 0) return invalid('conflict', `BYMONTHDAY=${seen.get('BYMONTHDAY')}`);
  if ((freq === 'DAILY' || freq === 'WEEKLY') && byDay.some((entry) => entry.ordinal !== 0)) return invalid('conflict', `BYDAY=${seen.get('BYDAY')}`);
  if (bySetPos.length > 0 && byDay.length + byMonthDay.length + byMonth.length === 0) return invalid('conflict', `BYSETPOS=${seen.get('BYSETPOS')}`);
  return ok({ freq, interval, count, until, byDay, byMonthDay, byMonth, bySetPos, wkst });
}

function untilText(until: Until): string {
  const compact = (day: number) => {
    const { year, month, day: dd } = dateOfDay(day);
    return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(dd).padStart(2, '0')}`;
  };
  const clock = (seconds: number) =>
    [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60].map((value) => String(value).padStart(2, '0')).join('');
  switch (until.kind) {
    case 'date':
      return compact(until.day);
    case 'utc': {
      const day = Math.floor(until.instant / DAY_MS);
      return `${compact(day)}T${clock(Math.floor((until.instant - day * DAY_MS) / 1000))}Z`;
    }
    case 'local':
      return `${compact(until.day)}T${clock(until.seconds)}`;
  }
}

/** The canonical text of a rule: parts in one order, defaults left out. */
export function formatRrule(rule: Rrule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== null) parts.push(`UNTIL=${untilText(rule.until)}`);
  if (rule.byMonth.length > 0) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((entry) => `${entry.ordinal === 0 ? '' : entry.ordinal}${WEEKDAYS[entry.weekday]}`).join(',')}`);
  if (rule.bySetPos.length > 0) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.wkst !== 0) parts.push(`WKST=${WEEKDAYS[rule.wkst]}`);
  return parts.join(';');
}

/**
 * The rule with UNTIL in the form RFC 5545 asks for this start: a date for an all-day event, a
 * UTC instant for a timed one (a wall-clock UNTIL is read in the event's zone).
 */
export function normaliseUntil(rule: Rrule, start: RecurrenceStart): Rrule {
  const until = rule.until;
  if (until === null) return rule;
  if (start.minutes === null) {
    if (until.kind === 'date') return rule;
    const day = until.kind === 'utc' ? instantToWall(until.instant, start.zone).day : until.day;
    return { ...rule, until: { kind: 'date', day } };
  }
  if (until.kind === 'utc') return rule;
  // A date UNTIL includes that whole day; a wall-clock one, up to its second.
  const instant = until.kind === 'date'
    ? wallToInstant(until.day + 1, 0, start.zone) - 1000
    : wallToInstant(until.day, Math.floor(until.seconds / 60), start.zone) + (until.seconds % 60) * 1000;
  return { ...rule, until: { kind: 'utc', instant } };
}

/** Where a series starts: its first day, its wall-clock time (null: all day) and its zone. */
export interface RecurrenceStart {
  readonly day: number;
  /** Minutes after midnight, or null for an all-day event. */
  readonly minutes: number | null;
  readonly zone: string;
}

export interface Occurrence {
  /** The wall-clock day of the occurrence's start in the event's zone. */
  readonly day: number;
  readonly start: number;
  readonly end: number;
}

interface Filters {
  readonly byDay: readonly ByDay[];
  readonly byMonthDay: readonly number[];
  readonly byMonth: readonly number[];
}

/** The BYxxx parts with RFC 5545's defaults taken from DTSTART (§3.3.10, "information not contained in the rule"). */
function effectiveFilters(rule: Rrule, startDay: number): Filters {
  const start = dateOfDay(startDay);
  const noDays = rule.byDay.length === 0 && rule.byMonthDay.length === 0;
  if (rule.freq === 'WEEKLY' && rule.byDay.length === 0) return { byDay: [{ weekday: weekdayOf(startDay), ordinal: 0 }], byMonthDay: [], byMonth: rule.byMonth };
  if (rule.freq === 'MONTHLY' && noDays) return { byDay: [], byMonthDay: [start.day], byMonth: rule.byMonth };
  if (rule.freq === 'YEARLY' && noDays) return { byDay: [], byMonthDay: [start.day], byMonth: rule.byMonth.length > 0 ? rule.byMonth : [start.month] };
  return rule;
}

function matches(rule: Rrule, filters: Filters, day: number): boolean {
  const { year, month, day: dd } = dateOfDay(day);
  if (filters.byMonth.length > 0 && !filters.byMonth.includes(month)) return false;
  const length = daysInMonth(year, month);
  if (filters.byMonthDay.length > 0 && !filters.byMonthDay.some((value) => (value > 0 ? value === dd : length + value + 1 === dd))) return false;
  if (filters.byDay.length === 0) return true;
  const weekday = weekdayOf(day);
  // Numbered weekdays count within the month (MONTHLY, or YEARLY with BYMONTH), else the year.
  const inYear = rule.freq === 'YEARLY' && filters.byMonth.length === 0;
  const index = inYear ? day - dayNumber(year, 1, 1) : dd - 1;
  const span = inYear ? (isLeapYear(year) ? 366 : 365) : length;
  return filters.byDay.some((entry) => {
    if (entry.weekday !== weekday) return false;
    if (entry.ordinal === 0) return true;
    return entry.ordinal > 0 ? Math.floor(index / 7) + 1 === entry.ordinal : Math.floor((span - 1 - index) / 7) + 1 === -entry.ordinal;
  });
}

function monthIndex(day: number): number {
  const { year, month } = dateOfDay(day);
  return year * 12 + month - 1;
}

/** The days of period `k` (the kth step of INTERVAL from the start's period). */
function periodDays(rule: Rrule, startDay: number, k: number): { first: number; days: number[] } {
  const step = k * rule.interval;
  let first: number;
  let last: number;
  switch (rule.freq) {
    case 'DAILY':
      first = last = startDay + step;
      break;
    case 'WEEKLY':
      first = startDay - ((weekdayOf(startDay) - rule.wkst + 7) % 7) + 7 * step;
      last = first + 6;
      break;
    case 'MONTHLY': {
      const index = monthIndex(startDay) + step;
      const [year, month] = [Math.floor(index / 12), (index % 12) + 1];
      first = dayNumber(year, month, 1);
      last = first + daysInMonth(year, month) - 1;
      break;
    }
    case 'YEARLY': {
      const year = dateOfDay(startDay).year + step;
      first = dayNumber(year, 1, 1);
      last = dayNumber(year, 12, 31);
      break;
    }
  }
  const days: number[] = [];
  for (let day = first; day <= last; day++) days.push(day);
  return { first, days };
}

/** The first period that can hold `day` or a later one (no earlier period needs looking at). */
function periodAtOrBefore(rule: Rrule, startDay: number, day: number): number {
  let span: number;
  switch (rule.freq) {
    case 'DAILY':
      span = day - startDay;
      break;
    case 'WEEKLY':
      span = Math.floor((day - (startDay - ((weekdayOf(startDay) - rule.wkst + 7) % 7))) / 7);
      break;
    case 'MONTHLY':
      span = monthIndex(day) - monthIndex(startDay);
      break;
    case 'YEARLY':
      span = dateOfDay(day).year - dateOfDay(startDay).year;
      break;
  }
  return Math.max(0, Math.floor(span / rule.interval));
}

/**
 * The rule's days (DTSTART's day first), in order, from the period holding `fromDay` (from the
 * start when COUNT must be counted), up to `lastDay`. Lazy: a rule without end costs only the
 * periods up to `lastDay`.
 */
export function* recurrenceDays(rule: Rrule, startDay: number, fromDay: number, lastDay: number): Generator<number> {
  const filters = effectiveFilters(rule, startDay);
  const firstPeriod = rule.count === null ? periodAtOrBefore(rule, startDay, fromDay) : 0;
  if (firstPeriod === 0) yield startDay;
  for (let k = firstPeriod; ; k++) {
    const period = periodDays(rule, startDay, k);
    if (period.first > lastDay) return;
    let days = period.days.filter((day) => matches(rule, filters, day));
    if (rule.bySetPos.length > 0) {
      const picked = rule.bySetPos.map((position) => days[position > 0 ? position - 1 : days.length + position]).filter((day) => day !== undefined);
      days = Array.from(new Set(picked)).sort((a, b) => a - b);
    }
    for (const day of days) if (day > startDay) yield day;
  }
}

/**
 * The occurrences of a series that overlap the window [from, to) (UTC ms), in order: each at the
 * series' wall-clock time in its zone, lasting `durationMinutes` (an all-day event lasts whole
 * days, midnight to midnight in its zone). `rule` null: the single occurrence. `exdays`: the
 * wall-clock days removed (EXDATE).
 */
export function expandOccurrences(
  start: RecurrenceStart,
  durationMinutes: number,
  rule: Rrule | null,
  exdays: ReadonlySet<number>,
  from: number,
  to: number,
): Occurrence[] {
  const occurrence = (day: number): Occurrence => {
    if (start.minutes === null) {
      const days = Math.max(1, Math.round(durationMinutes / 1440));
      return { day, start: wallToInstant(day, 0, start.zone), end: wallToInstant(day + days, 0, start.zone) };
    }
    const instant = wallToInstant(day, start.minutes, start.zone);
    return { day, start: instant, end: instant + durationMinutes * MINUTE_MS };
  };
  const overlaps = (item: Occurrence) => item.start < to && (item.end > from || (item.end === item.start && item.start >= from));
  if (rule === null) {
    const single = occurrence(start.day);
    return overlaps(single) && !exdays.has(start.day) ? [single] : [];
  }
  // Local days that can hold an occurrence touching the window, with a day's margin for zones.
  const fromDay = instantToWall(from - durationMinutes * MINUTE_MS, start.zone).day - 1;
  const lastDay = instantToWall(to, start.zone).day + 1;
  const out: Occurrence[] = [];
  let counted = 0;
  for (const day of recurrenceDays(rule, start.day, fromDay, lastDay)) {
    counted++;
    if (rule.count !== null && counted > rule.count) break;
    const item = occurrence(day);
    if (!withinUntil(rule.until, start, day, item.start)) break;
    if (item.start >= to) break;
    if (!exdays.has(day) && overlaps(item)) out.push(item);
  }
  return out;
}

function withinUntil(until: Until | null, start: RecurrenceStart, day: number, instant: number): boolean {
  if (until === null) return true;
  switch (until.kind) {
    case 'date':
      return day <= until.day;
    case 'utc':
      return instant <= until.instant;
    case 'local':
      return day * 86_400 + (start.minutes ?? 0) * 60 <= until.day * 86_400 + until.seconds;
  }
}

/** Whether a rule can end (COUNT or UNTIL), so its last occurrence exists. */
export function isBounded(rule: Rrule): boolean {
  return rule.count !== null || rule.until !== null;
}
