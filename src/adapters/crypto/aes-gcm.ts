/**
 * AES-256-GCM through WebCrypto, as the chunk cipher of file STREAMs (docs/format.md §6).
 * Measured on the development machine at about six times the throughput of pure-JS ciphers; the
 * benchmark `vault.stream-cipher` keeps that claim checked. The key is imported non-extractable,
 * so the CryptoKey object cannot hand its bytes back to any script.
 */
import { STREAM_NONCE_BYTES, STREAM_TAG_BYTES, type ChunkCipher } from '../../core/crypto/stream.ts';
import type { FileKey } from '../../core/crypto/keys.ts';

export async function createAesGcmChunkCipher(key: FileKey): Promise<ChunkCipher> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return {
    async seal(nonce, plaintext) {
      if (nonce.length !== STREAM_NONCE_BYTES) throw new RangeError('nonce must be 12 bytes');
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, tagLength: STREAM_TAG_BYTES * 8 },
        cryptoKey,
        plaintext as Uint8Array<ArrayBuffer>,
      );
      return new Uint8Array(sealed);
    },
    async open(nonce, ciphertext) {
      if (nonce.length !== STREAM_NONCE_BYTES) throw new RangeError('nonce must be 12 bytes');
      try {
        const opened = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, tagLength: STREAM_TAG_BYTES * 8 },
          cryptoKey,
          ciphertext as Uint8Array<ArrayBuffer>,
        );
        return new Uint8Array(opened);
      } catch (error) {
        // WebCrypto reports a failed tag (or a ciphertext shorter than one) as an OperationError:
        // the expected, typed failure. Anything else is a bug and stays loud.
        if (error instanceof DOMException && error.name === 'OperationError') return null;
        throw error;
      }
    },
  };
}
