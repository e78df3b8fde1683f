/**
 * Creating, unlocking and re-keying a vault (DESIGN.md §3). The vault key is random and never
 * stored in the clear; the passphrase only unwraps it. Changing the passphrase rewraps that one
 * key: no record is touched, which is why it is instant and why it cannot corrupt anything.
 */
import { equalBytes, toHex } from '../core/bytes.ts';
import { KEY_BYTES, XNONCE_BYTES } from '../core/crypto/aead.ts';
import { calibrateArgon2, strongerArgon2, type Argon2Params } from '../core/crypto/argon2.ts';
import { inboxPublicKey } from '../core/crypto/inbox.ts';
import {
  encodeKeyring,
  openInboxSecret,
  parseKeyring,
  passphraseBytes,
  SALT_BYTES,
  sealInboxSecret,
  sealVaultKey,
  unwrapVaultKey,
  verifyKeyringMac,
  WRAP_ID_BYTES,
  type Keyring,
  type KeyringError,
  type PassphraseWrap,
} from '../core/crypto/keyring.ts';
import { asVaultId, asVaultKey, deriveVaultKeys, zeroVaultKeys, type VaultId, type VaultKey, type WrapKey } from '../core/crypto/keys.ts';
import type { ProfileEntry, StoreError, VaultStore } from '../core/ports.ts';
import { parseDeviceId, type DeviceId } from '../core/records/hlc.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { ProgressListener, VaultDeps } from './deps.ts';
import { checkPassphrase, type WeakPassphrase } from './passphrase-strength.ts';
import { parseProfileLabel, type LabelError } from './profiles.ts';
import { sweepAbandonedImports } from './files.ts';
import { createSession, type VaultSession } from './session.ts';

export type CreateVaultError = LabelError | WeakPassphrase | StoreError | { readonly type: 'VaultExists' };

export type UnlockError =
  | { readonly type: 'WrongPassphrase' }
  | { readonly type: 'ProfileNotFound' }
  | { readonly type: 'VaultMissing' }
  | { readonly type: 'KeyringForeign' }
  | { readonly type: 'KeyringTampered' }
  | { readonly type: 'NoPassphraseWrap' }
  | { readonly type: 'DeviceIdMissing' }
  | KeyringError;

export type ChangePassphraseError =
  | { readonly type: 'WrongPassphrase' }
  | { readonly type: 'NoPassphraseWrap' }
  | WeakPassphrase
  | StoreError
  | { readonly type: 'KeyringChanged' };

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

async function derivePassphraseKey(
  deps: VaultDeps,
  passphrase: string,
  salt: Uint8Array,
  params: Argon2Params,
  onProgress?: ProgressListener,
): Promise<WrapKey> {
  const password = passphraseBytes(passphrase);
  try {
    const key = await deps.kdf.argon2id(password, salt, params, (fraction) => onProgress?.({ phase: 'deriving', fraction }));
    return key as WrapKey;
  } finally {
    password.fill(0);
  }
}

async function newPassphraseWrap(
  deps: VaultDeps,
  vaultKey: VaultKey,
  vaultId: VaultId,
  passphrase: string,
  params: Argon2Params,
  onProgress?: ProgressListener,
): Promise<PassphraseWrap> {
  const salt = deps.random.bytes(SALT_BYTES);
  const wrapId = deps.random.bytes(WRAP_ID_BYTES);
  const wrapKey = await derivePassphraseKey(deps, passphrase, salt, params, onProgress);
  const sealedKey = sealVaultKey(vaultKey, wrapKey, vaultId, 'passphrase', wrapId, deps.random.bytes(XNONCE_BYTES));
  wrapKey.fill(0);
  return { method: 'passphrase', wrapId, kdf: params, salt, sealedKey };
}

export interface CreateVaultInput {
  readonly label: string;
  readonly passphrase: string;
  readonly onProgress?: ProgressListener;
}

export async function createVault(deps: VaultDeps, input: CreateVaultInput): Promise<Result<VaultSession, CreateVaultError>> {
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
  const wrap = await newPassphraseWrap(deps, vaultKey, vaultId, input.passphrase, params, input.onProgress);
  const bytes = encodeKeyring(
    {
      vaultId,
      revision: 1,
      inboxPublicKey: inboxPublic,
      sealedInboxSecret: sealInboxSecret(keys.inboxSecret, vaultId, inboxPublic, inboxSecret, deps.random.bytes(XNONCE_BYTES)),
      wraps: [wrap],
    },
    keys.headerMac,
  );
  const keyring = parseKeyring(bytes);
  if (!keyring.ok) throw new Error(`a keyring we just wrote does not parse: ${keyring.error.type}`);

  input.onProgress?.({ phase: 'opening' });
  const deviceId = toHex(deps.random.bytes(8)) as DeviceId;
  const profile: ProfileEntry = {
    id: toHex(deps.random.bytes(16)),
    vaultId: toHex(vaultId),
    database: `carnet-vault-${toHex(deps.random.bytes(16))}`,
    label: label.value,
    createdAt: deps.clock.now(),
  };
  const store = await deps.stores.open(profile.database);
  const written = await store.initialise(bytes, deviceId);
  if (!written.ok) {
    store.close();
    await deps.stores.destroy(profile.database);
    return written;
  }
  // The profile appears on the lock screen only once its vault is complete.
  await deps.registry.add(profile);
  return ok(createSession(deps, { profile, vaultId, deviceId, vaultKey, keys, inboxSecret, keyring: keyring.value, store }));
}

function passphraseWrapOf(keyring: Keyring): PassphraseWrap | undefined {
  return keyring.wraps.find((wrap): wrap is PassphraseWrap => wrap.method === 'passphrase');
}

export async function unlockVault(
  deps: VaultDeps,
  profileId: string,
  passphrase: string,
  onProgress?: ProgressListener,
): Promise<Result<VaultSession, UnlockError>> {
  const profile = await deps.registry.get(profileId);
  if (profile === undefined) return err({ type: 'ProfileNotFound' });
  const store = await deps.stores.open(profile.database);
  const opened = await openWithStore(deps, profile, store, passphrase, onProgress);
  if (!opened.ok) store.close();
  return opened;
}

async function openWithStore(
  deps: VaultDeps,
  profile: ProfileEntry,
  store: VaultStore,
  passphrase: string,
  onProgress?: ProgressListener,
): Promise<Result<VaultSession, UnlockError>> {
  const bytes = await store.readKeyring();
  if (bytes === undefined) return err({ type: 'VaultMissing' });
  const parsed = parseKeyring(bytes);
  if (!parsed.ok) return parsed;
  const keyring = parsed.value;
  if (toHex(keyring.vaultId) !== profile.vaultId) return err({ type: 'KeyringForeign' });
  const wrap = passphraseWrapOf(keyring);
  if (wrap === undefined) return err({ type: 'NoPassphraseWrap' });

  const wrapKey = await derivePassphraseKey(deps, passphrase, wrap.salt, wrap.kdf, onProgress);
  const unwrapped = unwrapVaultKey(wrap, wrapKey, keyring.vaultId);
  wrapKey.fill(0);
  if (!unwrapped.ok) return err({ type: 'WrongPassphrase' });
  onProgress?.({ phase: 'opening' });

  const vaultKey = unwrapped.value;
  const keys = deriveVaultKeys(vaultKey, keyring.vaultId);
  const fail = (error: UnlockError) => {
    vaultKey.fill(0);
    zeroVaultKeys(keys);
    return err(error);
  };
  // The header MAC is checked before anything else is trusted: a wrap that opens inside a
  // keyring whose KDF, wraps or inbox key were swapped is still an attack.
  if (!verifyKeyringMac(bytes, keys.headerMac)) return fail({ type: 'KeyringTampered' });
  const inboxSecret = openInboxSecret(keys.inboxSecret, keyring);
  if (!inboxSecret.ok) return fail({ type: 'KeyringTampered' });
  const deviceId = parseDeviceId((await store.readDeviceId()) ?? '');
  if (deviceId === null) return fail({ type: 'DeviceIdMissing' });

  const session = createSession(deps, {
    profile,
    vaultId: keyring.vaultId,
    deviceId,
    vaultKey,
    keys,
    inboxSecret: inboxSecret.value,
    keyring,
    store,
  });
  await sweepAbandonedImports(session);
  return ok(session);
}

export interface ChangePassphraseInput {
  readonly current: string;
  readonly next: string;
  readonly onProgress?: ProgressListener;
}

/** Rewraps the vault key under a new passphrase. Records are not read, let alone rewritten. */
export async function changePassphrase(
  session: VaultSession,
  input: ChangePassphraseInput,
): Promise<Result<void, ChangePassphraseError>> {
  const deps = session.deps;
  const keyring = session.keyring();
  const wrap = passphraseWrapOf(keyring);
  if (wrap === undefined) return err({ type: 'NoPassphraseWrap' });
  const strong = await checkPassphrase(input.next, [session.profile.label]);
  if (!strong.ok) return strong;

  // Whoever finds the vault unlocked must still know the passphrase to change it.
  const currentKey = await derivePassphraseKey(deps, input.current, wrap.salt, wrap.kdf, (p) =>
    input.onProgress?.(p.phase === 'deriving' ? { phase: 'deriving', fraction: p.fraction / 2 } : p),
  );
  const check = unwrapVaultKey(wrap, currentKey, keyring.vaultId);
  currentKey.fill(0);
  const matches = check.ok && equalBytes(check.value, session.vaultKey());
  if (check.ok) check.value.fill(0);
  if (!matches) return err({ type: 'WrongPassphrase' });

  input.onProgress?.({ phase: 'calibrating' });
  const params = strongerArgon2(wrap.kdf, await deps.kdfParams());
  const replacement = await newPassphraseWrap(deps, session.vaultKey(), keyring.vaultId, input.next, params, (p) =>
    input.onProgress?.(p.phase === 'deriving' ? { phase: 'deriving', fraction: 0.5 + p.fraction / 2 } : p),
  );
  const bytes = encodeKeyring(
    {
      vaultId: keyring.vaultId,
      revision: keyring.revision + 1,
      inboxPublicKey: keyring.inboxPublicKey,
      sealedInboxSecret: keyring.sealedInboxSecret,
      wraps: keyring.wraps.map((existing) => (existing === wrap ? replacement : existing)),
    },
    session.keys().headerMac,
  );
  const parsed = parseKeyring(bytes);
  if (!parsed.ok) throw new Error(`a keyring we just wrote does not parse: ${parsed.error.type}`);
  const stored = await session.store().replaceKeyring(keyring.bytes, bytes);
  if (!stored.ok) return stored;
  session.replaceKeyring(parsed.value);
  return ok(undefined);
}
