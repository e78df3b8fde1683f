/**
 * Assembles what a meter or a scale sends during one transfer into the `ParsedReadings` every
 * import hands to the preview (parsed.ts), with every record left out and why.
 *
 * Glucose (GLS 1.0): each stored record is a Glucose Measurement notification, followed by its
 * Glucose Measurement Context notification when the measurement's flags say so; they are matched
 * by sequence number, whatever order they arrive in. A record sent twice is kept once; a sequence
 * number reused for different content is reported; records may arrive out of order. A sequence
 * number lower than the last one this device sent before means the meter's memory was reset or
 * another meter answers under the same id: it is reported (`wentBack`), never silently merged.
 *
 * Weight (WSS 1.0): each Weight Measurement indication is one weigh-in; without a time stamp, the
 * weigh-in happened when it arrived.
 *
 * Times on both devices are the device's wall clock, with no zone: they are read in the patient's
 * time zone, like the exports' times (importers/zoned-time.ts). The "line" of a skipped record is
 * its 1-based place in the order the notifications arrived.
 *
 * What must stay true: nothing here stores anything; `lastSequence` is what the app may remember
 * only once the patient has kept the readings.
 */
import type { DeviceNote, DeviceRecord, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import type { Reading, ReadingBound, ReadingKind, ReadingSource } from '../series.ts';
import { createCollector, roundDecimals } from '../importers/collect.ts';
import { createZoneClock, isValidLocalTime, naiveUtc, type ZoneClock } from '../importers/zoned-time.ts';
import type { Result } from '../../result.ts';
import { toHex } from '../../bytes.ts';
import { scaledValue, type GattDateTime, type GattDecodeError } from './gatt-values.ts';
import { parseGlucoseContext, parseGlucoseMeasurement, type GlucoseContext, type GlucoseMeasurement, type SensorStatus } from './glucose-measurement.ts';
import { parseWeightMeasurement, UNKNOWN_USER } from './weight-measurement.ts';

export interface TransferDevice {
  /** The browser's id for the device (stable per origin while the permission lasts). */
  readonly id: string;
  readonly name: string;
}

const MINUTE = 60_000;
const MAX_HEX = 40;

/** Annunciations that mean the value itself cannot be trusted. */
const FAILED: readonly SensorStatus[] = [
  'sensor-malfunction',
  'sample-size-insufficient',
  'strip-insertion-error',
  'strip-type-incorrect',
  'temperature-too-high',
  'temperature-too-low',
  'read-interrupted',
  'general-device-fault',
  'reserved',
];

function undecodable(record: DeviceRecord, error: GattDecodeError): DeviceNote {
  const problem = error.type === 'Truncated' ? 'cut-short' : error.type === 'ReservedFlags' ? 'reserved-flags' : 'extra-bytes';
  return { type: 'undecodable', record, problem };
}

function bytesDetail(bytes: Uint8Array): string {
  const hex = toHex(bytes.subarray(0, MAX_HEX / 2));
  return bytes.length > MAX_HEX / 2 ? `${hex}…` : hex;
}

type LocalInstant = { readonly status: 'ok'; readonly time: number; readonly ambiguous: boolean } | { readonly status: 'bad-time' | 'nonexistent-time' };

/** A device's wall-clock time (plus whole minutes) in the patient's zone. */
function instantOf(clock: ZoneClock, at: GattDateTime, offsetMinutes: number): LocalInstant {
  if (!isValidLocalTime(at.year, at.month, at.day, at.hours, at.minutes, at.seconds) || at.year < 1582) return { status: 'bad-time' };
  const naive = naiveUtc(at.year, at.month, at.day, at.hours, at.minutes, at.seconds) + offsetMinutes * MINUTE;
  const zoned = clock.toUtcFromNaive(naive);
  if (zoned.status === 'nonexistent') return { status: 'nonexistent-time' };
  // The autumn hour: the earlier instant, counted so the preview says how many.
  return zoned.status === 'ok' ? { status: 'ok', time: zoned.time, ambiguous: false } : { status: 'ok', time: zoned.earlier, ambiguous: true };
}

function dateText(at: GattDateTime): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${at.year}-${two(at.month)}-${two(at.day)} ${two(at.hours)}:${two(at.minutes)}:${two(at.seconds)}`;
}

export interface GlucoseTransferOutcome {
  readonly parsed: Result<ParsedReadings, ReadingsFileError>;
  /** Measurement records received and decoded (repeats counted once). */
  readonly records: number;
  /**
   * The sequence number to remember once the readings are kept: the highest received, or, when
   * the transfer stopped early, the end of the unbroken run after the previous one (after the
   * lowest received on a first transfer), so that the next transfer asks again for whatever was
   * missed. The previous one when nothing came.
   */
  readonly lastSequence: number | null;
  /** Set when the device sent a sequence number at or below the last one it sent before. */
  readonly wentBack: { readonly previous: number; readonly received: number } | null;
}

export interface GlucoseTransferOptions {
  readonly device: TransferDevice;
  readonly timeZone: string;
  /** The last sequence number this device sent in a transfer the patient kept, or null. */
  readonly previousSequence: number | null;
}

export function createGlucoseTransfer(options: GlucoseTransferOptions) {
  const clock = createZoneClock(options.timeZone);
  const source: ReadingSource = { importer: 'bluetooth', device: options.device.name, serial: options.device.id };
  /** By sequence number: the first decoded measurement, its bytes and where it arrived. */
  const measurements = new Map<number, { readonly value: GlucoseMeasurement; readonly hex: string; readonly line: number }>();
  const contexts = new Map<number, { readonly value: GlucoseContext; readonly hex: string; readonly line: number }>();
  const rejected: { line: number; detail: string; note: DeviceNote }[] = [];
  const repeats: { line: number; sequence: number; same: boolean; what: 'measurement' | 'context' }[] = [];
  let arrivals = 0;

  return {
    /** A Glucose Measurement (0x2A18) notification. */
    measurement(bytes: Uint8Array): void {
      const line = ++arrivals;
      const parsed = parseGlucoseMeasurement(bytes);
      if (!parsed.ok) return void rejected.push({ line, detail: bytesDetail(bytes), note: undecodable('measurement', parsed.error) });
      const hex = toHex(bytes);
      const existing = measurements.get(parsed.value.sequence);
      if (existing !== undefined) return void repeats.push({ line, sequence: parsed.value.sequence, same: existing.hex === hex, what: 'measurement' });
      measurements.set(parsed.value.sequence, { value: parsed.value, hex, line });
    },
    /** A Glucose Measurement Context (0x2A34) notification. */
    context(bytes: Uint8Array): void {
      const line = ++arrivals;
      const parsed = parseGlucoseContext(bytes);
      if (!parsed.ok) return void rejected.push({ line, detail: bytesDetail(bytes), note: undecodable('context', parsed.error) });
      const hex = toHex(bytes);
      const existing = contexts.get(parsed.value.sequence);
      if (existing !== undefined) return void repeats.push({ line, sequence: parsed.value.sequence, same: existing.hex === hex, what: 'context' });
      contexts.set(parsed.value.sequence, { value: parsed.value, hex, line });
    },
    /** Measurement records received so far (for progress). */
    received: () => measurements.size,
    /**
     * `complete`: the device said the transfer ended (RACP success), rather than stopping.
     * `asked`: what the device was asked for. After `previousSequence`, any record at or below it
     * means its count went back; asked for all (it cannot filter, or its count was found lower),
     * the records below are expected, and only a highest record below it says so.
     */
    finish(complete: boolean, asked: 'after-previous' | 'all' = 'after-previous'): GlucoseTransferOutcome {
      const collector = createCollector('bluetooth');
      for (const { line, detail, note } of rejected) collector.skip(line, 'malformed', detail, note);
      for (const repeat of repeats) {
        collector.skip(repeat.line, repeat.same ? 'duplicate' : 'malformed', `#${repeat.sequence}`, { type: 'sent-again', record: repeat.what, changed: !repeat.same });
      }
      for (const [sequence, context] of contexts) {
        const owner = measurements.get(sequence);
        if (owner === undefined) collector.skip(context.line, 'malformed', `#${sequence}`, { type: 'context-alone' });
        else if (!owner.value.contextFollows) collector.skip(context.line, 'malformed', `#${sequence}`, { type: 'context-unannounced' });
        else countContext(collector, context.value);
      }
      const ordered = Array.from(measurements.values()).sort((a, b) => a.value.sequence - b.value.sequence);
      for (const { value, line } of ordered) addMeasurement(collector, clock, source, value, line);

      const sequences = ordered.map((entry) => entry.value.sequence);
      const lowest = sequences[0];
      const highest = sequences.at(-1);
      const previous = options.previousSequence;
      const back = previous !== null && lowest !== undefined && highest !== undefined && (asked === 'all' ? highest < previous : lowest <= previous);
      const wentBack = back ? { previous, received: lowest } : null;
      let lastSequence: number | null = previous;
      if (highest !== undefined) {
        if (complete) lastSequence = highest;
        else {
          // Asked for the records after `previous`, the run must start right after it, or the
          // first record lost in transit would never be asked for again; otherwise at the first.
          let run = asked === 'after-previous' && wentBack === null && previous !== null ? previous : (lowest as number) - 1;
          for (const sequence of sequences) {
            if (sequence !== run + 1) break;
            run = sequence;
          }
          lastSequence = run;
        }
      }
      return { parsed: collector.finish(), records: measurements.size, lastSequence, wentBack };
    },
  };
}

export type GlucoseTransfer = ReturnType<typeof createGlucoseTransfer>;

function countContext(collector: ReturnType<typeof createCollector>, context: GlucoseContext): void {
  // Carnet keeps glucose values, not meal tags or doses: each is counted as not imported.
  if (context.meal !== null) collector.ignore('meal');
  if (context.carbohydrate !== null) collector.ignore('carbohydrates');
  if (context.tester !== null) collector.ignore('tester-health');
  if (context.exercise !== null) collector.ignore('exercise');
  if (context.medication !== null) collector.ignore('medication');
  if (context.hba1c !== null) collector.ignore('HbA1c');
}

function addMeasurement(collector: ReturnType<typeof createCollector>, clock: ZoneClock, source: ReadingSource, record: GlucoseMeasurement, line: number): void {
  const label = `#${record.sequence}`;
  const concentration = record.concentration;
  if (concentration === null) return collector.skip(line, 'status-code', label, { type: 'no-value', statuses: record.status });
  if (concentration.type === 'control-solution' || concentration.location === 'control-solution') return collector.ignore('control solution');
  if (concentration.type === 'reserved') return collector.skip(line, 'malformed', label, { type: 'reserved-sample-type' });
  const failed = record.status.filter((status) => FAILED.includes(status));
  if (failed.length > 0) return collector.skip(line, 'status-code', label, { type: 'device-status', statuses: failed });
  if (record.status.includes('time-fault')) return collector.skip(line, 'bad-time', label, { type: 'clock-fault' });
  if (concentration.value.kind === 'special') {
    const special = concentration.value.special;
    const reason = special === 'positive-infinity' || special === 'negative-infinity' ? 'status-code' : 'bad-value';
    return collector.skip(line, reason, label, { type: 'special-value', value: special });
  }
  const at = instantOf(clock, record.baseTime, record.timeOffset);
  if (at.status !== 'ok') return collector.skip(line, at.status, `${label}: ${dateText(record.baseTime)}${record.timeOffset === 0 ? '' : ` ${record.timeOffset > 0 ? '+' : ''}${record.timeOffset} min`}`);
  // kg/L × 100,000 = mg/dL; mol/L × 1,000 = mmol/L: shifts of the decimal exponent, exact.
  const molar = concentration.unit === 'mol/L';
  const value = roundDecimals(scaledValue(concentration.value, molar ? 3 : 5));
  const bound: ReadingBound = record.status.includes('result-too-high') ? 'above' : record.status.includes('result-too-low') ? 'below' : null;
  // A meter's interstitial reading is a sensor read on demand: what Carnet calls a scan.
  const kind: ReadingKind = concentration.type === 'interstitial-fluid' ? 'scan' : 'blood';
  const reading: Reading = { time: at.time, value, unit: molar ? 'mmol/L' : 'mg/dL', kind, bound, source };
  collector.add('glucose', reading, line, at.ambiguous);
}

export interface WeightTransferOptions {
  readonly device: TransferDevice;
  readonly timeZone: string;
  /**
   * The scale's user number that is the patient, when the scale knows several people: other
   * users' weigh-ins are counted as not imported. null: every weigh-in is the patient's.
   */
  readonly user: number | null;
}

export function createWeightTransfer(options: WeightTransferOptions) {
  const clock = createZoneClock(options.timeZone);
  const source: ReadingSource = { importer: 'bluetooth', device: options.device.name, serial: options.device.id };
  const collector = createCollector('bluetooth');
  const users = new Set<number>();
  let arrivals = 0;
  let taken = 0;
  return {
    /** A Weight Measurement (0x2A9D) indication, and when it arrived (UTC ms). */
    measurement(bytes: Uint8Array, receivedAt: number): void {
      const line = ++arrivals;
      const parsed = parseWeightMeasurement(bytes);
      if (!parsed.ok) return collector.skip(line, 'malformed', bytesDetail(bytes), undecodable('measurement', parsed.error));
      const record = parsed.value;
      if (record.userId !== null && record.userId !== UNKNOWN_USER) users.add(record.userId);
      // Once the patient said which user they are, a guest's weigh-in (unknown user) is not theirs either.
      if (options.user !== null && record.userId !== null && record.userId !== options.user) return collector.ignore('other user of the scale');
      if (record.weight === null) return collector.skip(line, 'status-code', bytesDetail(bytes), { type: 'no-value', statuses: [] });
      let time = receivedAt;
      let ambiguous = false;
      if (record.timeStamp !== null) {
        const at = instantOf(clock, record.timeStamp, 0);
        if (at.status !== 'ok') return collector.skip(line, at.status, dateText(record.timeStamp));
        time = at.time;
        ambiguous = at.ambiguous;
      }
      if (record.bmi !== null) collector.ignore('BMI');
      if (record.height !== null) collector.ignore('height');
      taken++;
      collector.add('weight', { time, value: roundDecimals(record.weight), unit: record.unit, kind: 'manual', bound: null, source }, line, ambiguous);
    },
    received: () => arrivals,
    /** The user numbers the scale reported (1–254), so the patient can say which is theirs. */
    users: (): number[] => Array.from(users).sort((a, b) => a - b),
    finish(): { readonly parsed: Result<ParsedReadings, ReadingsFileError>; readonly records: number } {
      return { parsed: collector.finish(), records: taken };
    },
  };
}

export type WeightTransfer = ReturnType<typeof createWeightTransfer>;
