/**
 * The Bluetooth use cases (src/app/bluetooth.ts) against a fake GATT device that implements the
 * core's port and replays the fixture bytes of tests/fixtures/bluetooth as a meter or a scale
 * would: the RACP requests it receives are recorded, each stored record is a measurement
 * notification followed by its context, and the device can leave halfway, refuse a request or
 * restart its sequence numbers. With a real vault: nothing is stored until the preview is
 * committed, and the per-device "last transfer" is sealed.
 */
import { describe, expect, it } from 'vitest';
import { createBluetooth, loadKnownDevices, type BluetoothFetch } from '../../src/app/bluetooth.ts';
import { createReadings } from '../../src/app/readings.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { GATT, type BluetoothDeviceHandle, type BluetoothPort, type GattLink } from '../../src/core/readings/bluetooth/port.ts';
import { ok } from '../../src/core/result.ts';
import meter from '../fixtures/bluetooth/glucose-meter.json';
import scale from '../fixtures/bluetooth/weight-scale.json';
import { byteArraysIn, containsBytes, dumpDatabase, newVault, testDeps } from './support.ts';

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const hex = (data: Uint8Array) => Array.from(data, (value) => value.toString(16).padStart(2, '0')).join('');
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const timeZone = 'Europe/Paris';

interface StoredRecord {
  readonly sequence: number;
  readonly measurement: string;
  readonly context?: string;
}

interface FakeOptions {
  /** Records the meter keeps. */
  records: StoredRecord[];
  /** Leaves after sending this many records of a report. */
  disconnectAfter?: number;
  /** Answers Report Stored Records with this response code value instead of working. */
  refuseReport?: number;
  /** Cannot select by sequence number: answers such requests with "operator not supported" (4). */
  noFilter?: boolean;
  /** Sends every value for a weight scale instead (indications on subscribe), then leaves. */
  weighIns?: string[];
}

/** A meter or a scale on the other side of the port. */
function createFakeDevice(options: FakeOptions) {
  const written: string[] = [];
  const listeners = new Map<number, (value: Uint8Array) => void>();
  const leaving: (() => void)[] = [];
  let connected = false;
  let aborted = false;
  const send = async (characteristic: number, value: string) => {
    await tick();
    if (connected) listeners.get(characteristic)?.(bytes(value));
  };
  const leave = () => {
    connected = false;
    for (const listener of leaving.splice(0)) listener();
  };
  const selected = (request: Uint8Array): StoredRecord[] => {
    const operator = request[1];
    if (operator === 0x01) return options.records;
    if (operator === 0x06) return options.records.slice(-1);
    if (operator === 0x03 && request[2] === 0x01) {
      const from = (request[3] as number) | ((request[4] as number) << 8);
      return options.records.filter((record) => record.sequence >= from);
    }
    throw new Error(`fake meter: operator ${operator}`);
  };
  async function report(request: Uint8Array) {
    const records = selected(request);
    let sent = 0;
    for (const record of records) {
      if (aborted || !connected) return;
      if (sent === options.disconnectAfter) return leave();
      await send(GATT.glucoseMeasurement, record.measurement);
      if (record.context !== undefined) await send(GATT.glucoseContext, record.context);
      sent++;
    }
    await send(GATT.recordAccessControlPoint, records.length === 0 ? '06000106' : '06000101');
  }
  const glucose = options.weighIns === undefined;
  const offered: readonly number[] = glucose ? [GATT.glucoseMeasurement, GATT.glucoseContext, GATT.recordAccessControlPoint] : [GATT.weightMeasurement];
  const service = glucose ? GATT.glucoseService : GATT.weightScaleService;
  const link: GattLink = {
    has: async (asked, characteristic) => asked === service && offered.includes(characteristic),
    async subscribe(_service, characteristic, listener) {
      listeners.set(characteristic, listener);
      if (characteristic === GATT.weightMeasurement) {
        void (async () => {
          for (const value of options.weighIns ?? []) await send(GATT.weightMeasurement, value);
          await tick();
          leave();
        })();
      }
      return ok(undefined);
    },
    async write(_service, _characteristic, value) {
      written.push(hex(value));
      const op = value[0];
      if (options.noFilter === true && value[1] === 0x03) {
        void send(GATT.recordAccessControlPoint, hex(Uint8Array.from([0x06, 0x00, op as number, 0x04])));
      } else if (op === 0x04) {
        const count = selected(value).length;
        void send(GATT.recordAccessControlPoint, hex(Uint8Array.from([0x05, 0x00, count & 0xff, count >> 8])));
      } else if (op === 0x01) {
        if (options.refuseReport !== undefined) void send(GATT.recordAccessControlPoint, hex(Uint8Array.from([0x06, 0x00, 0x01, options.refuseReport])));
        else void report(value);
      } else if (op === 0x03) {
        aborted = true;
        void send(GATT.recordAccessControlPoint, '06000301');
      }
      return ok(undefined);
    },
    onDisconnect(listener) {
      leaving.push(listener);
      return () => {};
    },
    disconnect: () => {
      connected = false;
    },
  };
  const device = glucose ? meter.device : scale.device;
  const handle: BluetoothDeviceHandle = {
    id: device.id,
    name: device.name,
    async connect() {
      connected = true;
      aborted = false;
      return ok(link);
    },
  };
  const port: BluetoothPort = {
    isAvailable: async () => true,
    requestDevice: async () => ok(handle),
    knownDevices: async () => [handle],
  };
  return { port, handle, written, options };
}

const records = meter.records as StoredRecord[];

async function fetched(session: VaultSession, fake: ReturnType<typeof createFakeDevice>, service: 'glucose' | 'weight' = 'glucose', signal = new AbortController().signal): Promise<BluetoothFetch> {
  const result = await createBluetooth(session, fake.port).fetch(fake.handle, service, { timeZone, signal });
  if (!result.ok) throw new Error(result.error.type);
  return result.value;
}

async function glucoseCount(session: VaultSession): Promise<number> {
  return (await createReadings(session).load('glucose', 0, Date.UTC(2100, 0, 1))).readings.length;
}

describe('a Bluetooth glucose meter', () => {
  it('fetches every record the first time, stores nothing before the commit, then only what is new', async () => {
    const session = await newVault(testDeps());
    const fake = createFakeDevice({ records: records.slice(0, 4) });
    const first = await fetched(session, fake);
    expect(fake.written).toEqual(['0401', '0101']);
    expect(first).toMatchObject({ records: 4, interrupted: null, wentBack: null, device: { lastSequence: 4, name: meter.device.name, service: 'glucose' } });
    expect(first.parsed.ok && first.parsed.value.series[0]?.readings.map((reading) => reading.value)).toEqual([110, 142, 5.6, 98]);
    // Fetched, previewed, not committed: nothing stored, nothing remembered.
    const readings = createReadings(session);
    const preview = await readings.preview(first.parsed.ok ? first.parsed.value : (undefined as never));
    if (!preview.ok) throw new Error(preview.error.type);
    expect(preview.value.plans[0]?.added).toBe(4);
    expect(await glucoseCount(session)).toBe(0);
    expect(await loadKnownDevices(session)).toEqual([]);

    const landed = await readings.commit(preview.value);
    expect(landed.ok).toBe(true);
    const bluetooth = createBluetooth(session, fake.port);
    await bluetooth.remember(first);
    expect(await glucoseCount(session)).toBe(4);
    const [known] = await loadKnownDevices(session);
    expect(known).toMatchObject({ id: meter.device.id, name: meter.device.name, lastSequence: 4 });
    expect(known?.lastTransfer).toBeTypeOf('number');
    // The device list is sealed: neither the meter's name nor its id is readable in the database.
    for (const stored of byteArraysIn(await dumpDatabase(session.profile.database))) {
      for (const secret of [meter.device.name, meter.device.id]) expect(containsBytes(stored, new TextEncoder().encode(secret))).toBe(false);
    }

    // Three more records later: only those after sequence 4 are asked for.
    const later = createFakeDevice({ records });
    const second = await fetched(session, later);
    expect(later.written).toEqual(['0403010500', '0103010500']);
    expect(second).toMatchObject({ records: 3, device: { lastSequence: 7 } });
    expect(second.parsed.ok && second.parsed.value.series[0]?.readings.map((reading) => reading.value)).toEqual([600, 7.2]);
    expect(second.parsed.ok && second.parsed.value.ignored).toEqual({ 'control solution': 1 });

    // A meter that cannot select by sequence number: everything is asked for instead, and the
    // vault keeps each reading once.
    const plain = createFakeDevice({ records, noFilter: true });
    const third = await fetched(session, plain);
    expect(plain.written).toEqual(['0403010500', '0401', '0101']);
    // Asked for everything because it cannot filter, not because its count went back: no alarm.
    expect(third).toMatchObject({ records: 7, wentBack: null, device: { lastSequence: 7 } });
  });

  it('offers the records received before the meter left halfway, and stores or remembers nothing without a commit', async () => {
    const session = await newVault(testDeps());
    const fake = createFakeDevice({ records, disconnectAfter: 3 });
    const cut = await fetched(session, fake);
    expect(cut.interrupted).toEqual({ type: 'Disconnected' });
    expect(cut.records).toBe(3);
    expect(cut.device.lastSequence).toBe(3);
    expect(cut.parsed.ok && cut.parsed.value.series[0]?.readings.map((reading) => reading.value)).toEqual([110, 142, 5.6]);
    expect(await glucoseCount(session)).toBe(0);
    expect(await loadKnownDevices(session)).toEqual([]);
  });

  it('reports a meter whose sequence numbers went back, and fetches everything it keeps', async () => {
    const session = await newVault(testDeps());
    // A transfer kept earlier, up to record 40 (setUser stores the device as given).
    const bluetooth = createBluetooth(session, createFakeDevice({ records: [] }).port);
    await bluetooth.setUser({ id: meter.device.id, name: meter.device.name, service: 'glucose', lastSequence: 40, lastTransfer: 1, user: null }, null);
    const fake = createFakeDevice({ records });
    const result = await fetched(session, fake);
    // Nothing after 40, the last record is number 7: everything again.
    expect(fake.written).toEqual(['0403012900', '0106', '0101']);
    expect(result.wentBack).toEqual({ previous: 40, received: 1 });
    expect(result.device.lastSequence).toBe(7);
    expect(result.parsed.ok && result.parsed.value.series[0]?.readings).toHaveLength(6);
  });

  it('says so when the meter has nothing new', async () => {
    const session = await newVault(testDeps());
    const bluetooth = createBluetooth(session, createFakeDevice({ records: [] }).port);
    await bluetooth.setUser({ id: meter.device.id, name: meter.device.name, service: 'glucose', lastSequence: 7, lastTransfer: 1, user: null }, null);
    const fake = createFakeDevice({ records });
    const result = await fetched(session, fake);
    expect(fake.written).toEqual(['0403010800', '0106']);
    expect(result).toMatchObject({ records: 0, wentBack: null, interrupted: null, device: { lastSequence: 7 }, parsed: { ok: false, error: { type: 'NoReadings', skipped: [] } } });
  });

  it('turns a refused request into its response code, and a cancel into an abort', async () => {
    const session = await newVault(testDeps());
    const refusing = createFakeDevice({ records, refuseReport: 0x02 });
    expect(await createBluetooth(session, refusing.port).fetch(refusing.handle, 'glucose', { timeZone, signal: new AbortController().signal })).toEqual({
      ok: false,
      error: { type: 'RacpRefused', code: 'op-code-not-supported' },
    });

    const fake = createFakeDevice({ records });
    const controller = new AbortController();
    const progress: number[] = [];
    const result = await createBluetooth(session, fake.port).fetch(fake.handle, 'glucose', {
      timeZone,
      signal: controller.signal,
      onProgress: (next) => {
        progress.push(next.received);
        if (next.received === 2) controller.abort();
      },
    });
    expect(result).toEqual({ ok: false, error: { type: 'BluetoothCancelled' } });
    expect(fake.written).toEqual(['0401', '0101', '0300']);
    expect(progress.slice(0, 3)).toEqual([0, 1, 2]);
    expect(await loadKnownDevices(session)).toEqual([]);
  });
});

describe('a Bluetooth scale', () => {
  it('takes the weigh-ins sent before the scale leaves', async () => {
    const session = await newVault(testDeps());
    const fake = createFakeDevice({ records: [], weighIns: scale.measurements.map((entry) => entry.hex) });
    const result = await fetched(session, fake, 'weight');
    expect(result).toMatchObject({ records: 5, interrupted: null, users: [1, 2], device: { service: 'weight', lastSequence: null } });
    expect(result.parsed.ok && result.parsed.value.series[0]?.readings.map((reading) => [reading.value, reading.unit])).toEqual(
      expect.arrayContaining([
        [72.35, 'kg'],
        [160.4, 'lb'],
        [158.6, 'lb'],
      ]),
    );
    expect(result.parsed.ok && result.parsed.value.skipped.map((row) => row.reason)).toContain('status-code');
  });
});
