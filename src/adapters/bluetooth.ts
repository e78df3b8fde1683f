/**
 * Web Bluetooth (https://webbluetoothcg.github.io/web-bluetooth/) behind the core's BluetoothPort.
 * Chromium has it on desktop and Android; Firefox and Safari do not, and then `isAvailable()` is
 * false and the screen explains. `navigator.bluetooth` is read at each call, not at import, so a
 * page that gains it later (or a test that injects one before the app loads) is seen.
 *
 * Translation only: platform errors become typed BluetoothError values; every value a
 * characteristic sends is copied out of the browser's DataView before it is handed on, since the
 * browser may reuse that buffer for the next notification.
 */
import { err, ok, type Result } from '../core/result.ts';
import { SERVICE_NUMBERS, type BluetoothDeviceHandle, type BluetoothError, type BluetoothPort, type CancelSignal, type DeviceService, type GattLink } from '../core/readings/bluetooth/port.ts';

/** The part of the Web Bluetooth API used here (TypeScript's DOM library does not declare it). */
interface WebBluetooth {
  getAvailability?(): Promise<boolean>;
  requestDevice(options: { filters: { services: number[] }[] }): Promise<WebBluetoothDevice>;
  getDevices?(): Promise<WebBluetoothDevice[]>;
}
interface WebBluetoothDevice extends EventTarget {
  readonly id: string;
  readonly name?: string | undefined;
  readonly gatt?: WebGattServer | undefined;
}
interface WebGattServer {
  readonly connected: boolean;
  connect(): Promise<WebGattServer>;
  disconnect(): void;
  getPrimaryService(service: number): Promise<WebGattService>;
}
interface WebGattService {
  getCharacteristic(characteristic: number): Promise<WebGattCharacteristic>;
}
interface WebGattCharacteristic extends EventTarget {
  readonly value?: DataView | null;
  startNotifications(): Promise<WebGattCharacteristic>;
  writeValueWithResponse?(value: BufferSource): Promise<void>;
  writeValue(value: BufferSource): Promise<void>;
}

function webBluetooth(): WebBluetooth | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { bluetooth?: WebBluetooth }).bluetooth;
}

function messageOf(failure: unknown): string {
  return failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
}

function isNamed(failure: unknown, name: string): boolean {
  return typeof failure === 'object' && failure !== null && (failure as { name?: unknown }).name === name;
}

function linkOf(device: WebBluetoothDevice, server: WebGattServer): GattLink {
  const characteristics = new Map<string, Promise<WebGattCharacteristic | null>>();
  const cleanups: (() => void)[] = [];
  function characteristic(service: number, id: number): Promise<WebGattCharacteristic | null> {
    const key = `${service}/${id}`;
    let found = characteristics.get(key);
    if (found === undefined) {
      found = server
        .getPrimaryService(service)
        .then((primary) => primary.getCharacteristic(id))
        .catch((failure: unknown) => {
          // NotFoundError: the device has no such service or characteristic.
          if (isNamed(failure, 'NotFoundError')) return null;
          // Any other failure is not remembered: the next ask tries the device again.
          characteristics.delete(key);
          throw failure;
        });
      characteristics.set(key, found);
    }
    return found;
  }
  return {
    async has(service, id) {
      try {
        return (await characteristic(service, id)) !== null;
      } catch {
        // Not an answer about the device (see GattLink.has): subscribe or write will say what failed.
        return true;
      }
    },
    async subscribe(service, id, listener) {
      try {
        const found = await characteristic(service, id);
        if (found === null) return err({ type: 'BluetoothMissing', service, characteristic: id });
        const changed = (event: Event) => {
          const view = (event.target as WebGattCharacteristic).value;
          if (view !== null && view !== undefined) listener(new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
        };
        found.addEventListener('characteristicvaluechanged', changed);
        cleanups.push(() => found.removeEventListener('characteristicvaluechanged', changed));
        await found.startNotifications();
        return ok(undefined);
      } catch (failure) {
        return err({ type: 'BluetoothGattFailed', detail: messageOf(failure) });
      }
    },
    async write(service, id, value) {
      try {
        const found = await characteristic(service, id);
        if (found === null) return err({ type: 'BluetoothMissing', service, characteristic: id });
        const copy = value.slice();
        await (found.writeValueWithResponse === undefined ? found.writeValue(copy) : found.writeValueWithResponse(copy));
        return ok(undefined);
      } catch (failure) {
        return err({ type: 'BluetoothGattFailed', detail: messageOf(failure) });
      }
    },
    onDisconnect(listener) {
      const handler = () => listener();
      device.addEventListener('gattserverdisconnected', handler);
      const off = () => device.removeEventListener('gattserverdisconnected', handler);
      cleanups.push(off);
      return off;
    },
    disconnect() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      if (server.connected) server.disconnect();
    },
  };
}

function handleOf(device: WebBluetoothDevice): BluetoothDeviceHandle {
  return {
    id: device.id,
    name: device.name === undefined || device.name === '' ? null : device.name,
    async connect(signal: CancelSignal): Promise<Result<GattLink, BluetoothError>> {
      if (signal.aborted) return err({ type: 'BluetoothCancelled' });
      const gatt = device.gatt;
      if (gatt === undefined) return err({ type: 'BluetoothConnectFailed', detail: 'no GATT server' });
      let onAbort = () => {};
      const aborted = new Promise<'aborted'>((resolve) => {
        onAbort = () => resolve('aborted');
        signal.addEventListener('abort', onAbort);
      });
      try {
        const server = await Promise.race([gatt.connect(), aborted]);
        if (server === 'aborted') {
          gatt.disconnect();
          return err({ type: 'BluetoothCancelled' });
        }
        return ok(linkOf(device, server));
      } catch (failure) {
        return err({ type: 'BluetoothConnectFailed', detail: messageOf(failure) });
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

export const webBluetoothPort: BluetoothPort = {
  async isAvailable() {
    const bluetooth = webBluetooth();
    if (bluetooth === undefined) return false;
    try {
      // No adapter (or Bluetooth turned off in the system): the chooser would stay empty.
      return bluetooth.getAvailability === undefined ? true : await bluetooth.getAvailability();
    } catch {
      return false;
    }
  },
  async requestDevice(service: DeviceService) {
    const bluetooth = webBluetooth();
    if (bluetooth === undefined) return err({ type: 'BluetoothUnavailable' });
    try {
      return ok(handleOf(await bluetooth.requestDevice({ filters: [{ services: [SERVICE_NUMBERS[service]] }] })));
    } catch (failure) {
      // NotFoundError is what the chooser gives when the patient closes it without a choice.
      if (isNamed(failure, 'NotFoundError')) return err({ type: 'BluetoothNoDeviceChosen' });
      if (isNamed(failure, 'NotSupportedError') || isNamed(failure, 'SecurityError')) return err({ type: 'BluetoothUnavailable' });
      return err({ type: 'BluetoothConnectFailed', detail: messageOf(failure) });
    }
  },
  async knownDevices() {
    const bluetooth = webBluetooth();
    if (bluetooth?.getDevices === undefined) return [];
    try {
      return (await bluetooth.getDevices()).map(handleOf);
    } catch {
      return [];
    }
  },
};
