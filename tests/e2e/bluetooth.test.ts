/**
 * Bluetooth meters and scales in the built app. Headless Chromium has no Web Bluetooth, so a fake
 * `navigator.bluetooth` is injected before the app loads: it implements the Web Bluetooth API
 * surface the adapter uses (requestDevice with service filters, getDevices, GATT connect,
 * primary services, characteristics with notifications and writes, gattserverdisconnected) and
 * replays the byte sequences of tests/fixtures/bluetooth as a Glucose Service meter and a Weight
 * Scale Service scale would. The app itself is unchanged: the real adapter, use cases, preview.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/bluetooth/${name}`, import.meta.url), 'utf8'));
const meter = fixture('glucose-meter.json');
const scale = fixture('weight-scale.json');

interface FakeData {
  meter: { id: string; name: string; records: { sequence: number; measurement: string; context?: string }[] };
  scale: { id: string; name: string; weighIns: string[] };
}

/** Runs in the page before the app: a Web Bluetooth stand-in with one meter and one scale. */
function installFakeBluetooth(data: FakeData) {
  const GLUCOSE = 0x1808;
  const WEIGHT = 0x181d;
  const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const later = () => new Promise((resolve) => setTimeout(resolve, 5));
  // 16-bit numbers, or the 128-bit form of a 16-bit SIG number, as BluetoothUUID gives them.
  const short = (uuid: number | string) => (typeof uuid === 'number' ? uuid : Number.parseInt(uuid.slice(4, 8), 16));
  const notFound = () => new DOMException('No such service or characteristic', 'NotFoundError');
  const control = { disconnectAfter: null as number | null, requests: [] as string[] };
  (window as unknown as { __fakeBluetooth: typeof control }).__fakeBluetooth = control;

  class FakeCharacteristic extends EventTarget {
    value: DataView | null = null;
    constructor(
      readonly uuid: number,
      private readonly onWrite: (value: Uint8Array) => void,
      private readonly onStart: () => void = () => {},
    ) {
      super();
    }
    async startNotifications() {
      this.onStart();
      return this;
    }
    async writeValueWithResponse(value: ArrayBufferView | ArrayBuffer) {
      const view = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      this.onWrite(view.slice());
    }
    async writeValue(value: ArrayBufferView | ArrayBuffer) {
      await this.writeValueWithResponse(value);
    }
    emit(hex: string) {
      this.value = new DataView(bytes(hex).buffer);
      this.dispatchEvent(new Event('characteristicvaluechanged'));
    }
  }

  class FakeDevice extends EventTarget {
    connected = false;
    readonly characteristics = new Map<number, FakeCharacteristic>();
    readonly gatt = {
      device: this,
      get connected() {
        return this.device.connected;
      },
      connect: async () => {
        await later();
        this.connected = true;
        return this.gatt;
      },
      disconnect: () => this.leave(),
      getPrimaryService: async (uuid: number | string) => {
        if (!this.connected) throw new DOMException('GATT Server is disconnected.', 'NetworkError');
        if (short(uuid) !== this.service) throw notFound();
        return {
          getCharacteristic: async (id: number | string) => {
            const found = this.characteristics.get(short(id));
            if (found === undefined) throw notFound();
            return found;
          },
        };
      },
    };
    constructor(
      readonly id: string,
      readonly name: string,
      readonly service: number,
    ) {
      super();
    }
    leave() {
      if (!this.connected) return;
      this.connected = false;
      this.dispatchEvent(new Event('gattserverdisconnected'));
    }
  }

  // The meter: stored records, reported through the Record Access Control Point.
  const meterDevice = new FakeDevice(data.meter.id, data.meter.name, GLUCOSE);
  const measurement = new FakeCharacteristic(0x2a18, () => {});
  const context = new FakeCharacteristic(0x2a34, () => {});
  const racp = new FakeCharacteristic(0x2a52, (request) => void answer(request));
  for (const characteristic of [measurement, context, racp]) meterDevice.characteristics.set(characteristic.uuid, characteristic);
  const selected = (request: Uint8Array) => {
    if (request[1] === 0x01) return data.meter.records;
    if (request[1] === 0x06) return data.meter.records.slice(-1);
    const from = (request[3] ?? 0) | ((request[4] ?? 0) << 8);
    return data.meter.records.filter((record) => record.sequence >= from);
  };
  async function answer(request: Uint8Array) {
    control.requests.push(Array.from(request, (value) => value.toString(16).padStart(2, '0')).join(''));
    await later();
    const records = selected(request);
    if (request[0] === 0x04) return racp.emit(`0500${(records.length & 0xff).toString(16).padStart(2, '0')}00`);
    if (request[0] === 0x03) return racp.emit('06000301');
    let sent = 0;
    for (const record of records) {
      if (!meterDevice.connected) return;
      if (sent === control.disconnectAfter) return meterDevice.leave();
      measurement.emit(record.measurement);
      await later();
      if (record.context !== undefined) context.emit(record.context);
      await later();
      sent++;
    }
    racp.emit(records.length === 0 ? '06000106' : '06000101');
  }

  // The scale: indicates the weigh-ins it holds once indications are on, then leaves.
  const scaleDevice = new FakeDevice(data.scale.id, data.scale.name, WEIGHT);
  const weight: FakeCharacteristic = new FakeCharacteristic(
    0x2a9d,
    () => {},
    () =>
      void (async () => {
        await later();
        for (const value of data.scale.weighIns) {
          weight.emit(value);
          await later();
        }
        scaleDevice.leave();
      })(),
  );
  scaleDevice.characteristics.set(weight.uuid, weight);

  const permitted = new Set<FakeDevice>();
  const bluetooth = {
    getAvailability: async () => true,
    async requestDevice(options: { filters: { services?: (number | string)[] }[] }) {
      const wanted = options.filters.flatMap((filter) => (filter.services ?? []).map(short));
      const device = [meterDevice, scaleDevice].find((candidate) => wanted.includes(candidate.service));
      if (device === undefined) throw new DOMException('User cancelled the requestDevice() chooser.', 'NotFoundError');
      permitted.add(device);
      return device;
    },
    getDevices: async () => Array.from(permitted),
  };
  Object.defineProperty(Navigator.prototype, 'bluetooth', { value: bluetooth, configurable: true });
}

const data: FakeData = {
  meter: { id: meter.device.id, name: meter.device.name, records: meter.records },
  scale: { id: scale.device.id, name: scale.device.name, weighIns: scale.measurements.map((entry: { hex: string }) => entry.hex) },
};

describe('Bluetooth devices', () => {
  it('pairs a meter, offers what came before it left halfway, then fetches all, stores on confirmation, and only asks for what is new', async () => {
    const { carnet, context, page, recorded } = await open();
    await context.addInitScript(installFakeBluetooth, data);
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.goto(`${carnet.url}#/readings/add`);
    await page.getByRole('heading', { name: 'Appareil Bluetooth' }).waitFor();
    const panel = page.locator('.readings-bluetooth');

    // The meter leaves after three records: they are offered, with why, and nothing is stored.
    await page.evaluate(() => ((window as unknown as { __fakeBluetooth: { disconnectAfter: number | null } }).__fakeBluetooth.disconnectAfter = 3));
    await page.getByRole('button', { name: 'Associer un lecteur de glycémie' }).click();
    await page.getByText('L’appareil s’est déconnecté pendant le transfert, après 3 enregistrements.', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Mesures reçues de Carnet Test Meter' }).waitFor();
    await panel.getByRole('button', { name: 'Importer 3 mesures' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await panel.getByRole('button', { name: 'Annuler', exact: true }).click();
    // Not kept, so not remembered: the meter is not in the list yet.
    expect(await panel.getByRole('heading', { name: 'Vos appareils' }).count()).toBe(0);

    // Again, to the end: every record, the control solution left out.
    await page.evaluate(() => ((window as unknown as { __fakeBluetooth: { disconnectAfter: number | null } }).__fakeBluetooth.disconnectAfter = null));
    await page.getByRole('button', { name: 'Associer un lecteur de glycémie' }).click();
    await page.getByRole('heading', { name: 'Mesures reçues de Carnet Test Meter' }).waitFor();
    await panel.getByText('6 nouvelles mesures à ajouter').waitFor();
    await panel.getByRole('button', { name: 'Importer 6 mesures' }).click();
    await panel.getByText('6 mesures ajoutées.').waitFor();
    await panel.getByText('(dernier enregistrement n° 7)', { exact: false }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The known meter: only records after number 7 are asked for; there are none.
    await page.getByRole('button', { name: 'Récupérer les mesures de Carnet Test Meter' }).click();
    await page.getByText('Carnet Test Meter n’a pas de nouvelle mesure depuis le dernier transfert.').waitFor();
    const requests = await page.evaluate(() => (window as unknown as { __fakeBluetooth: { requests: string[] } }).__fakeBluetooth.requests);
    expect(requests).toEqual(['0401', '0101', '0401', '0101', '0403010800', '0106']);

    // The scale is shared (users 1 and 2, and a guest): whose weigh-ins these are is asked first,
    // and nothing is offered until the patient says.
    await page.getByRole('button', { name: 'Associer une balance' }).click();
    await panel.getByText('Carnet Test Scale est partagée par 2 utilisateurs', { exact: false }).waitFor();
    expect(await page.getByRole('heading', { name: 'Mesures reçues de Carnet Test Scale' }).count()).toBe(0);
    await panel.getByLabel('Votre numéro d’utilisateur sur la balance').selectOption('2');
    await page.getByRole('button', { name: 'Récupérer les mesures de Carnet Test Scale' }).click();
    await page.getByRole('heading', { name: 'Mesures reçues de Carnet Test Scale' }).waitFor();
    const confirm = panel.getByRole('button', { name: /^Importer \d+ mesures$/ });
    const added = Number(/\d+/.exec((await confirm.textContent()) ?? '')?.[0]);
    // User 2's weigh-ins and those without a user; not user 1's, not the guest's.
    expect(added).toBe(3);
    await confirm.click();
    await panel.getByText(`${added} mesures ajoutées.`).waitFor();

    // The readings are in the vault: the glucose report counts the six finger-sticks.
    await page.getByRole('link', { name: 'Glycémie' }).click();
    await page.getByText('Aucune mesure du capteur sur cette période (6 glycémies capillaires, scans ou saisies, qui ne font pas le profil).').waitFor();
    expect(await recorded.cspViolations(page)).toEqual([]);
    expect(recorded.consoleMessages.filter((message) => message.startsWith('error') || message.startsWith('pageerror'))).toEqual([]);
  });

  it('explains which browsers have Web Bluetooth where this one does not', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.goto(`${carnet.url}#/readings/add`);
    await page.getByTestId('bluetooth-unsupported').waitFor();
    expect(await page.getByTestId('bluetooth-unsupported').textContent()).toMatch(/Chrome, Edge ou Opera/);
    expect(await page.getByRole('button', { name: 'Associer un lecteur de glycémie' }).count()).toBe(0);
  });
});
