/**
 * Creating, unlocking and re-keying a vault (DESIGN.md §3). The vault key is random and never
 * stored in the clear; each unlock method (passphrase, recovery key, passkey) only unwraps it.
 * Changing the passphrase or regenerating the recovery key rewraps that one key: no record is
 * touched, which is why it is instant and why it cannot corrupt anything.
 */
import { equalBytes, toHex } from '../core/bytes.ts';
import { KEY_BYTES, XNONCE_BYTES } from '../core/crypto/aead.ts';
import { calibrateArgon2, strongerArgon2, type Argon2Params } from '../core/crypto/argon2.ts';
import { inboxPublicKey } from '../core/crypto/inbox.ts';
import {
  encodeKeyring,
  parseKeyring,
  PRF_SALT_BYTES,
  SALT_BYTES,
  sealInboxSecret,
  sealVaultKey,
  unwrapVaultKey,
  WRAP_ID_BYTES,
  type Keyring,
  type KeyringError,
  type PasskeyWrap,
  type PassphraseWrap,
  type RecoveryWrap,
  type Wrap,
} from '../core/crypto/keyring.ts';
import { asVaultId, asVaultKey, deriveVaultKeys, type VaultId, type VaultKey } from '../core/crypto/keys.ts';
import { passkeyWrapKey } from '../core/crypto/passkey.ts';
import { encodeRecoveryKey, RECOVERY_KEY_BYTES, recoveryWrapKey, type RecoveryKeyError } from '../core/crypto/recovery.ts';
import type { PasskeyError, ProfileEntry, StoreError, VaultStore } from '../core/ports.ts';
import type { UnlockMethod } from '../core/records/activity.ts';
import { parseDeviceId } from '../core/records/hlc.ts';
import { err, ok, type Result } from '../core/result.ts';
import { logActivity, readActivity } from './activity.ts';
import type { ProgressListener, VaultDeps } from './deps.ts';
import { sweepAbandonedImports } from './files.ts';
import { sweepInboxOrphans } from './inbox.ts';
import { derivePassphraseKey, forgetKeyring, openKeyring, passphraseOpener, recoveryOpener, wrapOf, type Opener } from './open-keyring.ts';
import { checkPassphrase, type WeakPassphrase } from './passphrase-strength.ts';
import { creationLockName, newProfile, parseProfileLabel, type LabelError } from './profiles.ts';
import { createSession, openClock, type VaultSession } from './session.ts';

export type CreateVaultError = LabelError | WeakPassphrase | StoreError | { readonly type: 'VaultExists' };

export type UnlockError =
  | { readonly type: 'WrongPassphrase' }
  | { readonly type: 'WrongRecoveryKey' }
  | { readonly type: 'ProfileNotFound' }
  | { readonly type: 'VaultMissing' }
  | { readonly type: 'KeyringForeign' }
  | { readonly type: 'KeyringTampered' }
  | { readonly type: 'NoPassphraseWrap' }
  | { readonly type: 'NoRecoveryWrap' }
  | { readonly type: 'DeviceIdMissing' }
  | RecoveryKeyError
  | PasskeyUseError
  | KeyringError;

export type KeyringChangeError = StoreError | { readonly type: 'KeyringChanged' };

export type PasskeyUseError =
  | PasskeyError
  | { readonly type: 'PasskeyDoesNotOpen' }
  | { readonly type: 'NoPasskeyWrap' };

export type ChangePassphraseError =
  | { readonly type: 'WrongPassphrase' }
  | { readonly type: 'NoPassphraseWrap' }
  | { readonly type: 'NotOpenedWithRecoveryKey' }
  | WeakPassphrase
  | KeyringChangeError;

/**
 * Calibrates Argon2id on this device (about one second), never below the floor. A small untimed
 * derivation first lets the worker compile Argon2's code, so the timed probe measures the speed the
 * real derivation will have rather than the JIT's warm-up.
 */
export async function calibratedKdfParams(deps: Pick<VaultDeps, 'clock' | 'kdf' | 'random'>, targetMs = 1000): Promise<Argon2Params> {
  const derive = async (params: Argon2Params) => {
    const key = await deps.kdf.argon2id(deps.random.bytes(16), deps.random.bytes(SALT_BYTES), params);
    key.fill(0);
  };
  await derive({ memoryKiB: 1024, iterations: 1, parallelism: 1 });
  return calibrateArgon2({ now: () => deps.clock.monotonic(), run: derive }, targetMs);
}

async function newPassphraseWrap(
  deps: VaultDeps,
  vaultKey: VaultKey,
  vaultId: VaultId,
  passphrase: string,
  params: Argon2Params,
  onProgress?: (fraction: number) => void,
): Promise<PassphraseWrap> {
  const salt = deps.random.bytes(SALT_BYTES);
  const wrapId = deps.random.bytes(WRAP_ID_BYTES);
  const wrapKey = await derivePassphraseKey(deps, passphrase, salt, params, onProgress);
  const sealedKey = sealVaultKey(vaultKey, wrapKey, vaultId, 'passphrase', wrapId, deps.random.bytes(XNONCE_BYTES));
  wrapKey.fill(0);
  return { method: 'passphrase', wrapId, kdf: params, salt, sealedKey };
}

/** A fresh recovery key and its wrap; the key is returned once, to be shown once. */
function newRecoveryWrap(deps: VaultDeps, vaultKey: VaultKey, vaultId: VaultId): { wrap: RecoveryWrap; recoveryKey: string } {
  const key = deps.random.bytes(RECOVERY_KEY_BYTES);
  const salt = deps.random.bytes(SALT_BYTES);
  const wrapId = deps.random.bytes(WRAP_ID_BYTES);
  const wrapKey = recoveryWrapKey(key, salt);
  const sealedKey = sealVaultKey(vaultKey, wrapKey, vaultId, 'recovery', wrapId, deps.random.bytes(XNONCE_BYTES));
  wrapKey.fill(0);
  const recoveryKey = encodeRecoveryKey(key);
  key.fill(0);
  return { wrap: { method: 'recovery', wrapId, salt, sealedKey }, recoveryKey };
}

function parsedOrBug(bytes: Uint8Array): Keyring {
  const parsed = parseKeyring(bytes);
  if (!parsed.ok) throw new Error(`a keyring we just wrote does not parse: ${parsed.error.type}`);
  return parsed.value;
}

export interface CreateVaultInput {
  readonly label: string;
  readonly passphrase: string;
  readonly onProgress?: ProgressListener;
}

export interface CreatedVault {
  readonly session: VaultSession;
  /** Shown once, for the recovery kit; Carnet keeps no copy of it. */
  readonly recoveryKey: string;
}

export async function createVault(deps: VaultDeps, input: CreateVaultInput): Promise<Result<CreatedVault, CreateVaultError>> {
  const label = parseProfileLabel(input.label);
  if (!label.ok) return label;
  const strong = await checkPassphrase(input.passphrase, [label.value]);
  if (!strong.ok) return strong;
  input.onProgress?.({ phase: 'calibrating' });
  const params = await deps.kdfParams();

  const vaultKey = asVaultKey(deps.random.bytes(KEY_BYTES));
  const vaultId = asVaultId(deps.random.bytes(16));
  const keys = deriveVaultKeys(vaultKey, vaultId);
  const inboxSecret = deps.random.bytes(32);
  const inboxPublic = inboxPublicKey(inboxSecret);
  const passphraseWrap = await newPassphraseWrap(deps, vaultKey, vaultId, input.passphrase, params, (fraction) =>
    input.onProgress?.({ phase: 'deriving', fraction }),
  );
  const recovery = newRecoveryWrap(deps, vaultKey, vaultId);
  const bytes = encodeKeyring(
    {
      vaultId,
      revision: 1,
      inboxPublicKey: inboxPublic,
      sealedInboxSecret: sealInboxSecret(keys.inboxSecret, vaultId, inboxPublic, inboxSecret, deps.random.bytes(XNONCE_BYTES)),
      wraps: [passphraseWrap, recovery.wrap],
    },
    keys.headerMac,
  );

  input.onProgress?.({ phase: 'opening' });
  const { profile, deviceId } = newProfile(deps, toHex(vaultId), label.value);
  // The database exists before it is registered; the creator's lock tells a sweep it is not orphaned.
  return deps.locks.withLock(creationLockName(profile.database), async () => {
    let store: VaultStore | undefined;
    let session: VaultSession | undefined;
    // Until a session owns the keys, they are ours to overwrite; once it does, locking it does.
    const discard = async () => {
      if (session === undefined) {
        store?.close();
        forgetKeyring({ vaultKey, keys, inboxSecret });
      } else session.lock();
      await deps.stores.destroy(profile.database);
    };
    try {
      store = await deps.stores.open(profile.database);
      const written = await store.initialise(bytes, deviceId);
      if (!written.ok) {
        await discard();
        return written;
      }
      session = createSession(deps, { profile, vaultId, deviceId, openedWith: 'passphrase', vaultKey, keys, inboxSecret, keyring: parsedOrBug(bytes), store });
      await logActivity(session, { event: 'vault-created', at: profile.createdAt });
      await logActivity(session, { event: 'recovery-created' });
      // The profile appears on the lock screen only once its vault is complete.
      await deps.registry.add(profile);
      return ok({ session, recoveryKey: recovery.recoveryKey });
    } catch (error) {
      await discard();
      throw error;
    }
  });
}

async function unlockWith<E extends UnlockError>(
  deps: VaultDeps,
  profileId: string,
  method: UnlockMethod,
  opener: Opener<E>,
  onProgress?: ProgressListener,
): Promise<Result<VaultSession, UnlockError>> {
  const profile = await deps.registry.get(profileId);
  if (profile === undefined) return err({ type: 'ProfileNotFound' });
  const store = await deps.stores.open(profile.database);
  try {
    const opened = await openWithStore(deps, profile, store, method, opener, onProgress);
    if (!opened.ok) store.close();
    return opened;
  } catch (error) {
    // A crashed worker or a failing database: nothing may stay open behind the patient's back.
    store.close();
    throw error;
  }
}

async function openWithStore<E extends UnlockError>(
  deps: VaultDeps,
  profile: ProfileEntry,
  store: VaultStore,
  method: UnlockMethod,
  opener: Opener<E>,
  onProgress?: ProgressListener,
): Promise<Result<VaultSession, UnlockError>> {
  const bytes = await store.readKeyring();
  if (bytes === undefined) return err({ type: 'VaultMissing' });
  const parsed = parseKeyring(bytes);
  if (!parsed.ok) return parsed;
  const keyring = parsed.value;
  if (toHex(keyring.vaultId) !== profile.vaultId) return err({ type: 'KeyringForeign' });

  const opened = await openKeyring(keyring, opener);
  if (!opened.ok) {
    // Only a secret that was tried and failed counts as a failed attempt.
    if (opened.error === opener.wrong) await store.recordFailedUnlock(deps.clock.now());
    return opened;
  }
  onProgress?.({ phase: 'opening' });
  const { vaultKey, keys, inboxSecret } = opened.value;
  let session: VaultSession;
  try {
    const deviceId = parseDeviceId((await store.readDeviceId()) ?? '');
    if (deviceId === null) {
      forgetKeyring(opened.value);
      return err({ type: 'DeviceIdMissing' });
    }
    const lastStamp = openClock(keys, keyring.vaultId, await store.readClock());
    session = createSession(deps, {
      profile,
      vaultId: keyring.vaultId,
      deviceId,
      ...(lastStamp === undefined ? {} : { lastStamp }),
      openedWith: method,
      vaultKey,
      keys,
      inboxSecret,
      keyring,
      store,
    });
  } catch (error) {
    forgetKeyring(opened.value);
    throw error;
  }
  try {
    // Failed attempts could only be counted in the clear while locked; now they are sealed, and
    // the clear count is erased only once the sealed entry is written.
    const failures = await store.readFailedUnlocks();
    if (failures !== null) {
      const logged = await logActivity(session, { event: 'unlock-failures', at: failures.lastAt, count: failures.count, firstAt: failures.firstAt });
      if (logged.ok) await store.clearFailedUnlocks(failures.lastAt);
    }
    if (method === 'recovery') await logActivity(session, { event: 'recovery-used' });
    // Independent of one another: run together, so the first screen waits for the slowest only.
    await Promise.all([
      logActivity(session, { event: 'unlocked', method }),
      sweepAbandonedImports(session),
      sweepInboxOrphans(session),
      // Only decides where files shared while locked go (format.md §7.1): never worth refusing an unlock for.
      deps.registry.markOpened(profile.id, deps.clock.now()).catch((error: unknown) => console.warn('carnet: could not record the unlock time', error)),
    ]);
  } catch (error) {
    session.lock();
    throw error;
  }
  return ok(session);
}

export function unlockVault(
  deps: VaultDeps,
  profileId: string,
  passphrase: string,
  onProgress?: ProgressListener,
): Promise<Result<VaultSession, UnlockError>> {
  const opener = passphraseOpener(deps, passphrase, (fraction) => onProgress?.({ phase: 'deriving', fraction }));
  return unlockWith(deps, profileId, 'passphrase', opener, onProgress);
}

/** Opens the vault with the recovery key; the session must then set a new passphrase. */
export function unlockWithRecoveryKey(deps: VaultDeps, profileId: string, text: string): Promise<Result<VaultSession, UnlockError>> {
  return unlockWith(deps, profileId, 'recovery', recoveryOpener(text));
}

/**
 * Writes a new keyring made from the current one: same vault, same inbox, wraps changed by
 * `change`, revision raised, MAC recomputed. One writer at a time across tabs, and only if the
 * stored keyring is still the one this session read.
 */
export async function rewriteKeyring(session: VaultSession, change: (wraps: readonly Wrap[]) => readonly Wrap[]): Promise<Result<void, KeyringChangeError>> {
  return session.exclusive(async () => {
    const keyring = session.keyring();
    const bytes = encodeKeyring(
      {
        vaultId: keyring.vaultId,
        revision: keyring.revision + 1,
        inboxPublicKey: keyring.inboxPublicKey,
        sealedInboxSecret: keyring.sealedInboxSecret,
        wraps: change(keyring.wraps),
      },
      session.keys().headerMac,
    );
    const next = parsedOrBug(bytes);
    const stored = await session.store().replaceKeyring(keyring.bytes, bytes);
    if (!stored.ok) return stored;
    session.replaceKeyring(next);
    return ok(undefined);
  });
}

/** Checks that `passphrase` opens this session's vault, without changing anything. */
async function confirmPassphrase(session: VaultSession, passphrase: string, onProgress?: (fraction: number) => void): Promise<Result<PassphraseWrap, ChangePassphraseError>> {
  const wrap = wrapOf(session.keyring(), 'passphrase');
  if (wrap === undefined) return err({ type: 'NoPassphraseWrap' });
  const key = await derivePassphraseKey(session.deps, passphrase, wrap.salt, wrap.kdf, onProgress);
  const check = unwrapVaultKey(wrap, key, session.vaultId);
  key.fill(0);
  const matches = check.ok && equalBytes(check.value, session.vaultKey());
  if (check.ok) check.value.fill(0);
  return matches ? ok(wrap) : err({ type: 'WrongPassphrase' });
}

async function replacePassphrase(
  session: VaultSession,
  current: PassphraseWrap | undefined,
  next: string,
  onProgress: ProgressListener | undefined,
  progressFrom: number,
): Promise<Result<void, ChangePassphraseError>> {
  const deps = session.deps;
  onProgress?.({ phase: 'calibrating' });
  const calibrated = await deps.kdfParams();
  const params = current === undefined ? calibrated : strongerArgon2(current.kdf, calibrated);
  const replacement = await newPassphraseWrap(deps, session.vaultKey(), session.vaultId, next, params, (fraction) =>
    onProgress?.({ phase: 'deriving', fraction: progressFrom + (1 - progressFrom) * fraction }),
  );
  return rewriteKeyring(session, (wraps) => [replacement, ...wraps.filter((wrap) => wrap.method !== 'passphrase')]);
}

export interface ChangePassphraseInput {
  readonly current: string;
  readonly next: string;
  readonly onProgress?: ProgressListener;
}

/** Rewraps the vault key under a new passphrase. Records are not read, let alone rewritten. */
export async function changePassphrase(session: VaultSession, input: ChangePassphraseInput): Promise<Result<void, ChangePassphraseError>> {
  const strong = await checkPassphrase(input.next, [session.profile.label]);
  if (!strong.ok) return strong;
  // Whoever finds the vault unlocked must still know the passphrase to change it.
  const current = await confirmPassphrase(session, input.current, (fraction) => input.onProgress?.({ phase: 'deriving', fraction: fraction / 2 }));
  if (!current.ok) return current;
  const replaced = await replacePassphrase(session, current.value, input.next, input.onProgress, 0.5);
  if (replaced.ok) await logActivity(session, { event: 'passphrase-changed' });
  return replaced;
}

/** After the recovery key opened the vault: the forgotten passphrase is replaced, no old one asked. */
export async function resetPassphrase(session: VaultSession, next: string, onProgress?: ProgressListener): Promise<Result<void, ChangePassphraseError>> {
  if (session.openedWith !== 'recovery') return err({ type: 'NotOpenedWithRecoveryKey' });
  const strong = await checkPassphrase(next, [session.profile.label]);
  if (!strong.ok) return strong;
  const replaced = await replacePassphrase(session, wrapOf(session.keyring(), 'passphrase'), next, onProgress, 0);
  if (replaced.ok) await logActivity(session, { event: 'passphrase-reset' });
  return replaced;
}

/**
 * Replaces the recovery key: the old wrap is removed from this device's keyring (and from the
 * backend once sync exists). Backups made earlier still hold the old keyring, so they still open
 * with the old key: the screen says so.
 */
export async function regenerateRecoveryKey(
  session: VaultSession,
  passphrase: string,
  onProgress?: ProgressListener,
): Promise<Result<string, ChangePassphraseError>> {
  const current = await confirmPassphrase(session, passphrase, (fraction) => onProgress?.({ phase: 'deriving', fraction }));
  if (!current.ok) return current;
  const recovery = newRecoveryWrap(session.deps, session.vaultKey(), session.vaultId);
  const replaced = await rewriteKeyring(session, (wraps) => [...wraps.filter((wrap) => wrap.method !== 'recovery'), recovery.wrap]);
  if (!replaced.ok) return replaced;
  await logActivity(session, { event: 'recovery-created' });
  return ok(recovery.recoveryKey);
}

/** The patient typed part of the kit back: they have kept it. */
export async function confirmRecoveryKit(session: VaultSession): Promise<void> {
  await logActivity(session, { event: 'recovery-confirmed' });
}

// --- passkeys --------------------------------------------------------------------------------

/** Whether this browser can create and use passkeys with the PRF extension. */
export function passkeysAvailable(deps: Pick<VaultDeps, 'passkeys'>): Promise<boolean> {
  return deps.passkeys.isAvailable();
}

/**
 * The unlock methods a profile offers in this browser, read from its keyring (which holds no
 * secret); a passkey counts only where passkeys work. Only used to decide which buttons to show:
 * a missing or unreadable keyring shows none here, and the unlock itself then says what is wrong
 * with it.
 */
export async function unlockMethods(deps: VaultDeps, profileId: string): Promise<Wrap['method'][]> {
  const profile = await deps.registry.get(profileId);
  if (profile === undefined) return [];
  const store = await deps.stores.open(profile.database);
  let methods: Set<Wrap['method']>;
  try {
    const bytes = await store.readKeyring();
    const keyring = bytes === undefined ? null : parseKeyring(bytes);
    methods = new Set(keyring?.ok === true ? keyring.value.wraps.map((wrap) => wrap.method) : []);
  } finally {
    store.close();
  }
  if (methods.has('passkey') && !(await passkeysAvailable(deps))) methods.delete('passkey');
  return [...methods];
}

/** Opens the vault with one of its registered passkeys; the browser asks which. */
export function unlockWithPasskey(deps: VaultDeps, profileId: string): Promise<Result<VaultSession, UnlockError>> {
  const opener: Opener<PasskeyUseError> = {
    wrong: { type: 'PasskeyDoesNotOpen' },
    async wrapKey(keyring) {
      const wraps = keyring.wraps.filter((wrap): wrap is PasskeyWrap => wrap.method === 'passkey');
      if (wraps.length === 0) return err({ type: 'NoPasskeyWrap' });
      const answer = await deps.passkeys.evaluate(wraps.map((wrap) => ({ credentialId: wrap.credentialId, prfSalt: wrap.prfSalt })));
      if (!answer.ok) return answer;
      const wrap = wraps.find((candidate) => equalBytes(candidate.credentialId, answer.value.credentialId));
      // An answer from a credential we did not ask for is not a secret tried and failed.
      if (wrap === undefined) return err({ type: 'PasskeyDoesNotOpen' });
      const wrapKey = passkeyWrapKey(answer.value.prfOutput, wrap.prfSalt);
      answer.value.prfOutput.fill(0);
      return ok({ wrap, wrapKey });
    },
  };
  return unlockWith(deps, profileId, 'passkey', opener);
}

export interface RegisteredPasskey {
  readonly wrapId: string;
  readonly name: string;
  readonly addedAt: number | null;
}

/**
 * Registers a passkey and adds its wrap. The passphrase is asked first: whoever finds the vault
 * open must not be able to add a way back in for themselves.
 */
export async function addPasskey(
  session: VaultSession,
  input: {
    readonly passphrase: string;
    /** What the patient calls this passkey, kept in the activity log. */
    readonly name: string;
    /** What the device's passkey manager shows for it. */
    readonly accountName: string;
  },
): Promise<Result<string, ChangePassphraseError | PasskeyUseError>> {
  const confirmed = await confirmPassphrase(session, input.passphrase);
  if (!confirmed.ok) return confirmed;
  const deps = session.deps;
  const prfSalt = deps.random.bytes(PRF_SALT_BYTES);
  const registered = await deps.passkeys.register({ name: input.accountName, prfSalt });
  if (!registered.ok) return registered;
  const wrapId = deps.random.bytes(WRAP_ID_BYTES);
  const wrapKey = passkeyWrapKey(registered.value.prfOutput, prfSalt);
  registered.value.prfOutput.fill(0);
  const sealedKey = sealVaultKey(session.vaultKey(), wrapKey, session.vaultId, 'passkey', wrapId, deps.random.bytes(XNONCE_BYTES));
  wrapKey.fill(0);
  const wrap: PasskeyWrap = { method: 'passkey', wrapId, credentialId: registered.value.credentialId, prfSalt, sealedKey };
  const added = await rewriteKeyring(session, (wraps) => [...wraps, wrap]);
  if (!added.ok) return added;
  await logActivity(session, { event: 'passkey-added', name: input.name, ref: toHex(wrapId) });
  return ok(toHex(wrapId));
}

/** Removes a passkey's wrap: that passkey no longer opens the vault on this device. */
export async function removePasskey(session: VaultSession, wrapId: string): Promise<Result<void, KeyringChangeError>> {
  const removed = await rewriteKeyring(session, (wraps) => wraps.filter((wrap) => wrap.method !== 'passkey' || toHex(wrap.wrapId) !== wrapId));
  if (removed.ok) await logActivity(session, { event: 'passkey-removed', ref: wrapId });
  return removed;
}

/** The registered passkeys, named as the patient named them when adding them. */
export async function listPasskeys(session: VaultSession): Promise<RegisteredPasskey[]> {
  const { records } = await readActivity(session);
  return session
    .keyring()
    .wraps.filter((wrap): wrap is PasskeyWrap => wrap.method === 'passkey')
    .map((wrap) => {
      const added = records.find((record) => record.data.event === 'passkey-added' && record.data.ref === toHex(wrap.wrapId));
      return { wrapId: toHex(wrap.wrapId), name: added?.data.name ?? '', addedAt: added?.data.at ?? null };
    });
}
