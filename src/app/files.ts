/**
 * The encrypted file store (DESIGN.md §4): a file is read from its Blob one chunk at a time,
 * sealed with STREAM under a fresh key, and written as chunk rows under an import id; the
 * document that owns it lands in one final transaction with its change-log entry. A file is never
 * whole in memory, on the way in or on the way out.
 *
 * What must stay true: a tab closed, a cancel pressed or a disk filled mid-import leaves the
 * vault as if the import had never started. The import's writer holds a Web Lock named after its
 * owner id; chunks whose owner's lock is free belong to nobody and are swept.
 */
import { toBase64Url, toHex } from '../core/bytes.ts';
import { KEY_BYTES } from '../core/crypto/aead.ts';
import { createContentMac } from '../core/crypto/content-mac.ts';
import { asFileKey } from '../core/crypto/keys.ts';
import { chunkCountFor, createStreamOpener, createStreamSealer, STREAM_CHUNK_BYTES, type StreamError } from '../core/crypto/stream.ts';
import type { StoreError } from '../core/ports.ts';
import {
  chunkPlainLength,
  documentCodec,
  FILE_CIPHER_V1,
  type DocumentData,
  type FileFormat,
  type FileId,
  type FileRef,
  type FileRole,
} from '../core/records/document.ts';
import type { RecordId } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createChunkReader } from './chunk-reader.ts';
import { release } from './memory.ts';
import { createRepository, type RecordError } from './records.ts';
import type { VaultSession } from './session.ts';

/**
 * Chunks are read, sealed and written a few at a time: WebCrypto seals a group in parallel, one
 * transaction writes it, and memory stays bounded to about three groups.
 */
const CHUNKS_PER_WRITE = 4;

export interface FileInput {
  readonly blob: Blob;
  readonly name: string;
  /** MIME type; defaults to the Blob's. */
  readonly type?: string;
  /** Defaults to `original`. */
  readonly role?: FileRole;
  /** What the bytes are; defaults to `other`. */
  readonly format?: FileFormat;
}

export interface TransferProgress {
  readonly done: number;
  readonly total: number;
}

export interface TransferOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TransferProgress) => void;
}

export type ImportError =
  | { readonly type: 'ImportCancelled' }
  | { readonly type: 'FileUnreadable'; readonly name: string | null }
  | StoreError
  | RecordError;

export type FileReadError = StreamError | { readonly type: 'ChunkMissing'; readonly index: number } | { readonly type: 'ChunkSizeWrong'; readonly index: number };

/** Carries a typed read error through a ReadableStream, whose errors must be thrown. */
export class FileReadFailure extends Error {
  constructor(readonly error: FileReadError) {
    super(`file read failed: ${error.type}`);
  }
}

/** Ends an import from inside its `compose` step: what it wrote so far is swept. */
export class ImportAbort<E extends { readonly type: string } = ImportError> extends Error {
  constructor(readonly error: E) {
    super(error.type);
  }
}

function importLockName(session: VaultSession, owner: string): string {
  return `carnet:${session.profile.database}:import:${owner}`;
}


async function importFileChunks(
  session: VaultSession,
  input: FileInput,
  owner: string,
  report: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<FileRef> {
  const digest = session.deps.digest;
  const store = session.store();
  const size = input.blob.size;
  const chunkSize = STREAM_CHUNK_BYTES;
  const chunkCount = chunkCountFor(size, chunkSize);
  const id = session.newId() as string as FileId;
  const key = asFileKey(session.deps.random.bytes(KEY_BYTES));
  const sealer = createStreamSealer(await session.deps.chunkCipher(key));
  const contentMac = createContentMac(session.keys().nameMac, chunkSize);

  const begun = await store.beginImport(id, owner);
  if (!begun.ok) throw new ImportAbort(begun.error);

  // One write in flight while the next group is read and sealed. Its outcome is kept in a
  // variable, not a rejected promise, so a failure is never an unhandled rejection.
  let writing: Promise<void> = Promise.resolve();
  let inFlight: Uint8Array[] = [];
  let failure: { error: ImportError } | { crash: unknown } | null = null;
  const settle = async () => {
    await writing;
    for (const buffer of inFlight) release(buffer);
    inFlight = [];
    if (failure === null) return;
    if ('error' in failure) throw new ImportAbort(failure.error);
    throw failure.crash;
  };

  const reader = createChunkReader(input.blob, chunkSize);
  try {
    for (let first = 0; first < chunkCount; first += CHUNKS_PER_WRITE) {
      const last = Math.min(chunkCount, first + CHUNKS_PER_WRITE);
      const sealing: Promise<Uint8Array>[] = [];
      const hashing: Promise<Uint8Array>[] = [];
      let bytes = 0;
      for (let index = first; index < last; index++) {
        const length = chunkPlainLength({ size, chunkSize, chunkCount }, index);
        const plaintext = await reader.next(length);
        if (plaintext === null) throw new ImportAbort({ type: 'FileUnreadable', name: input.name });
        // The cipher copies the plaintext before returning (ChunkCipher's contract), so the
        // reader's buffer is free for the next chunk while this one is sealed in parallel.
        // The digest, like the cipher, copies its input when called.
        hashing.push(digest(plaintext));
        sealing.push(sealer.seal(plaintext, index === chunkCount - 1));
        bytes += length;
      }
      const sealed = await Promise.all(sealing);
      for (const chunkDigest of await Promise.all(hashing)) contentMac.update(chunkDigest);
      if (signal?.aborted === true) throw new ImportAbort({ type: 'ImportCancelled' });
      await settle();
      inFlight = sealed;
      writing = store.putChunks(id, first, sealed).then(
        (written) => {
          if (!written.ok) failure = { error: written.error };
        },
        (crash: unknown) => {
          failure = { crash };
        },
      );
      report(bytes);
    }
    await settle();
  } finally {
    reader.close();
    // On the way out by an error, the write in flight must still finish before chunks are swept.
    await writing;
  }
  return {
    id,
    name: input.name,
    type: input.type ?? input.blob.type,
    size,
    key,
    chunkSize,
    chunkCount,
    cipher: FILE_CIPHER_V1,
    role: input.role ?? 'original',
    format: input.format ?? 'other',
    mac: toBase64Url(contentMac.finish()),
  };
}

export interface StoreDocumentInput {
  readonly title: string;
  readonly note: string;
  readonly files: readonly FileInput[];
}

/** What `compose` gets: a way to stream files into the import, and the import's progress. */
export interface ImportContext {
  /** Streams one file in; it lands with the record, or is swept with the rest. */
  addFile(input: FileInput, options?: { readonly counted?: boolean }): Promise<FileRef>;
  /** Every file added so far, in order. */
  readonly added: readonly FileRef[];
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs one import: `compose` streams files in and returns the document to write, which lands in
 * one transaction with every file it names. Whatever goes wrong (an error returned, thrown or
 * `ImportAbort`ed, a cancel, a full disk, a closed tab), nothing of it remains.
 * `total` is the byte count the progress bar runs to (the files counted towards it).
 */
export async function importDocument<E extends { readonly type: string } = never>(
  session: VaultSession,
  total: number,
  compose: (context: ImportContext) => Promise<DocumentData>,
  options: TransferOptions = {},
): Promise<Result<RecordId, ImportError | E>> {
  const owner = toHex(session.deps.random.bytes(16));
  let done = 0;
  const started: string[] = [];
  const added: FileRef[] = [];
  const report = (bytes: number) => {
    done += bytes;
    options.onProgress?.({ done, total });
  };
  return session.deps.locks.withLock(importLockName(session, owner), async () => {
    try {
      const context: ImportContext = {
        signal: options.signal,
        added,
        async addFile(input, fileOptions = {}) {
          const ref = await importFileChunks(session, input, owner, fileOptions.counted === false ? () => {} : report, options.signal);
          started.push(ref.id);
          added.push(ref);
          return ref;
        },
      };
      const data = await compose(context);
      if (options.signal?.aborted === true) throw new ImportAbort({ type: 'ImportCancelled' });
      const written = await createRepository(session, documentCodec).put(data, undefined, { landedImports: started });
      if (!written.ok) throw new ImportAbort(written.error);
      return written;
    } catch (error) {
      // Imports not yet registered in `started` (the one that failed) are found through their owner.
      if (!session.isLocked()) {
        const store = session.store();
        for (const open of await store.listOpenImports()) if (open.owner === owner) await store.abandonImport(open.id);
      }
      if (error instanceof ImportAbort) return err(error.error as ImportError | E);
      // A cancel while a file is being read (pdf.js, an image decoder) rejects with the abort
      // reason: it is still the patient's cancel, not a bug.
      if (options.signal?.aborted === true) return err({ type: 'ImportCancelled' });
      throw error;
    }
  });
}

/** Stores files as one plain document (no reading of their contents): tests and benchmarks. */
export function storeDocument(
  session: VaultSession,
  input: StoreDocumentInput,
  options: TransferOptions = {},
): Promise<Result<RecordId, ImportError>> {
  const total = input.files.reduce((sum, file) => sum + file.blob.size, 0);
  return importDocument(
    session,
    total,
    async (context) => {
      const files: FileRef[] = [];
      for (const file of input.files) files.push(await context.addFile(file));
      return { ...emptyDocument(session.deps.clock.now()), title: input.title, note: input.note, files };
    },
    options,
  );
}

export function emptyDocument(addedAt: number): DocumentData {
  return {
    title: '',
    note: '',
    addedAt,
    careDate: null,
    category: 'other',
    typeCode: null,
    source: null,
    tags: [],
    hidden: false,
    trashedAt: null,
    files: [],
  };
}

/** Removes chunks of imports whose writer is gone (a closed tab, a crash). Run at unlock. */
export async function sweepAbandonedImports(session: VaultSession): Promise<number> {
  const store = session.store();
  const owners = new Set((await store.listOpenImports()).map((open) => open.owner));
  let swept = 0;
  for (const owner of owners) {
    await session.deps.locks.tryLock(importLockName(session, owner), async () => {
      for (const open of await store.listOpenImports()) {
        if (open.owner !== owner) continue;
        await store.abandonImport(open.id);
        swept += 1;
      }
    });
  }
  return swept;
}

/** The plaintext of a stored file as a stream, decrypted one chunk at a time as it is read. */
export function readFileStream(session: VaultSession, file: FileRef, options: TransferOptions = {}): ReadableStream<Uint8Array> {
  let index = 0;
  let done = 0;
  let opener: ReturnType<typeof createStreamOpener> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (options.signal?.aborted === true) throw new DOMException('cancelled', 'AbortError');
        opener ??= createStreamOpener(await session.deps.chunkCipher(file.key), file.chunkCount);
        const sealed = await session.store().readChunk(file.id, index);
        if (sealed === undefined) throw new FileReadFailure({ type: 'ChunkMissing', index });
        const opened = await opener.open(sealed);
        if (!opened.ok) throw new FileReadFailure(opened.error);
        const last = index === file.chunkCount - 1;
        if (opened.value.length !== chunkPlainLength(file, index)) throw new FileReadFailure({ type: 'ChunkSizeWrong', index });
        index += 1;
        done += opened.value.length;
        options.onProgress?.({ done, total: file.size });
        if (opened.value.length > 0) controller.enqueue(opened.value);
        if (last) {
          const finished = opener.finish();
          if (!finished.ok) throw new FileReadFailure(finished.error);
          controller.close();
        }
      },
    },
    { highWaterMark: 1 },
  );
}

/** Reads a whole stored file into a Blob (which the browser may keep on disk), verifying every chunk. */
export async function readFileBlob(
  session: VaultSession,
  file: FileRef,
  options: TransferOptions = {},
): Promise<Result<Blob, FileReadError | { readonly type: 'ImportCancelled' }>> {
  const parts: Blob[] = [];
  const reader = readFileStream(session, file, options).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(new Blob([value as Uint8Array<ArrayBuffer>]));
    }
  } catch (error) {
    if (error instanceof FileReadFailure) return err(error.error);
    if (error instanceof DOMException && error.name === 'AbortError') return err({ type: 'ImportCancelled' });
    throw error;
  }
  return ok(new Blob(parts, { type: file.type }));
}
