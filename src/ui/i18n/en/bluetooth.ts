/** The Bluetooth import words (glucose meters and scales), in English. */
import type { bluetooth as reference } from '../fr/bluetooth.ts';
import type { Widen } from '../i18n.ts';

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

export const bluetooth: Widen<typeof reference> = {
  chooseUserFirst: (device: string, users: number) => `${device} is shared by ${users} users: choose yours below, then weigh yourself again. Nothing was saved.`,
  title: 'Bluetooth device',
  intro: 'A Bluetooth glucose meter or scale (standard Glucose and Weight Scale profiles) sends its readings straight here, without the maker’s app. Nothing is stored until you confirm.',
  checking: 'Looking for this browser’s Bluetooth…',
  unsupported: 'This browser cannot connect to Bluetooth devices. Chrome, Edge and Opera can, on computers (Windows, macOS, Linux, ChromeOS) and on Android; Firefox and Safari (so any browser on iPhone and iPad) cannot. You can import your device’s export above.',
  adapterOff: 'Bluetooth is off or missing on this device. Turn it on, then reload the page.',
  pairGlucose: 'Pair a glucose meter',
  pairWeight: 'Pair a scale',
  pairHint: 'The browser lists the devices nearby: switch yours on (or into transfer mode) before choosing.',
  knownTitle: 'Your devices',
  kind: { glucose: 'Glucose meter', weight: 'Scale' },
  lastTransfer: (date: string) => `Last transfer: ${date}`,
  neverTransferred: 'No transfer kept yet',
  lastSequence: (sequence: number) => `last record no. ${sequence}`,
  fetch: (name: string) => `Get the readings from ${name}`,
  forget: (name: string) => `Forget ${name}`,
  forgotten: (name: string) => `${name} is forgotten: the next transfer will take everything the device keeps.`,
  scaleUser: 'Your user number on the scale',
  scaleUserAll: 'Every weigh-in is mine',
  scaleUserNumber: (user: number) => `User ${user}`,
  connecting: (name: string) => `Connecting to ${name}…`,
  receivingGlucose: (received: number, expected: number | null) =>
    expected === null ? `${received} ${plural(received, 'record', 'records')} received` : `${received} of ${expected} ${plural(expected, 'record', 'records')} received`,
  listeningWeight: (received: number) => `Step on the scale. ${received} ${plural(received, 'weigh-in', 'weigh-ins')} received.`,
  progressLabel: 'Transfer progress',
  cancel: 'Stop the transfer',
  previewTitle: (name: string) => `Readings received from ${name}`,
  nothingNew: (name: string) => `${name} has no new reading since the last transfer.`,
  noReadings: (name: string, reasons: string) => `${name} sent records, but no readable reading. ${reasons} Nothing was stored.`,
  interrupted: {
    Disconnected: (count: number) => `The device disconnected during the transfer, after ${count} ${plural(count, 'record', 'records')}. Check what arrived below: it is kept only if you confirm, and the next transfer asks again for the rest.`,
    Silent: (count: number) => `The device stopped answering, after ${count} ${plural(count, 'record', 'records')}. Check what arrived below: it is kept only if you confirm, and the next transfer asks again for the rest.`,
    RacpRefused: (count: number) => `The device could not finish the transfer, after ${count} ${plural(count, 'record', 'records')}. Check what arrived below: it is kept only if you confirm.`,
  },
  wentBack: (previous: number, received: number) =>
    `Warning: the device sent record no. ${received} although the last one kept was no. ${previous}. Its memory may have been erased, or it is another device. Everything it keeps is offered; what your vault already holds will not be added twice.`,
  done: (count: number) => (count === 1 ? '1 reading added.' : `${count} readings added.`),
  errors: {
    BluetoothUnavailable: 'Bluetooth is not available in this browser.',
    BluetoothNoDeviceChosen: 'No device chosen.',
    BluetoothConnectFailed: 'Could not connect: bring the device closer, check it is on (in transfer mode), then try again.',
    BluetoothMissing: 'This device does not offer the expected standard service (Glucose or Weight Scale): Carnet cannot read its readings. Import its export instead.',
    BluetoothGattFailed: 'The device refused a request or the link was lost. Nothing was stored; try again.',
    BluetoothCancelled: 'Transfer stopped. Nothing was stored.',
    RacpMalformed: 'The device answered in a way that cannot be understood. Nothing was stored.',
    RacpRefused: {
      success: 'The device answered unexpectedly. Nothing was stored.',
      'op-code-not-supported': 'This device cannot send its records (request not supported). Nothing was stored.',
      'invalid-operator': 'The device refused the request (invalid operator). Nothing was stored.',
      'operator-not-supported': 'This device cannot send only its new records. Nothing was stored.',
      'invalid-operand': 'The device refused the request (invalid record number). Nothing was stored.',
      'no-records-found': 'The device has no records.',
      'abort-unsuccessful': 'The device could not stop the transfer. Nothing was stored.',
      'procedure-not-completed': 'The device could not finish the transfer. Nothing was stored.',
      'operand-not-supported': 'This device cannot filter its records by number. Nothing was stored.',
    },
  },
};
