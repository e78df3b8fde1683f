/**
 * Time-in-range bands of the international consensus (Battelino et al., Diabetes Care 2019;
 * 42:1593), in the unit a reading was recorded in. The consensus writes both scales with whole
 * numbers or one decimal (70–180 mg/dL, 3.9–10.0 mmol/L), and the two are not exact conversions
 * of each other: 10.0 mmol/L is 180.16 mg/dL, in range on its own scale and "high" if converted.
 * So a reading is classified on the scale it came in, against the limits printed for that scale.
 */
import type { UnitLabel } from './series.ts';

export const GLUCOSE_BANDS = ['veryLow', 'low', 'inRange', 'high', 'veryHigh'] as const;
export type GlucoseBand = (typeof GLUCOSE_BANDS)[number];

/**
 * The consensus limits on one scale: very low below `veryLow`, low below `low`, in range up to
 * and including `high`, high up to and including `veryHigh`, very high above it.
 */
export interface BandLimits {
  readonly veryLow: number;
  readonly low: number;
  readonly high: number;
  readonly veryHigh: number;
}

export const BAND_LIMITS: { readonly 'mg/dL': BandLimits; readonly 'mmol/L': BandLimits } = {
  'mg/dL': { veryLow: 54, low: 70, high: 180, veryHigh: 250 },
  'mmol/L': { veryLow: 3.0, low: 3.9, high: 10.0, veryHigh: 13.9 },
};

export function glucoseBand(value: number, unit: UnitLabel): GlucoseBand {
  if (unit !== 'mg/dL' && unit !== 'mmol/L') throw new Error(`not a glucose unit: ${unit}`);
  const limits = BAND_LIMITS[unit];
  if (value < limits.veryLow) return 'veryLow';
  if (value < limits.low) return 'low';
  if (value <= limits.high) return 'inRange';
  if (value <= limits.veryHigh) return 'high';
  return 'veryHigh';
}

/**
 * The consensus targets for most adults with type 1 or type 2 diabetes: a share of readings
 * (0..1) at most or at least this much. As the consensus states them, `low` and `high` include the
 * band beyond them: below 70 mg/dL (very low included) under 4 %, above 180 under 25 %.
 */
export const TIR_TARGETS: { readonly [B in GlucoseBand]: { readonly atMost?: number; readonly atLeast?: number } } = {
  veryLow: { atMost: 0.01 },
  low: { atMost: 0.04 },
  inRange: { atLeast: 0.7 },
  high: { atMost: 0.25 },
  veryHigh: { atMost: 0.05 },
};

/** Glucose management indicator (Bergenstal et al., Diabetes Care 2018), in %. */
export function gmi(meanMgdl: number): number {
  return 3.31 + 0.02392 * meanMgdl;
}

/** Glycaemic variability above this coefficient of variation is "unstable" (consensus). */
export const CV_TARGET = 0.36;
