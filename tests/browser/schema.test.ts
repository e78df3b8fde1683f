/**
 * Every released schema of the profile database, upgraded to the current one with its data
 * intact (Dexie keeps every version declared). Each entry of VAULT_SCHEMA gets a database created
 * at exactly that version, filled, then opened with the full schema.
 */
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { createDexieVaultStore, VAULT_SCHEMA, VaultDatabase } from '../../src/adapters/db/vault-db.ts';

describe('profile database schema', () => {
  it('declares versions in increasing order, never removing a table', () => {
    const versions = VAULT_SCHEMA.map((step) => step.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    // Dexie reads each version as changes to the one before: a table stays until set to null.
    for (const step of VAULT_SCHEMA) for (const table of Object.keys(step.stores)) expect(step.stores[table], table).not.toBeNull();
    const tables = new Set(VAULT_SCHEMA.flatMap((step) => Object.keys(step.stores)));
    expect([...tables].sort()).toEqual(['changes', 'chunks', 'derived', 'imports', 'inbox', 'inboxChunks', 'meta', 'records']);
  });

  it.each(VAULT_SCHEMA.map((step, index) => [step.version, index] as const))('upgrades a database from version %i to the current one', async (_version, index) => {
    const name = `carnet-schema-test-${index}-${crypto.randomUUID()}`;
    const old = new VaultDatabase(name, VAULT_SCHEMA.slice(0, index + 1));
    await old.open();
    const before = createDexieVaultStore(old);
    const keyring = new Uint8Array([1, 2, 3]);
    await before.initialise(keyring, '0011223344556677');
    await before.writeRecord({ id: 'r1', kind: 'document', envelope: new Uint8Array([9]) }, { id: 'r1', envelope: new Uint8Array([8]) }, new Uint8Array([6]));
    await before.beginImport('f1', 'owner');
    await before.putChunks('f1', 0, [new Uint8Array([7])]);
    old.close();

    const current = new VaultDatabase(name);
    await current.open();
    expect(current.verno).toBe(VAULT_SCHEMA.at(-1)?.version);
    const after = createDexieVaultStore(current);
    expect(await after.readKeyring()).toEqual(keyring);
    expect(await after.readDeviceId()).toBe('0011223344556677');
    expect(await after.readRecord('r1')).toEqual({ id: 'r1', kind: 'document', envelope: new Uint8Array([9]) });
    expect(await after.listChanges()).toEqual([{ id: 'r1', envelope: new Uint8Array([8]) }]);
    expect(await after.readClock()).toEqual(new Uint8Array([6]));
    expect(await after.readChunk('f1', 0)).toEqual(new Uint8Array([7]));
    expect(await after.listOpenImports()).toEqual([{ id: 'f1', owner: 'owner' }]);
    current.close();
    await Dexie.delete(name);
  });

  it('refuses to initialise over an existing vault, and replaces the keyring only from the expected one', async () => {
    const name = `carnet-schema-test-${crypto.randomUUID()}`;
    const db = new VaultDatabase(name);
    const store = createDexieVaultStore(db);
    expect(await store.initialise(new Uint8Array([1]), 'aa')).toEqual({ ok: true, value: undefined });
    expect(await store.initialise(new Uint8Array([2]), 'bb')).toEqual({ ok: false, error: { type: 'VaultExists' } });
    expect(await store.replaceKeyring(new Uint8Array([5]), new Uint8Array([6]))).toEqual({ ok: false, error: { type: 'KeyringChanged' } });
    expect(await store.replaceKeyring(new Uint8Array([1]), new Uint8Array([6]))).toEqual({ ok: true, value: undefined });
    expect(await store.readKeyring()).toEqual(new Uint8Array([6]));
    db.close();
    await Dexie.delete(name);
  });

  it('keeps the derived search index, and inbox items with their chunks, sweeping chunks that never got a header', async () => {
    const name = `carnet-schema-test-${crypto.randomUUID()}`;
    const db = new VaultDatabase(name);
    const store = createDexieVaultStore(db);
    expect(await store.readDerived('search-index')).toBeUndefined();
    expect((await store.writeDerived('search-index', new Uint8Array([4, 2]))).ok).toBe(true);
    expect(await store.readDerived('search-index')).toEqual(new Uint8Array([4, 2]));

    await store.putInboxChunks('item-b', 0, [new Uint8Array([1]), new Uint8Array([2])]);
    await store.putInboxItem({ id: 'item-b', header: new Uint8Array([3]), receivedAt: 20 });
    await store.putInboxChunks('item-a', 0, [new Uint8Array([5])]);
    await store.putInboxItem({ id: 'item-a', header: new Uint8Array([6]), receivedAt: 10 });
    await store.putInboxChunks('cut-short', 0, [new Uint8Array([7])]);
    expect((await store.listInbox()).map((row) => row.id)).toEqual(['item-a', 'item-b']);
    expect(await store.readInboxChunk('item-b', 1)).toEqual(new Uint8Array([2]));
    expect(await store.listInboxOrphans()).toEqual(['cut-short']);

    await store.deleteInboxItem('cut-short');
    await store.deleteInboxItem('item-b');
    expect(await store.listInboxOrphans()).toEqual([]);
    expect((await store.listInbox()).map((row) => row.id)).toEqual(['item-a']);
    expect(await store.readInboxChunk('item-b', 0)).toBeUndefined();
    expect(await store.readInboxChunk('item-a', 0)).toEqual(new Uint8Array([5]));
    db.close();
    await Dexie.delete(name);
  });
});
