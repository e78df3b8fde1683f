/** The recovery key with the real adapters: forgetting the passphrase, getting back in, re-keying. */
import { emptyDocument } from '../../src/app/files.ts';
import { describe, expect, it } from 'vitest';
import { createBlobSink } from '../../src/adapters/backup-sinks.ts';
import { readActivity, recoveryKitConfirmed } from '../../src/app/activity.ts';
import { exportBackup, restoreBackup } from '../../src/app/backup.ts';
import { createRepository } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { changePassphrase, confirmRecoveryKit, regenerateRecoveryKey, resetPassphrase, unlockVault, unlockWithRecoveryKey } from '../../src/app/vault.ts';
import { parseRecoveryKey } from '../../src/core/crypto/recovery.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { byteArraysIn, containsBytes, dumpDatabase, newVaultWithKit, OTHER_PASSPHRASE, PASSPHRASE, testDeps } from './support.ts';

const THIRD = 'trois pommes vertes sur un piano bleu';

function rawKey(text: string): Uint8Array {
  const parsed = parseRecoveryKey(text);
  if (!parsed.ok) throw new Error(parsed.error.type);
  return parsed.value;
}

async function backupOf(session: VaultSession): Promise<Blob> {
  const { sink, blob } = createBlobSink();
  const exported = await exportBackup(session, sink);
  if (!exported.ok) throw new Error(exported.error.type);
  const backup = blob();
  if (backup === null) throw new Error('no backup');
  return backup;
}

describe('recovery key', () => {
  it('is shown once at creation: 160 bits in eight groups, and not stored anywhere', async () => {
    const deps = testDeps();
    const { session, recoveryKey } = await newVaultWithKit(deps);
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    const rows = await dumpDatabase(session.profile.database);
    const dump = JSON.stringify(rows, (_key, value: unknown) => (value instanceof Uint8Array ? Array.from(value) : value));
    expect(dump).not.toContain(recoveryKey.replace(/-/g, ''));
    // Nor its 20 raw bytes, in any stored value.
    const raw = rawKey(recoveryKey);
    expect(raw).toHaveLength(20);
    const stored = byteArraysIn(rows);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((bytes) => containsBytes(bytes, raw))).toEqual([]);
    expect(await recoveryKitConfirmed(session)).toBe(false);
    await confirmRecoveryKit(session);
    expect(await recoveryKitConfirmed(session)).toBe(true);
    session.lock();
  });

  it('opens the vault when the passphrase is forgotten, and then requires a new passphrase', async () => {
    const deps = testDeps();
    const { session, recoveryKey } = await newVaultWithKit(deps);
    const id = await createRepository(session, documentCodec).put({ ...emptyDocument(1), title: 'Bilan', note: '' });
    session.lock();

    const recovered = await unlockWithRecoveryKey(deps, session.profile.id, ` ${recoveryKey.toLowerCase().replace(/-/g, ' ')} `);
    if (!recovered.ok) throw new Error(recovered.error.type);
    expect(recovered.value.openedWith).toBe('recovery');
    const read = await createRepository(recovered.value, documentCodec).get(id.ok ? id.value : ('' as never));
    expect(read.ok && read.value?.data.title).toBe('Bilan');
    expect(await resetPassphrase(recovered.value, 'azerty123')).toMatchObject({ ok: false, error: { type: 'PassphraseTooWeak' } });
    expect(await resetPassphrase(recovered.value, OTHER_PASSPHRASE)).toEqual({ ok: true, value: undefined });
    const events = (await readActivity(recovered.value)).records.map((r) => r.data.event);
    expect(events).toEqual(expect.arrayContaining(['recovery-used', 'passphrase-reset']));
    recovered.value.lock();

    expect(await unlockVault(deps, session.profile.id, PASSPHRASE)).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    const withNew = await unlockVault(deps, session.profile.id, OTHER_PASSPHRASE);
    expect(withNew.ok).toBe(true);
    if (withNew.ok) withNew.value.lock();
    // The recovery key itself still works until it is regenerated.
    const again = await unlockWithRecoveryKey(deps, session.profile.id, recoveryKey);
    expect(again.ok).toBe(true);
    if (again.ok) again.value.lock();
  });

  it('refuses a wrong or malformed key, counting the wrong one as a failed unlock', async () => {
    const deps = testDeps();
    const { session } = await newVaultWithKit(deps);
    session.lock();
    expect(await unlockWithRecoveryKey(deps, session.profile.id, '0000-0000-0000-0000-0000-0000-0000-0000')).toEqual({ ok: false, error: { type: 'WrongRecoveryKey' } });
    expect(await unlockWithRecoveryKey(deps, session.profile.id, 'not a key')).toEqual({ ok: false, error: { type: 'RecoveryKeyMalformed' } });
    const rows = await dumpDatabase(session.profile.database);
    expect(rows['meta']?.find((row) => (row as { name: string }).name === 'failures')).toMatchObject({ value: { count: 1 } });
  });

  it('never resets a passphrase without the recovery key having opened the vault', async () => {
    const { session } = await newVaultWithKit();
    expect(await resetPassphrase(session, OTHER_PASSPHRASE)).toEqual({ ok: false, error: { type: 'NotOpenedWithRecoveryKey' } });
    session.lock();
  });

  it('regenerates: the old key stops opening this vault, the new one does, records untouched', async () => {
    const deps = testDeps();
    const { session, recoveryKey: oldKey } = await newVaultWithKit(deps);
    await createRepository(session, documentCodec).put({ ...emptyDocument(1), title: 'Scanner', note: '' });
    const oldBackup = await backupOf(session);
    const before = (await dumpDatabase(session.profile.database))['records'] as { id: string }[];
    expect(await regenerateRecoveryKey(session, 'not the passphrase at all')).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    const regenerated = await regenerateRecoveryKey(session, PASSPHRASE);
    if (!regenerated.ok) throw new Error(regenerated.error.type);
    const newKey = regenerated.value;
    expect(newKey).not.toBe(oldKey);
    expect(session.keyring().wraps.filter((w) => w.method === 'recovery')).toHaveLength(1);
    const after = new Map(((await dumpDatabase(session.profile.database))['records'] as { id: string }[]).map((row) => [row.id, row]));
    for (const row of before) expect(after.get(row.id)).toEqual(row);
    expect(await recoveryKitConfirmed(session)).toBe(false);
    const newBackup = await backupOf(session);
    session.lock();

    expect(await unlockWithRecoveryKey(deps, session.profile.id, oldKey)).toEqual({ ok: false, error: { type: 'WrongRecoveryKey' } });
    const opened = await unlockWithRecoveryKey(deps, session.profile.id, newKey);
    expect(opened.ok).toBe(true);
    if (opened.ok) opened.value.lock();

    // A backup made before still holds the keyring of its day: the old key opens it, in another
    // browser, with its records.
    const elsewhere = testDeps();
    const restored = await restoreBackup(elsewhere, oldBackup, { recoveryKey: oldKey });
    if (!restored.ok) throw new Error(restored.error.type);
    const copy = await unlockWithRecoveryKey(elsewhere, restored.value.id, oldKey);
    if (!copy.ok) throw new Error(copy.error.type);
    expect((await createRepository(copy.value, documentCodec).list()).records.map((r) => r.data.title)).toEqual(['Scanner']);
    copy.value.lock();
    // A backup made after answers to the new key only.
    const later = testDeps();
    expect(await restoreBackup(later, newBackup, { recoveryKey: oldKey })).toEqual({ ok: false, error: { type: 'WrongRecoveryKey' } });
    expect(await later.registry.list()).toEqual([]);
    expect((await restoreBackup(later, newBackup, { recoveryKey: newKey })).ok).toBe(true);
  });

  it('keeps the recovery wrap when the passphrase changes', async () => {
    const deps = testDeps();
    const { session, recoveryKey } = await newVaultWithKit(deps);
    expect((await changePassphrase(session, { current: PASSPHRASE, next: THIRD })).ok).toBe(true);
    session.lock();
    const opened = await unlockWithRecoveryKey(deps, session.profile.id, recoveryKey);
    expect(opened.ok).toBe(true);
    if (opened.ok) opened.value.lock();
  });
});
