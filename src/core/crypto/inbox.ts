/**
 * The vault's inbox (DESIGN.md §3): an X25519 key pair whose public half is stored in the clear,
 * so that whatever reaches Carnet while the vault is locked (a file shared to the installed app, a
 * clinician's reply) is sealed at once and waits as ciphertext until the next unlock.
 *
 * Sealed box, docs/format.md §7: version (1) | ephemeral public key (32) | nonce (24) |
 * XChaCha20-Poly1305 ciphertext + tag, under HKDF-SHA256(X25519(e, P), salt = E | P,
 * info = "carnet/v1/inbox-box"). Anyone can seal; only the vault can open.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, lengthPrefixed, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { KEY_BYTES, TAG_BYTES, XNONCE_BYTES, xchachaOpen, xchachaSeal } from './aead.ts';

export const INBOX_BOX_VERSION = 1;
const LABEL = 'carnet/v1/inbox-box';

export type InboxError =
  | { readonly type: 'InboxVersionUnsupported'; readonly version: number }
  | { readonly type: 'InboxTruncated' }
  | { readonly type: 'DecryptFailed' };

export function inboxPublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

function boxKey(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeralPublic, recipientPublic), utf8(LABEL), KEY_BYTES);
}

function boxAad(ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return lengthPrefixed(utf8(LABEL), ephemeralPublic, recipientPublic);
}

/** `ephemeralSecret` and `nonce` are fresh random bytes from the caller (core has no randomness). */
export function sealToInbox(
  recipientPublic: Uint8Array,
  plaintext: Uint8Array,
  ephemeralSecret: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret);
  // noble refuses low-order points (an all-zero shared secret) by throwing: a bug on our side.
  const shared = x25519.getSharedSecret(ephemeralSecret, recipientPublic);
  const key = boxKey(shared, ephemeralPublic, recipientPublic);
  const sealed = xchachaSeal(key, nonce, plaintext, boxAad(ephemeralPublic, recipientPublic));
  key.fill(0);
  shared.fill(0);
  return concatBytes(new Uint8Array([INBOX_BOX_VERSION]), ephemeralPublic, nonce, sealed);
}

export function openFromInbox(secretKey: Uint8Array, box: Uint8Array): Result<Uint8Array, InboxError> {
  if (box.length < 1) return err({ type: 'InboxTruncated' });
  const version = box[0] as number;
  if (version !== INBOX_BOX_VERSION) return err({ type: 'InboxVersionUnsupported', version });
  if (box.length < 1 + 32 + XNONCE_BYTES + TAG_BYTES) return err({ type: 'InboxTruncated' });
  const ephemeralPublic = box.subarray(1, 33);
  const nonce = box.subarray(33, 33 + XNONCE_BYTES);
  const recipientPublic = x25519.getPublicKey(secretKey);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, ephemeralPublic);
  } catch {
    // A hostile sender can put a low-order point here; it opens nothing.
    return err({ type: 'DecryptFailed' });
  }
  const key = boxKey(shared, ephemeralPublic, recipientPublic);
  const opened = xchachaOpen(key, nonce, box.subarray(33 + XNONCE_BYTES), boxAad(ephemeralPublic, recipientPublic));
  key.fill(0);
  shared.fill(0);
  return opened.ok ? ok(opened.value) : opened;
}
