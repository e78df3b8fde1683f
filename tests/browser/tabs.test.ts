/**
 * Several tabs of one profile, modelled as several sessions in one page (BroadcastChannel reaches
 * other channel objects of the same origin, in this page as in another tab): changes are announced,
 * a lock reaches every session, and writers take turns instead of overwriting each other.
 */
import { emptyDocument } from '../../src/app/files.ts';
import { describe, expect, it } from 'vitest';
import { createBlobSink } from '../../src/adapters/backup-sinks.ts';
import { exportBackup, restoreBackup } from '../../src/app/backup.ts';
import { deleteProfile } from '../../src/app/profiles.ts';
import { createRepository } from '../../src/app/records.ts';
import { openEnvelope } from '../../src/core/crypto/envelope.ts';
import { parseRecordPayload, recordBinding } from '../../src/core/records/record.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { changePassphrase, unlockVault } from '../../src/app/vault.ts';
import type { ProfileMessage } from '../../src/core/ports.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { newVault, OTHER_PASSPHRASE, PASSPHRASE, testDeps } from './support.ts';

async function secondTab(deps: ReturnType<typeof testDeps>, first: VaultSession): Promise<VaultSession> {
  const opened = await unlockVault(deps, first.profile.id, PASSPHRASE);
  if (!opened.ok) throw new Error(opened.error.type);
  return opened.value;
}

function messagesOf(session: VaultSession): ProfileMessage[] {
  const seen: ProfileMessage[] = [];
  session.onMessage((message) => seen.push(message));
  return seen;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('several tabs of one profile', () => {
  it('tells the other tabs what changed, so they refresh without reloading', async () => {
    const deps = testDeps();
    const first = await newVault(deps);
    const second = await secondTab(deps, first);
    const seen = messagesOf(second);
    await createRepository(first, documentCodec).put({ ...emptyDocument(1), title: 'Nouvelle ordonnance', note: '' });
    await settle();
    expect(seen).toContainEqual({ type: 'changed', kinds: ['document'] });
    expect((await createRepository(second, documentCodec).list()).records.map((r) => r.data.title)).toEqual(['Nouvelle ordonnance']);
    first.lock();
  });

  it('locks every tab when one locks; each unlocks by itself', async () => {
    const deps = testDeps();
    const first = await newVault(deps);
    const second = await secondTab(deps, first);
    let secondLocked = false;
    second.onLock(() => (secondLocked = true));
    first.lock();
    await settle();
    expect(secondLocked).toBe(true);
    expect(second.isLocked()).toBe(true);
    const again = await secondTab(deps, first);
    expect(again.isLocked()).toBe(false);
    again.lock();
  });

  it('does not lock another profile', async () => {
    const deps = testDeps();
    const mine = await newVault(deps, 'Moi');
    const child = await newVault(deps, 'Enfant');
    mine.lock();
    await settle();
    expect(child.isLocked()).toBe(false);
    child.lock();
  });

  it('makes two tabs editing the same record take turns: each write stamped after the one before', async () => {
    const deps = testDeps();
    const first = await newVault(deps);
    const second = await secondTab(deps, first);
    const id = await createRepository(first, documentCodec).put({ ...emptyDocument(1), title: 'v0', note: '' });
    if (!id.ok) throw new Error('put failed');
    // Every read and write of either tab, in the order they reach the database, and the stamp
    // each write carries.
    const written: { title: string; hlc: string }[] = [];
    const events: string[] = [];
    for (const [tab, session] of [['one', first], ['two', second]] as const) {
      const store = session.store();
      const read = store.readRecord.bind(store);
      store.readRecord = async (recordId) => {
        events.push(`read ${tab}`);
        return read(recordId);
      };
      const write = store.writeRecord.bind(store);
      store.writeRecord = async (record, change, clock, landed) => {
        events.push(`write ${tab}`);
        const opened = openEnvelope(session.keys().record, recordBinding(session.vaultId, record.kind, record.id), record.envelope);
        const payload = opened.ok ? parseRecordPayload(opened.value, documentCodec.parse) : null;
        if (payload?.ok === true && !payload.value.deleted) written.push({ title: payload.value.data.title, hlc: payload.value.hlc });
        return write(record, change, clock, landed);
      };
    }
    const before = await createRepository(first, documentCodec).get(id.value);
    if (!before.ok || before.value === null) throw new Error('the first version does not read back');
    const v0 = before.value.hlc;
    events.length = 0;
    const [a, b] = await Promise.all([
      createRepository(first, documentCodec).put({ ...emptyDocument(1), title: 'from tab one', note: '' }, id.value),
      createRepository(second, documentCodec).put({ ...emptyDocument(1), title: 'from tab two', note: '' }, id.value),
    ]);
    expect(a.ok && b.ok).toBe(true);
    // One writer at a time: each tab reads the current version and writes the next before the
    // other tab reads, never read, read, write, write.
    expect([['read one', 'write one', 'read two', 'write two'], ['read two', 'write two', 'read one', 'write one']]).toContainEqual(events);
    expect(written.map((write) => write.title).sort()).toEqual(['from tab one', 'from tab two']);
    // The second writer read the first one's version before writing: its stamp sorts after it.
    expect(written[0]!.hlc > v0).toBe(true);
    expect(written[1]!.hlc > written[0]!.hlc).toBe(true);
    const final = await createRepository(first, documentCodec).get(id.value);
    expect(final.ok && final.value !== null && { title: final.value.data.title, hlc: final.value.hlc }).toEqual(written[1]);
    first.lock();
  });

  it('backs up the keyring as stored now, even from a tab that read an older one', async () => {
    const deps = testDeps();
    const first = await newVault(deps);
    const second = await secondTab(deps, first);
    expect((await changePassphrase(first, { current: PASSPHRASE, next: OTHER_PASSPHRASE })).ok).toBe(true);
    const { sink, blob } = createBlobSink();
    expect((await exportBackup(second, sink)).ok).toBe(true);
    first.lock();
    const backup = blob();
    if (backup === null) throw new Error('no backup');
    const target = testDeps();
    expect(await restoreBackup(target, backup, { passphrase: PASSPHRASE })).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    expect((await restoreBackup(target, backup, { passphrase: OTHER_PASSPHRASE })).ok).toBe(true);
  });

  it('locks the tabs of a profile deleted from the lock screen of another', async () => {
    const deps = testDeps();
    const open = await newVault(deps, 'Effacé');
    expect(await deleteProfile(deps, open.profile.id, 'Effacé')).toEqual({ ok: true, value: undefined });
    await settle();
    expect(open.isLocked()).toBe(true);
  });

  it('refuses a keyring change made from a stale keyring, with a typed error and nothing changed', async () => {
    const deps = testDeps();
    const first = await newVault(deps);
    const second = await secondTab(deps, first);
    expect((await changePassphrase(first, { current: PASSPHRASE, next: OTHER_PASSPHRASE })).ok).toBe(true);
    const stale = await changePassphrase(second, { current: PASSPHRASE, next: 'encore une autre phrase, bien longue' });
    expect(stale).toEqual({ ok: false, error: { type: 'KeyringChanged' } });
    first.lock();
    const opened = await unlockVault(deps, first.profile.id, OTHER_PASSPHRASE);
    expect(opened.ok).toBe(true);
    if (opened.ok) opened.value.lock();
  });
});
