/**
 * The record envelope (docs/format.md §5): version (1) | nonce (24) | ciphertext + tag.
 * XChaCha20-Poly1305 under the record subkey, with associated data that binds the format version,
 * the vault id, the record kind and the record id: a ciphertext copied onto another record, into
 * another kind or into another vault fails to open instead of passing for something else.
 * The version byte is never trusted on its own: it is also inside the associated data.
 */
import { concatBytes, lengthPrefixed, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { TAG_BYTES, XNONCE_BYTES, xchachaOpen, xchachaSeal } from './aead.ts';
import type { SubKey, VaultId } from './keys.ts';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_OVERHEAD = 1 + XNONCE_BYTES + TAG_BYTES;

export type EnvelopeError =
  | { readonly type: 'EnvelopeVersionUnsupported'; readonly version: number }
  | { readonly type: 'EnvelopeTruncated' }
  | { readonly type: 'DecryptFailed' };

/**
 * What an envelope is bound to. `domain` separates records, change-log entries and the sealed
 * search index, each under its own subkey.
 */
export interface EnvelopeBinding {
  readonly domain: 'record' | 'change' | 'search-index';
  readonly vaultId: VaultId;
  readonly kind: string;
  readonly id: string;
}

export function envelopeAad(version: number, binding: EnvelopeBinding): Uint8Array {
  return lengthPrefixed(
    utf8(`carnet/v1/${binding.domain}`),
    new Uint8Array([version]),
    binding.vaultId,
    utf8(binding.kind),
    utf8(binding.id),
  );
}

type EnvelopeKey = SubKey<'record'> | SubKey<'change'> | SubKey<'search-index'>;

export function sealEnvelope(
  key: EnvelopeKey,
  nonce: Uint8Array,
  binding: EnvelopeBinding,
  plaintext: Uint8Array,
): Uint8Array {
  const aad = envelopeAad(ENVELOPE_VERSION, binding);
  return concatBytes(new Uint8Array([ENVELOPE_VERSION]), nonce, xchachaSeal(key, nonce, plaintext, aad));
}

export function openEnvelope(
  key: EnvelopeKey,
  binding: EnvelopeBinding,
  envelope: Uint8Array,
): Result<Uint8Array, EnvelopeError> {
  if (envelope.length < 1) return err({ type: 'EnvelopeTruncated' });
  const version = envelope[0] as number;
  if (version !== ENVELOPE_VERSION) return err({ type: 'EnvelopeVersionUnsupported', version });
  if (envelope.length < ENVELOPE_OVERHEAD) return err({ type: 'EnvelopeTruncated' });
  const nonce = envelope.subarray(1, 1 + XNONCE_BYTES);
  const opened = xchachaOpen(key, nonce, envelope.subarray(1 + XNONCE_BYTES), envelopeAad(version, binding));
  return opened.ok ? ok(opened.value) : opened;
}
