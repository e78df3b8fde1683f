/** Several profiles on one device: each its own database with a random name, listed by label. */
import { emptyDocument } from '../../src/app/files.ts';
import { describe, expect, it } from 'vitest';
import { creationLockName, deleteProfile, parseProfileLabel, renameProfile, sweepOrphanDatabases } from '../../src/app/profiles.ts';
import { createRepository } from '../../src/app/records.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { newVault, PASSPHRASE, testDeps } from './support.ts';

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((db) => db.name ?? '');
}

describe('profiles', () => {
  it('keeps two vaults side by side, apart', async () => {
    const deps = testDeps();
    const parent = await newVault(deps, 'Maman');
    const child = await newVault(deps, 'Léo');
    expect(parent.profile.database).not.toBe(child.profile.database);
    await createRepository(parent, documentCodec).put({ ...emptyDocument(1), title: 'Mammographie', note: '' });
    await createRepository(child, documentCodec).put({ ...emptyDocument(2), title: 'Carnet de vaccination', note: '' });
    expect((await createRepository(parent, documentCodec).list()).records.map((r) => r.data.title)).toEqual(['Mammographie']);
    expect((await createRepository(child, documentCodec).list()).records.map((r) => r.data.title)).toEqual(['Carnet de vaccination']);
    expect((await deps.registry.list()).map((p) => p.label)).toEqual(['Maman', 'Léo']);
    parent.lock();
    // The child's vault stays open and usable when the parent's locks.
    expect((await createRepository(child, documentCodec).list()).records).toHaveLength(1);
    child.lock();
  });

  it('renames a profile, with the label rules', async () => {
    const deps = testDeps();
    const session = await newVault(deps, 'Moi');
    expect(await renameProfile(deps, session.profile.id, '  Léa   Martin ')).toEqual({ ok: true, value: 'Léa Martin' });
    expect((await deps.registry.get(session.profile.id))?.label).toBe('Léa Martin');
    expect(await renameProfile(deps, session.profile.id, '')).toEqual({ ok: false, error: { type: 'LabelEmpty' } });
    expect(await renameProfile(deps, 'missing', 'X')).toEqual({ ok: false, error: { type: 'ProfileNotFound' } });
    session.lock();
  });

  it('cleans labels of control characters and refuses over-long ones', () => {
    expect(parseProfileLabel('Léa\u0000\u0007 ')).toEqual({ ok: true, value: 'Léa' });
    expect(parseProfileLabel('👶'.repeat(60))).toEqual({ ok: true, value: '👶'.repeat(60) });
    expect(parseProfileLabel('a'.repeat(61))).toEqual({ ok: false, error: { type: 'LabelTooLong', max: 60 } });
  });

  it('sweeps databases that no profile names and nobody is creating, and only those', async () => {
    const deps = testDeps();
    const kept = await newVault(deps, 'Gardé');
    const orphan = `carnet-vault-${'ab'.repeat(16)}`;
    const creating = `carnet-vault-${'cd'.repeat(16)}`;
    (await deps.stores.open(orphan)).close();
    (await deps.stores.open(creating)).close();
    expect(await deps.stores.list()).toEqual(expect.arrayContaining([orphan, creating, kept.profile.database]));
    // Other test files' vaults live in this origin under registries of their own: the sweep is
    // shown only the databases of this test.
    const scoped = { ...deps, stores: { ...deps.stores, list: async () => [orphan, creating, kept.profile.database] } };
    const swept = await deps.locks.withLock(creationLockName(creating), () => sweepOrphanDatabases(scoped));
    expect(swept).toContain(orphan);
    expect(swept).not.toContain(creating);
    expect(swept).not.toContain(kept.profile.database);
    const names = await databaseNames();
    expect(names).not.toContain(orphan);
    expect(names).toContain(creating);
    expect(names).toContain(kept.profile.database);
    await deps.stores.destroy(creating);
    kept.lock();
  });

  it('deletes a profile only with the typed label, and then completely', async () => {
    const deps = testDeps();
    const session = await newVault(deps, 'Léo');
    const database = session.profile.database;
    session.lock();
    expect(await deleteProfile(deps, session.profile.id, 'Leo')).toEqual({ ok: false, error: { type: 'ConfirmationMismatch' } });
    expect(await databaseNames()).toContain(database);
    expect((await unlockVault(deps, session.profile.id, PASSPHRASE)).ok).toBe(true);
    const again = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (again.ok) again.value.lock();
    expect(await deleteProfile(deps, session.profile.id, 'Léo')).toEqual({ ok: true, value: undefined });
    expect(await databaseNames()).not.toContain(database);
    expect(await deps.registry.list()).toEqual([]);
    expect(await unlockVault(deps, session.profile.id, PASSPHRASE)).toEqual({ ok: false, error: { type: 'ProfileNotFound' } });
  });
});
