/**
 * Where an encrypted backup is written. A Blob built from parts works in every browser (which
 * keeps large blobs on disk, not in the page), and ends in a download; a file stream (the File
 * System Access API, or OPFS) writes straight to disk.
 */
import type { BackupSink } from '../core/ports.ts';

export function createBlobSink(type = 'application/octet-stream') {
  let parts: Blob[] = [];
  let result: Blob | null = null;
  const sink: BackupSink = {
    async write(bytes) {
      parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    },
    async close() {
      result = new Blob(parts, { type });
      parts = [];
    },
    async abort() {
      parts = [];
    },
  };
  return {
    sink,
    /** The finished backup, once `close` ran. */
    blob: () => result,
  };
}

export function createFileStreamSink(writable: FileSystemWritableFileStream): BackupSink {
  return {
    write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    abort: () => writable.abort(),
  };
}
