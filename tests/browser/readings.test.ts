/**
 * Readings in the vault with the real adapters (Dexie, the record envelope): an import planned
 * then landed in one transaction, re-imports that add nothing, the series catalogue and its
 * rebuild, deletions that stay deleted, and nothing readable in the database.
 */
import { describe, expect, it } from 'vitest';
import { createReadings } from '../../src/app/readings.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { DAY_MS } from '../../src/core/readings/day-chunk.ts';
import type { ParsedReadings } from '../../src/core/readings/parsed.ts';
import type { Reading, ReadingSource } from '../../src/core/readings/series.ts';
import { byteArraysIn, containsBytes, dumpDatabase, newVault, PASSPHRASE, tamper, testDeps } from './support.ts';

const sensor: ReadingSource = { importer: 'dexcom-clarity', device: 'Sensor-Unique-Device', serial: 'SERIAL-4242' };
const START = Date.UTC(2026, 0, 1);

/** `days` days of 5-minute sensor readings, values from a fixed pattern. */
function cgm(days: number, start = START): Reading[] {
  const out: Reading[] = [];
  for (let index = 0; index < days * 288; index++) {
    out.push({ time: start + index * 300_000, value: 80 + ((index * 37) % 160), unit: 'mg/dL', kind: 'continuous', bound: null, source: sensor });
  }
  return out;
}

function parsed(readings: Reading[]): ParsedReadings {
  return { format: 'dexcom-clarity', series: [{ series: 'glucose', readings, units: ['mg/dL'] }], skipped: [], ignored: {}, ambiguousTimes: 0 };
}

async function imported(session: VaultSession, readings: Reading[]) {
  const store = createReadings(session);
  const preview = await store.preview(parsed(readings));
  if (!preview.ok) throw new Error(preview.error.type);
  const landed = await store.commit(preview.value);
  if (!landed.ok) throw new Error(landed.error.type);
  return { store, preview: preview.value };
}

/** Alters one byte of a stored record's envelope, outside Carnet. */
function flipEnvelopeByte(database: string, id: string): Promise<void> {
  return tamper(database, 'records', (objectStore) => {
    const request = objectStore.get(id);
    request.onsuccess = () => {
      const row = request.result as { envelope: Uint8Array };
      row.envelope[40] = (row.envelope[40] as number) ^ 1;
      objectStore.put(row);
    };
  });
}

describe('readings in the vault', () => {
  it('lands an import as one sealed record per day, and reads a range back', async () => {
    const session = await newVault(testDeps());
    const readings = cgm(3);
    const changesBefore = (await dumpDatabase(session.profile.database))['changes']?.length ?? 0;
    const { store, preview } = await imported(session, readings);
    expect(preview.plans[0]).toMatchObject({ added: 864, alreadyStored: 0, nearDuplicates: 0, range: { first: START, last: START + 3 * DAY_MS - 300_000 } });
    const rows = await dumpDatabase(session.profile.database);
    expect(rows['records']?.filter((row) => (row as { kind: string }).kind === 'series-chunk')).toHaveLength(3);
    expect(rows['changes']).toHaveLength(changesBefore + 3);
    // Nothing of the readings is readable: no source, serial or series name in any stored bytes.
    for (const bytes of byteArraysIn(rows)) {
      for (const secret of ['Sensor-Unique-Device', 'SERIAL-4242', 'glucose', 'dexcom']) expect(containsBytes(bytes, new TextEncoder().encode(secret))).toBe(false);
    }
    const middle = await store.load('glucose', START + DAY_MS, START + 2 * DAY_MS);
    expect(middle.failures).toEqual([]);
    expect(middle.readings).toEqual(readings.slice(288, 576));
    expect(await store.days('glucose')).toEqual([0, 1, 2].map((offset) => START / DAY_MS + offset));
    expect(await store.latest('glucose')).toBe(START + 3 * DAY_MS - 300_000);
    expect(await store.days('weight')).toEqual([]);
  });

  it('adds nothing when the same file comes again, and keeps both sides of a day', async () => {
    const session = await newVault(testDeps());
    await imported(session, cgm(2));
    const { store, preview } = await imported(session, cgm(2));
    expect(preview.plans[0]).toMatchObject({ added: 0, alreadyStored: 576 });
    const manual: Reading = { time: START + 12 * 3_600_000 + 1_000, value: 5.6, unit: 'mmol/L', kind: 'blood', bound: null, source: { importer: 'manual', device: null, serial: null } };
    expect((await store.add('glucose', manual)).ok).toBe(true);
    const day = await store.load('glucose', START, START + DAY_MS);
    expect(day.readings).toHaveLength(289);
    expect(day.readings).toContainEqual(manual);
  });

  it('refuses an impossible manual reading', async () => {
    const store = createReadings(await newVault(testDeps()));
    const zero: Reading = { time: START, value: 0, unit: 'mg/dL', kind: 'manual', bound: null, source: { importer: 'manual', device: null, serial: null } };
    expect(await store.add('glucose', zero)).toEqual({ ok: false, error: { type: 'ReadingImplausible' } });
    expect(await store.days('glucose')).toEqual([]);
  });

  it('keeps a deleted reading deleted when its file is imported again', async () => {
    const session = await newVault(testDeps());
    const readings = cgm(1);
    const { store } = await imported(session, readings);
    expect((await store.remove('glucose', readings[5] as Reading)).ok).toBe(true);
    const { preview } = await imported(session, readings);
    expect(preview.plans[0]).toMatchObject({ added: 0, alreadyStored: 288 });
    const day = await store.load('glucose', START, START + DAY_MS);
    expect(day.readings).toHaveLength(287);
    expect(day.readings).not.toContainEqual(readings[5]);
  });

  it('finds its days again after a new unlock, and rebuilds a damaged catalogue', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    await imported(session, cgm(2));
    session.lock();
    await tamper(session.profile.database, 'derived', (store) => store.put({ name: 'series-days', envelope: new Uint8Array(60) }));
    const again = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!again.ok) throw new Error(again.error.type);
    const store = createReadings(again.value);
    expect(await store.days('glucose')).toEqual([START / DAY_MS, START / DAY_MS + 1]);
    expect(await store.latest('glucose')).toBe(START + 2 * DAY_MS - 300_000);
  });

  it('reports a tampered day and writes nothing over it', async () => {
    const session = await newVault(testDeps());
    const { store } = await imported(session, cgm(1));
    const id = store.chunkId('glucose', START / DAY_MS);
    await flipEnvelopeByte(session.profile.database, id);
    const before = await dumpDatabase(session.profile.database);
    const preview = await store.preview(parsed(cgm(1)));
    expect(!preview.ok && preview.error.type).toBe('ReadingsDayTampered');
    const loaded = await store.load('glucose', START, START + DAY_MS);
    expect(loaded.failures.map((failure) => failure.type)).toEqual(['ReadingsDayTampered']);
    expect(await dumpDatabase(session.profile.database)).toEqual(before);
  });

  it('never writes over a damaged day, even once the catalogue, rebuilt, cannot place it', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const { store } = await imported(session, cgm(2));
    const id = store.chunkId('glucose', START / DAY_MS);
    session.lock();
    await flipEnvelopeByte(session.profile.database, id);
    await tamper(session.profile.database, 'derived', (objectStore) => objectStore.delete('series-days'));
    const again = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!again.ok) throw new Error(again.error.type);
    const reopened = createReadings(again.value);
    expect(await reopened.days('glucose')).toEqual([START / DAY_MS + 1]);
    expect(await reopened.damaged()).toBe(1);
    const before = await dumpDatabase(session.profile.database);
    const preview = await reopened.preview(parsed(cgm(1)));
    expect(!preview.ok && preview.error.type).toBe('ReadingsDayTampered');
    expect((await reopened.add('glucose', { ...(cgm(1)[3] as Reading), value: 123, source: { importer: 'manual', device: null, serial: null } })).ok).toBe(false);
    const after = await dumpDatabase(session.profile.database);
    expect(after['records']).toEqual(before['records']);
  });

  it('refuses a chunk moved onto another day', async () => {
    const session = await newVault(testDeps());
    const { store } = await imported(session, cgm(2));
    const [first, second] = [store.chunkId('glucose', START / DAY_MS), store.chunkId('glucose', START / DAY_MS + 1)];
    await tamper(session.profile.database, 'records', (objectStore) => {
      const request = objectStore.get(first);
      request.onsuccess = () => objectStore.put({ ...(request.result as object), id: second });
    });
    const loaded = await store.load('glucose', START + DAY_MS, START + 2 * DAY_MS);
    // The envelope is bound to its id: a moved one does not even open.
    expect(loaded.failures.map((failure) => failure.type)).toEqual(['ReadingsDayTampered']);
    expect(loaded.readings).toEqual([]);
  });
});
