/**
 * Passkey wraps with a stand-in authenticator whose PRF is HMAC-SHA256 as CTAP2's hmac-secret
 * (the real WebAuthn path runs end to end against Chromium's virtual authenticator).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webAuthnPasskeys } from '../../src/adapters/passkeys.ts';
import { readActivity } from '../../src/app/activity.ts';
import { addPasskey, listPasskeys, removePasskey, unlockMethods, unlockWithPasskey } from '../../src/app/vault.ts';
import { createFakePasskeys, dumpDatabase, newVault, PASSPHRASE, testDeps } from './support.ts';

describe('passkeys', () => {
  it('adds one after the passphrase, then opens the vault with it', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    expect(await addPasskey(session, { passphrase: 'pas la bonne phrase du tout', name: 'Téléphone', accountName: 'Carnet de Test' })).toEqual({ ok: false, error: { type: 'WrongPassphrase' } });
    const added = await addPasskey(session, { passphrase: PASSPHRASE, name: 'Téléphone', accountName: 'Carnet de Test' });
    if (!added.ok) throw new Error(added.error.type);
    expect((await listPasskeys(session)).map((p) => p.name)).toEqual(['Téléphone']);
    expect(session.keyring().wraps.map((w) => w.method)).toEqual(['passphrase', 'recovery', 'passkey']);
    session.lock();
    const opened = await unlockWithPasskey(deps, session.profile.id);
    if (!opened.ok) throw new Error(opened.error.type);
    expect(opened.value.openedWith).toBe('passkey');
    const events = (await readActivity(opened.value)).records.map((r) => r.data);
    expect(events[0]).toMatchObject({ event: 'unlocked', method: 'passkey' });
    expect(events.some((e) => e.event === 'passkey-added' && e.name === 'Téléphone')).toBe(true);
    opened.value.lock();
  });

  it('keeps one wrap per passkey, and a removed one opens nothing', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const first = await addPasskey(session, { passphrase: PASSPHRASE, name: 'Clé USB', accountName: 'Carnet de Test' });
    const second = await addPasskey(session, { passphrase: PASSPHRASE, name: 'Ordinateur', accountName: 'Carnet de Test' });
    if (!first.ok || !second.ok) throw new Error('add failed');
    expect((await listPasskeys(session)).map((p) => p.name).sort()).toEqual(['Clé USB', 'Ordinateur']);
    expect(await removePasskey(session, first.value)).toEqual({ ok: true, value: undefined });
    expect((await listPasskeys(session)).map((p) => p.name)).toEqual(['Ordinateur']);
    expect(await removePasskey(session, second.value)).toEqual({ ok: true, value: undefined });
    // Each removal is in the log, naming the wrap it removed.
    const log = await readActivity(session);
    expect(log.failures).toEqual([]);
    const removed = log.records.filter((r) => r.data.event === 'passkey-removed').map((r) => r.data.ref);
    expect(removed.sort()).toEqual([first.value, second.value].sort());
    expect(log.records[0]?.data).toMatchObject({ event: 'passkey-removed', ref: second.value });
    session.lock();
    expect(await unlockWithPasskey(deps, session.profile.id)).toEqual({ ok: false, error: { type: 'NoPasskeyWrap' } });
  });

  it('refuses a passkey whose PRF output opens no wrap, and counts it as a failed unlock', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const added = await addPasskey(session, { passphrase: PASSPHRASE, name: 'A', accountName: 'Carnet de Test' });
    expect(added.ok).toBe(true);
    session.lock();
    // Same credential id, a different secret behind it: the PRF output is wrong for this salt.
    const lying = {
      ...deps.passkeys,
      evaluate: async (credentials: readonly { credentialId: Uint8Array; prfSalt: Uint8Array }[]) => ({ ok: true as const, value: { credentialId: credentials[0]!.credentialId, prfOutput: new Uint8Array(32).fill(9) } }),
    };
    expect(await unlockWithPasskey({ ...deps, passkeys: lying }, session.profile.id)).toEqual({ ok: false, error: { type: 'PasskeyDoesNotOpen' } });
    const meta = (await dumpDatabase(session.profile.database))['meta'] as { name: string; value: unknown }[];
    expect(meta.find((row) => row.name === 'failures')?.value).toMatchObject({ count: 1 });
  });

  it('says so when the patient cancels the prompt, and changes nothing', async () => {
    const deps = testDeps({ passkeys: createFakePasskeys({ userCancels: true }) });
    const session = await newVault(deps);
    const before = session.keyring().bytes;
    expect(await addPasskey(session, { passphrase: PASSPHRASE, name: 'A', accountName: 'Carnet de Test' })).toEqual({ ok: false, error: { type: 'PasskeyCancelled' } });
    expect(session.keyring().bytes).toEqual(before);
    session.lock();
  });
});

describe('offering a passkey', () => {
  it('only where this browser can use one, even when the vault has one', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    expect(await unlockMethods(deps, session.profile.id)).toEqual(['passphrase', 'recovery']);
    const added = await addPasskey(session, { passphrase: PASSPHRASE, name: 'Clé', accountName: 'Carnet de Test' });
    if (!added.ok) throw new Error(added.error.type);
    expect(await unlockMethods(deps, session.profile.id)).toEqual(['passphrase', 'recovery', 'passkey']);
    expect(await unlockMethods({ ...deps, passkeys: createFakePasskeys({ available: false }) }, session.profile.id)).toEqual(['passphrase', 'recovery']);
    expect(await unlockMethods(deps, 'no such profile')).toEqual([]);
    session.lock();
  });
});

describe('what the browser\'s refusals mean (the WebAuthn adapter)', () => {
  afterEach(() => vi.restoreAllMocks());
  const asked = [{ credentialId: new Uint8Array(16).fill(1), prfSalt: new Uint8Array(32).fill(2) }];

  it.each([
    ['NotAllowedError', 'PasskeyCancelled'],
    ['AbortError', 'PasskeyCancelled'],
    ['NotSupportedError', 'PasskeyUnsupported'],
  ])('%s is %s, when unlocking and when adding', async (name, type) => {
    vi.spyOn(navigator.credentials, 'get').mockRejectedValue(new DOMException('refused', name));
    vi.spyOn(navigator.credentials, 'create').mockRejectedValue(new DOMException('refused', name));
    expect(await webAuthnPasskeys.evaluate(asked)).toEqual({ ok: false, error: { type } });
    expect(await webAuthnPasskeys.register({ name: 'Carnet de Test', prfSalt: new Uint8Array(32) })).toEqual({ ok: false, error: { type } });
  });

  it('a misconfiguration is not passed off as a cancel: it throws', async () => {
    vi.spyOn(navigator.credentials, 'get').mockRejectedValue(new DOMException('wrong relying party', 'SecurityError'));
    vi.spyOn(navigator.credentials, 'create').mockRejectedValue(new TypeError('bad options'));
    await expect(webAuthnPasskeys.evaluate(asked)).rejects.toMatchObject({ name: 'SecurityError' });
    await expect(webAuthnPasskeys.register({ name: 'Carnet de Test', prfSalt: new Uint8Array(32) })).rejects.toBeInstanceOf(TypeError);
  });
});
