/**
 * Calendar arithmetic for the agenda: proleptic Gregorian dates as day numbers (whole days since
 * 1970-01-01), wall-clock times, and the instant a wall-clock time names in an IANA zone.
 *
 * What must stay true: a wall-clock time that never happens (the spring-forward gap) is read with
 * the offset in force before the gap, so it lands as far after the gap as it was into it (RFC 5545
 * §3.3.5: 02:30 on the night Paris goes to summer time is 03:30 CEST); one that happens twice (the
 * autumn hour) is the first of the two. Neither is dropped.
 */
import { createZoneClock, naiveUtc, type ZoneClock } from '../readings/importers/zoned-time.ts';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(naiveUtc(year, month, day, 0, 0, 0) / DAY_MS);
}

export interface CalendarDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
}

export function dateOfDay(day: number): CalendarDate {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday (ISO order, as RRULE's weekdays are listed). */
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday (3).
  return (((day + 3) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_TEXT = /^(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD` of a real calendar date (years 1000–9999) as a day number, or null. */
export function parseDateText(text: string): number | null {
  const match = DATE_TEXT.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return dayNumber(year, month, day);
}

export function dateText(dayCount: number): string {
  const { year, month, day } = dateOfDay(dayCount);
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/** `HH:MM` (00:00–23:59) as minutes since midnight, or null. */
export function parseTimeText(text: string): number | null {
  const match = TIME_TEXT.exec(text);
  if (match === null) return null;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return hour <= 23 && minute <= 59 ? hour * 60 + minute : null;
}

export function timeText(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Whether a text holds a control character (refused in identifiers). */
export function hasControlCharacter(text: string): boolean {
  // oxlint-disable-next-line no-control-regex -- finding control characters is the point
  return /[\u0000-\u001f\u007f]/.test(text);
}

/** Whether Intl knows `name` as a time zone (the platform's tz database). */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone.length > 0;
  } catch {
    return false;
  }
}

/**
 * One clock per zone, kept: a clock caches the zone's offsets, and the agenda asks the same few
 * zones again on every view. A memo of the platform's tz data, not state: the answers never change.
 */
const clocks = new Map<string, ZoneClock>();
const MAX_CLOCKS = 64;

export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    if (clocks.size >= MAX_CLOCKS) clocks.clear();
    clock = createZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

/**
 * The instant of a wall-clock time (`minutes` after midnight of day `day`) in `zone`: in a gap,
 * read with the offset before the gap; when repeated, the first.
 */
export function wallToInstant(day: number, minutes: number, zone: string): number {
  const clock = zoneClock(zone);
  const naive = day * DAY_MS + minutes * MINUTE_MS;
  const zoned = clock.toUtcFromNaive(naive);
  if (zoned.status === 'ok') return zoned.time;
  if (zoned.status === 'ambiguous') return zoned.earlier;
  // No zone changes its offset twice within a day: a day earlier, the offset before the gap holds.
  return naive - clock.offsetAt(naive - clock.offsetAt(naive) - DAY_MS);
}

/** The wall-clock day and minute of an instant in `zone`. */
export function instantToWall(instant: number, zone: string): { readonly day: number; readonly minutes: number } {
  const naive = instant + zoneClock(zone).offsetAt(instant);
  const day = Math.floor(naive / DAY_MS);
  return { day, minutes: Math.floor((naive - day * DAY_MS) / MINUTE_MS) };
}
