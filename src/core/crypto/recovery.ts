/**
 * The recovery key (DESIGN.md §3, docs/format.md §3): 160 random bits, the only way back into a
 * vault whose passphrase is forgotten. It is written for people: 32 characters of Crockford's
 * base32 (no I, L, O or U to misread), in eight groups of four to read aloud or copy by hand.
 * Being random, it needs no slow KDF: HKDF turns it into the wrap key.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { KEY_BYTES } from './aead.ts';
import type { WrapKey } from './keys.ts';

export const RECOVERY_KEY_BYTES = 20;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters people confuse are read as the digit they resemble (Crockford's rule). */
const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

export type RecoveryKeyError = { readonly type: 'RecoveryKeyMalformed' };

export function encodeRecoveryKey(key: Uint8Array): string {
  if (key.length !== RECOVERY_KEY_BYTES) throw new RangeError(`recovery key must be ${RECOVERY_KEY_BYTES} bytes`);
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of key) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return (text.match(/.{4}/g) ?? []).join('-');
}

/**
 * A recovery key (or part of one) as typed, brought to its alphabet: any case, spaces and hyphens
 * dropped, look-alikes read as the digits they resemble.
 */
export function normaliseRecoveryText(text: string): string {
  return [...text.toUpperCase().replace(/[\s-]/g, '')].map((char) => ALIASES[char] ?? char).join('');
}

/** Accepts any case, spaces and hyphens anywhere, and the usual look-alikes. */
export function parseRecoveryKey(text: string): Result<Uint8Array, RecoveryKeyError> {
  const cleaned = [...normaliseRecoveryText(text)];
  if (cleaned.length !== (RECOVERY_KEY_BYTES * 8) / 5) return err({ type: 'RecoveryKeyMalformed' });
  const key = new Uint8Array(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of cleaned) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return err({ type: 'RecoveryKeyMalformed' });
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      key[index++] = (value >> bits) & 0xff;
      value &= (1 << bits) - 1;
    }
  }
  return ok(key);
}

/** The groups of a recovery key, for asking the patient to type some of them back. */
export function recoveryKeyGroups(encoded: string): string[] {
  return encoded.split('-');
}

export function recoveryWrapKey(recoveryKey: Uint8Array, salt: Uint8Array): WrapKey {
  return hkdf(sha256, recoveryKey, salt, utf8('carnet/v1/wrap/recovery'), KEY_BYTES) as WrapKey;
}
