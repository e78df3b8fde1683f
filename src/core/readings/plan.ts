/**
 * What an import would change, worked out before anything is written, so the preview can say it
 * and the commit can land it in one transaction: which readings are new, which the vault already
 * holds (the same file twice adds nothing), and which are the same sensor value sent by a second
 * uploader a few seconds apart (counted once, DESIGN.md §5).
 */
import { chunksOf, dayOf, mergeDayChunks, type DayChunk } from './day-chunk.ts';
import { sourceKey, type Reading, type SeriesId } from './series.ts';

/** Two readings of the same kind and value closer than this are one reading sent twice. */
export const NEAR_DUPLICATE_MS = 30_000;

export interface ReadingsPlan {
  readonly series: SeriesId;
  /** The chunks to write: each stored day merged with what is new in it. */
  readonly chunks: readonly DayChunk[];
  readonly added: number;
  /** Already in the vault: same time, source and kind (or deleted there by the patient). */
  readonly alreadyStored: number;
  /** The same value of the same kind within NEAR_DUPLICATE_MS of a stored reading. */
  readonly nearDuplicates: number;
  /** First and last time of the added readings, or null when nothing is added. */
  readonly range: { readonly first: number; readonly last: number } | null;
}

/** The days whose stored chunks a plan must see: each reading's day and its neighbours. */
export function daysToRead(readings: readonly Reading[]): number[] {
  const days = new Set<number>();
  let last = Number.NaN;
  for (const reading of readings) {
    const day = dayOf(reading.time);
    // Readings come a day at a time (sorted): each day is added once, not once per reading.
    if (day === last) continue;
    last = day;
    days.add(day - 1).add(day).add(day + 1);
  }
  return Array.from(days).sort((a, b) => a - b);
}

function sameValue(a: Reading, b: Reading): boolean {
  return a.kind === b.kind && a.unit === b.unit && a.value === b.value && a.bound === b.bound;
}

/**
 * `stored` holds the chunks of `daysToRead(incoming)` that exist. Incoming readings must be of
 * one series and already free of duplicates among themselves (the importers drop those).
 */
export function planReadings(series: SeriesId, stored: readonly DayChunk[], incoming: readonly Reading[]): ReadingsPlan {
  const keys = new Map<object, string>();
  const keyOf = (source: Reading['source']) => {
    let key = keys.get(source);
    if (key === undefined) keys.set(source, (key = sourceKey(source)));
    return key;
  };
  /** Same time, kind and source: the identity a day-chunk keeps one entry for. */
  const same = (a: Reading, b: Reading) => a.time === b.time && a.kind === b.kind && (a.source === b.source || keyOf(a.source) === keyOf(b.source));
  // By time, so that a year of readings is checked with numbers, not 105,000 key strings.
  const storedAt = new Map<number, Reading[]>();
  const live: Reading[] = [];
  for (const chunk of stored) {
    for (const entry of chunk.entries) {
      const list = storedAt.get(entry.reading.time);
      if (list === undefined) storedAt.set(entry.reading.time, [entry.reading]);
      else list.push(entry.reading);
      if (!entry.deleted) live.push(entry.reading);
    }
  }
  live.sort((a, b) => a.time - b.time);
  const times = Float64Array.from(live, (reading) => reading.time);

  const fresh: Reading[] = [];
  let alreadyStored = 0;
  let nearDuplicates = 0;
  // In time order, the fresh readings of one instant are the last ones taken: all that the
  // check below has to look back on.
  let instant = Number.NaN;
  let instantStart = 0;
  for (const reading of inTimeOrder(incoming)) {
    if (storedAt.size > 0 && storedAt.get(reading.time)?.some((other) => same(other, reading)) === true) {
      alreadyStored++;
      continue;
    }
    if (reading.time !== instant) {
      instant = reading.time;
      instantStart = fresh.length;
    }
    // The same identity twice in what is imported (the importers drop these first): stored once.
    if (sameAsTaken(fresh, instantStart, reading, same)) {
      nearDuplicates++;
      continue;
    }
    if (live.length > 0 && hasNear(times, live, reading)) {
      nearDuplicates++;
      continue;
    }
    fresh.push(reading);
  }

  const byDay = new Map(stored.map((chunk) => [chunk.day, chunk]));
  const chunks = chunksOf(series, fresh).map((chunk) => {
    const current = byDay.get(chunk.day);
    return current === undefined ? chunk : mergeDayChunks(current, chunk);
  });
  let first = Infinity;
  let last = -Infinity;
  for (const reading of fresh) {
    first = Math.min(first, reading.time);
    last = Math.max(last, reading.time);
  }
  return { series, chunks, added: fresh.length, alreadyStored, nearDuplicates, range: fresh.length === 0 ? null : { first, last } };
}

/** Readings by time (stably); the importers hand them over sorted, and then they are used as they are. */
function inTimeOrder(readings: readonly Reading[]): readonly Reading[] {
  for (let index = 1; index < readings.length; index++) {
    if ((readings[index - 1] as Reading).time > (readings[index] as Reading).time) return [...readings].sort((a, b) => a.time - b.time);
  }
  return readings;
}

function sameAsTaken(fresh: readonly Reading[], from: number, reading: Reading, same: (a: Reading, b: Reading) => boolean): boolean {
  for (let index = from; index < fresh.length; index++) if (same(fresh[index] as Reading, reading)) return true;
  return false;
}

/** Whether a stored reading of the same value lies within NEAR_DUPLICATE_MS (binary search). */
function hasNear(times: Float64Array, live: readonly Reading[], reading: Reading): boolean {
  let low = 0;
  let high = times.length;
  const from = reading.time - NEAR_DUPLICATE_MS;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) <= from) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < times.length && (times[index] as number) < reading.time + NEAR_DUPLICATE_MS; index++) {
    if (sameValue(live[index] as Reading, reading)) return true;
  }
  return false;
}
