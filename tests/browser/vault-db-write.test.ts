/**
 * writeRecords on the real database: rows handed over in batches while the caller is still
 * producing the next ones, and still one transaction, every row or none, whether the caller
 * fails part way or IndexedDB refuses a row after earlier batches were handed over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDexieVaultStore, VaultDatabase } from '../../src/adapters/db/vault-db.ts';
import type { ChangeRow, RecordRow } from '../../src/core/ports.ts';

const opened: VaultDatabase[] = [];

function freshStore() {
  const db = new VaultDatabase(`write-test-${crypto.randomUUID()}`);
  opened.push(db);
  return { db, store: createDexieVaultStore(db) };
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function row(index: number): { record: RecordRow; change: ChangeRow } {
  const id = `record-${String(index).padStart(4, '0')}`;
  return { record: { id, kind: 'series-chunk', envelope: new Uint8Array([index & 0xff, 1, 2]) }, change: { id, envelope: new Uint8Array([index & 0xff, 3]) } };
}

function* rows(count: number, failAt = Number.POSITIVE_INFINITY): Generator<{ record: RecordRow; change: ChangeRow }> {
  for (let index = 0; index < count; index++) {
    if (index === failAt) throw new Error('sealing failed');
    yield row(index);
  }
}

describe('writeRecords', () => {
  it('stores every row of several batches, with the clock, in one transaction', async () => {
    const { db, store } = freshStore();
    const written = await store.writeRecords(rows(300), new Uint8Array([9, 9]));
    expect(written.ok).toBe(true);
    expect(await db.records.count()).toBe(300);
    expect(await db.changes.count()).toBe(300);
    expect((await db.records.get('record-0299'))?.envelope).toEqual(new Uint8Array([299 & 0xff, 1, 2]));
    expect(await store.readClock()).toEqual(new Uint8Array([9, 9]));
  });

  it('returns to the event loop between batches, so the database works while the next is made', async () => {
    const { store } = freshStore();
    let ticked = false;
    const seen: boolean[] = [];
    const watched = function* () {
      let made = 0;
      for (const each of rows(300)) {
        if (made === 0) setTimeout(() => (ticked = true), 0);
        if (made % 64 === 0) seen.push(ticked);
        made++;
        yield each;
      }
    };
    expect((await store.writeRecords(watched(), undefined)).ok).toBe(true);
    // Made in one go, the rows would all be produced before any other task ran; waiting for the
    // first batches lets the timer run while the later ones are made.
    expect(seen).toHaveLength(5);
    expect(seen.slice(3)).toEqual([true, true]);
  });

  it('stores nothing when the caller fails after batches were handed over', async () => {
    const { db, store } = freshStore();
    expect((await store.writeRecords(rows(300, 200), undefined)).ok).toBe(false);
    expect(await db.records.count()).toBe(0);
    expect(await db.changes.count()).toBe(0);
  });

  it('stores nothing when IndexedDB refuses a row after batches were handed over', async () => {
    const { db, store } = freshStore();
    const refused = function* () {
      yield* rows(200);
      // No valid key: the put fails inside the transaction.
      yield { record: { id: undefined as unknown as string, kind: 'series-chunk' as const, envelope: new Uint8Array(1) }, change: row(201).change };
      yield* rows(300).drop(250);
    };
    const written = await store.writeRecords(refused(), new Uint8Array([1]));
    expect(written.ok).toBe(false);
    expect(await db.records.count()).toBe(0);
    expect(await db.changes.count()).toBe(0);
    expect(await store.readClock()).toBeUndefined();
  });
});
