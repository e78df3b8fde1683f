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
    const current = VAULT_SCHEMA.at(-1)?.stores ?? {};
    for (const step of VAULT_SCHEMA) for (const table of Object.keys(step.stores)) expect(table in current || step.stores[table] === null).toBe(true);
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
});
