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
import { toHex } from '../core/bytes.ts';
import { KEY_BYTES } from '../core/crypto/aead.ts';
import { asFileKey } from '../core/crypto/keys.ts';
import { chunkCountFor, createStreamOpener, createStreamSealer, STREAM_CHUNK_BYTES, type StreamError } from '../core/crypto/stream.ts';
import type { StoreError } from '../core/ports.ts';
import { chunkPlainLength, documentCodec, FILE_CIPHER_V1, type DocumentData, type FileId, type FileRef } from '../core/records/document.ts';
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
  | { readonly type: 'FileUnreadable'; readonly name: string }
  | StoreError
  | RecordError;

export type FileReadError = StreamError | { readonly type: 'ChunkMissing'; readonly index: number } | { readonly type: 'ChunkSizeWrong'; readonly index: number };

/** Carries a typed read error through a ReadableStream, whose errors must be thrown. */
export class FileReadFailure extends Error {
  constructor(readonly error: FileReadError) {
    super(`file read failed: ${error.type}`);
  }
}

class ImportAbort extends Error {
  constructor(readonly error: ImportError) {
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
  const store = session.store();
  const size = input.blob.size;
  const chunkSize = STREAM_CHUNK_BYTES;
  const chunkCount = chunkCountFor(size, chunkSize);
  const id = session.newId() as string as FileId;
  const key = asFileKey(session.deps.random.bytes(KEY_BYTES));
  const sealer = createStreamSealer(await session.deps.chunkCipher(key));

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
      let bytes = 0;
      for (let index = first; index < last; index++) {
        const length = chunkPlainLength({ size, chunkSize, chunkCount }, index);
        const plaintext = await reader.next(length);
        if (plaintext === null) throw new ImportAbort({ type: 'FileUnreadable', name: input.name });
        // The cipher copies the plaintext before returning (ChunkCipher's contract), so the
        // reader's buffer is free for the next chunk while this one is sealed in parallel.
        sealing.push(sealer.seal(plaintext, index === chunkCount - 1));
        bytes += length;
      }
      const sealed = await Promise.all(sealing);
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
  return { id, name: input.name, type: input.type ?? input.blob.type, size, key, chunkSize, chunkCount, cipher: FILE_CIPHER_V1 };
}

export interface StoreDocumentInput {
  readonly title: string;
  readonly note: string;
  readonly files: readonly FileInput[];
}

/**
 * Stores a document and its files. Either everything lands (record, change-log entry, every
 * chunk) or nothing stays behind.
 */
export async function storeDocument(
  session: VaultSession,
  input: StoreDocumentInput,
  options: TransferOptions = {},
): Promise<Result<RecordId, ImportError>> {
  const owner = toHex(session.deps.random.bytes(16));
  const total = input.files.reduce((sum, file) => sum + file.blob.size, 0);
  let done = 0;
  const report = (bytes: number) => {
    done += bytes;
    options.onProgress?.({ done, total });
  };
  const started: string[] = [];
  return session.deps.locks.withLock(importLockName(session, owner), async () => {
    try {
      const files: FileRef[] = [];
      for (const file of input.files) {
        const ref = await importFileChunks(session, file, owner, report, options.signal);
        started.push(ref.id);
        files.push(ref);
      }
      if (options.signal?.aborted === true) throw new ImportAbort({ type: 'ImportCancelled' });
      const data: DocumentData = { title: input.title, note: input.note, addedAt: session.deps.clock.now(), files };
      const written = await createRepository(session, documentCodec).put(data, undefined, { landedImports: started });
      if (!written.ok) throw new ImportAbort(written.error);
      return written;
    } catch (error) {
      // Whatever went wrong, nothing of this import may remain. Imports not yet registered in
      // `started` (the one that failed) are found through their owner.
      if (!session.isLocked()) {
        const store = session.store();
        for (const open of await store.listOpenImports()) if (open.owner === owner) await store.abandonImport(open.id);
      }
      if (error instanceof ImportAbort) return err(error.error);
      throw error;
    }
  });
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
