/**
 * Weight Measurement (0x2A9D) of the Weight Scale Service (WSS 1.0, 0x181D), as laid out in the
 * GATT Specification Supplement, "Weight Measurement":
 *
 *   flags uint8 | weight uint16 | [time stamp: Date Time] | [user id uint8] | [BMI uint16, height uint16]
 *
 * Flags: bit 0 units (0 SI: weight 0.005 kg, height 0.001 m; 1 imperial: weight 0.01 lb,
 * height 0.1 in), bit 1 time stamp present, bit 2 user id present, bit 3 BMI and height present,
 * bits 4–7 reserved. A weight of 0xFFFF means "measurement unsuccessful"; user id 0xFF means
 * "unknown user"; BMI has a resolution of 0.1 kg/m².
 *
 * A reserved flag bit set means a layout this decoder does not know: the value is refused rather
 * than read at offsets that may be wrong.
 */
import { err, ok, type Result } from '../../result.ts';
import { createGattReader, type GattDateTime, type GattDecodeError } from './gatt-values.ts';

export const WEIGHT_FLAGS = { imperial: 0x01, timeStamp: 0x02, userId: 0x04, bmiAndHeight: 0x08 } as const;
const WEIGHT_RESERVED = 0xf0;
export const WEIGHT_UNSUCCESSFUL = 0xffff;
export const UNKNOWN_USER = 0xff;

export interface WeightMeasurement {
  readonly flags: number;
  readonly unit: 'kg' | 'lb';
  /** In `unit`; null when the scale reported "measurement unsuccessful". */
  readonly weight: number | null;
  readonly timeStamp: GattDateTime | null;
  /** null when absent; 0xFF is the scale's "unknown user". */
  readonly userId: number | null;
  readonly bmi: number | null;
  /** In metres (SI) or inches (imperial). */
  readonly height: number | null;
}

/**
 * A count of resolution steps as a value: 0.005 kg is 1/200 kg, so dividing by 200 (one correctly
 * rounded operation) gives 70.07 for 14014 steps, where multiplying by 0.005 gives 70.07000000000001.
 */
function steps(count: number, perUnit: number): number {
  return count / perUnit;
}

export function parseWeightMeasurement(bytes: Uint8Array): Result<WeightMeasurement, GattDecodeError> {
  const read = createGattReader(bytes);
  const flags = read.uint8('flags');
  if ((flags & WEIGHT_RESERVED) !== 0) return err({ type: 'ReservedFlags', flags });
  const imperial = (flags & WEIGHT_FLAGS.imperial) !== 0;
  const raw = read.uint16('weight');
  const timeStamp = (flags & WEIGHT_FLAGS.timeStamp) !== 0 ? read.dateTime('time stamp') : null;
  const userId = (flags & WEIGHT_FLAGS.userId) !== 0 ? read.uint8('user id') : null;
  const both = (flags & WEIGHT_FLAGS.bmiAndHeight) !== 0;
  const bmi = both ? read.uint16('BMI') : null;
  const height = both ? read.uint16('height') : null;
  const failure = read.failure();
  if (failure !== null) return err(failure);
  if (read.remaining() > 0) return err({ type: 'TrailingBytes', extra: read.remaining() });
  return ok({
    flags,
    unit: imperial ? 'lb' : 'kg',
    weight: raw === WEIGHT_UNSUCCESSFUL ? null : steps(raw, imperial ? 100 : 200),
    timeStamp,
    userId,
    bmi: bmi === null ? null : steps(bmi, 10),
    height: height === null ? null : steps(height, imperial ? 10 : 1000),
  });
}
