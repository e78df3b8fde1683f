/**
 * STREAM chunked encryption for file contents (Hoang, Reyhanitabar, Rogaway, Vizár 2015, as age
 * uses it; docs/format.md §6). Each file has its own fresh random key, so a deterministic nonce is
 * safe: nonce = 11-byte big-endian chunk counter | last-chunk flag (0x00, or 0x01 on the final
 * chunk). A chunk moved to another position fails (wrong counter), a chunk from another file
 * fails (wrong key), and a stream cut after any chunk but the flagged one is detected as
 * truncated. The cipher is injected (AES-256-GCM through WebCrypto in the app, about six times
 * faster than pure JS on bulk data), so this module stays pure and is tested against both.
 */
import { err, ok, type Result } from '../result.ts';
import { TAG_BYTES } from './aead.ts';

export const STREAM_NONCE_BYTES = 12;
/** The chunk size new files are written with: large enough to keep IndexedDB rows few. */
export const STREAM_CHUNK_BYTES = 1024 * 1024;
/** Readers accept any chunk size in this range (the size is recorded, sealed, per file). */
export const STREAM_MIN_CHUNK_BYTES = 16 * 1024;
export const STREAM_MAX_CHUNK_BYTES = 16 * 1024 * 1024;
export const STREAM_TAG_BYTES = TAG_BYTES;

/** An AEAD with a 12-byte nonce and empty associated data, bound to one file's key. */
export interface ChunkCipher {
  /**
   * Must read `plaintext` before it returns (WebCrypto copies its input synchronously): callers
   * reuse the buffer for the next chunk as soon as the promise exists.
   */
  seal(nonce: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Resolves to null when authentication fails. */
  open(nonce: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null>;
}

export type StreamError =
  | { readonly type: 'ChunkTampered'; readonly index: number }
  | { readonly type: 'StreamTruncated' }
  | { readonly type: 'StreamTooLong' };

export function streamNonce(counter: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`chunk counter out of range: ${counter}`);
  const nonce = new Uint8Array(STREAM_NONCE_BYTES);
  let n = counter;
  for (let i = 10; i >= 0 && n > 0; i--) {
    nonce[i] = n % 256;
    n = Math.floor(n / 256);
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seals chunks in order; the one marked last closes the stream. */
export function createStreamSealer(cipher: ChunkCipher) {
  let counter = 0;
  let closed = false;
  return {
    async seal(plaintext: Uint8Array, last: boolean): Promise<Uint8Array> {
      if (closed) throw new Error('stream already closed by its last chunk');
      const nonce = streamNonce(counter, last);
      counter += 1;
      closed = last;
      return cipher.seal(nonce, plaintext);
    },
  };
}

/**
 * Opens chunks in order. The expected count comes from the sealed file record, so each chunk's
 * last flag is known in advance; a chunk that opens only with the other flag is tampering.
 */
export function createStreamOpener(cipher: ChunkCipher, chunkCount: number) {
  let counter = 0;
  return {
    async open(ciphertext: Uint8Array): Promise<Result<Uint8Array, StreamError>> {
      if (counter >= chunkCount) return err({ type: 'StreamTooLong' });
      const index = counter;
      const plaintext = await cipher.open(streamNonce(index, index === chunkCount - 1), ciphertext);
      if (plaintext === null) return err({ type: 'ChunkTampered', index });
      counter += 1;
      return ok(plaintext);
    },
    /** Call after the last chunk: a stream that ended early is an error, never a short file. */
    finish(): Result<void, StreamError> {
      return counter === chunkCount ? ok(undefined) : err({ type: 'StreamTruncated' });
    },
  };
}

/** Number of chunks a file of `size` bytes takes; an empty file is one empty, final chunk. */
export function chunkCountFor(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}
