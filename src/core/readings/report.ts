/**
 * The glucose report of a period: time in ranges, mean, GMI and variability as the international
 * consensus defines them (Battelino et al., Diabetes Care 2019; 42:1593), and the ambulatory
 * glucose profile (AGP) by local time of day.
 *
 * Only continuous sensor readings make the metrics: a finger-stick is taken when something feels
 * wrong, so mixing strips and scans into time in range would weigh the bad moments twice. They are
 * returned apart, for the chart.
 *
 * What must stay true:
 * - each reading is classified in the unit it was recorded in (glucose.ts says why); a sensor's
 *   "Low"/"High" counts in the band of its bound (40 mg/dL "Low" is very low);
 * - "local" is the patient's time zone, passed in, never the machine's; a reading at 23:55 on a
 *   day of 23 or 25 hours still falls in the 23:45 bin of that day;
 * - no Intl call per reading: 90 days of 5-minute readings (25,920) must take a few milliseconds,
 *   so the zone's offset is looked up once per UTC day (see createZoneCalendar).
 */
import { err, ok, type Result } from '../result.ts';
import { createZoneClock } from './importers/zoned-time.ts';
import { glucoseBand, gmi, type GlucoseBand } from './glucose.ts';
import { MGDL_PER_MMOLL, type Reading } from './series.ts';

/** A span of time in UTC milliseconds: `start` included, `end` excluded. */
export interface Period {
  readonly start: number;
  readonly end: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// --- local time --------------------------------------------------------------------------------

/**
 * The patient's calendar: UTC instants read as local days and times in one IANA time zone. The
 * other direction, a local time written in a file to its instant, is importers/zoned-time.ts.
 */
export interface ZoneCalendar {
  readonly timeZone: string;
  /** Local time minus UTC at `time`, in milliseconds (+3,600,000 in Paris in winter). */
  offsetAt(time: number): number;
  /** The local calendar date at `time`, as days since 1970-01-01. */
  localDay(time: number): number;
  /**
   * The first instant of a local day: its midnight, or, where a clock change skipped midnight,
   * the instant the clock jumped.
   */
  startOfDay(day: number): number;
}

/** Marks an hour during which the offset changes: its instants are looked up one by one. */
const MIXED_HOUR = Number.NaN;

/**
 * A calendar for `timeZone` (throws RangeError on a zone Intl does not know: a bug, the zone comes
 * from settings). One formatter per calendar; offsets cached per UTC hour and filled a UTC day at a
 * time: when the offset is the same at both ends of the day (almost always), its 24 hours get it
 * for one Intl call; a day with a clock change is halved down to the hour of the change (about
 * six calls), whose instants are then looked up one by one. This assumes no zone changes its
 * offset twice within one UTC day and back again, which the tz database has not recorded since
 * 1970.
 */
export function createZoneCalendar(timeZone: string): ZoneCalendar {
  // The importers' clock reads Intl once per call; this calendar adds its own caching on top.
  const clock = createZoneClock(timeZone);
  const hourOffsets = new Map<number, number>();
  let lastHour = Number.NaN;
  let lastOffset = 0;

  /** The offset at `time` from Intl itself (to the second, the zone database's resolution). */
  const exactOffset = (time: number): number => clock.offsetAt(time);

  /** Offsets at the first instant of UTC days: each is also the end of the day before. */
  const edgeOffsets = new Map<number, number>();
  function edgeOffset(time: number): number {
    let offset = edgeOffsets.get(time);
    if (offset === undefined) {
      offset = exactOffset(time);
      edgeOffsets.set(time, offset);
    }
    return offset;
  }

  function fillUtcDay(utcDay: number): void {
    // The next day's first instant, shared with it; a change exactly at 00:00 UTC merely costs a search.
    fillHours(utcDay * 24, (utcDay + 1) * 24, edgeOffset(utcDay * DAY), edgeOffset((utcDay + 1) * DAY));
  }

  /** Hours [first, end), the offsets at their two ends known: halved until each is one offset or holds the change. */
  function fillHours(first: number, end: number, atFirst: number, atEnd: number): void {
    if (atFirst === atEnd) {
      for (let hour = first; hour < end; hour += 1) hourOffsets.set(hour, atFirst);
    } else if (end - first === 1) {
      hourOffsets.set(first, exactOffset(end * HOUR - 1) === atFirst ? atFirst : MIXED_HOUR);
    } else {
      const middle = (first + end) >>> 1;
      const atMiddle = exactOffset(middle * HOUR);
      fillHours(first, middle, atFirst, atMiddle);
      fillHours(middle, end, atMiddle, atEnd);
    }
  }

  function offsetAt(time: number): number {
    const hour = Math.floor(time / HOUR);
    if (hour === lastHour) return lastOffset;
    let offset = hourOffsets.get(hour);
    if (offset === undefined) {
      fillUtcDay(Math.floor(time / DAY));
      offset = hourOffsets.get(hour) ?? MIXED_HOUR;
    }
    if (Number.isNaN(offset)) return exactOffset(time);
    lastHour = hour;
    lastOffset = offset;
    return offset;
  }

  function localDay(time: number): number {
    return Math.floor((time + offsetAt(time)) / DAY);
  }

  function startOfDay(day: number): number {
    const midnight = day * DAY;
    // Candidates from the offsets around that day: the earliest instant that is on `day`.
    let start = Number.POSITIVE_INFINITY;
    for (const probe of [midnight - DAY, midnight, midnight + DAY]) {
      const candidate = midnight - offsetAt(probe);
      if (candidate < start && localDay(candidate) === day) start = candidate;
    }
    if (start === Number.POSITIVE_INFINITY) throw new Error(`startOfDay: no instant of day ${day} in ${timeZone}`);
    return start;
  }

  return { timeZone, offsetAt, localDay, startOfDay };
}

/** A day number (days since 1970-01-01) as an ISO 8601 calendar date. */
export function dayToIsoDate(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

// --- periods -------------------------------------------------------------------------------------

/**
 * The last `days` local days up to and including the day of the latest reading: the report shows
 * whole days, and the latest one is where the patient looks first.
 */
export function defaultPeriod(latestReadingTime: number, days: 14 | 30 | 90, timeZone: string): Period {
  const calendar = createZoneCalendar(timeZone);
  const last = calendar.localDay(latestReadingTime);
  return { start: calendar.startOfDay(last - days + 1), end: calendar.startOfDay(last + 1) };
}

export type PeriodError = { readonly type: 'BadDate'; readonly which: 'first' | 'last' } | { readonly type: 'LastBeforeFirst' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDay(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2025-02-30 over to March: a date that does not come back unchanged is not one.
  return year >= 1970 && dayToIsoDate(time / DAY) === text ? time / DAY : null;
}

/** A custom period from the first to the last local day, both included (`YYYY-MM-DD`, as a date input gives). */
export function parsePeriod(firstDay: string, lastDay: string, timeZone: string): Result<Period, PeriodError> {
  const first = parseIsoDay(firstDay);
  if (first === null) return err({ type: 'BadDate', which: 'first' });
  const last = parseIsoDay(lastDay);
  if (last === null) return err({ type: 'BadDate', which: 'last' });
  if (last < first) return err({ type: 'LastBeforeFirst' });
  const calendar = createZoneCalendar(timeZone);
  return ok({ start: calendar.startOfDay(first), end: calendar.startOfDay(last + 1) });
}

// --- the report ----------------------------------------------------------------------------------

export interface BandShare {
  readonly count: number;
  /** Of the continuous readings in the period, 0..1 (0 when there are none). */
  readonly fraction: number;
}

/** 96 bins of 15 minutes of local clock time. */
export const AGP_BIN_MINUTES = 15;
export const AGP_BINS = (24 * 60) / AGP_BIN_MINUTES;

/** One 15-minute bin of the AGP, in mg/dL; the chart draws 5–95 and 25–75 as bands around the median. */
export interface AgpBin {
  readonly count: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

export interface SensorActivity {
  /** The sensor's interval: the median gap between consecutive readings (ms); null under 2 readings. */
  readonly intervalMs: number | null;
  /** Continuous readings in the period, a repeat within 30 s of the one before counted once. */
  readonly present: number;
  /** Readings the sensor would have given over the period at that interval (see sensorActivity). */
  readonly expected: number;
  /** present / expected, at most 1; null when the interval is unknown. */
  readonly fraction: number | null;
  readonly daysWithData: number;
}

/** One local calendar day of the period, for the small multiples. */
export interface DailyProfile {
  /** `YYYY-MM-DD`, local. */
  readonly date: string;
  /** The day's first instant and the next day's, UTC ms (23 or 25 hours apart on a clock change). */
  readonly start: number;
  readonly end: number;
  /** Its continuous readings, by time. */
  readonly readings: readonly Reading[];
  readonly meanMgdl: number | null;
  /** Share of the day's readings in range (0..1); null on a day without any. */
  readonly timeInRange: number | null;
}

export interface GlucoseReport {
  readonly period: Period;
  readonly timeZone: string;
  /** Continuous readings in the period: everything below is computed from them alone. */
  readonly readingCount: number;
  readonly bands: { readonly [B in GlucoseBand]: BandShare };
  readonly meanMgdl: number | null;
  readonly meanMmoll: number | null;
  /** Sample standard deviation (n − 1), mg/dL; null under 2 readings. */
  readonly sdMgdl: number | null;
  /** Coefficient of variation, SD / mean (0..1; the consensus target is CV_TARGET or less). */
  readonly cv: number | null;
  /** Glucose management indicator, %. */
  readonly gmi: number | null;
  readonly activity: SensorActivity;
  /**
   * The consensus's minimum for these metrics to stand for the patient's glycaemia: at least 14
   * days, with the sensor active at least 70 % of the time.
   */
  readonly enoughData: boolean;
  /** AGP_BINS bins from local midnight; null where no reading fell. */
  readonly agp: readonly (AgpBin | null)[];
  readonly days: readonly DailyProfile[];
  /** Scans, strips and manual entries in the period, by time: drawn on the chart, never counted above. */
  readonly others: { readonly count: number; readonly readings: readonly Reading[] };
}

/** Gaps shorter than this are a second uploader repeating a reading, not the sensor's interval. */
const DUPLICATE_GAP_MS = 30_000;
const CONSENSUS_MIN_DAYS = 14;
const CONSENSUS_MIN_ACTIVE = 0.7;

const BAND_INDEX: { readonly [B in GlucoseBand]: number } = { veryLow: 0, low: 1, inRange: 2, high: 3, veryHigh: 4 };
const IN_RANGE = BAND_INDEX.inRange;

/**
 * The report of glucose `readings` (of any kind, in any order) over `period`, days and times of
 * day in `timeZone`. Throws on an empty period or a reading that is not glucose: bugs, not data.
 */
export function glucoseReport(readings: readonly Reading[], period: Period, timeZone: string): GlucoseReport {
  if (!(Number.isFinite(period.start) && Number.isFinite(period.end) && period.start < period.end)) {
    throw new RangeError('glucoseReport: period must have start < end');
  }
  const calendar = createZoneCalendar(timeZone);
  const offsetAt = calendar.offsetAt;
  const continuous: Reading[] = [];
  const others: Reading[] = [];
  for (const reading of readings) {
    if (reading.time < period.start || reading.time >= period.end) continue;
    (reading.kind === 'continuous' ? continuous : others).push(reading);
  }
  sortByTime(continuous);
  sortByTime(others);

  const count = continuous.length;
  const firstDay = calendar.localDay(period.start);
  const dayCount = calendar.localDay(period.end - 1) - firstDay + 1;
  const mgdl = new Float64Array(count);
  const dayIndex = new Int32Array(count);
  const binIndex = new Uint8Array(count);
  const bandCounts = [0, 0, 0, 0, 0];
  const dayInRange = new Int32Array(dayCount);
  let sum = 0;
  for (let i = 0; i < count; i += 1) {
    const reading = continuous[i] as Reading;
    // glucoseBand refuses a unit that is not glucose's, so the factor below is mg/dL's or mmol/L's.
    const band = BAND_INDEX[glucoseBand(reading.value, reading.unit)];
    const value = reading.unit === 'mmol/L' ? reading.value * MGDL_PER_MMOLL : reading.value;
    const local = reading.time + offsetAt(reading.time);
    const day = Math.floor(local / DAY);
    // A clock set back across midnight can put the first hour after the period's start on the
    // day before: it is counted with the period's first day.
    const index = Math.min(Math.max(day - firstDay, 0), dayCount - 1);
    mgdl[i] = value;
    dayIndex[i] = index;
    binIndex[i] = Math.floor((local - day * DAY) / (AGP_BIN_MINUTES * MINUTE));
    bandCounts[band] = (bandCounts[band] ?? 0) + 1;
    if (band === IN_RANGE) dayInRange[index] = (dayInRange[index] ?? 0) + 1;
    sum += value;
  }

  const mean = count > 0 ? sum / count : null;
  const sd = mean !== null && count > 1 ? sampleSd(mgdl, mean) : null;
  const activity = sensorActivity(continuous, period, calendar, dayIndex, dayCount);
  const days = dailyProfiles(continuous, mgdl, dayIndex, dayInRange, firstDay, dayCount, calendar);
  return {
    period: { start: period.start, end: period.end },
    timeZone,
    readingCount: count,
    bands: bandShares(bandCounts, count),
    meanMgdl: mean,
    meanMmoll: mean === null ? null : mean / MGDL_PER_MMOLL,
    sdMgdl: sd,
    cv: sd === null || mean === null ? null : sd / mean,
    gmi: mean === null ? null : gmi(mean),
    activity,
    enoughData: dayCount >= CONSENSUS_MIN_DAYS && (activity.fraction ?? 0) >= CONSENSUS_MIN_ACTIVE,
    agp: agpOf(mgdl, binIndex),
    days,
    others: { count: others.length, readings: others },
  };
}

function sortByTime(readings: Reading[]): void {
  for (let i = 1; i < readings.length; i += 1) {
    if ((readings[i] as Reading).time < (readings[i - 1] as Reading).time) {
      readings.sort((a, b) => a.time - b.time);
      return;
    }
  }
}

/** Two passes (mean first) rather than Σx² − n·mean²: no cancellation on a flat trace. */
function sampleSd(values: Float64Array, mean: number): number {
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

function bandShares(counts: readonly number[], total: number): { readonly [B in GlucoseBand]: BandShare } {
  const share = (band: GlucoseBand): BandShare => {
    const count = counts[BAND_INDEX[band]] ?? 0;
    return { count, fraction: total > 0 ? count / total : 0 };
  };
  return { veryLow: share('veryLow'), low: share('low'), inRange: share('inRange'), high: share('high'), veryHigh: share('veryHigh') };
}

/**
 * The p-th quantile of sorted values by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, Excel's PERCENTILE.INC, R's default): h = (n − 1)p, between x[floor h] and x[ceil h].
 */
function percentileOfSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const low = sorted[below] as number;
  const high = sorted[Math.ceil(h)] as number;
  return low + (h - below) * (high - low);
}

/** The median (R-7 at p = 0.5) by selection rather than a sort: a year of gaps is 105,000 values. Reorders `values`. */
function median(values: Float64Array): number {
  const middle = (values.length - 1) / 2;
  const below = selectInPlace(values, Math.floor(middle));
  if (Number.isInteger(middle)) return below;
  // After selection everything past `below`'s place is at least it: the next order statistic is their minimum.
  let above = Number.POSITIVE_INFINITY;
  for (let i = Math.floor(middle) + 1; i < values.length; i += 1) above = Math.min(above, values[i] as number);
  return (below + above) / 2;
}

/** The k-th smallest value (0-based), leaving smaller ones before it and larger ones after (Hoare's FIND). */
function selectInPlace(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1] as number;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] as number) < pivot) i += 1;
      while ((values[j] as number) > pivot) j -= 1;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return values[k] as number;
}

/** Readings grouped by bin in one typed array (a counting sort), each bin sorted in place. */
function agpOf(mgdl: Float64Array, binIndex: Uint8Array): (AgpBin | null)[] {
  const starts = new Int32Array(AGP_BINS + 1);
  for (const bin of binIndex) starts[bin + 1] = (starts[bin + 1] ?? 0) + 1;
  for (let bin = 0; bin < AGP_BINS; bin += 1) starts[bin + 1] = (starts[bin + 1] ?? 0) + (starts[bin] ?? 0);
  const grouped = new Float64Array(mgdl.length);
  const next = starts.slice(0, AGP_BINS);
  for (let i = 0; i < mgdl.length; i += 1) {
    const bin = binIndex[i] as number;
    grouped[next[bin] as number] = mgdl[i] as number;
    next[bin] = (next[bin] as number) + 1;
  }
  const bins: (AgpBin | null)[] = [];
  for (let bin = 0; bin < AGP_BINS; bin += 1) {
    const values = grouped.subarray(starts[bin], starts[bin + 1]).sort();
    if (values.length === 0) {
      bins.push(null);
      continue;
    }
    bins.push({
      count: values.length,
      p5: percentileOfSorted(values, 0.05),
      p25: percentileOfSorted(values, 0.25),
      p50: percentileOfSorted(values, 0.5),
      p75: percentileOfSorted(values, 0.75),
      p95: percentileOfSorted(values, 0.95),
    });
  }
  return bins;
}

/**
 * % time the sensor was active: readings present against those expected at the sensor's own
 * interval, found as the median gap (5 minutes for a Dexcom, 15 for a Libre's history) so no
 * device table is needed. The expected count runs over the period, except the part of its last
 * day after the latest reading: a report made at 14:00 ends on a day that is not over yet.
 */
function sensorActivity(continuous: readonly Reading[], period: Period, calendar: ZoneCalendar, dayIndex: Int32Array, dayCount: number): SensorActivity {
  const seen = new Uint8Array(dayCount);
  for (const index of dayIndex) seen[index] = 1;
  const daysWithData = seen.reduce((total, flag) => total + flag, 0);
  const gaps = new Float64Array(Math.max(continuous.length - 1, 0));
  let gapCount = 0;
  for (let i = 1; i < continuous.length; i += 1) {
    const gap = (continuous[i] as Reading).time - (continuous[i - 1] as Reading).time;
    if (gap >= DUPLICATE_GAP_MS) gaps[gapCount++] = gap;
  }
  const present = continuous.length === 0 ? 0 : gapCount + 1;
  if (gapCount === 0) return { intervalMs: null, present, expected: 0, fraction: null, daysWithData };
  const intervalMs = median(gaps.subarray(0, gapCount));
  const latest = (continuous.at(-1) as Reading).time;
  const lastDayStart = calendar.startOfDay(calendar.localDay(period.end - 1));
  const end = latest >= lastDayStart ? Math.min(period.end, latest + intervalMs) : period.end;
  const expected = Math.max(1, Math.round((end - period.start) / intervalMs));
  return { intervalMs, present, expected, fraction: Math.min(1, present / expected), daysWithData };
}

function dailyProfiles(
  continuous: readonly Reading[],
  mgdl: Float64Array,
  dayIndex: Int32Array,
  dayInRange: Int32Array,
  firstDay: number,
  dayCount: number,
  calendar: ZoneCalendar,
): DailyProfile[] {
  const readingsOfDay: Reading[][] = Array.from({ length: dayCount }, () => []);
  const sums = new Float64Array(dayCount);
  for (let i = 0; i < continuous.length; i += 1) {
    const index = dayIndex[i] as number;
    readingsOfDay[index]?.push(continuous[i] as Reading);
    sums[index] = (sums[index] as number) + (mgdl[i] as number);
  }
  const days: DailyProfile[] = [];
  let start = calendar.startOfDay(firstDay);
  for (let index = 0; index < dayCount; index += 1) {
    const end = calendar.startOfDay(firstDay + index + 1);
    const readings = readingsOfDay[index] ?? [];
    const n = readings.length;
    days.push({
      date: dayToIsoDate(firstDay + index),
      start,
      end,
      readings,
      meanMgdl: n > 0 ? (sums[index] as number) / n : null,
      timeInRange: n > 0 ? (dayInRange[index] as number) / n : null,
    });
    start = end;
  }
  return days;
}
