/**
 * The Web Bluetooth adapter over a stand-in `navigator.bluetooth` (headless Chromium has none):
 * a service the device does not have reads as missing, but a link that fails while asking is
 * not taken for a missing service, and is asked again rather than remembered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webBluetoothPort } from '../../src/adapters/bluetooth.ts';
import { GATT } from '../../src/core/readings/bluetooth/port.ts';

function domError(name: string): Error {
  const error = new Error(`${name} from the stand-in`);
  error.name = name;
  return error;
}

/** A meter whose first service lookup fails with `firstFailure`, and which has no weight scale service. */
function standIn(firstFailure: string) {
  let lookups = 0;
  const characteristic = Object.assign(new EventTarget(), {
    value: null,
    startNotifications: async () => characteristic,
    writeValue: async () => {},
  });
  const server = {
    connected: true,
    connect: async () => server,
    disconnect: () => {},
    async getPrimaryService(service: number) {
      lookups += 1;
      if (lookups === 1) throw domError(firstFailure);
      if (service !== GATT.glucoseService) throw domError('NotFoundError');
      return { getCharacteristic: async () => characteristic };
    },
  };
  const device = Object.assign(new EventTarget(), { id: 'stand-in', name: 'Meter', gatt: server });
  Object.defineProperty(navigator, 'bluetooth', { configurable: true, value: { requestDevice: async () => device } });
  return { lookups: () => lookups };
}

async function link() {
  const handle = await webBluetoothPort.requestDevice('glucose');
  if (!handle.ok) throw new Error(handle.error.type);
  const connected = await handle.value.connect(new AbortController().signal);
  if (!connected.ok) throw new Error(connected.error.type);
  return connected.value;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'bluetooth');
});

describe('the Web Bluetooth adapter', () => {
  it('says a failed link is a failure, not a missing service, and asks the device again', async () => {
    const meter = standIn('NetworkError');
    const gatt = await link();
    expect(await gatt.has(GATT.glucoseService, GATT.glucoseMeasurement)).toBe(true);
    // The lookup that failed was not kept: this one reaches the device and succeeds.
    expect(await gatt.subscribe(GATT.glucoseService, GATT.glucoseMeasurement, () => {})).toEqual({ ok: true, value: undefined });
    expect(meter.lookups()).toBe(2);
  });

  it('reads a service the device answers "not found" for as missing, and reports a failed lookup as a GATT failure', async () => {
    standIn('NotFoundError');
    const gatt = await link();
    expect(await gatt.has(GATT.glucoseService, GATT.glucoseMeasurement)).toBe(false);
    expect(await gatt.has(GATT.weightScaleService, GATT.weightMeasurement)).toBe(false);

    standIn('NetworkError');
    const again = await link();
    expect(await again.subscribe(GATT.glucoseService, GATT.glucoseMeasurement, () => {})).toMatchObject({ ok: false, error: { type: 'BluetoothGattFailed', detail: 'NetworkError: NetworkError from the stand-in' } });
  });
});
