/**
 * Date-times as exports write them, and the patient's wall clock turned into instants.
 *
 * scanDateTime reads `dd-mm-yyyy HH:MM`, `mm/dd/yyyy h:mm PM`, `yyyy-mm-ddTHH:MM:SS.sss+01:00`,
 * `2014-02-13 6:04 Uhr` and their kin without a regular expression per row: LibreView alone may
 * hand over 100,000 of them. Which of two leading numbers is the day is decided per file
 * (DayOrderVote), never per row.
 *
 * createLocalClock resolves local times in the patient's zone and settles the autumn hour, which
 * happens twice, by the order of the rows: an export lists a sensor's readings in time order, so
 * the first run through the repeated hour is the earlier instant and a time that goes back inside
 * it has moved on to the later one (in a file listed newest first, the other way round: which way a
 * file runs is read from the row before the repeated hour; a group that starts inside it is taken
 * to run forward). Rows are ordered per group (LibreView sorts by record type, each type in time order), so each group
 * keeps its own state.
 */
import { createZoneClock, isValidLocalTime, naiveUtc, type ZoneClock } from './zoned-time.ts';

/** The numbers of a date-time as written, before we know which one is the day. Reused per row. */
export interface DateTimeFields {
  /** The three numbers of the date, in the order written. */
  a: number;
  b: number;
  c: number;
  /** The first number has four digits (year-month-day). */
  yearFirst: boolean;
  hasTime: boolean;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC when the text carries an offset (`Z`, `+01:00`), else NaN. */
  offsetMinutes: number;
}

export function createDateTimeFields(): DateTimeFields {
  return { a: 0, b: 0, c: 0, yearFirst: false, hasTime: false, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: Number.NaN };
}

const ZERO = 0x30;
const NINE = 0x39;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * Reads `text` into `out`; false when it is not a date-time of the forms above. Date parts are
 * separated by `-`, `/` or `.` (the same twice), the year has four digits (a two-digit year is
 * refused: "03-04-05" says nothing certain), the time follows a space or `T`, with optional
 * seconds and fraction, `AM`/`PM` or `Uhr`, and an offset. Ranges are not checked here.
 * `from` and `to` read a field where it lies in a CSV text, without cutting it out.
 */
export function scanDateTime(text: string, out: DateTimeFields, from = 0, to = text.length): boolean {
  if (to - from === ISO_LENGTH && scanIsoDateTime(text, out, from)) return true;
  let pos = from;
  let end = to;
  while (pos < end && text.charCodeAt(pos) <= 0x20) pos++;
  while (end > pos && text.charCodeAt(end - 1) <= 0x20) end--;
  const aDigits = digitsAt(text, pos, end, 4);
  const yearFirst = aDigits === 4;
  if (aDigits === 0 || aDigits === 3) return false;
  const a = numberAt(text, pos, aDigits);
  pos += aDigits;
  const separator = pos < end ? text.charCodeAt(pos) : 0;
  if (separator !== 0x2d && separator !== 0x2f && separator !== 0x2e) return false;
  pos++;
  const bDigits = digitsAt(text, pos, end, 2);
  if (bDigits === 0 || pos + bDigits >= end || text.charCodeAt(pos + bDigits) !== separator) return false;
  const b = numberAt(text, pos, bDigits);
  pos += bDigits + 1;
  const cDigits = digitsAt(text, pos, end, yearFirst ? 2 : 4);
  if (yearFirst ? cDigits === 0 : cDigits !== 4) return false;
  const c = numberAt(text, pos, cDigits);
  pos += cDigits;
  if (pos < end && isDigit(text.charCodeAt(pos))) return false;
  out.yearFirst = yearFirst;
  out.a = a;
  out.b = b;
  out.c = c;
  out.hasTime = false;
  out.hour = 0;
  out.minute = 0;
  out.second = 0;
  out.millisecond = 0;
  out.offsetMinutes = Number.NaN;
  if (pos === end) return true;

  const between = text.charCodeAt(pos);
  if (between === 0x54 || between === 0x74) pos++; // T
  else if (between === 0x20) while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  else return false;
  const hourDigits = digitsAt(text, pos, end, 2);
  if (hourDigits === 0 || pos + hourDigits >= end || text.charCodeAt(pos + hourDigits) !== 0x3a || digitsAt(text, pos + hourDigits + 1, end, 2) !== 2) return false;
  const hour = numberAt(text, pos, hourDigits);
  const minute = numberAt(text, pos + hourDigits + 1, 2);
  pos += hourDigits + 3;
  let second = 0;
  let millisecond = 0;
  if (pos < end && text.charCodeAt(pos) === 0x3a) {
    if (digitsAt(text, pos + 1, end, 2) !== 2) return false;
    second = numberAt(text, pos + 1, 2);
    pos += 3;
    const mark = pos < end ? text.charCodeAt(pos) : 0;
    if (mark === 0x2e || mark === 0x2c) {
      const fraction = digitsAt(text, pos + 1, end, 9);
      if (fraction === 0) return false;
      millisecond = Math.floor(numberAt(text, pos + 1, Math.min(fraction, 3)) * 10 ** (3 - Math.min(fraction, 3)));
      pos += 1 + fraction;
    }
  }
  let clockHour = hour;
  while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  const meridiem = readMeridiem(text, pos, end);
  if (meridiem !== 0) {
    if (hour < 1 || hour > 12) return false;
    clockHour = (hour % 12) + (meridiem === 2 ? 12 : 0);
    pos += 2;
    while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  } else if (pos + 3 <= end && text.startsWith('Uhr', pos)) {
    pos += 3;
    while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  }
  out.hasTime = true;
  out.hour = clockHour;
  out.minute = minute;
  out.second = second;
  out.millisecond = millisecond;
  if (pos === end) return true;
  const sign = text.charCodeAt(pos);
  if ((sign === 0x5a || sign === 0x7a) && pos + 1 === end) {
    out.offsetMinutes = 0;
    return true;
  }
  if ((sign !== 0x2b && sign !== 0x2d) || digitsAt(text, pos + 1, end, 2) !== 2) return false;
  const offsetHours = numberAt(text, pos + 1, 2);
  if (offsetHours > 14) return false;
  pos += 3;
  let offsetMinutes = 0;
  if (pos < end) {
    if (text.charCodeAt(pos) === 0x3a) pos++;
    if (digitsAt(text, pos, end, 2) !== 2 || pos + 2 !== end) return false;
    offsetMinutes = numberAt(text, pos, 2);
    if (offsetMinutes > 59) return false;
  }
  out.offsetMinutes = (sign === 0x2d ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return true;
}

/** `yyyy-mm-ddThh:mm:ss`: what Clarity writes on each of a year's 100,000 rows. */
const ISO_LENGTH = 19;

/** The value of the two digits at `pos`, or -1 when either is not a digit. */
function twoDigitsAt(text: string, pos: number): number {
  const tens = text.charCodeAt(pos) - ZERO;
  const units = text.charCodeAt(pos + 1) - ZERO;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/**
 * scanDateTime's result for exactly `yyyy-mm-ddThh:mm:ss` (or a space for the T) at `from`, read
 * in one pass with no search; false for anything else, which the general reading then takes.
 */
function scanIsoDateTime(text: string, out: DateTimeFields, from: number): boolean {
  if (text.charCodeAt(from + 4) !== 0x2d || text.charCodeAt(from + 7) !== 0x2d || text.charCodeAt(from + 13) !== 0x3a || text.charCodeAt(from + 16) !== 0x3a) return false;
  const between = text.charCodeAt(from + 10);
  if (between !== 0x54 && between !== 0x74 && between !== 0x20) return false;
  const century = twoDigitsAt(text, from);
  const years = twoDigitsAt(text, from + 2);
  const month = twoDigitsAt(text, from + 5);
  const day = twoDigitsAt(text, from + 8);
  const hour = twoDigitsAt(text, from + 11);
  const minute = twoDigitsAt(text, from + 14);
  const second = twoDigitsAt(text, from + 17);
  if (century < 0 || years < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
  out.yearFirst = true;
  out.a = century * 100 + years;
  out.b = month;
  out.c = day;
  out.hasTime = true;
  out.hour = hour;
  out.minute = minute;
  out.second = second;
  out.millisecond = 0;
  out.offsetMinutes = Number.NaN;
  return true;
}

/** How many digits (at most `max`) start at `pos`. */
function digitsAt(text: string, pos: number, end: number, max: number): number {
  let count = 0;
  while (pos + count < end && count < max && isDigit(text.charCodeAt(pos + count))) count++;
  return count;
}

function numberAt(text: string, pos: number, count: number): number {
  let value = 0;
  for (let at = pos; at < pos + count; at++) value = value * 10 + text.charCodeAt(at) - ZERO;
  return value;
}

/** 1 for AM, 2 for PM (either case), 0 for neither. */
function readMeridiem(text: string, pos: number, end: number): 0 | 1 | 2 {
  if (pos + 2 > end) return 0;
  const first = text.charCodeAt(pos) | 0x20;
  const second = text.charCodeAt(pos + 1) | 0x20;
  if (second !== 0x6d) return 0;
  return first === 0x61 ? 1 : first === 0x70 ? 2 : 0;
}

export type DayOrder = 'dmy' | 'mdy';

/**
 * Decides whether `03-04-2025` is the 3rd of April or March 4th for a whole file: a first number
 * above 12 settles day-first, a second one above 12 settles month-first; when no number does
 * (a file of the 1st to the 12th), the reading that keeps consecutive rows closest in time wins,
 * since an export lists readings minutes apart, not months. Day-first, LibreView's order outside
 * the United States, when even that cannot tell (a single day).
 */
export class DayOrderVote {
  private dayFirst = 0;
  private monthFirst = 0;
  private gapDayFirst = 0;
  private gapMonthFirst = 0;
  private previousDayFirst = Number.NaN;
  private previousMonthFirst = Number.NaN;

  /** Whether a number above 12 has already settled it. */
  get settled(): boolean {
    return this.dayFirst > 0 || this.monthFirst > 0;
  }

  observe(fields: DateTimeFields): void {
    if (fields.yearFirst) return;
    if (fields.a > 12) this.dayFirst++;
    if (fields.b > 12) this.monthFirst++;
    const asDayFirst = naiveUtc(fields.c, fields.b, fields.a, fields.hour, fields.minute, 0);
    const asMonthFirst = naiveUtc(fields.c, fields.a, fields.b, fields.hour, fields.minute, 0);
    const impossible = 1e15;
    this.gapDayFirst += fields.b > 12 ? impossible : Math.abs(asDayFirst - (Number.isNaN(this.previousDayFirst) ? asDayFirst : this.previousDayFirst));
    this.gapMonthFirst += fields.a > 12 ? impossible : Math.abs(asMonthFirst - (Number.isNaN(this.previousMonthFirst) ? asMonthFirst : this.previousMonthFirst));
    this.previousDayFirst = asDayFirst;
    this.previousMonthFirst = asMonthFirst;
  }

  decide(): DayOrder {
    if (this.dayFirst !== this.monthFirst) return this.dayFirst > this.monthFirst ? 'dmy' : 'mdy';
    return this.gapMonthFirst < this.gapDayFirst ? 'mdy' : 'dmy';
  }
}

/** How a file writes its dates: day or month first, or year first only (`ymd` refuses the others). */
export type DateOrder = DayOrder | 'ymd';

/**
 * The wall-clock fields of a scan as a naive UTC count, or NaN when the date or time does not
 * exist. A year-first date is read year-month-day whatever `order` says.
 */
export function naiveOf(fields: DateTimeFields, order: DateOrder): number {
  let year = fields.c;
  let month = fields.b;
  let day = fields.a;
  if (fields.yearFirst) {
    year = fields.a;
    day = fields.c;
  } else if (order === 'ymd') return Number.NaN;
  else if (order === 'mdy') {
    month = fields.a;
    day = fields.b;
  }
  if (!isValidLocalTime(year, month, day, fields.hour, fields.minute, fields.second)) return Number.NaN;
  return naiveMidnight(year, month, day) + ((fields.hour * 60 + fields.minute) * 60 + fields.second) * 1000 + fields.millisecond;
}

/** The last date's midnight, as naiveUtc gives it: rows of one day (288 a day from a sensor) share it. */
const lastDate = { year: 0, month: 0, day: 0, midnight: 0 };

function naiveMidnight(year: number, month: number, day: number): number {
  if (year !== lastDate.year || month !== lastDate.month || day !== lastDate.day) {
    lastDate.midnight = naiveUtc(year, month, day, 0, 0, 0);
    lastDate.year = year;
    lastDate.month = month;
    lastDate.day = day;
  }
  return lastDate.midnight;
}

/** What resolving a local time gave. */
export type LocalStatus = 'ok' | 'ambiguous' | 'nonexistent';

interface GroupState {
  /** The last local time seen in the group (naive ms), NaN before the first. */
  previous: number;
  /** Inside a run of rows in a repeated hour. */
  inRun: boolean;
  /** +1 when the group runs forward in time, −1 when newest first. */
  direction: number;
  /** The run went back (forward, in a newest-first file): now on the second pass through the hour. */
  switched: boolean;
  lastInRun: number;
}

export interface LocalClock {
  /** How the last call went. */
  readonly status: LocalStatus;
  /**
   * The instant of a local time (naive ms, see naiveOf) read in row order within `group`; NaN when
   * it does not exist (status 'nonexistent').
   */
  resolve(naive: number, group: number): number;
}

export function createLocalClock(timeZone: string): LocalClock {
  const zone: ZoneClock = createZoneClock(timeZone);
  const groups = new Map<number, GroupState>();
  let lastGroup = Number.NaN;
  let lastState: GroupState | undefined;
  const clock: { status: LocalStatus; resolve: LocalClock['resolve'] } = {
    status: 'ok',
    resolve(naive: number, group: number): number {
      let state = group === lastGroup ? lastState : groups.get(group);
      if (state === undefined) groups.set(group, (state = { previous: Number.NaN, inRun: false, direction: 1, switched: false, lastInRun: 0 }));
      lastGroup = group;
      lastState = state;
      const previous = state.previous;
      state.previous = naive;
      const unique = zone.uniqueUtc(naive);
      if (!Number.isNaN(unique)) {
        state.inRun = false;
        clock.status = 'ok';
        return unique;
      }
      const zoned = zone.toUtcFromNaive(naive);
      if (zoned.status !== 'ambiguous') {
        state.inRun = false;
        clock.status = zoned.status === 'ok' ? 'ok' : 'nonexistent';
        return zoned.status === 'ok' ? zoned.time : Number.NaN;
      }
      if (!state.inRun) {
        state.inRun = true;
        state.switched = false;
        state.direction = Number.isNaN(previous) || naive >= previous ? 1 : -1;
      } else if (!state.switched && (naive - state.lastInRun) * state.direction < 0) {
        state.switched = true;
      }
      state.lastInRun = naive;
      clock.status = 'ambiguous';
      return (state.direction > 0) !== state.switched ? zoned.earlier : zoned.later;
    },
  };
  return clock;
}

export interface RowTimeReader {
  /**
   * The instant of a row's date-time, read in row order within `group`; NaN when it has none,
   * and then `problem` says why. A time with an offset is taken as written; one without is the
   * patient's wall clock. `from` and `to` read it where it lies in a longer text.
   */
  read(text: string, group: number, from?: number, to?: number): number;
  readonly problem: 'bad-time' | 'nonexistent-time' | null;
  /** The last time read was in the repeated autumn hour (settled by row order). */
  readonly ambiguous: boolean;
}

export function createRowTimeReader(timeZone: string, order: DateOrder, requireTime: boolean): RowTimeReader {
  const clock = createLocalClock(timeZone);
  const fields = createDateTimeFields();
  const reader: { problem: RowTimeReader['problem']; ambiguous: boolean; read: RowTimeReader['read'] } = {
    problem: null,
    ambiguous: false,
    read(text, group, from = 0, to = text.length) {
      reader.ambiguous = false;
      if (!scanDateTime(text, fields, from, to) || (requireTime && !fields.hasTime)) {
        reader.problem = 'bad-time';
        return Number.NaN;
      }
      const naive = naiveOf(fields, order);
      if (Number.isNaN(naive)) {
        reader.problem = 'bad-time';
        return Number.NaN;
      }
      if (!Number.isNaN(fields.offsetMinutes)) {
        reader.problem = null;
        return naive - fields.offsetMinutes * 60_000;
      }
      const instant = clock.resolve(naive, group);
      reader.problem = clock.status === 'nonexistent' ? 'nonexistent-time' : null;
      reader.ambiguous = clock.status === 'ambiguous';
      return instant;
    },
  };
  return reader;
}

/**
 * The day order of a file from its time column: `next` yields each row's time text until it
 * returns undefined. Stops early once a number above 12 settles it.
 */
export function voteDayOrder(next: () => string | undefined): DayOrder {
  const vote = new DayOrderVote();
  const fields = createDateTimeFields();
  for (let text = next(); text !== undefined && !vote.settled; text = next()) if (scanDateTime(text, fields)) vote.observe(fields);
  return vote.decide();
}
