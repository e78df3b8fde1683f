/**
 * The key hierarchy of DESIGN.md §3. The vault key encrypts nothing itself: every use gets its own
 * subkey from HKDF-SHA256 (RFC 5869) with the vault id as salt and "carnet/v1/<purpose>" as info,
 * so a weakness in one use cannot spill into another. Labels never change once released: they
 * are part of the format (docs/format.md §2).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Brand } from '../brand.ts';
import { utf8 } from '../bytes.ts';
import { KEY_BYTES } from './aead.ts';

export type VaultKey = Brand<Uint8Array, 'VaultKey'>;
export type VaultId = Brand<Uint8Array, 'VaultId'>;
export type FileKey = Brand<Uint8Array, 'FileKey'>;
export type WrapKey = Brand<Uint8Array, 'WrapKey'>;
export type SubKey<P extends Purpose> = Brand<Uint8Array, `SubKey:${P}`>;

export const VAULT_ID_BYTES = 16;

/** Every purpose a subkey of the vault key serves. Never change a label; add new ones. */
export const PURPOSES = ['record', 'change', 'name-mac', 'header-mac', 'search-index', 'inbox-secret', 'backup-mac', 'backup-label'] as const;
export type Purpose = (typeof PURPOSES)[number];

export function subkeyInfo(purpose: Purpose): Uint8Array {
  return utf8(`carnet/v1/${purpose}`);
}

export function deriveSubkey<P extends Purpose>(vaultKey: VaultKey, vaultId: VaultId, purpose: P): SubKey<P> {
  return hkdf(sha256, vaultKey, vaultId, subkeyInfo(purpose), KEY_BYTES) as SubKey<P>;
}

/** The subkeys an unlocked vault holds; derived once at unlock, zeroed at lock. */
export interface VaultKeys {
  readonly record: SubKey<'record'>;
  readonly change: SubKey<'change'>;
  readonly nameMac: SubKey<'name-mac'>;
  readonly headerMac: SubKey<'header-mac'>;
  readonly searchIndex: SubKey<'search-index'>;
  readonly inboxSecret: SubKey<'inbox-secret'>;
  readonly backupMac: SubKey<'backup-mac'>;
  readonly backupLabel: SubKey<'backup-label'>;
}

export function deriveVaultKeys(vaultKey: VaultKey, vaultId: VaultId): VaultKeys {
  return {
    record: deriveSubkey(vaultKey, vaultId, 'record'),
    change: deriveSubkey(vaultKey, vaultId, 'change'),
    nameMac: deriveSubkey(vaultKey, vaultId, 'name-mac'),
    headerMac: deriveSubkey(vaultKey, vaultId, 'header-mac'),
    searchIndex: deriveSubkey(vaultKey, vaultId, 'search-index'),
    inboxSecret: deriveSubkey(vaultKey, vaultId, 'inbox-secret'),
    backupMac: deriveSubkey(vaultKey, vaultId, 'backup-mac'),
    backupLabel: deriveSubkey(vaultKey, vaultId, 'backup-label'),
  };
}

/** Overwrites every subkey, so a heap snapshot after lock holds none of them. */
export function zeroVaultKeys(keys: VaultKeys): void {
  for (const key of Object.values(keys) as Uint8Array[]) key.fill(0);
}

/** HMAC-SHA256 (RFC 2104) under a subkey. */
export function mac(key: SubKey<'header-mac'> | SubKey<'name-mac'> | SubKey<'backup-mac'>, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

export function asVaultKey(bytes: Uint8Array): VaultKey {
  if (bytes.length !== KEY_BYTES) throw new RangeError(`vault key must be ${KEY_BYTES} bytes`);
  return bytes as VaultKey;
}

export function asVaultId(bytes: Uint8Array): VaultId {
  if (bytes.length !== VAULT_ID_BYTES) throw new RangeError(`vault id must be ${VAULT_ID_BYTES} bytes`);
  return bytes as VaultId;
}

export function asFileKey(bytes: Uint8Array): FileKey {
  if (bytes.length !== KEY_BYTES) throw new RangeError(`file key must be ${KEY_BYTES} bytes`);
  return bytes as FileKey;
}

export const LISTING_KEY_INFO = 'carnet/v1/library-listing';

/**
 * The key of the sealed document listing (format.md §9.2), derived from the search-index subkey
 * for that one use. The listing is a few megabytes read at every unlock: sealed with AES-256-GCM
 * through the platform, it opens several times faster than with XChaCha20-Poly1305 in JavaScript.
 */
export function deriveListingKey(searchIndex: SubKey<'search-index'>, vaultId: VaultId): FileKey {
  return hkdf(sha256, searchIndex, vaultId, utf8(LISTING_KEY_INFO), KEY_BYTES) as FileKey;
}
