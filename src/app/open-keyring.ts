/**
 * Opening a keyring with a secret the patient gives: the one path from a passphrase, a recovery
 * key or a passkey to the vault key and its subkeys, shared by unlocking and by restoring a backup.
 *
 * What must stay true: nothing is trusted before the keyring's MAC checks under the unwrapped key
 * (a wrap that opens inside a keyring whose KDF, wraps or inbox key were swapped is still an
 * attack), and on every failure every key derived so far is overwritten.
 */
import { openInboxSecret, passphraseBytes, unwrapVaultKey, verifyKeyringMac, type Keyring, type Wrap } from '../core/crypto/keyring.ts';
import { deriveVaultKeys, zeroVaultKeys, type VaultKey, type VaultKeys, type WrapKey } from '../core/crypto/keys.ts';
import type { Argon2Params } from '../core/crypto/argon2.ts';
import { parseRecoveryKey, recoveryWrapKey, type RecoveryKeyError } from '../core/crypto/recovery.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { VaultDeps } from './deps.ts';

/** How one unlock method turns its secret into the key of one of the keyring's wraps. */
export interface Opener<E extends { readonly type: string }> {
  /** What a secret that derives a key but does not open its wrap is called. */
  readonly wrong: E;
  wrapKey(keyring: Keyring): Promise<Result<{ wrap: Wrap; wrapKey: WrapKey }, E>>;
}

export interface OpenedKeyring {
  readonly vaultKey: VaultKey;
  readonly keys: VaultKeys;
  readonly inboxSecret: Uint8Array;
}

export function wrapOf<M extends Wrap['method']>(keyring: Keyring, method: M): Extract<Wrap, { method: M }> | undefined {
  return keyring.wraps.find((wrap): wrap is Extract<Wrap, { method: M }> => wrap.method === method);
}

export async function derivePassphraseKey(
  deps: Pick<VaultDeps, 'kdf'>,
  passphrase: string,
  salt: Uint8Array,
  params: Argon2Params,
  onProgress?: (fraction: number) => void,
): Promise<WrapKey> {
  const password = passphraseBytes(passphrase);
  try {
    return (await deps.kdf.argon2id(password, salt, params, onProgress)) as WrapKey;
  } finally {
    password.fill(0);
  }
}

export type PassphraseOpenError = { readonly type: 'NoPassphraseWrap' } | { readonly type: 'WrongPassphrase' };

export function passphraseOpener(deps: Pick<VaultDeps, 'kdf'>, passphrase: string, onProgress?: (fraction: number) => void): Opener<PassphraseOpenError> {
  return {
    wrong: { type: 'WrongPassphrase' },
    async wrapKey(keyring) {
      const wrap = wrapOf(keyring, 'passphrase');
      if (wrap === undefined) return err({ type: 'NoPassphraseWrap' });
      return ok({ wrap, wrapKey: await derivePassphraseKey(deps, passphrase, wrap.salt, wrap.kdf, onProgress) });
    },
  };
}

export type RecoveryOpenError = RecoveryKeyError | { readonly type: 'NoRecoveryWrap' } | { readonly type: 'WrongRecoveryKey' };

export function recoveryOpener(text: string): Opener<RecoveryOpenError> {
  return {
    wrong: { type: 'WrongRecoveryKey' },
    async wrapKey(keyring) {
      const key = parseRecoveryKey(text);
      if (!key.ok) return key;
      const wrap = wrapOf(keyring, 'recovery');
      if (wrap === undefined) {
        key.value.fill(0);
        return err({ type: 'NoRecoveryWrap' });
      }
      const wrapKey = recoveryWrapKey(key.value, wrap.salt);
      key.value.fill(0);
      return ok({ wrap, wrapKey });
    },
  };
}

/**
 * Unwraps the vault key with `opener`, derives the subkeys, checks the keyring's MAC over its
 * stored bytes and opens the inbox secret. The caller owns the result and overwrites it at lock.
 */
export async function openKeyring<E extends { readonly type: string }>(
  keyring: Keyring,
  opener: Opener<E>,
): Promise<Result<OpenedKeyring, E | { readonly type: 'KeyringTampered' }>> {
  const derived = await opener.wrapKey(keyring);
  if (!derived.ok) return derived;
  const unwrapped = unwrapVaultKey(derived.value.wrap, derived.value.wrapKey, keyring.vaultId);
  derived.value.wrapKey.fill(0);
  if (!unwrapped.ok) return err(opener.wrong);
  const vaultKey = unwrapped.value;
  const keys = deriveVaultKeys(vaultKey, keyring.vaultId);
  const inboxSecret = verifyKeyringMac(keyring.bytes, keys.headerMac) ? openInboxSecret(keys.inboxSecret, keyring) : null;
  if (inboxSecret === null || !inboxSecret.ok) {
    vaultKey.fill(0);
    zeroVaultKeys(keys);
    return err({ type: 'KeyringTampered' });
  }
  return ok({ vaultKey, keys, inboxSecret: inboxSecret.value });
}

/** Overwrites what `openKeyring` returned, when no session took ownership of it. */
export function forgetKeyring(opened: OpenedKeyring): void {
  opened.vaultKey.fill(0);
  zeroVaultKeys(opened.keys);
  opened.inboxSecret.fill(0);
}
