/**
 * A wall-clock time in an IANA time zone to UTC, with nothing but ECMA-402's Intl.DateTimeFormat
 * (the platform's tz database; no library, no table of our own). Exports from LibreView, Clarity
 * and Withings write the time the patient's phone showed, with no offset: the patient's zone
 * says which instant that was.
 *
 * What must stay true: a local time that happens twice (the autumn hour) is reported with both
 * instants, and one that never happens (the spring hour) is reported as such; neither is ever
 * shifted silently. The caller decides (importers/local-time.ts resolves by row order).
 *
 * Speed: formatToParts costs a few microseconds, too much for every row of a year of CGM. The
 * zone's offset is sampled on a 6-hour grid of instants and each local hour is checked once
 * against the grid: when the offset is the same all around it, every time in that hour has that
 * one offset. Only the hours within half a day of a transition are worked out exactly, per call,
 * from the transition's instant (found once to the second by halving a grid interval).
 * This assumes a zone never changes its offset twice within 6 hours, which no zone has done.
 */

export type ZonedTime =
  | { readonly status: 'ok'; readonly time: number }
  /** The autumn hour: the same wall-clock time before and after the clocks went back. */
  | { readonly status: 'ambiguous'; readonly earlier: number; readonly later: number }
  /** The spring hour: the clocks jumped over it. */
  | { readonly status: 'nonexistent' };

export interface ZoneClock {
  readonly timeZone: string;
  /** Month 1–12. Fields must already be in range (see isValidLocalTime). */
  toUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond?: number): ZonedTime;
  /**
   * The fast path for importers: the instant of a local time given as `naiveUtc` (its fields
   * read as if they were UTC, see naiveUtc), or NaN when it is not a single instant (then call
   * toUtcFromNaive). Allocates nothing.
   */
  uniqueUtc(naive: number): number;
  toUtcFromNaive(naive: number): ZonedTime;
  /** Local time minus UTC in force at an instant (ms), straight from Intl, uncached. */
  offsetAt(instant: number): number;
}

const SECOND = 1000;
const HOUR = 3_600_000;
const GRID = 6 * HOUR;
/** Offsets lie within ±14 h (Pacific/Kiritimati +14, Etc/GMT+12 −12); one hour more for safety. */
const REACH = 15 * HOUR;

/** The fields of a local time as a UTC millisecond count: arithmetic on wall-clock time. */
export function naiveUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): number {
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC reads years 0–99 as 1900–1999.
  return year >= 0 && year < 100 ? new Date(time).setUTCFullYear(year) : time;
}

/** The runs of ASCII digits in a text, as numbers. */
function numbersIn(text: string): number[] {
  const numbers: number[] = [];
  let value = -1;
  for (let index = 0; index <= text.length; index++) {
    const code = index < text.length ? text.charCodeAt(index) : 0;
    if (code >= 0x30 && code <= 0x39) value = (value < 0 ? 0 : value * 10) + code - 0x30;
    else if (value >= 0) {
      numbers.push(value);
      value = -1;
    }
  }
  return numbers;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A calendar date and a time of day that exist (leap seconds are not: no export writes :60). */
export function isValidLocalTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    Number.isInteger(year) && year >= 1000 && year <= 9999 &&
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59
  );
}

export interface LocalDateTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * One local time to UTC, for a single value (a reading typed in by hand). Importers make one
 * clock per file instead (createZoneClock), which caches the zone's offsets.
 */
export function zonedToUtc(local: LocalDateTime, timeZone: string): ZonedTime {
  return createZoneClock(timeZone).toUtc(local.year, local.month, local.day, local.hour, local.minute, local.second);
}

/**
 * Throws a RangeError for a name Intl does not know: the zone comes from the platform
 * (`Intl.DateTimeFormat().resolvedOptions().timeZone`), so a bad one is a bug, not bad input.
 */
export function createZoneClock(timeZone: string): ZoneClock {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  /**
   * UTC offset (local − UTC, ms) in force at an instant. format() is read rather than
   * formatToParts(), three times slower: with hourCycle h23, en-US writes "M/D/YYYY, HH:MM:SS",
   * six numbers in that order; should an engine ever write something else, the parts are read.
   */
  function offsetAt(instant: number): number {
    const numbers = numbersIn(formatter.format(instant));
    const [month, day, year, hour, minute, second] = numbers.length === 6 ? numbers : partsOf(instant);
    return naiveUtc(year as number, month as number, day as number, (hour as number) % 24, minute as number, second as number) - Math.floor(instant / SECOND) * SECOND;
  }

  function partsOf(instant: number): number[] {
    const value = (type: Intl.DateTimeFormatPartTypes) => Number(formatter.formatToParts(instant).find((part) => part.type === type)?.value);
    return [value('month'), value('day'), value('year'), value('hour'), value('minute'), value('second')];
  }

  const grid = new Map<number, number>();
  function gridOffset(index: number): number {
    let offset = grid.get(index);
    if (offset === undefined) grid.set(index, (offset = offsetAt(index * GRID)));
    return offset;
  }

  /**
   * Grid points [runFirst, runLast] known to share runOffset. Rows come in time order, so each
   * hour's window mostly lies inside the run, and a window that reaches past it checks only the
   * points beyond.
   */
  let runFirst = 0;
  let runLast = -1;
  let runOffset = 0;
  /** Local hours (naive ms / HOUR) found near a transition, so that they are not checked again. */
  const nearTransition = new Set<number>();
  function hourOffset(hourIndex: number): number {
    const start = hourIndex * HOUR;
    const first = Math.floor((start - REACH) / GRID);
    const last = Math.ceil((start + HOUR + REACH) / GRID);
    if (first >= runFirst && last <= runLast) return runOffset;
    if (nearTransition.has(hourIndex)) return Number.NaN;
    // Overlapping the run: the points past its end are the only ones to check.
    const extending = runLast >= runFirst && first >= runFirst && first <= runLast + 1;
    let offset = extending ? runOffset : gridOffset(first);
    for (let index = extending ? runLast + 1 : first + 1; index <= last; index++) {
      if (gridOffset(index) !== offset) {
        offset = Number.NaN;
        break;
      }
    }
    if (Number.isNaN(offset)) nearTransition.add(hourIndex);
    else if (extending) runLast = last;
    else {
      runFirst = first;
      runLast = last;
      runOffset = offset;
    }
    return offset;
  }

  /**
   * The first second at which the offset of grid point `index + 1` is in force, when it differs
   * from that of `index`: found once by halving the 6 hours between them (15 calls to Intl).
   */
  const transitions = new Map<number, number>();
  function transitionAfter(index: number): number {
    let found = transitions.get(index);
    if (found !== undefined) return found;
    const after = gridOffset(index + 1);
    let low = (index * GRID) / SECOND;
    let high = ((index + 1) * GRID) / SECOND;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle * SECOND) === after) high = middle;
      else low = middle;
    }
    found = high * SECOND;
    transitions.set(index, found);
    return found;
  }

  /** offsetAt from the grid and its transitions: no call to Intl once they are known. */
  function offsetFromGrid(instant: number): number {
    const index = Math.floor(instant / GRID);
    const before = gridOffset(index);
    const after = gridOffset(index + 1);
    if (before === after) return before;
    return Math.floor(instant / SECOND) * SECOND < transitionAfter(index) ? before : after;
  }

  /** Exactly, near a transition: every offset seen around it, kept when it maps back to `naive`. */
  function exact(naive: number): ZonedTime {
    const candidates = new Set<number>();
    const first = Math.floor((naive - REACH) / GRID);
    const last = Math.ceil((naive + REACH) / GRID);
    for (let index = first; index <= last; index++) candidates.add(gridOffset(index));
    const instants: number[] = [];
    for (const offset of candidates) {
      const instant = naive - offset;
      if (offsetFromGrid(instant) === offset && !instants.includes(instant)) instants.push(instant);
    }
    instants.sort((a, b) => a - b);
    if (instants.length === 0) return { status: 'nonexistent' };
    if (instants.length === 1) return { status: 'ok', time: instants[0] as number };
    return { status: 'ambiguous', earlier: instants[0] as number, later: instants[instants.length - 1] as number };
  }

  /** The last hour asked for: a sensor's readings come a dozen to the hour. */
  let lastHour = Number.NaN;
  let lastHourOffset = Number.NaN;
  function uniqueUtc(naive: number): number {
    const hour = Math.floor(naive / HOUR);
    if (hour !== lastHour) {
      lastHour = hour;
      lastHourOffset = hourOffset(hour);
    }
    return naive - lastHourOffset;
  }

  function toUtcFromNaive(naive: number): ZonedTime {
    const time = uniqueUtc(naive);
    return Number.isNaN(time) ? exact(naive) : { status: 'ok', time };
  }

  return {
    timeZone,
    uniqueUtc,
    toUtcFromNaive,
    offsetAt,
    toUtc: (year, month, day, hour, minute, second, millisecond = 0) =>
      toUtcFromNaive(naiveUtc(year, month, day, hour, minute, second, millisecond)),
  };
}
