/**
 * What Carnet needs from Web Bluetooth, as a small interface the adapter implements
 * (src/adapters/bluetooth.ts) and tests replace with a fake GATT device. Services and
 * characteristics are named by their 16-bit Bluetooth SIG numbers (Assigned Numbers).
 */
import type { Result } from '../../result.ts';

export const GATT = {
  glucoseService: 0x1808,
  glucoseMeasurement: 0x2a18,
  glucoseContext: 0x2a34,
  recordAccessControlPoint: 0x2a52,
  weightScaleService: 0x181d,
  weightMeasurement: 0x2a9d,
} as const;

export type DeviceService = 'glucose' | 'weight';

export const SERVICE_NUMBERS: { readonly [K in DeviceService]: number } = { glucose: GATT.glucoseService, weight: GATT.weightScaleService };

export type BluetoothError =
  /** No Web Bluetooth here, or the adapter is off. */
  | { readonly type: 'BluetoothUnavailable' }
  /** The patient closed the browser's device chooser. */
  | { readonly type: 'BluetoothNoDeviceChosen' }
  | { readonly type: 'BluetoothConnectFailed'; readonly detail: string }
  /** The device does not offer a service or characteristic the transfer needs. */
  | { readonly type: 'BluetoothMissing'; readonly service: number; readonly characteristic: number | null }
  /** A write or subscription the device refused, or the link failing under it. */
  | { readonly type: 'BluetoothGattFailed'; readonly detail: string }
  | { readonly type: 'BluetoothCancelled' };

/** One open GATT connection. */
export interface GattLink {
  /**
   * Whether the device offers this characteristic (false also when the service is missing).
   * Only the device answering "not found" is false: a link that failed while asking is left to
   * the next step (subscribe, write), which reports that failure as what it is.
   */
  has(service: number, characteristic: number): Promise<boolean>;
  /**
   * Starts notifications or indications (whichever the characteristic has) and calls `listener`
   * with a copy of each value, in arrival order. Resolves once the device accepted.
   */
  subscribe(service: number, characteristic: number, listener: (value: Uint8Array) => void): Promise<Result<void, BluetoothError>>;
  /** A write with response (control points). */
  write(service: number, characteristic: number, value: Uint8Array): Promise<Result<void, BluetoothError>>;
  /** Called once if the device goes away; returns an unsubscribe. */
  onDisconnect(listener: () => void): () => void;
  disconnect(): void;
}

/** What the core needs of an AbortSignal (the core has no DOM types; AbortSignal fits). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface BluetoothDeviceHandle {
  readonly id: string;
  /** As the device advertises it; null when it has no name. */
  readonly name: string | null;
  connect(signal: CancelSignal): Promise<Result<GattLink, BluetoothError>>;
}

export interface BluetoothPort {
  /** Web Bluetooth exists here (and, where the browser says, an adapter is present). */
  isAvailable(): Promise<boolean>;
  /** The browser's chooser, filtered to devices offering `service`. */
  requestDevice(service: DeviceService): Promise<Result<BluetoothDeviceHandle, BluetoothError>>;
  /** Devices this origin was already allowed to use (getDevices), where the browser has it; else []. */
  knownDevices(): Promise<BluetoothDeviceHandle[]>;
}
