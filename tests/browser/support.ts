/** Real adapters for browser tests, with the KDF at the policy floor so each vault opens fast. */
import { broadcastChannels } from '../../src/adapters/channel.ts';
import { createAesGcmChunkCipher } from '../../src/adapters/crypto/aes-gcm.ts';
import { createDexieRegistry } from '../../src/adapters/db/registry.ts';
import { dexieVaultStores } from '../../src/adapters/db/vault-db.ts';
import { createWorkerKdf } from '../../src/adapters/kdf/worker-kdf.ts';
import { systemClock, systemRandom, webDigest, webLocks } from '../../src/adapters/system.ts';
import { readStorageState } from '../../src/adapters/storage-manager.ts';
import { lazyAnalysers } from '../../src/adapters/analysers.ts';
import type { VaultDeps } from '../../src/app/deps.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { createVault } from '../../src/app/vault.ts';
import { ARGON2_FLOOR } from '../../src/core/crypto/argon2.ts';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../src/core/bytes.ts';
import type { PasskeyAuthenticator } from '../../src/core/ports.ts';
import { err, ok } from '../../src/core/result.ts';

/**
 * A stand-in authenticator for use-case tests (the real WebAuthn path is driven end to end with
 * Chromium's virtual authenticator): each credential has a secret, and its PRF is HMAC-SHA256 of
 * the salt under that secret, as CTAP2's hmac-secret computes it.
 */
export function createFakePasskeys(options: { available?: boolean; userCancels?: boolean } = {}) {
  const credentials = new Map<string, Uint8Array>();
  const prf = (secret: Uint8Array, salt: Uint8Array) => hmac(sha256, secret, salt);
  const authenticator: PasskeyAuthenticator & { forget(): void } = {
    isAvailable: async () => options.available ?? true,
    async register({ prfSalt }) {
      if (options.userCancels === true) return err({ type: 'PasskeyCancelled' });
      const credentialId = systemRandom.bytes(32);
      const secret = systemRandom.bytes(32);
      credentials.set(toHex(credentialId), secret);
      return ok({ credentialId, prfOutput: prf(secret, prfSalt) });
    },
    async evaluate(allowed) {
      if (options.userCancels === true) return err({ type: 'PasskeyCancelled' });
      for (const candidate of allowed) {
        const secret = credentials.get(toHex(candidate.credentialId));
        if (secret !== undefined) return ok({ credentialId: candidate.credentialId, prfOutput: prf(secret, candidate.prfSalt) });
      }
      return err({ type: 'PasskeyCancelled' });
    },
    forget: () => credentials.clear(),
  };
  return authenticator;
}

export const PASSPHRASE = 'girafe tonnerre quinoa 1987 lanterne';
export const OTHER_PASSPHRASE = 'marée basse, sept cormorans & un phare';

export function testDeps(overrides: Partial<VaultDeps> = {}): VaultDeps {
  return {
    clock: systemClock,
    random: systemRandom,
    kdf: createWorkerKdf(),
    registry: createDexieRegistry(`carnet-profiles-test-${toHex(systemRandom.bytes(6))}`),
    stores: dexieVaultStores,
    locks: webLocks,
    chunkCipher: createAesGcmChunkCipher,
    digest: webDigest,
    storageEstimate: readStorageState,
    analysers: lazyAnalysers,
    channels: broadcastChannels,
    passkeys: createFakePasskeys(),
    kdfParams: async () => ARGON2_FLOOR,
    ...overrides,
  };
}

export async function newVault(deps: VaultDeps = testDeps(), label = 'Test'): Promise<VaultSession> {
  return (await newVaultWithKit(deps, label)).session;
}

/** A new vault and the recovery key shown once at its creation. */
export async function newVaultWithKit(deps: VaultDeps = testDeps(), label = 'Test'): Promise<{ session: VaultSession; recoveryKey: string }> {
  const created = await createVault(deps, { label, passphrase: PASSPHRASE });
  if (!created.ok) throw new Error(`createVault failed: ${created.error.type}`);
  return created.value;
}

/** Reads every row of every object store of a database, as IndexedDB itself returns them. */
export async function dumpDatabase(name: string): Promise<Record<string, unknown[]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const out: Record<string, unknown[]> = {};
  for (const store of Array.from(db.objectStoreNames)) {
    out[store] = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(store, 'readonly').objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  db.close();
  return out;
}

/** Runs `edit` on one object store in a raw readwrite transaction, bypassing Carnet entirely. */
export async function tamper(name: string, store: string, edit: (objectStore: IDBObjectStore) => void): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = db.transaction(store, 'readwrite');
    edit(transaction.objectStore(store));
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
}

/** The stored keyring bytes out of a dumpDatabase result. */
export function keyringOf(rows: Record<string, unknown[]>): Uint8Array {
  const row = rows['meta']?.find((candidate) => (candidate as { name?: unknown }).name === 'keyring') as { value?: unknown } | undefined;
  if (!(row?.value instanceof Uint8Array)) throw new Error('no keyring stored');
  return row.value;
}

/** Deterministic bytes of any size: byte i follows a linear congruential sequence from `seed`. */
export function content(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Whether `needle` occurs in `haystack`, byte for byte. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) throw new Error('an empty needle matches anything');
  const first = needle[0] as number;
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every byte array inside a value read from IndexedDB (as dumpDatabase returns it). */
export function byteArraysIn(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) out.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (Array.isArray(value)) for (const item of value) byteArraysIn(item, out);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) byteArraysIn(item, out);
  return out;
}
