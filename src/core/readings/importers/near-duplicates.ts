/**
 * One sensor value sent twice. A Loop phone and the Dexcom app both upload each G6 reading to
 * Nightscout, one or two seconds apart (tests/fixtures/nightscout/captured-loop-entries.json);
 * LibreLink records some scans twice in the same minute. Counting both would weigh those minutes
 * double in every statistic, so the earliest is kept and the others are reported as duplicates.
 *
 * Readings are the same when their kind, unit, bound and value agree and they lie less than the
 * window apart, whatever their source: the second uploader has a different device name. The
 * window is plan.ts's, so a file and the vault agree on what "the same reading" means.
 */
import { NEAR_DUPLICATE_MS } from '../plan.ts';
import { READING_KINDS, sourceKey, type Reading } from '../series.ts';

export interface NearDuplicates {
  /** In time order (stable: of two readings at the same time, the first given comes first). */
  readonly kept: readonly Reading[];
  /** Indexes into the input of the readings dropped, each with the index of the one kept for it. */
  readonly duplicates: readonly { readonly index: number; readonly of: number }[];
  /**
   * Readings at the very time, from the same source and of the same kind as one kept, but with
   * another value (two LibreView scans in one minute): the vault keys a reading by time, source
   * and kind, so only the first can be kept, and the others are reported, not merged silently.
   */
  readonly sameTime: readonly { readonly index: number; readonly of: number }[];
}

const UNITS = ['mg/dL', 'mmol/L', 'kg', 'lb'] as const;
const BOUNDS = [null, 'below', 'above'] as const;

/** kind, unit and bound as one small number, so the lookup below makes no string per reading. */
function classOf(reading: Reading): number {
  return READING_KINDS.indexOf(reading.kind) * 16 + UNITS.indexOf(reading.unit) * 4 + BOUNDS.indexOf(reading.bound);
}

export function dropNearDuplicates(readings: readonly Reading[], windowMs: number = NEAR_DUPLICATE_MS): NearDuplicates {
  const order = timeOrder(readings);
  const count = readings.length;
  /** Per class, per value: the time and index of the last reading kept. */
  const lastKept = new Map<number, Map<number, { time: number; index: number }>>();
  const kept: Reading[] = [];
  const duplicates: { index: number; of: number }[] = [];
  const sameTime: { index: number; of: number }[] = [];
  // In time order, so the identities of one instant are all that need remembering.
  let instant = Number.NaN;
  /** Indexes of the readings kept at `instant`: almost always none or one. */
  const atInstant: number[] = [];
  // One key text per source object (importers share one per device), not one per reading.
  const sourceKeys = new Map<object, string>();
  const keyOf = (reading: Reading) => {
    let key = sourceKeys.get(reading.source);
    if (key === undefined) sourceKeys.set(reading.source, (key = sourceKey(reading.source)));
    return key;
  };
  // A file's readings come in long runs of one kind, unit and bound: the class is looked up when they change.
  let kind: Reading['kind'] | null = null;
  let unit: Reading['unit'] | null = null;
  let bound: Reading['bound'] | undefined;
  let byValue = new Map<number, { time: number; index: number }>();
  for (let at = 0; at < count; at++) {
    const index = order === null ? at : (order[at] as number);
    const reading = readings[index] as Reading;
    if (reading.time !== instant) {
      instant = reading.time;
      atInstant.length = 0;
    }
    if (reading.kind !== kind || reading.unit !== unit || reading.bound !== bound) {
      kind = reading.kind;
      unit = reading.unit;
      bound = reading.bound;
      const klass = classOf(reading);
      const known = lastKept.get(klass);
      if (known === undefined) lastKept.set(klass, (byValue = new Map()));
      else byValue = known;
    }
    const last = byValue.get(reading.value);
    if (last !== undefined && reading.time - last.time < windowMs) {
      duplicates.push({ index, of: last.index });
      continue;
    }
    const first = sameIdentity(readings, atInstant, reading, keyOf);
    if (first >= 0) {
      sameTime.push({ index, of: first });
      continue;
    }
    atInstant.push(index);
    if (last === undefined) byValue.set(reading.value, { time: reading.time, index });
    else {
      last.time = reading.time;
      last.index = index;
    }
    kept.push(reading);
  }
  return { kept, duplicates, sameTime };
}

/** The index (among `candidates`) of a reading of the same kind and source as `reading`, or -1. */
function sameIdentity(readings: readonly Reading[], candidates: readonly number[], reading: Reading, keyOf: (reading: Reading) => string): number {
  for (const other of candidates) {
    const earlier = readings[other] as Reading;
    if (earlier.kind === reading.kind && (earlier.source === reading.source || keyOf(earlier) === keyOf(reading))) return other;
  }
  return -1;
}

/** Indexes of `readings` by time, stable; null when they already are in order. */
export function timeOrder(readings: readonly Reading[]): number[] | null {
  let sorted = true;
  for (let index = 1; index < readings.length && sorted; index++) sorted = (readings[index - 1] as Reading).time <= (readings[index] as Reading).time;
  if (sorted) return null;
  const order: number[] = [];
  for (let index = 0; index < readings.length; index++) order.push(index);
  return order.sort((a, b) => (readings[a] as Reading).time - (readings[b] as Reading).time || a - b);
}
