/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03, built on RFC 8439) through @noble/ciphers.
 * The 24-byte nonce is random for every message: with 192 bits, random nonces never collide in
 * practice, so records need no counter to be kept in step across devices.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { err, ok, type Result } from '../result.ts';

export const KEY_BYTES = 32;
export const XNONCE_BYTES = 24;
export const TAG_BYTES = 16;

/** The one expected failure of opening: wrong key, wrong associated data or altered bytes. */
export type DecryptFailed = { readonly type: 'DecryptFailed' };

function checkLength(name: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
}

export function xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkLength('key', key, KEY_BYTES);
  checkLength('nonce', nonce, XNONCE_BYTES);
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

export function xchachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array,
): Result<Uint8Array, DecryptFailed> {
  checkLength('key', key, KEY_BYTES);
  checkLength('nonce', nonce, XNONCE_BYTES);
  if (ciphertext.length < TAG_BYTES) return err({ type: 'DecryptFailed' });
  try {
    return ok(xchacha20poly1305(key, nonce, aad).decrypt(ciphertext));
  } catch {
    // noble throws on a tag mismatch; that is the expected failure, converted here once.
    return err({ type: 'DecryptFailed' });
  }
}
