/**
 * The keyring: everything a device needs to turn an unlock secret into the vault key, and nothing
 * else. It is one binary object (docs/format.md §4) that a new device can fetch and parse with the
 * backend settings alone, before any key is known; so it holds no label, no name, nothing about
 * the patient.
 *
 * What must stay true:
 * - Each unlock method wraps the same vault key with XChaCha20-Poly1305 under its own wrap key,
 *   with associated data binding vault id, method and wrap id: a wrap cannot be moved to another
 *   vault or passed off as another method.
 * - The whole keyring is authenticated by HMAC-SHA256 under the header-mac subkey, checked right
 *   after unwrapping: a downgraded KDF, an added wrap, a swapped inbox key or a rolled-back
 *   revision is detected, never trusted.
 * - Unknown versions and methods are refused explicitly, never skipped.
 */
import { ByteReader, concatBytes, equalBytes, lengthPrefixed, u16be, u32be, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { KEY_BYTES, TAG_BYTES, XNONCE_BYTES, xchachaOpen, xchachaSeal, type DecryptFailed } from './aead.ts';
import { checkArgon2Policy, type Argon2Params, type Argon2PolicyError } from './argon2.ts';
import { asVaultId, asVaultKey, mac, VAULT_ID_BYTES, type SubKey, type VaultId, type VaultKey, type WrapKey } from './keys.ts';

/** "CKRG": Carnet KeyRinG. Never change. */
export const KEYRING_MAGIC = new Uint8Array([0x43, 0x4b, 0x52, 0x47]);
export const KEYRING_VERSION = 1;
export const WRAP_ID_BYTES = 16;
export const SALT_BYTES = 16;
export const PRF_SALT_BYTES = 32;
export const INBOX_KEY_BYTES = 32;
export const MAC_BYTES = 32;
export const MAX_WRAPS = 32;
/** A wrapped 32-byte key: nonce, ciphertext, tag. */
export const SEALED_KEY_BYTES = XNONCE_BYTES + KEY_BYTES + TAG_BYTES;

/** Method codes on the wire. Never renumber. */
export const WRAP_METHOD_CODES = { passphrase: 0x01, recovery: 0x02, passkey: 0x03 } as const;
export type WrapMethod = keyof typeof WRAP_METHOD_CODES;
/** KDF codes inside a passphrase wrap. */
export const KDF_ARGON2ID_V13 = 0x01;

interface WrapCommon {
  readonly wrapId: Uint8Array;
  /** nonce (24) | ciphertext of the vault key (32) | tag (16). */
  readonly sealedKey: Uint8Array;
}
export interface PassphraseWrap extends WrapCommon {
  readonly method: 'passphrase';
  readonly kdf: Argon2Params;
  readonly salt: Uint8Array;
}
export interface RecoveryWrap extends WrapCommon {
  readonly method: 'recovery';
  readonly salt: Uint8Array;
}
export interface PasskeyWrap extends WrapCommon {
  readonly method: 'passkey';
  readonly credentialId: Uint8Array;
  readonly prfSalt: Uint8Array;
}
export type Wrap = PassphraseWrap | RecoveryWrap | PasskeyWrap;

export interface KeyringBody {
  readonly vaultId: VaultId;
  /** Raised on every change, so a device that saw revision n can refuse n - 1 later (sync). */
  readonly revision: number;
  readonly inboxPublicKey: Uint8Array;
  /** The inbox secret key sealed under the inbox-secret subkey: nonce | ciphertext | tag. */
  readonly sealedInboxSecret: Uint8Array;
  readonly wraps: readonly Wrap[];
}

export interface Keyring extends KeyringBody {
  /** The exact bytes this keyring was parsed from, which the MAC covers. */
  readonly bytes: Uint8Array;
}

export type KeyringError =
  | { readonly type: 'KeyringNotRecognised' }
  | { readonly type: 'KeyringVersionUnsupported'; readonly version: number }
  | { readonly type: 'KeyringMalformed'; readonly reason: string }
  | Argon2PolicyError;

// --- wraps ---------------------------------------------------------------------------------

export function wrapAad(vaultId: VaultId, method: WrapMethod, wrapId: Uint8Array): Uint8Array {
  return lengthPrefixed(utf8('carnet/v1/wrap'), vaultId, new Uint8Array([WRAP_METHOD_CODES[method]]), wrapId);
}

export function sealVaultKey(
  vaultKey: VaultKey,
  wrapKey: WrapKey,
  vaultId: VaultId,
  method: WrapMethod,
  wrapId: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return concatBytes(nonce, xchachaSeal(wrapKey, nonce, vaultKey, wrapAad(vaultId, method, wrapId)));
}

export function unwrapVaultKey(wrap: Wrap, wrapKey: WrapKey, vaultId: VaultId): Result<VaultKey, DecryptFailed> {
  const nonce = wrap.sealedKey.subarray(0, XNONCE_BYTES);
  const opened = xchachaOpen(wrapKey, nonce, wrap.sealedKey.subarray(XNONCE_BYTES), wrapAad(vaultId, wrap.method, wrap.wrapId));
  return opened.ok ? ok(asVaultKey(opened.value)) : opened;
}

// --- inbox secret --------------------------------------------------------------------------

export function inboxSecretAad(vaultId: VaultId, inboxPublicKey: Uint8Array): Uint8Array {
  return lengthPrefixed(utf8('carnet/v1/inbox-secret'), vaultId, inboxPublicKey);
}

export function sealInboxSecret(
  key: SubKey<'inbox-secret'>,
  vaultId: VaultId,
  inboxPublicKey: Uint8Array,
  inboxSecretKey: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return concatBytes(nonce, xchachaSeal(key, nonce, inboxSecretKey, inboxSecretAad(vaultId, inboxPublicKey)));
}

export function openInboxSecret(key: SubKey<'inbox-secret'>, keyring: KeyringBody): Result<Uint8Array, DecryptFailed> {
  const sealed = keyring.sealedInboxSecret;
  return xchachaOpen(key, sealed.subarray(0, XNONCE_BYTES), sealed.subarray(XNONCE_BYTES), inboxSecretAad(keyring.vaultId, keyring.inboxPublicKey));
}

// --- encoding ------------------------------------------------------------------------------

function encodeWrapParams(wrap: Wrap): Uint8Array {
  switch (wrap.method) {
    case 'passphrase':
      return concatBytes(
        new Uint8Array([KDF_ARGON2ID_V13]),
        u32be(wrap.kdf.memoryKiB),
        u32be(wrap.kdf.iterations),
        new Uint8Array([wrap.kdf.parallelism]),
        wrap.salt,
      );
    case 'recovery':
      return wrap.salt;
    case 'passkey':
      return concatBytes(u16be(wrap.credentialId.length), wrap.credentialId, wrap.prfSalt);
  }
}

function encodeBody(body: KeyringBody): Uint8Array {
  if (body.wraps.length < 1 || body.wraps.length > MAX_WRAPS) throw new RangeError(`a keyring holds 1 to ${MAX_WRAPS} wraps`);
  const wraps = body.wraps.map((wrap) => {
    const params = encodeWrapParams(wrap);
    return concatBytes(new Uint8Array([WRAP_METHOD_CODES[wrap.method]]), wrap.wrapId, u16be(params.length), params, wrap.sealedKey);
  });
  return concatBytes(
    KEYRING_MAGIC,
    new Uint8Array([KEYRING_VERSION]),
    body.vaultId,
    u32be(body.revision),
    body.inboxPublicKey,
    body.sealedInboxSecret,
    new Uint8Array([body.wraps.length]),
    ...wraps,
  );
}

/** Serialises a keyring and appends its MAC. */
export function encodeKeyring(body: KeyringBody, headerMac: SubKey<'header-mac'>): Uint8Array {
  const unsigned = encodeBody(body);
  return concatBytes(unsigned, mac(headerMac, unsigned));
}

/** True when the MAC at the end of `bytes` is right for this vault's header-mac subkey. */
export function verifyKeyringMac(bytes: Uint8Array, headerMac: SubKey<'header-mac'>): boolean {
  if (bytes.length < MAC_BYTES) return false;
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  return equalBytes(mac(headerMac, body), bytes.subarray(bytes.length - MAC_BYTES));
}

// --- parsing -------------------------------------------------------------------------------

const malformed = (reason: string) => err<KeyringError>({ type: 'KeyringMalformed', reason });

function parseWrap(reader: ByteReader): Result<Wrap, KeyringError> {
  const code = reader.u8();
  const wrapId = reader.take(WRAP_ID_BYTES);
  const paramsLength = reader.u16();
  if (code === null || wrapId === null || paramsLength === null) return malformed('truncated wrap');
  const params = reader.take(paramsLength);
  const sealedKey = reader.take(SEALED_KEY_BYTES);
  if (params === null || sealedKey === null) return malformed('truncated wrap');
  const p = new ByteReader(params);
  switch (code) {
    case WRAP_METHOD_CODES.passphrase: {
      const kdf = p.u8();
      const memoryKiB = p.u32();
      const iterations = p.u32();
      const parallelism = p.u8();
      const salt = p.take(SALT_BYTES);
      if (kdf === null || memoryKiB === null || iterations === null || parallelism === null || salt === null || p.remaining !== 0)
        return malformed('passphrase wrap parameters');
      if (kdf !== KDF_ARGON2ID_V13) return malformed(`unknown KDF ${kdf}`);
      const params2 = { memoryKiB, iterations, parallelism };
      const policy = checkArgon2Policy(params2);
      if (policy !== null) return err(policy);
      return ok({ method: 'passphrase', wrapId, kdf: params2, salt, sealedKey });
    }
    case WRAP_METHOD_CODES.recovery: {
      const salt = p.take(SALT_BYTES);
      if (salt === null || p.remaining !== 0) return malformed('recovery wrap parameters');
      return ok({ method: 'recovery', wrapId, salt, sealedKey });
    }
    case WRAP_METHOD_CODES.passkey: {
      const idLength = p.u16();
      const credentialId = idLength === null ? null : p.take(idLength);
      const prfSalt = p.take(PRF_SALT_BYTES);
      if (credentialId === null || credentialId.length === 0 || prfSalt === null || p.remaining !== 0)
        return malformed('passkey wrap parameters');
      return ok({ method: 'passkey', wrapId, credentialId, prfSalt, sealedKey });
    }
    default:
      return malformed(`unknown unlock method ${code}`);
  }
}

/**
 * Parses untrusted keyring bytes. Structure and policy only: the MAC needs the vault key and is
 * checked by `verifyKeyringMac` right after a wrap opens.
 */
export function parseKeyring(bytes: Uint8Array): Result<Keyring, KeyringError> {
  const reader = new ByteReader(bytes);
  const magic = reader.take(KEYRING_MAGIC.length);
  if (magic === null || !equalBytes(magic, KEYRING_MAGIC)) return err({ type: 'KeyringNotRecognised' });
  const version = reader.u8();
  if (version === null) return malformed('truncated header');
  if (version !== KEYRING_VERSION) return err({ type: 'KeyringVersionUnsupported', version });
  const vaultId = reader.take(VAULT_ID_BYTES);
  const revision = reader.u32();
  const inboxPublicKey = reader.take(INBOX_KEY_BYTES);
  const sealedInboxSecret = reader.take(SEALED_KEY_BYTES);
  const count = reader.u8();
  if (vaultId === null || revision === null || inboxPublicKey === null || sealedInboxSecret === null || count === null)
    return malformed('truncated header');
  if (count < 1 || count > MAX_WRAPS) return malformed(`wrap count ${count}`);
  const wraps: Wrap[] = [];
  for (let i = 0; i < count; i++) {
    const wrap = parseWrap(reader);
    if (!wrap.ok) return wrap;
    if (wraps.some((other) => equalBytes(other.wrapId, wrap.value.wrapId))) return malformed('duplicate wrap id');
    wraps.push(wrap.value);
  }
  if (wraps.filter((wrap) => wrap.method === 'passphrase').length > 1) return malformed('more than one passphrase wrap');
  if (reader.remaining !== MAC_BYTES) return malformed(reader.remaining < MAC_BYTES ? 'truncated MAC' : 'trailing bytes');
  return ok({ vaultId: asVaultId(vaultId.slice()), revision, inboxPublicKey, sealedInboxSecret, wraps, bytes });
}

/** Unicode NFC then UTF-8: "é" typed as one code point or as e + accent opens the same vault. */
export function passphraseBytes(passphrase: string): Uint8Array {
  return utf8(passphrase.normalize('NFC'));
}
