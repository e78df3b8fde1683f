/**
 * Readings from a Bluetooth glucose meter or scale (issue 8): choose a device, fetch what it has,
 * and hand the result to the same preview as a file import (nothing is stored until the patient
 * confirms there). Decoding and assembling are in core (core/readings/bluetooth); this module
 * drives the device through the port and remembers, per device, the last transfer the patient
 * kept.
 *
 * Glucose (GLS 1.0): the Record Access Control Point asks for all stored records the first time,
 * then only those after the last sequence number kept. When the meter has nothing after it, the
 * last record is asked for: a sequence number below the one kept means the meter's memory was
 * reset (or the count wrapped), and then every record is fetched again, the preview's plan
 * setting aside what the vault already holds. Weight (WSS 1.0): scales send their weigh-ins on
 * their own once connected; the transfer listens for a short window, or until the scale leaves.
 *
 * The devices list (id, name, last sequence number, last transfer, scale user) is sealed under the
 * search-index subkey as the derived value `bluetooth-devices` (docs/format.md): a meter's name
 * already says "diabetes". It is local to this device, like the readings settings.
 */
import type { ParsedReadings, ReadingsFileError } from '../core/readings/parsed.ts';
import { GATT, type BluetoothDeviceHandle, type BluetoothError, type BluetoothPort, type DeviceService, type GattLink } from '../core/readings/bluetooth/port.ts';
import { encodeAbort, encodeReportNumber, encodeReportStored, parseRacpResponse, RACP_OP, type RacpResponse, type RacpResponseCode, type RacpSelection } from '../core/readings/bluetooth/racp.ts';
import { createGlucoseTransfer, createWeightTransfer, type GlucoseTransfer } from '../core/readings/bluetooth/transfer.ts';
import { parseGlucoseMeasurement } from '../core/readings/bluetooth/glucose-measurement.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { StoreError } from '../core/ports.ts';
import { readSealedJson, writeSealedJson, type SealedName } from './derived.ts';
import type { VaultSession } from './session.ts';

const NAME = 'bluetooth-devices';
const MAX_DEVICES = 20;
const MAX_TEXT = 120;
/** A meter that stays silent this long in the middle of a transfer is not going to answer. */
export const GLUCOSE_SILENCE_MS = 30_000;
/** How long a scale is listened to: long enough to step on it after connecting. */
export const WEIGHT_WINDOW_MS = 45_000;

export interface KnownDevice {
  /** The browser's id for the device (per origin). */
  readonly id: string;
  readonly name: string;
  readonly service: DeviceService;
  /** Glucose: the last sequence number of a transfer the patient kept. */
  readonly lastSequence: number | null;
  /** UTC ms of the last transfer kept (or that found nothing new). */
  readonly lastTransfer: number | null;
  /** Weight: the scale's user number that is the patient, when the scale knows several. */
  readonly user: number | null;
}

export type BluetoothFetchError =
  | BluetoothError
  /** The meter refused the request (op code or operator not supported, invalid operand...). */
  | { readonly type: 'RacpRefused'; readonly code: RacpResponseCode }
  | { readonly type: 'RacpMalformed'; readonly detail: string };

/** Why a transfer stopped before the device said it was complete. */
export type TransferInterruption = { readonly type: 'Disconnected' } | { readonly type: 'Silent' } | { readonly type: 'RacpRefused'; readonly code: RacpResponseCode };

export interface BluetoothFetch {
  /** The device as it will be remembered once the patient keeps the readings (`remember`). */
  readonly device: KnownDevice;
  readonly parsed: Result<ParsedReadings, ReadingsFileError>;
  /** Records received (weigh-ins, glucose records). */
  readonly records: number;
  readonly interrupted: TransferInterruption | null;
  /** The meter sent a sequence number at or below the last one kept: reset, or another meter. */
  readonly wentBack: { readonly previous: number; readonly received: number } | null;
  /** Weight: the user numbers the scale reported, so the patient can say which is theirs. */
  readonly users: readonly number[];
}

export interface BluetoothProgress {
  readonly received: number;
  /** Records the meter announced, or null (scales do not say). */
  readonly expected: number | null;
  /** 0–1 when known: records over announced, or the listening window's elapsed share. */
  readonly fraction: number | null;
}

export interface FetchOptions {
  readonly timeZone: string;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: BluetoothProgress) => void;
}

const STORED: SealedName = { name: NAME, id: 'bluetooth' };

function text(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

function optionalInteger(value: unknown, max: number): value is number | null {
  return value === null || (Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max);
}

/** A stored devices list, each entry checked; an odd entry is dropped, never guessed. */
export function parseKnownDevices(json: unknown): KnownDevice[] {
  if (typeof json !== 'object' || json === null || (json as { v?: unknown }).v !== 1) return [];
  const list = (json as { devices?: unknown }).devices;
  if (!Array.isArray(list)) return [];
  const devices: KnownDevice[] = [];
  for (const item of list.slice(0, MAX_DEVICES)) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as Record<string, unknown>;
    if (!text(entry['id']) || !text(entry['name']) || (entry['service'] !== 'glucose' && entry['service'] !== 'weight')) continue;
    if (!optionalInteger(entry['lastSequence'], 0xffff) || !optionalInteger(entry['lastTransfer'], Number.MAX_SAFE_INTEGER) || !optionalInteger(entry['user'], 0xfe)) continue;
    devices.push({ id: entry['id'], name: entry['name'], service: entry['service'], lastSequence: entry['lastSequence'], lastTransfer: entry['lastTransfer'], user: entry['user'] });
  }
  return devices;
}

/**
 * The devices met before. A list that does not open or parse (altered outside Carnet) reads as
 * none, and the next save replaces it: what is lost is only where each device's last transfer
 * ended, so its next transfer asks for everything, and the vault keeps each reading once.
 */
export async function loadKnownDevices(session: VaultSession): Promise<KnownDevice[]> {
  const stored = await readSealedJson(session, STORED);
  return stored.status === 'read' ? parseKnownDevices(stored.value) : [];
}

async function saveKnownDevices(session: VaultSession, devices: readonly KnownDevice[]): Promise<Result<void, StoreError>> {
  return writeSealedJson(session, STORED, { v: 1, devices: devices.slice(-MAX_DEVICES) });
}

/** Waits for the next RACP indication, the device leaving, silence, or the patient cancelling. */
type Waited = { readonly type: 'response'; readonly response: RacpResponse } | { readonly type: 'malformed'; readonly detail: string } | { readonly type: 'disconnected' } | { readonly type: 'silent' } | { readonly type: 'cancelled' };

/** RACP answers meaning "I cannot select by sequence number": ask for all records instead. */
const CANNOT_FILTER: readonly string[] = ['invalid-operator', 'operator-not-supported', 'operand-not-supported'];

export function createBluetooth(session: VaultSession, port: BluetoothPort) {
  const now = () => session.deps.clock.now();

  /** Saves `device` (its last transfer, its user): a write the database refused is said, not lost. */
  async function update(device: KnownDevice): Promise<Result<KnownDevice[], StoreError>> {
    const devices = (await loadKnownDevices(session)).filter((entry) => !(entry.id === device.id && entry.service === device.service));
    const next = [...devices, device];
    const saved = await saveKnownDevices(session, next);
    return saved.ok ? ok(next) : saved;
  }

  function knownOrNew(devices: readonly KnownDevice[], handle: BluetoothDeviceHandle, service: DeviceService): KnownDevice {
    const known = devices.find((entry) => entry.id === handle.id && entry.service === service);
    const name = (handle.name ?? known?.name ?? handle.id).slice(0, MAX_TEXT);
    return known === undefined ? { id: handle.id.slice(0, MAX_TEXT), name, service, lastSequence: null, lastTransfer: null, user: null } : { ...known, name };
  }

  async function fetchGlucose(link: GattLink, device: KnownDevice, options: FetchOptions): Promise<Result<BluetoothFetch, BluetoothFetchError>> {
    const service = GATT.glucoseService;
    for (const characteristic of [GATT.glucoseMeasurement, GATT.recordAccessControlPoint]) {
      if (!(await link.has(service, characteristic))) return err({ type: 'BluetoothMissing', service, characteristic });
    }
    const transferDevice = { id: device.id, name: device.name };
    const transfer: GlucoseTransfer = createGlucoseTransfer({ device: transferDevice, timeZone: options.timeZone, previousSequence: device.lastSequence });
    /** Where measurements go: the transfer, or the sequence numbers of a "last record" probe. */
    let probe: number[] | null = null;
    let expected: number | null = null;
    let waiter: ((waited: Waited) => void) | null = null;
    const pending: Waited[] = [];
    let silence: ReturnType<typeof setTimeout> | undefined;
    const deliver = (waited: Waited) => {
      if (waiter === null) pending.push(waited);
      else {
        const wake = waiter;
        waiter = null;
        wake(waited);
      }
    };
    const quiet = () => {
      clearTimeout(silence);
      silence = setTimeout(() => deliver({ type: 'silent' }), GLUCOSE_SILENCE_MS);
    };
    const next = () => {
      const queued = pending.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise<Waited>((resolve) => (waiter = resolve));
    };
    const report = () => {
      const received = transfer.received();
      options.onProgress?.({ received, expected, fraction: expected === null || expected === 0 ? null : Math.min(1, received / expected) });
    };
    link.onDisconnect(() => deliver({ type: 'disconnected' }));
    const onAbort = () => deliver({ type: 'cancelled' });
    options.signal.addEventListener('abort', onAbort);
    try {
      const measured = await link.subscribe(service, GATT.glucoseMeasurement, (value) => {
        quiet();
        if (probe !== null) {
          const parsed = parseGlucoseMeasurement(value);
          if (parsed.ok) probe.push(parsed.value.sequence);
          return;
        }
        transfer.measurement(value);
        report();
      });
      if (!measured.ok) return measured;
      if (await link.has(service, GATT.glucoseContext)) {
        const context = await link.subscribe(service, GATT.glucoseContext, (value) => {
          quiet();
          if (probe === null) transfer.context(value);
        });
        if (!context.ok) return context;
      }
      const control = await link.subscribe(service, GATT.recordAccessControlPoint, (value) => {
        quiet();
        const parsed = parseRacpResponse(value);
        deliver(parsed.ok ? { type: 'response', response: parsed.value } : { type: 'malformed', detail: parsed.error.detail });
      });
      if (!control.ok) return control;

      /** Writes a request and waits for its answer, or for why none will come. */
      async function ask(request: Uint8Array): Promise<Result<RacpResponse, BluetoothFetchError | TransferInterruption>> {
        quiet();
        const written = await link.write(service, GATT.recordAccessControlPoint, request);
        if (!written.ok) return written;
        const waited = await next();
        switch (waited.type) {
          case 'response':
            return ok(waited.response);
          case 'malformed':
            return err({ type: 'RacpMalformed', detail: waited.detail });
          case 'disconnected':
            return err({ type: 'Disconnected' });
          case 'silent':
            return err({ type: 'Silent' });
          case 'cancelled':
            return err({ type: 'BluetoothCancelled' });
        }
      }

      const previous = device.lastSequence;
      // What the meter is asked for: after the last record kept, or all (see the fallbacks below).
      let selection: RacpSelection = previous === null || previous >= 0xffff ? { from: 'all' } : { from: 'sequence', sequence: previous + 1 };
      const finish = (interrupted: TransferInterruption | null): Result<BluetoothFetch, BluetoothFetchError> => {
        const outcome = transfer.finish(interrupted === null, selection.from === 'sequence' ? 'after-previous' : 'all');
        return ok({
          device: { ...device, lastSequence: outcome.lastSequence, lastTransfer: now() },
          parsed: outcome.parsed,
          records: outcome.records,
          interrupted,
          wentBack: outcome.wentBack,
          users: [],
        });
      };
      /** An interruption ends the transfer with what came; anything else is an error. */
      const stop = (failure: BluetoothFetchError | TransferInterruption): Result<BluetoothFetch, BluetoothFetchError> => {
        if (failure.type === 'Disconnected' || failure.type === 'Silent') return finish(failure);
        if (failure.type === 'BluetoothCancelled') {
          // Best effort: the meter may keep sending otherwise; the link is closed right after.
          void link.write(service, GATT.recordAccessControlPoint, encodeAbort());
        }
        return err(failure);
      };

      /**
       * Asks with the current selection. A meter that cannot filter by sequence number is asked
       * again for everything, and sends it all; the vault keeps each reading once.
       */
      const askSelecting = async (encode: (selection: RacpSelection) => Uint8Array) => {
        const answered = await ask(encode(selection));
        if (!answered.ok || selection.from !== 'sequence' || answered.value.type !== 'code' || !CANNOT_FILTER.includes(answered.value.code)) return answered;
        selection = { from: 'all' };
        return ask(encode(selection));
      };
      // How many are coming, for the progress bar; a meter that cannot say still transfers.
      const counted = await askSelecting(encodeReportNumber);
      if (!counted.ok) return stop(counted.error);
      if (counted.value.type === 'number') expected = counted.value.count;
      else if (counted.value.code === 'no-records-found') expected = 0;
      report();

      if (expected === 0 && selection.from === 'sequence') {
        probe = [];
        const last = await ask(encodeReportStored({ from: 'last' }));
        const seen = probe;
        probe = null;
        if (!last.ok) return stop(last.error);
        const highest = seen.length === 0 ? null : Math.max(...seen);
        if (highest === null || previous === null || highest >= previous) return finish(null);
        // Fewer records than before: fetch them all and let the transfer report it went back.
        selection = { from: 'all' };
        expected = null;
      }

      const answered = await askSelecting(encodeReportStored);
      if (!answered.ok) return stop(answered.error);
      const response = answered.value;
      if (response.type !== 'code' || response.request !== RACP_OP.reportStored) return err({ type: 'RacpMalformed', detail: 'an answer to another request' });
      if (response.code === 'success' || response.code === 'no-records-found') return finish(null);
      // The meter started but could not finish: what came is offered, like a disconnection.
      if (response.code === 'procedure-not-completed') return finish({ type: 'RacpRefused', code: response.code });
      return err({ type: 'RacpRefused', code: response.code });
    } finally {
      clearTimeout(silence);
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  async function fetchWeight(link: GattLink, device: KnownDevice, options: FetchOptions): Promise<Result<BluetoothFetch, BluetoothFetchError>> {
    const service = GATT.weightScaleService;
    if (!(await link.has(service, GATT.weightMeasurement))) return err({ type: 'BluetoothMissing', service, characteristic: GATT.weightMeasurement });
    const transfer = createWeightTransfer({ device: { id: device.id, name: device.name }, timeZone: options.timeZone, user: device.user });
    const started = session.deps.clock.monotonic();
    const report = () => {
      const elapsed = session.deps.clock.monotonic() - started;
      options.onProgress?.({ received: transfer.received(), expected: null, fraction: Math.min(1, elapsed / WEIGHT_WINDOW_MS) });
    };
    let end: (how: 'window' | 'left' | 'cancelled') => void = () => {};
    const ended = new Promise<'window' | 'left' | 'cancelled'>((resolve) => (end = resolve));
    link.onDisconnect(() => end('left'));
    const onAbort = () => end('cancelled');
    options.signal.addEventListener('abort', onAbort);
    const deadline = setTimeout(() => end('window'), WEIGHT_WINDOW_MS);
    const ticker = setInterval(report, 1000);
    try {
      const subscribed = await link.subscribe(service, GATT.weightMeasurement, (value) => {
        transfer.measurement(value, now());
        report();
      });
      if (!subscribed.ok) return subscribed;
      report();
      const how = await ended;
      if (how === 'cancelled') return err({ type: 'BluetoothCancelled' });
      // A scale that leaves after sending is done, not interrupted: that is how scales end.
      const outcome = transfer.finish();
      return ok({ device: { ...device, lastTransfer: now() }, parsed: outcome.parsed, records: outcome.records, interrupted: null, wentBack: null, users: transfer.users() });
    } finally {
      clearTimeout(deadline);
      clearInterval(ticker);
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    isAvailable: () => port.isAvailable(),
    /** The devices used before, newest last. */
    devices: () => loadKnownDevices(session),
    /** The browser's chooser for a meter or a scale. */
    choose: (service: DeviceService) => port.requestDevice(service),
    /** A device used before, if the browser still has it without asking (getDevices). */
    async reconnectable(device: KnownDevice): Promise<BluetoothDeviceHandle | null> {
      return (await port.knownDevices()).find((handle) => handle.id === device.id) ?? null;
    },
    /** Connects, fetches what is new, disconnects. Nothing is stored or remembered here. */
    async fetch(handle: BluetoothDeviceHandle, service: DeviceService, options: FetchOptions): Promise<Result<BluetoothFetch, BluetoothFetchError>> {
      const device = knownOrNew(await loadKnownDevices(session), handle, service);
      const link = await handle.connect(options.signal);
      if (!link.ok) return link;
      try {
        return await (service === 'glucose' ? fetchGlucose(link.value, device, options) : fetchWeight(link.value, device, options));
      } finally {
        link.value.disconnect();
      }
    },
    /**
     * Remembers a transfer once the patient kept its readings (or once it brought nothing new),
     * so the next one starts after it.
     */
    remember: (fetched: BluetoothFetch) => update(fetched.device),
    /** Which of a shared scale's users the patient is (null: all weigh-ins are theirs). */
    async setUser(device: KnownDevice, user: number | null): Promise<Result<KnownDevice, StoreError>> {
      const next = { ...device, user };
      const saved = await update(next);
      return saved.ok ? ok(next) : saved;
    },
    forget(device: KnownDevice): Promise<Result<void, StoreError>> {
      return loadKnownDevices(session).then((devices) => saveKnownDevices(session, devices.filter((entry) => !(entry.id === device.id && entry.service === device.service))));
    },
  };
}

export type BluetoothUseCases = ReturnType<typeof createBluetooth>;
