/**
 * Reading an Apple Health export chosen by the patient: the Health app's export.zip, or the
 * export.xml inside it. The file is streamed from disk (`blob.stream()`), a zip's export.xml
 * inflated on the fly by the browser's DecompressionStream, and every chunk handed to the core's
 * streaming reader (core/readings/importers/apple-health.ts), so a 500 MB export never sits in
 * memory. Progress is in bytes of the file read; an AbortSignal cancels between chunks. Nothing
 * is stored here: the result goes to the shared preview, and only the patient's confirmation
 * there writes to the vault.
 *
 * The parse runs on the page, not in a worker: it reads a chunk at a time between awaits, so the
 * screen stays responsive, and a worker would add a copy of every chunk (measured in
 * `npm run bench`, readings.apple-health-500mb).
 */
import { createAppleHealthParser, type AppleHealthError, type AppleHealthParsed } from '../core/readings/importers/apple-health.ts';
import {
  dataOffset,
  findExportEntry,
  listEntries,
  locateDirectory,
  LOCAL_HEADER_BYTES,
  looksLikeZip,
  MAX_DIRECTORY_BYTES,
  readZip64End,
  ZIP64_EOCD_BYTES,
  ZIP_TAIL_BYTES,
  type ZipError,
} from '../core/readings/importers/apple-health-zip.ts';
import { err, ok, type Result } from '../core/result.ts';

export interface AppleHealthProgress {
  /** Bytes of the file read so far (of the compressed export.xml, for a zip). */
  readonly read: number;
  readonly total: number;
}

export type AppleHealthImportError =
  | AppleHealthError
  | ZipError
  /** The patient cancelled: nothing was kept. */
  | { readonly type: 'AppleHealthCancelled' }
  /** The browser could not read the file (moved, deleted, permission lost). */
  | { readonly type: 'AppleHealthFileUnreadable' };

export interface AppleHealthReadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AppleHealthProgress) => void;
}

/** Progress is reported at most once per this many bytes (and at the end). */
const PROGRESS_STEP = 1024 * 1024;

async function bytesAt(file: Blob, start: number, end: number): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch {
    return null;
  }
}

interface Source {
  /** The file's bytes to read: all of an export.xml, or the span of a zip's export.xml. */
  readonly raw: ReadableStream<Uint8Array>;
  readonly total: number;
  /** The span is DEFLATE data. */
  readonly deflated: boolean;
}

/** The export.xml of a zip, as a stream of its inflated bytes, found through the directory. */
async function zipSource(file: Blob): Promise<Result<Source, AppleHealthImportError>> {
  const unreadable = err({ type: 'AppleHealthFileUnreadable' as const });
  const tail = await bytesAt(file, Math.max(0, file.size - ZIP_TAIL_BYTES), file.size);
  if (tail === null) return unreadable;
  let location = locateDirectory(tail, file.size);
  if (location.ok && location.value.kind === 'zip64') {
    const record = await bytesAt(file, location.value.recordOffset, location.value.recordOffset + ZIP64_EOCD_BYTES);
    if (record === null) return unreadable;
    location = readZip64End(record);
  }
  if (!location.ok) return location;
  if (location.value.kind !== 'directory') return err({ type: 'ZipUnreadable', detail: 'no directory' });
  const { offset, size } = location.value;
  if (size > MAX_DIRECTORY_BYTES || offset + size > file.size) return err({ type: 'ZipUnreadable', detail: 'a directory larger than the file allows' });
  const directory = await bytesAt(file, offset, offset + size);
  if (directory === null) return unreadable;
  const entries = listEntries(directory);
  if (!entries.ok) return entries;
  const entry = findExportEntry(entries.value);
  if (!entry.ok) return entry;
  const header = await bytesAt(file, entry.value.localHeaderOffset, entry.value.localHeaderOffset + LOCAL_HEADER_BYTES);
  if (header === null) return unreadable;
  const start = dataOffset(entry.value, header);
  if (!start.ok) return start;
  const end = start.value + entry.value.compressedSize;
  if (end > file.size) return err({ type: 'ZipUnreadable', detail: 'export.xml runs past the end of the archive' });
  return ok({ raw: file.slice(start.value, end).stream() as ReadableStream<Uint8Array>, total: entry.value.compressedSize, deflated: entry.value.method === 8 });
}

/** Bytes asked of the file at a time. */
const CHUNK_BYTES = 1024 * 1024;

interface ChunkReader {
  /** The next bytes, valid until the next call (the parser copies what it keeps); null at the end. */
  read(): Promise<Uint8Array | null>;
  cancel(): void;
}

/**
 * Reads a stream into one reused buffer where it is a byte stream (a Blob's is, in Chromium),
 * else chunk by chunk. A fresh buffer per chunk is garbage only a collection frees: measured in
 * Chromium, a 96 MB export then peaked at half its size in dead chunks (tests/browser/apple-health).
 */
function chunkReader(stream: ReadableStream<Uint8Array>): ChunkReader {
  try {
    const reader = stream.getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(CHUNK_BYTES);
    return {
      async read() {
        const { done, value } = await reader.read(new Uint8Array(buffer, 0, CHUNK_BYTES));
        // The same memory comes back in a new ArrayBuffer object, even at the end.
        if (value !== undefined) buffer = value.buffer as ArrayBuffer;
        return done ? null : value;
      },
      cancel: () => void reader.cancel().catch(() => {}),
    };
  } catch {
    const reader = stream.getReader();
    return {
      async read() {
        const { done, value } = await reader.read();
        return done ? null : value;
      },
      cancel: () => void reader.cancel().catch(() => {}),
    };
  }
}

/**
 * Reads `file` (export.zip or export.xml) to the readings it holds. Resolves once the file is
 * read, cancelled, or known not to be an export (the reading stops there).
 */
export async function readAppleHealthExport(file: Blob, options: AppleHealthReadOptions = {}): Promise<Result<AppleHealthParsed, AppleHealthImportError>> {
  const cancelled = err({ type: 'AppleHealthCancelled' as const });
  // A function, not a narrowed property: the signal changes under the awaits.
  const isAborted = () => options.signal?.aborted === true;
  if (isAborted()) return cancelled;
  if (file.size === 0) return err({ type: 'EmptyFile' });
  const head = await bytesAt(file, 0, 4);
  if (head === null) return err({ type: 'AppleHealthFileUnreadable' });
  const source: Result<Source, AppleHealthImportError> = looksLikeZip(head) ? await zipSource(file) : ok({ raw: file.stream() as ReadableStream<Uint8Array>, total: file.size, deflated: false });
  if (!source.ok) return source;

  const { raw, deflated, total } = source.value;
  // Progress counts the file's own bytes, before inflating: what the bar's total is.
  let read = 0;
  let reported = 0;
  const report = () => {
    reported = read;
    options.onProgress?.({ read, total });
  };
  // A plain file is counted as it is read; a zip's span before it is inflated.
  const bytes = deflated
    ? raw
        .pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.length;
              controller.enqueue(chunk);
            },
          }),
        )
        .pipeThrough<Uint8Array>(new DecompressionStream('deflate-raw') as ReadableWritablePair<Uint8Array, Uint8Array>)
    : raw;
  const parser = createAppleHealthParser();
  const reader = chunkReader(bytes);
  const stopReading = () => reader.cancel();
  options.signal?.addEventListener('abort', stopReading, { once: true });
  report();
  try {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await reader.read();
      } catch {
        // A damaged deflate stream or a file gone from disk: what was read is judged as it is
        // (the reader reports the file as ending early, so keeping anything needs a yes).
        if (isAborted()) return cancelled;
        if (read === 0) return err({ type: 'AppleHealthFileUnreadable' });
        break;
      }
      if (isAborted()) return cancelled;
      if (chunk === null) break;
      if (!deflated) read += chunk.length;
      parser.feed(chunk);
      if (parser.failure !== null || parser.finished) {
        stopReading();
        break;
      }
      if (read - reported >= PROGRESS_STEP) report();
    }
  } finally {
    options.signal?.removeEventListener('abort', stopReading);
  }
  if (parser.failure === null) {
    read = total;
    report();
  }
  return parser.end();
}
