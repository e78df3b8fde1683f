/**
 * Reads a Blob (a file on disk, usually) in fixed-size chunks into one reused buffer, through a
 * BYOB reader on `blob.stream()`. `blob.slice().arrayBuffer()` would allocate a fresh buffer per
 * chunk that only the garbage collector can free; a 100 MB import would then hold tens of
 * megabytes of dead chunks at any time. Browsers whose Blob streams are not byte streams fall back
 * to slices.
 */

export interface ChunkReader {
  /**
   * The next `length` bytes. The view is valid until the next call: its memory is reused, so the
   * caller must copy it or hand it to something that copies synchronously (WebCrypto does).
   * Resolves to null when the file cannot be read or ended early.
   */
  next(length: number): Promise<Uint8Array | null>;
  close(): void;
}

function byobReader(blob: Blob, capacity: number): ChunkReader | null {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = blob.stream().getReader({ mode: 'byob' });
  } catch {
    return null;
  }
  let buffer = new ArrayBuffer(capacity);
  return {
    async next(length) {
      let filled = 0;
      // A longer read than ever before (a backup frame) gets a bigger buffer, kept for the next.
      if (length > buffer.byteLength) buffer = new ArrayBuffer(length);
      try {
        while (filled < length) {
          const { done, value } = await reader.read(new Uint8Array(buffer, filled, length - filled));
          // A BYOB read hands the same memory back in a new ArrayBuffer object, even at the end.
          if (value !== undefined) buffer = value.buffer as ArrayBuffer;
          if (done) return null;
          filled += value.byteLength;
        }
      } catch {
        return null;
      }
      return new Uint8Array(buffer, 0, length);
    },
    close() {
      void reader.cancel().catch(() => {});
    },
  };
}

function sliceReader(blob: Blob): ChunkReader {
  let offset = 0;
  return {
    async next(length) {
      try {
        const bytes = new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
        offset += length;
        return bytes.length === length ? bytes : null;
      } catch {
        return null;
      }
    },
    close() {},
  };
}

/** A reader for any lengths: starts with a `chunkSize` buffer and grows it when asked for more. */
export function createChunkReader(blob: Blob, chunkSize: number): ChunkReader {
  return byobReader(blob, chunkSize) ?? sliceReader(blob);
}
