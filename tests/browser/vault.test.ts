/**
 * Creating, unlocking, locking and re-keying a vault with the real adapters: Dexie over
 * IndexedDB, the Argon2id worker, WebCrypto. Bad input gets a typed error and changes nothing.
 */
import { emptyDocument } from '../../src/app/files.ts';
import { describe, expect, it } from 'vitest';
import { documentCodec } from '../../src/core/records/document.ts';
import { profileEntryCodec } from '../../src/core/profile/entry.ts';
import { readActivity } from '../../src/app/activity.ts';
import { createRepository, pendingChanges } from '../../src/app/records.ts';
import { changePassphrase, createVault, unlockVault } from '../../src/app/vault.ts';
import { parseKeyring } from '../../src/core/crypto/keyring.ts';
import { toHex } from '../../src/core/bytes.ts';
import { dumpDatabase, keyringOf, newVault, OTHER_PASSPHRASE, PASSPHRASE, tamper, testDeps } from './support.ts';

const doc = (title: string) => ({ ...emptyDocument(Date.now()), title, note: `note of ${title}` });

describe('creating a vault', () => {
  it('stores a keyring, a device id, its sealed clock and first sealed activity, and lists the profile by label', async () => {
    const deps = testDeps();
    const session = await newVault(deps, 'Léa');
    const profiles = await deps.registry.list();
    expect(profiles.map((p) => p.label)).toEqual(['Léa']);
    expect(profiles[0]?.database).toMatch(/^carnet-vault-[0-9a-f]{32}$/);
    const rows = await dumpDatabase(session.profile.database);
    expect((rows['meta'] as { name: string }[]).map((row) => row.name).sort()).toEqual(['clock', 'device', 'keyring']);
    expect((rows['records'] as { kind: string }[]).map((row) => row.kind)).toEqual(['activity', 'activity']);
    const keyring = parseKeyring(keyringOf(rows));
    expect(keyring.ok && keyring.value.wraps.map((w) => w.method)).toEqual(['passphrase', 'recovery']);
    const log = await readActivity(session);
    expect(log.records.map((r) => r.data.event).sort()).toEqual(['recovery-created', 'vault-created']);
    session.lock();
  });

  it('refuses a weak passphrase with zxcvbn’s reason, and creates nothing', async () => {
    const deps = testDeps();
    const created = await createVault(deps, { label: 'Léa', passphrase: 'motdepasse' });
    expect(created).toMatchObject({ ok: false, error: { type: 'PassphraseTooWeak', strength: { acceptable: false } } });
    const weakWithLabel = await createVault(deps, { label: 'Dominique', passphrase: 'dominique1979' });
    expect(weakWithLabel).toMatchObject({ ok: false, error: { type: 'PassphraseTooWeak' } });
    expect(await deps.registry.list()).toEqual([]);
  });

  it('refuses an empty or too long label', async () => {
    const deps = testDeps();
    expect(await createVault(deps, { label: '   ', passphrase: PASSPHRASE })).toMatchObject({ ok: false, error: { type: 'LabelEmpty' } });
    expect(await createVault(deps, { label: 'x'.repeat(61), passphrase: PASSPHRASE })).toMatchObject({ ok: false, error: { type: 'LabelTooLong', max: 60 } });
  });

  it('reports calibration, derivation progress and opening in order', async () => {
    const phases: string[] = [];
    const fractions: number[] = [];
    const created = await createVault(testDeps(), {
      label: 'Progress',
      passphrase: PASSPHRASE,
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
        if (p.phase === 'deriving') fractions.push(p.fraction);
      },
    });
    expect(created.ok).toBe(true);
    expect(phases).toEqual(['calibrating', 'deriving', 'opening']);
    expect(fractions.at(-1)).toBeCloseTo(1, 5);
    if (created.ok) created.value.session.lock();
  });
});

describe('unlocking and locking', () => {
  it('unlocks with the passphrase and reads what was written', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const id = await createRepository(session, documentCodec).put(doc('Bilan sanguin'));
    session.lock();
    const unlocked = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!unlocked.ok) throw new Error(unlocked.error.type);
    const read = await createRepository(unlocked.value, documentCodec).get(id.ok ? id.value : ('' as never));
    expect(read.ok && read.value?.data.title).toBe('Bilan sanguin');
    unlocked.value.lock();
  });

  it('refuses a wrong passphrase and changes nothing but the failure count, folded in at the next unlock', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    await createRepository(session, documentCodec).put(doc('Ordonnance'));
    session.lock();
    const before = await dumpDatabase(session.profile.database);
    for (let i = 0; i < 2; i++) {
      const unlocked = await unlockVault(deps, session.profile.id, 'girafe tonnerre quinoa 1988 lanterne');
      expect(unlocked).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    }
    const after = await dumpDatabase(session.profile.database);
    for (const table of ['records', 'changes', 'chunks', 'imports']) expect(after[table], table).toEqual(before[table]);
    expect(keyringOf(after)).toEqual(keyringOf(before));
    expect(after['meta']?.find((row) => (row as { name: string }).name === 'failures')).toMatchObject({ value: { count: 2 } });

    const reopened = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!reopened.ok) throw new Error(reopened.error.type);
    const log = await readActivity(reopened.value);
    expect(log.records.find((r) => r.data.event === 'unlock-failures')?.data).toMatchObject({ count: 2 });
    expect(log.records[0]?.data).toMatchObject({ event: 'unlocked', method: 'passphrase' });
    expect((await dumpDatabase(session.profile.database))['meta']?.some((row) => (row as { name: string }).name === 'failures')).toBe(false);
    reopened.value.lock();
  });

  it('drops every key at lock: the session refuses further use', async () => {
    const session = await newVault();
    const keys = session.keys();
    const vaultKey = session.vaultKey();
    session.lock();
    expect(session.isLocked()).toBe(true);
    expect(vaultKey.every((b) => b === 0)).toBe(true);
    for (const key of Object.values(keys) as Uint8Array[]) expect(key.every((b) => b === 0)).toBe(true);
    expect(() => session.keys()).toThrow(/locked/);
    expect(() => session.store()).toThrow(/locked/);
  });

  it('tells listeners when it locks, once', async () => {
    const session = await newVault();
    let calls = 0;
    session.onLock(() => (calls += 1));
    session.lock();
    session.lock();
    expect(calls).toBe(1);
  });

  it('refuses a keyring from another vault', async () => {
    const deps = testDeps();
    const a = await newVault(deps, 'A');
    const b = await newVault(deps, 'B');
    a.lock();
    b.lock();
    const keyringOfB = (await dumpDatabase(b.profile.database))['meta']?.find((row) => (row as { name: string }).name === 'keyring');
    await tamper(a.profile.database, 'meta', (store) => store.put(keyringOfB));
    expect(await unlockVault(deps, a.profile.id, PASSPHRASE)).toEqual({ ok: false, error: { type: 'KeyringForeign' } });
  });

  it('refuses a tampered keyring after opening the wrap, and a truncated or newer one before', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    session.lock();
    const original = keyringOf(await dumpDatabase(session.profile.database));
    const withKeyring = async (bytes: Uint8Array) => {
      await tamper(session.profile.database, 'meta', (store) => store.put({ name: 'keyring', value: bytes }));
      return unlockVault(deps, session.profile.id, PASSPHRASE);
    };
    const revision = original.slice();
    revision[24] = (revision[24] as number) ^ 1;
    expect(await withKeyring(revision)).toEqual({ ok: false, error: { type: 'KeyringTampered' } });
    expect(await withKeyring(original.slice(0, 100))).toMatchObject({ ok: false, error: { type: 'KeyringMalformed' } });
    const newer = original.slice();
    newer[4] = 2;
    expect(await withKeyring(newer)).toEqual({ ok: false, error: { type: 'KeyringVersionUnsupported', version: 2 } });
    expect((await withKeyring(original)).ok).toBe(true);
  });

  it('says when the profile or its data is gone', async () => {
    const deps = testDeps();
    expect(await unlockVault(deps, 'no-such-profile', PASSPHRASE)).toEqual({ ok: false, error: { type: 'ProfileNotFound' } });
    const session = await newVault(deps);
    session.lock();
    await tamper(session.profile.database, 'meta', (store) => store.clear());
    expect(await unlockVault(deps, session.profile.id, PASSPHRASE)).toEqual({ ok: false, error: { type: 'VaultMissing' } });
  });
});

describe('changing the passphrase', () => {
  it('rewraps the vault key only: every record ciphertext stays byte-identical', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const documents = createRepository(session, documentCodec);
    for (let i = 0; i < 20; i++) await documents.put(doc(`Document ${i}`));
    await createRepository(session, profileEntryCodec).put({ section: 'identity', note: '', documents: [], givenName: 'Léa', familyName: 'Martin', birthDate: '2015-03-02', sex: 'female', bloodGroup: 'O+' });
    const before = await dumpDatabase(session.profile.database);
    const changed = await changePassphrase(session, { current: PASSPHRASE, next: OTHER_PASSPHRASE });
    expect(changed).toEqual({ ok: true, value: undefined });
    const after = await dumpDatabase(session.profile.database);
    // Every record that existed is byte for byte the same; the only new one is the activity entry.
    const rowsById = (rows: unknown[] | undefined) => new Map((rows as { id: string; kind: string }[]).map((row) => [row.id, row]));
    const afterRecords = rowsById(after['records']);
    for (const [id, row] of rowsById(before['records'])) expect(afterRecords.get(id), id).toEqual(row);
    const added = [...afterRecords.values()].filter((row) => !rowsById(before['records']).has(row.id));
    expect(added.map((row) => row.kind)).toEqual(['activity']);
    expect(after['chunks']).toEqual(before['chunks']);
    expect(toHex(keyringOf(after))).not.toBe(toHex(keyringOf(before)));
    const parsed = parseKeyring(keyringOf(after));
    expect(parsed.ok && parsed.value.revision).toBe(2);
    // That one new record is the log's note of the change, its newest entry.
    const log = await readActivity(session);
    expect(log.failures).toEqual([]);
    expect(log.records.filter((r) => r.data.event === 'passphrase-changed')).toHaveLength(1);
    expect(log.records[0]?.data.event).toBe('passphrase-changed');
    expect(log.records[0]?.id).toBe(added[0]?.id);
    session.lock();

    expect(await unlockVault(deps, session.profile.id, PASSPHRASE)).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    const reopened = await unlockVault(deps, session.profile.id, OTHER_PASSPHRASE);
    if (!reopened.ok) throw new Error(reopened.error.type);
    expect((await createRepository(reopened.value, documentCodec).list()).records).toHaveLength(20);
    reopened.value.lock();
  });

  it('requires the current passphrase and a strong new one, and changes nothing otherwise', async () => {
    const session = await newVault();
    const before = await dumpDatabase(session.profile.database);
    expect(await changePassphrase(session, { current: 'not it at all, no', next: OTHER_PASSPHRASE })).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    expect(await changePassphrase(session, { current: PASSPHRASE, next: 'azerty123' })).toMatchObject({ ok: false, error: { type: 'PassphraseTooWeak' } });
    expect(await dumpDatabase(session.profile.database)).toEqual(before);
    expect((await readActivity(session)).records.map((r) => r.data.event)).not.toContain('passphrase-changed');
    session.lock();
  });

  it('never lowers the Argon2id parameters', async () => {
    const deps = testDeps({ kdfParams: async () => ({ memoryKiB: 24 * 1024, iterations: 2, parallelism: 1 }) });
    const session = await newVault(deps);
    const weaker = { ...session, deps: { ...deps, kdfParams: async () => ({ memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 }) } };
    expect((await changePassphrase(weaker, { current: PASSPHRASE, next: OTHER_PASSPHRASE })).ok).toBe(true);
    const wrap = session.keyring().wraps[0];
    expect(wrap?.method === 'passphrase' && wrap.kdf.memoryKiB).toBe(24 * 1024);
    session.lock();
  });
});

describe('records', () => {
  it('writes each record with its change-log entry, tombstones included', async () => {
    const session = await newVault();
    const documents = createRepository(session, documentCodec);
    const a = await documents.put(doc('A'));
    const b = await documents.put(doc('B'));
    if (!a.ok || !b.ok) throw new Error('put failed');
    await documents.put(doc('A, corrected'), a.value);
    await documents.remove(b.value);
    const changes = await pendingChanges(session);
    if (!changes.ok) throw new Error(changes.error.type);
    expect(changes.value.filter((entry) => entry.kind === 'document')).toHaveLength(2);
    expect(changes.value.filter((entry) => entry.kind === 'activity')).toHaveLength(2);
    const byId = new Map(changes.value.map((entry) => [entry.id, entry]));
    expect(byId.get(a.value)?.op).toBe('put');
    expect(byId.get(b.value)?.op).toBe('delete');
    expect((await documents.get(b.value))).toEqual({ ok: true, value: null });
    const list = await documents.list();
    expect(list.records.map((r) => r.data.title)).toEqual(['A, corrected']);
    const first = byId.get(a.value)?.hlc ?? '';
    const again = await documents.get(a.value);
    expect(again.ok && again.value?.hlc).toBe(first);
    session.lock();
  });

  // Stamps only increase (format.md §8), even when the wall clock is set back between two sessions.
  it.each([
    { what: 'a new record, clock back a day', back: 24 * 3_600_000, rewrite: false },
    { what: 'a rewrite, clock back an hour', back: 3_600_000, rewrite: true },
  ])('stamps $what after the last write of an earlier session when the clock went back', async ({ back, rewrite }) => {
    let now = Date.UTC(2026, 10, 23, 12);
    const deps = testDeps({ clock: { now: () => now, monotonic: () => performance.now() } });
    const session = await newVault(deps);
    const first = await createRepository(session, documentCodec).put(doc('v1'));
    if (!first.ok) throw new Error('put failed');
    const before = await createRepository(session, documentCodec).get(first.value);
    if (!before.ok || before.value === null) throw new Error('v1 does not read back');
    session.lock();
    now -= back;
    const reopened = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!reopened.ok) throw new Error(reopened.error.type);
    const again = createRepository(reopened.value, documentCodec);
    const second = await again.put(doc('v2'), rewrite ? first.value : undefined);
    if (!second.ok) throw new Error('put failed');
    expect(second.value === first.value).toBe(rewrite);
    const after = await again.get(second.value);
    if (!after.ok || after.value === null) throw new Error('v2 does not read back');
    expect(after.value.data.title).toBe('v2');
    expect(after.value.hlc > before.value.hlc, `${after.value.hlc} after ${before.value.hlc}`).toBe(true);
    reopened.value.lock();
  });

  it('reports a record altered in IndexedDB as tampered, and still lists the others', async () => {
    const session = await newVault();
    const documents = createRepository(session, documentCodec);
    const victim = await documents.put(doc('Victim'));
    await documents.put(doc('Bystander'));
    if (!victim.ok) throw new Error('put failed');
    const row = (await session.store().readRecord(victim.value)) as { id: string; kind: 'document'; envelope: Uint8Array };
    const altered = row.envelope.slice();
    altered[40] = (altered[40] as number) ^ 0x80;
    await tamper(session.profile.database, 'records', (store) => store.put({ ...row, envelope: altered }));
    expect(await documents.get(victim.value)).toMatchObject({ ok: false, error: { type: 'RecordTampered', id: victim.value } });
    const list = await documents.list();
    expect(list.records.map((r) => r.data.title)).toEqual(['Bystander']);
    expect(list.failures).toMatchObject([{ type: 'RecordTampered' }]);
    // Nothing was "repaired" or dropped: the altered bytes are still there for the patient to see.
    expect((await session.store().readRecord(victim.value))?.envelope).toEqual(altered);
    session.lock();
  });

  it('refuses a record moved onto another id or kind', async () => {
    const session = await newVault();
    const documents = createRepository(session, documentCodec);
    const a = await documents.put(doc('A'));
    const b = await documents.put(doc('B'));
    if (!a.ok || !b.ok) throw new Error('put failed');
    const rowA = await session.store().readRecord(a.value);
    await tamper(session.profile.database, 'records', (store) => store.put({ ...rowA, id: b.value }));
    expect(await documents.get(b.value)).toMatchObject({ ok: false, error: { type: 'RecordTampered' } });
    await tamper(session.profile.database, 'records', (store) => store.put({ ...rowA, kind: 'profile' }));
    const profiles = createRepository(session, profileEntryCodec);
    expect(await profiles.get(a.value)).toMatchObject({ ok: false, error: { type: 'RecordTampered' } });
    session.lock();
  });
});
