/**
 * VTIMEZONE components (RFC 5545 §3.6.5) derived from the platform's tz database through Intl: one
 * observance per UTC-offset change in the years asked for, each with its exact local start and
 * offsets, so that a calendar that does not know an IANA name still places every exported time
 * right in those years. No rule is guessed (a yearly RRULE would claim years nobody checked).
 */
import { DAY_MS, MINUTE_MS, dateOfDay, dayNumber, zoneClock } from './calendar.ts';

export interface OffsetChange {
  /** The first instant of the new offset (UTC ms). */
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

const WEEK_MS = 7 * DAY_MS;

/** The offset changes of `zone` from the start of `firstYear` to the end of `lastYear`. */
export function offsetChanges(zone: string, firstYear: number, lastYear: number): OffsetChange[] {
  const clock = zoneClock(zone);
  const start = dayNumber(firstYear, 1, 1) * DAY_MS;
  const end = dayNumber(lastYear + 1, 1, 1) * DAY_MS;
  const changes: OffsetChange[] = [];
  // Weekly samples (no zone changes twice within a week), then the minute of each change.
  let previous = clock.offsetAt(start);
  for (let at = start + WEEK_MS; at <= end + WEEK_MS; at += WEEK_MS) {
    const offset = clock.offsetAt(at);
    if (offset === previous) continue;
    let low = at - WEEK_MS;
    let high = at;
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (clock.offsetAt(middle) === previous) low = middle;
      else high = middle;
    }
    if (high >= start && high < end) changes.push({ at: high, from: previous, to: offset });
    previous = offset;
  }
  return changes;
}

export function offsetText(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const total = Math.abs(Math.round(offset / 1000));
  const parts = [Math.floor(total / 3600), Math.floor((total % 3600) / 60)];
  if (total % 60 !== 0) parts.push(total % 60);
  return sign + parts.map((value) => String(value).padStart(2, '0')).join('');
}

/** A local date-time as iCalendar writes it: `YYYYMMDDTHHMMSS`. */
export function compactLocal(naive: number): string {
  const day = Math.floor(naive / DAY_MS);
  const { year, month, day: dd } = dateOfDay(day);
  const seconds = Math.floor((naive - day * DAY_MS) / 1000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${String(year).padStart(4, '0')}${two(month)}${two(dd)}T${two(Math.floor(seconds / 3600))}${two(Math.floor((seconds % 3600) / 60))}${two(seconds % 60)}`;
}

/** The content lines of a VTIMEZONE for `zone`, correct from `firstYear` to `lastYear`. */
export function vtimezoneLines(zone: string, firstYear: number, lastYear: number): string[] {
  const clock = zoneClock(zone);
  const start = dayNumber(firstYear, 1, 1) * DAY_MS;
  const changes = offsetChanges(zone, firstYear, lastYear);
  const initial = clock.offsetAt(start);
  // Standard time is the smaller offset in force over these years; a larger one is daylight time.
  const standard = Math.min(initial, ...changes.map((change) => change.to));
  const observance = (at: number, from: number, to: number) => {
    const name = to > standard ? 'DAYLIGHT' : 'STANDARD';
    return [`BEGIN:${name}`, `DTSTART:${compactLocal(at + from)}`, `TZOFFSETFROM:${offsetText(from)}`, `TZOFFSETTO:${offsetText(to)}`, `END:${name}`];
  };
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${zone}`,
    ...observance(start, initial, initial),
    ...changes.flatMap((change) => observance(change.at, change.from, change.to)),
    'END:VTIMEZONE',
  ];
}
