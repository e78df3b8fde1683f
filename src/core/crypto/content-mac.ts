/**
 * The keyed MAC that recognises a file already in the vault (format.md §6.1), never a bare hash:
 * a hash of a known document (a common leaflet, a lab's template) would say it is there to
 * anyone who reads the record.
 *
 *   mac = HMAC-SHA256(subkey(name-mac), LP(utf8("carnet/v1/content-mac")) | u32(chunkSize)
 *                                       | SHA-256(chunk 0) | SHA-256(chunk 1) | …)
 *
 * Chunk digests come from the platform (WebCrypto hashes a 1 MiB chunk at native speed, where
 * HMAC over the whole file in JavaScript would cost more than the encryption); the MAC over
 * their list stays keyed.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { lengthPrefixed, u32be, utf8 } from '../bytes.ts';
import type { SubKey } from './keys.ts';

export const CONTENT_MAC_LABEL = 'carnet/v1/content-mac';
export const CHUNK_DIGEST_BYTES = 32;

export interface ContentMac {
  /** The SHA-256 of the next chunk, in order. */
  update(chunkDigest: Uint8Array): void;
  finish(): Uint8Array;
}

export function createContentMac(key: SubKey<'name-mac'>, chunkSize: number): ContentMac {
  const state = hmac.create(sha256, key);
  state.update(lengthPrefixed(utf8(CONTENT_MAC_LABEL)));
  state.update(u32be(chunkSize));
  return {
    update(chunkDigest) {
      if (chunkDigest.length !== CHUNK_DIGEST_BYTES) throw new RangeError('a chunk digest is 32 bytes');
      state.update(chunkDigest);
    },
    finish: () => state.digest(),
  };
}
