/**
 * Passkey unlock through the WebAuthn PRF extension (docs/format.md §3): the authenticator
 * computes a secret from its credential and a 32-byte salt the vault chose, only after verifying
 * the user; HKDF turns it into the wrap key. The salt is stored in the passkey's wrap, so the same
 * credential yields the same key for this vault and an unrelated one for any other.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';
import { KEY_BYTES } from './aead.ts';
import type { WrapKey } from './keys.ts';

export const PRF_OUTPUT_BYTES = 32;

export function passkeyWrapKey(prfOutput: Uint8Array, prfSalt: Uint8Array): WrapKey {
  if (prfOutput.length < PRF_OUTPUT_BYTES) throw new RangeError('PRF output too short');
  return hkdf(sha256, prfOutput, prfSalt, utf8('carnet/v1/wrap/passkey'), KEY_BYTES) as WrapKey;
}
