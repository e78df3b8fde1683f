/**
 * Glucose Measurement (0x2A18) and Glucose Measurement Context (0x2A34) of the Glucose Service
 * (GLS 1.0, 0x1808), as laid out in the GATT Specification Supplement:
 *
 *   Measurement: flags uint8 | sequence number uint16 | base time: Date Time | [time offset sint16,
 *   minutes] | [concentration SFLOAT, type-sample location uint8] | [sensor status annunciation uint16]
 *
 * Measurement flags: bit 0 time offset present, bit 1 concentration, type and sample location
 * present, bit 2 concentration units (0 kg/L, 1 mol/L), bit 3 sensor status annunciation present,
 * bit 4 context information follows, bits 5–7 reserved. Type is the low nibble, sample location
 * the high nibble.
 *
 *   Context: flags uint8 | sequence number uint16 | [extended flags uint8] | [carbohydrate id uint8,
 *   carbohydrate SFLOAT kg] | [meal uint8] | [tester-health uint8] | [exercise duration uint16 s,
 *   exercise intensity uint8 %] | [medication id uint8, medication SFLOAT kg or L] | [HbA1c SFLOAT %]
 *
 * Context flags: bit 0 carbohydrate, bit 1 meal, bit 2 tester-health, bit 3 exercise, bit 4
 * medication, bit 5 medication units (0 kg, 1 litre), bit 6 HbA1c, bit 7 extended flags present
 * (the extended flags byte itself is all reserved: a set bit there is a layout we do not know).
 */
import { err, ok, type Result } from '../../result.ts';
import { createGattReader, type GattDateTime, type GattDecodeError, type IeeeNumber } from './gatt-values.ts';

export const GLUCOSE_FLAGS = { timeOffset: 0x01, concentration: 0x02, molPerLitre: 0x04, sensorStatus: 0x08, contextFollows: 0x10 } as const;
const GLUCOSE_RESERVED = 0xe0;

/** Type (low nibble of Type-Sample Location). 0 and 11–15 are reserved. */
export const GLUCOSE_TYPES = {
  1: 'capillary-whole-blood',
  2: 'capillary-plasma',
  3: 'venous-whole-blood',
  4: 'venous-plasma',
  5: 'arterial-whole-blood',
  6: 'arterial-plasma',
  7: 'undetermined-whole-blood',
  8: 'undetermined-plasma',
  9: 'interstitial-fluid',
  10: 'control-solution',
} as const;
export type GlucoseSampleType = (typeof GLUCOSE_TYPES)[keyof typeof GLUCOSE_TYPES] | 'reserved';

/** Sample location (high nibble). 0 and 5–14 are reserved; 15 is "not available". */
export const SAMPLE_LOCATIONS = { 1: 'finger', 2: 'alternate-site', 3: 'earlobe', 4: 'control-solution', 15: 'not-available' } as const;
export type SampleLocation = (typeof SAMPLE_LOCATIONS)[keyof typeof SAMPLE_LOCATIONS] | 'reserved';

/** Sensor Status Annunciation bits 0–11 (12–15 reserved). */
export const SENSOR_STATUS = [
  'battery-low',
  'sensor-malfunction',
  'sample-size-insufficient',
  'strip-insertion-error',
  'strip-type-incorrect',
  'result-too-high',
  'result-too-low',
  'temperature-too-high',
  'temperature-too-low',
  'read-interrupted',
  'general-device-fault',
  'time-fault',
] as const;
export type SensorStatus = (typeof SENSOR_STATUS)[number] | 'reserved';

export interface GlucoseMeasurement {
  readonly flags: number;
  readonly sequence: number;
  readonly baseTime: GattDateTime;
  /** Minutes to add to the base time for the user-facing time; 0 when absent. */
  readonly timeOffset: number;
  /** null when the record carries no concentration. */
  readonly concentration: { readonly value: IeeeNumber; readonly unit: 'kg/L' | 'mol/L'; readonly type: GlucoseSampleType; readonly location: SampleLocation } | null;
  /** Annunciations set, in bit order; empty when absent or all clear. */
  readonly status: readonly SensorStatus[];
  readonly contextFollows: boolean;
}

function lookup<T extends string>(table: Readonly<Record<number, T>>, value: number): T | 'reserved' {
  return table[value] ?? 'reserved';
}

export function parseGlucoseMeasurement(bytes: Uint8Array): Result<GlucoseMeasurement, GattDecodeError> {
  const read = createGattReader(bytes);
  const flags = read.uint8('flags');
  if ((flags & GLUCOSE_RESERVED) !== 0) return err({ type: 'ReservedFlags', flags });
  const sequence = read.uint16('sequence number');
  const baseTime = read.dateTime('base time');
  const timeOffset = (flags & GLUCOSE_FLAGS.timeOffset) !== 0 ? read.sint16('time offset') : 0;
  let concentration: GlucoseMeasurement['concentration'] = null;
  if ((flags & GLUCOSE_FLAGS.concentration) !== 0) {
    const value = read.sfloat('glucose concentration');
    const typeLocation = read.uint8('type-sample location');
    concentration = {
      value,
      unit: (flags & GLUCOSE_FLAGS.molPerLitre) !== 0 ? 'mol/L' : 'kg/L',
      type: lookup(GLUCOSE_TYPES, typeLocation & 0x0f),
      location: lookup(SAMPLE_LOCATIONS, typeLocation >> 4),
    };
  }
  const status: SensorStatus[] = [];
  if ((flags & GLUCOSE_FLAGS.sensorStatus) !== 0) {
    const bits = read.uint16('sensor status annunciation');
    for (let bit = 0; bit < 16; bit++) if ((bits & (1 << bit)) !== 0) status.push(SENSOR_STATUS[bit] ?? 'reserved');
  }
  const failure = read.failure();
  if (failure !== null) return err(failure);
  if (read.remaining() > 0) return err({ type: 'TrailingBytes', extra: read.remaining() });
  return ok({ flags, sequence, baseTime, timeOffset, concentration, status, contextFollows: (flags & GLUCOSE_FLAGS.contextFollows) !== 0 });
}

export const CONTEXT_FLAGS = { carbohydrate: 0x01, meal: 0x02, testerHealth: 0x04, exercise: 0x08, medication: 0x10, medicationLitres: 0x20, hba1c: 0x40, extended: 0x80 } as const;

export const MEALS = { 1: 'preprandial', 2: 'postprandial', 3: 'fasting', 4: 'casual', 5: 'bedtime' } as const;
export type Meal = (typeof MEALS)[keyof typeof MEALS] | 'reserved';
export const CARBOHYDRATES = { 1: 'breakfast', 2: 'lunch', 3: 'dinner', 4: 'snack', 5: 'drink', 6: 'supper', 7: 'brunch' } as const;
export const TESTERS = { 1: 'self', 2: 'health-care-professional', 3: 'lab-test', 15: 'not-available' } as const;
export const HEALTH = { 1: 'minor-issues', 2: 'major-issues', 3: 'during-menses', 4: 'under-stress', 5: 'no-issues', 15: 'not-available' } as const;
export const MEDICATIONS = { 1: 'rapid-acting-insulin', 2: 'short-acting-insulin', 3: 'intermediate-acting-insulin', 4: 'long-acting-insulin', 5: 'pre-mixed-insulin' } as const;

export interface GlucoseContext {
  readonly flags: number;
  readonly sequence: number;
  readonly carbohydrate: { readonly id: (typeof CARBOHYDRATES)[keyof typeof CARBOHYDRATES] | 'reserved'; readonly kg: IeeeNumber } | null;
  readonly meal: Meal | null;
  readonly tester: (typeof TESTERS)[keyof typeof TESTERS] | 'reserved' | null;
  readonly health: (typeof HEALTH)[keyof typeof HEALTH] | 'reserved' | null;
  /** Seconds (65535: "overrun") and percent. */
  readonly exercise: { readonly seconds: number; readonly intensity: number } | null;
  readonly medication: { readonly id: (typeof MEDICATIONS)[keyof typeof MEDICATIONS] | 'reserved'; readonly amount: IeeeNumber; readonly unit: 'kg' | 'L' } | null;
  readonly hba1c: IeeeNumber | null;
}

export function parseGlucoseContext(bytes: Uint8Array): Result<GlucoseContext, GattDecodeError> {
  const read = createGattReader(bytes);
  const flags = read.uint8('flags');
  const sequence = read.uint16('sequence number');
  if ((flags & CONTEXT_FLAGS.extended) !== 0) {
    const extended = read.uint8('extended flags');
    // Every extended flag is reserved: one set announces fields whose layout is not specified.
    if (extended !== 0 && read.failure() === null) return err({ type: 'ReservedFlags', flags: extended });
  }
  const carbohydrate = (flags & CONTEXT_FLAGS.carbohydrate) !== 0 ? { id: lookup(CARBOHYDRATES, read.uint8('carbohydrate id')), kg: read.sfloat('carbohydrate') } : null;
  const meal = (flags & CONTEXT_FLAGS.meal) !== 0 ? lookup(MEALS, read.uint8('meal')) : null;
  const testerHealth = (flags & CONTEXT_FLAGS.testerHealth) !== 0 ? read.uint8('tester-health') : null;
  const exercise = (flags & CONTEXT_FLAGS.exercise) !== 0 ? { seconds: read.uint16('exercise duration'), intensity: read.uint8('exercise intensity') } : null;
  const medication =
    (flags & CONTEXT_FLAGS.medication) !== 0
      ? { id: lookup(MEDICATIONS, read.uint8('medication id')), amount: read.sfloat('medication'), unit: (flags & CONTEXT_FLAGS.medicationLitres) !== 0 ? ('L' as const) : ('kg' as const) }
      : null;
  const hba1c = (flags & CONTEXT_FLAGS.hba1c) !== 0 ? read.sfloat('HbA1c') : null;
  const failure = read.failure();
  if (failure !== null) return err(failure);
  if (read.remaining() > 0) return err({ type: 'TrailingBytes', extra: read.remaining() });
  return ok({
    flags,
    sequence,
    carbohydrate,
    meal,
    tester: testerHealth === null ? null : lookup(TESTERS, testerHealth & 0x0f),
    health: testerHealth === null ? null : lookup(HEALTH, testerHealth >> 4),
    exercise,
    medication,
    hba1c,
  });
}
