/**
 * The weight trend of a period: every weighing in kilograms, a 7-day moving average that smooths
 * the day-to-day swing of water and meals, the change over the period, and the body mass index of
 * the latest weighing with its WHO class (WHO, "Obesity: preventing and managing the global
 * epidemic", Technical Report Series 894, 2000, table 2.1).
 *
 * Readings in pounds are converted with the exact definition (series.ts); days are the patient's
 * local days, in the time zone passed in.
 */
import { createZoneCalendar, dayToIsoDate, type Period } from './report.ts';
import { canonicalValue, type Reading } from './series.ts';

export interface WeightPoint {
  readonly time: number;
  readonly kg: number;
  readonly reading: Reading;
}

/** A local day with at least one weighing. */
export interface WeightDay {
  /** `YYYY-MM-DD`, local. */
  readonly date: string;
  /** The day's first instant, UTC ms. */
  readonly start: number;
  /** Mean of the day's weighings. */
  readonly meanKg: number;
  /** The 7-day moving average ending on this day. */
  readonly averageKg: number;
  /** How many days with data the average is made of (1..7). */
  readonly daysAveraged: number;
}

/** The WHO adult classes, by BMI in kg/m². */
export const BMI_CLASSES = ['underweight', 'normal', 'preObesity', 'obesity1', 'obesity2', 'obesity3'] as const;
export type BmiClass = (typeof BMI_CLASSES)[number];

/** Lower bound of each class above underweight (WHO: 18.5, 25.0, 30.0, 35.0, 40.0). */
const BMI_LOWER_BOUNDS: readonly [number, BmiClass][] = [
  [40, 'obesity3'],
  [35, 'obesity2'],
  [30, 'obesity1'],
  [25, 'preObesity'],
  [18.5, 'normal'],
];

export interface Bmi {
  /** kg/m², rounded to one decimal. */
  readonly value: number;
  readonly class: BmiClass;
  /** The weighing it was computed from. */
  readonly time: number;
}

export interface WeightTrend {
  readonly period: Period;
  readonly timeZone: string;
  /** Weighings in the period, by time. */
  readonly points: readonly WeightPoint[];
  /** Days of the period with a weighing, in order, with the moving average. */
  readonly days: readonly WeightDay[];
  /** Last weighing minus first, kg; null under 2 weighings. */
  readonly changeKg: number | null;
  /** The lightest and heaviest weighings (the earliest when tied). */
  readonly min: WeightPoint | null;
  readonly max: WeightPoint | null;
  /** Of the latest weighing, when the height is known. */
  readonly bmi: Bmi | null;
}

/** Days in the moving average's window, the day itself included. */
export const MOVING_AVERAGE_DAYS = 7;

/**
 * The WHO class of a BMI. The WHO writes its table with one decimal (18.5–24.9, 25.0–29.9), so
 * the class is read from the value rounded to one decimal: the one the patient is shown, so a BMI
 * shown as 25.0 is never called "normal".
 */
export function bmiClass(bmi: number): BmiClass {
  const shown = Math.round(bmi * 10) / 10;
  for (const [lower, name] of BMI_LOWER_BOUNDS) if (shown >= lower) return name;
  return 'underweight';
}

/** BMI of a weight and height, rounded to one decimal, with its class. */
export function bmiOf(kg: number, heightMetres: number, time: number): Bmi {
  const value = Math.round((kg / heightMetres ** 2) * 10) / 10;
  return { value, class: bmiClass(value), time };
}

/**
 * The trend over `period`. The moving average is trailing and by calendar day: on each day with
 * data, the mean of the daily means of the days of the last 7 local days (that day and the 6
 * before) that have data. By calendar, not by the last 7 weighings: someone who weighs
 * themselves once a month should not see an "average" spanning half a year. Of daily means, so
 * three weighings on one morning count as one day, not three. Weighings before the period (in
 * `readings`) feed the average of its first days, so it does not start from a single day.
 */
export function weightTrend(readings: readonly Reading[], period: Period, timeZone: string, heightMetres: number | null): WeightTrend {
  if (!(period.start < period.end)) throw new RangeError('weightTrend: period must have start < end');
  // Metres, not centimetres: 170 would give a BMI of 0.003 rather than an error.
  if (heightMetres !== null && !(heightMetres > 0.3 && heightMetres < 3)) throw new RangeError('weightTrend: heightMetres must be a height in metres');
  const calendar = createZoneCalendar(timeZone);
  const firstDay = calendar.localDay(period.start);

  const points: WeightPoint[] = [];
  /** Sum and count of the weighings of each local day, from 6 days before the period. */
  const dailyTotals = new Map<number, { sum: number; count: number }>();
  for (const reading of readings) {
    if (reading.time >= period.end) continue;
    const day = calendar.localDay(reading.time);
    if (day < firstDay - (MOVING_AVERAGE_DAYS - 1)) continue;
    const kg = canonicalValue('weight', reading);
    const totals = dailyTotals.get(day) ?? { sum: 0, count: 0 };
    totals.sum += kg;
    totals.count += 1;
    dailyTotals.set(day, totals);
    if (reading.time >= period.start) points.push({ time: reading.time, kg, reading });
  }
  points.sort((a, b) => a.time - b.time);

  const first = points[0];
  const last = points.at(-1);
  return {
    period: { start: period.start, end: period.end },
    timeZone,
    points,
    days: movingAverage(dailyTotals, firstDay, calendar.startOfDay),
    changeKg: first !== undefined && last !== undefined && points.length > 1 ? last.kg - first.kg : null,
    min: extreme(points, (a, b) => a < b),
    max: extreme(points, (a, b) => a > b),
    bmi: last === undefined || heightMetres === null ? null : bmiOf(last.kg, heightMetres, last.time),
  };
}

function movingAverage(dailyTotals: ReadonlyMap<number, { sum: number; count: number }>, firstDay: number, startOfDay: (day: number) => number): WeightDay[] {
  const daysWithData = [...dailyTotals.keys()].sort((a, b) => a - b);
  const means = daysWithData.map((day) => {
    const totals = dailyTotals.get(day) as { sum: number; count: number };
    return totals.sum / totals.count;
  });
  const days: WeightDay[] = [];
  let windowStart = 0;
  for (let i = 0; i < daysWithData.length; i += 1) {
    const day = daysWithData[i] as number;
    while ((daysWithData[windowStart] as number) <= day - MOVING_AVERAGE_DAYS) windowStart += 1;
    if (day < firstDay) continue;
    // At most 7 terms: summed afresh rather than kept as a running sum that drifts.
    const window = means.slice(windowStart, i + 1);
    const averageKg = window.reduce((sum, mean) => sum + mean, 0) / window.length;
    days.push({ date: dayToIsoDate(day), start: startOfDay(day), meanKg: means[i] as number, averageKg, daysAveraged: window.length });
  }
  return days;
}

function extreme(points: readonly WeightPoint[], beats: (candidate: number, best: number) => boolean): WeightPoint | null {
  let best: WeightPoint | null = null;
  for (const point of points) if (best === null || beats(point.kg, best.kg)) best = point;
  return best;
}
