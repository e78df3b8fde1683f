/**
 * The encrypted file store with the real adapters: streaming in and out, progress, cancellation,
 * orphan sweeping, and every tamper case on stored chunks (docs/format.md §6).
 */
import { describe, expect, it } from 'vitest';
import { readFileBlob, readFileStream, storeDocument, sweepAbandonedImports, FileReadFailure } from '../../src/app/files.ts';
import { createRepository } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { err } from '../../src/core/result.ts';
import type { VaultStore } from '../../src/core/ports.ts';
import { documentCodec, type FileRef } from '../../src/core/records/document.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { content, dumpDatabase, newVault, PASSPHRASE, tamper, testDeps } from './support.ts';


async function bytesOfBlob(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Byte equality without a deep-equality diff engine walking megabytes. */
function same(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function storeOne(session: VaultSession, bytes: Uint8Array, name = 'scan.pdf'): Promise<FileRef> {
  const stored = await storeDocument(session, { title: 'Doc', note: '', files: [{ blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), name }] });
  if (!stored.ok) throw new Error(stored.error.type);
  const read = await createRepository(session, documentCodec).get(stored.value);
  if (!read.ok || read.value === null) throw new Error('document not found');
  return read.value.data.files[0] as FileRef;
}

async function counts(session: VaultSession) {
  const rows = await dumpDatabase(session.profile.database);
  const documents = (rows['records'] as { kind: string }[] | undefined)?.filter((row) => row.kind === 'document').length ?? 0;
  return { chunks: rows['chunks']?.length ?? 0, imports: rows['imports']?.length ?? 0, records: documents };
}

describe('storing files', () => {
  it('round-trips files of every awkward size', async () => {
    const session = await newVault();
    for (const size of [0, 1, STREAM_CHUNK_BYTES - 1, STREAM_CHUNK_BYTES, STREAM_CHUNK_BYTES + 1, 3 * STREAM_CHUNK_BYTES + 12345]) {
      const bytes = content(size, size);
      const ref = await storeOne(session, bytes);
      expect(ref.size).toBe(size);
      expect(ref.chunkCount).toBe(Math.max(1, Math.ceil(size / STREAM_CHUNK_BYTES)));
      const blob = await readFileBlob(session, ref);
      if (!blob.ok) throw new Error(blob.error.type);
      expect(blob.value.type).toBe('application/pdf');
      expect(same(await bytesOfBlob(blob.value), bytes)).toBe(true);
    }
    session.lock();
  });

  it('stores several files of one document in one landing, with overall progress', async () => {
    const session = await newVault();
    const files = [content(2_500_000, 1), content(10, 2), content(1_200_000, 3)];
    const seen: number[] = [];
    const stored = await storeDocument(
      session,
      { title: 'Compte rendu', note: 'IRM', files: files.map((bytes, i) => ({ blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), name: `f${i}.bin`, type: 'application/octet-stream' })) },
      { onProgress: (p) => seen.push(p.done / p.total) },
    );
    if (!stored.ok) throw new Error(stored.error.type);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const document = await createRepository(session, documentCodec).get(stored.value);
    const refs = document.ok && document.value !== null ? document.value.data.files : [];
    expect(refs.map((r) => r.name)).toEqual(['f0.bin', 'f1.bin', 'f2.bin']);
    for (const [i, ref] of refs.entries()) {
      const blob = await readFileBlob(session, ref);
      expect(blob.ok && same(await bytesOfBlob(blob.value), files[i])).toBe(true);
    }
    expect(await counts(session)).toMatchObject({ imports: 0, records: 1 });
    session.lock();
  });

  it('reads the file into one reused chunk buffer, never the whole file at once', async () => {
    const session = await newVault();
    const bytes = content(5 * STREAM_CHUNK_BYTES + 99);
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const requested: number[] = [];
    const original = blob.stream.bind(blob);
    blob.stream = () => {
      const stream = original();
      const getReader = stream.getReader.bind(stream) as (options: { mode: 'byob' }) => ReadableStreamBYOBReader;
      stream.getReader = ((options: { mode: 'byob' }) => {
        const reader = getReader(options);
        const read = reader.read.bind(reader);
        reader.read = ((view: Uint8Array<ArrayBuffer>) => {
          requested.push(view.buffer.byteLength);
          return read(view);
        }) as typeof reader.read;
        return reader;
      }) as typeof stream.getReader;
      return stream;
    };
    blob.arrayBuffer = async () => {
      throw new Error('the whole file must never be read at once');
    };
    const stored = await storeDocument(session, { title: 'Big', note: '', files: [{ blob, name: 'big.bin' }] });
    expect(stored.ok).toBe(true);
    expect(requested.length).toBeGreaterThanOrEqual(6);
    expect(new Set(requested)).toEqual(new Set([STREAM_CHUNK_BYTES]));
    const ref = (await createRepository(session, documentCodec).get(stored.ok ? stored.value : ('' as never)));
    const file = ref.ok && ref.value !== null ? ref.value.data.files[0] : undefined;
    const back = file === undefined ? null : await readFileBlob(session, file);
    expect(back?.ok === true && same(await bytesOfBlob(back.value), bytes)).toBe(true);
    session.lock();
  });

  it('falls back to slices where Blob streams are not byte streams, with the same result', async () => {
    const session = await newVault();
    const bytes = content(2 * STREAM_CHUNK_BYTES + 7, 3);
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    blob.stream = () => new ReadableStream<Uint8Array<ArrayBuffer>>({ start: (controller) => controller.close() });
    let slices = 0;
    const slice = blob.slice.bind(blob);
    blob.slice = (start?: number, end?: number, type?: string) => {
      slices += 1;
      return slice(start, end, type);
    };
    const stored = await storeDocument(session, { title: 'Fallback', note: '', files: [{ blob, name: 'fallback.bin' }] });
    if (!stored.ok) throw new Error(stored.error.type);
    const document = await createRepository(session, documentCodec).get(stored.value);
    const file = document.ok && document.value !== null ? document.value.data.files[0] : undefined;
    const back = file === undefined ? null : await readFileBlob(session, file);
    expect(back?.ok === true && same(await bytesOfBlob(back.value), bytes)).toBe(true);
    expect(slices).toBe(3);
    session.lock();
  });

  it('streams decryption: the reader gets chunks, not a whole file', async () => {
    const session = await newVault();
    const bytes = content(3 * STREAM_CHUNK_BYTES + 5);
    const ref = await storeOne(session, bytes);
    const reader = readFileStream(session, ref).getReader();
    const sizes: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.length);
    }
    expect(sizes).toEqual([STREAM_CHUNK_BYTES, STREAM_CHUNK_BYTES, STREAM_CHUNK_BYTES, 5]);
    session.lock();
  });
});

describe('deleting', () => {
  async function chunkFiles(session: VaultSession): Promise<Set<string>> {
    return new Set((await session.store().snapshot()).chunkKeys.map(([file]) => file));
  }

  it('a file a rewrite leaves out goes with that write; a deleted document takes its files with it', async () => {
    const session = await newVault();
    const documents = createRepository(session, documentCodec);
    const kept = content(2 * STREAM_CHUNK_BYTES + 5, 1);
    const stored = await storeDocument(session, {
      title: 'Bilan',
      note: '',
      files: [kept, content(STREAM_CHUNK_BYTES + 7, 2)].map((bytes, i) => ({ blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), name: `f${i}.bin` })),
    });
    if (!stored.ok) throw new Error(stored.error.type);
    const other = await storeOne(session, content(10, 3));
    const read = await documents.get(stored.value);
    if (!read.ok || read.value === null) throw new Error('document not found');
    const [first, second] = read.value.data.files as [FileRef, FileRef];
    expect(await chunkFiles(session)).toEqual(new Set([first.id, second.id, other.id]));

    const rewritten = await documents.put({ ...read.value.data, files: [first] }, stored.value);
    expect(rewritten.ok).toBe(true);
    expect(await chunkFiles(session)).toEqual(new Set([first.id, other.id]));
    const still = await readFileBlob(session, first);
    if (!still.ok) throw new Error(still.error.type);
    expect(same(await bytesOfBlob(still.value), kept)).toBe(true);

    expect((await documents.remove(stored.value)).ok).toBe(true);
    expect(await chunkFiles(session)).toEqual(new Set([other.id]));
    expect(await readFileBlob(session, first)).toMatchObject({ ok: false, error: { type: 'ChunkMissing', index: 0 } });
    session.lock();
  });

  it('a deletion that cannot be written keeps the files', async () => {
    const session = await newVault();
    const ref = await storeOne(session, content(STREAM_CHUNK_BYTES + 1, 4));
    const [document] = (await createRepository(session, documentCodec).list()).records;
    if (document === undefined) throw new Error('no document');
    const store = session.store();
    store.writeRecord = async () => err({ type: 'QuotaExceeded' });
    expect(await createRepository(session, documentCodec).remove(document.id)).toMatchObject({ ok: false, error: { type: 'QuotaExceeded' } });
    expect(await chunkFiles(session)).toEqual(new Set([ref.id]));
    session.lock();
  });
});

describe('an import that does not finish leaves nothing behind', () => {
  it('cancelled midway: no chunk, no import, no record', async () => {
    const session = await newVault();
    const controller = new AbortController();
    const stored = await storeDocument(
      session,
      { title: 'Cancelled', note: '', files: [{ blob: new Blob([content(6 * STREAM_CHUNK_BYTES) as Uint8Array<ArrayBuffer>]), name: 'x.bin' }] },
      { signal: controller.signal, onProgress: (p) => { if (p.done >= 2 * STREAM_CHUNK_BYTES) controller.abort(); } },
    );
    expect(stored).toEqual({ ok: false, error: { type: 'ImportCancelled' } });
    expect(await counts(session)).toEqual({ chunks: 0, imports: 0, records: 0 });
    session.lock();
  });

  it('a full disk midway: a typed error, and nothing half-written', async () => {
    const session = await newVault();
    const real = session.store();
    let writes = 0;
    const full: VaultStore = {
      ...real,
      async putChunks(fileId, first, chunks) {
        writes += 1;
        if (writes === 2) return err({ type: 'QuotaExceeded' });
        return real.putChunks(fileId, first, chunks);
      },
    };
    const onFullDisk = { ...session, store: () => full };
    const stored = await storeDocument(onFullDisk, { title: 'Too big', note: '', files: [{ blob: new Blob([content(10 * STREAM_CHUNK_BYTES) as Uint8Array<ArrayBuffer>]), name: 'x.bin' }] });
    expect(stored).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
    expect(await counts(session)).toEqual({ chunks: 0, imports: 0, records: 0 });
    session.lock();
  });

  it('a file that cannot be read: a typed error naming it, nothing kept', async () => {
    const session = await newVault();
    const blob = new Blob([content(3 * STREAM_CHUNK_BYTES) as Uint8Array<ArrayBuffer>]);
    // What a file moved or deleted on disk mid-import does: its stream fails after some bytes.
    let served = 0;
    blob.stream = () =>
      new ReadableStream({
        type: 'bytes',
        pull(controller) {
          const request = controller.byobRequest;
          if (request === null || request.view === null) return;
          if (served >= STREAM_CHUNK_BYTES + 1000) {
            controller.error(new DOMException('gone', 'NotReadableError'));
            return;
          }
          const length = Math.min(request.view.byteLength, 64 * 1024);
          served += length;
          request.respond(length);
        },
      });
    const stored = await storeDocument(session, { title: 'Vanished', note: '', files: [{ blob, name: 'moved.pdf' }] });
    expect(stored).toEqual({ ok: false, error: { type: 'FileUnreadable', name: 'moved.pdf' } });
    expect(await counts(session)).toEqual({ chunks: 0, imports: 0, records: 0 });
    session.lock();
  });

  it('chunks of a tab that closed mid-import are swept at the next unlock', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const kept = await storeOne(session, content(1000));
    // What a closed tab leaves: an import registered by an owner whose lock nobody holds.
    const store = session.store();
    await store.beginImport('ab'.repeat(16), 'dead-owner');
    await store.putChunks('ab'.repeat(16), 0, [new Uint8Array(100), new Uint8Array(100)]);
    expect((await counts(session)).chunks).toBe(3);
    session.lock();
    const reopened = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!reopened.ok) throw new Error(reopened.error.type);
    expect(await counts(reopened.value)).toEqual({ chunks: 1, imports: 0, records: 1 });
    const blob = await readFileBlob(reopened.value, kept);
    expect(blob.ok).toBe(true);
    reopened.value.lock();
  });

  it('does not sweep an import whose writer is still running', async () => {
    const session = await newVault();
    const store = session.store();
    await store.beginImport('cd'.repeat(16), 'live-owner');
    await store.putChunks('cd'.repeat(16), 0, [new Uint8Array(10)]);
    await session.deps.locks.withLock(`carnet:${session.profile.database}:import:live-owner`, async () => {
      expect(await sweepAbandonedImports(session)).toBe(0);
    });
    expect(await sweepAbandonedImports(session)).toBe(1);
    session.lock();
  });
});

describe('tampered chunks are detected', () => {
  async function readError(session: VaultSession, ref: FileRef) {
    const result = await readFileBlob(session, ref);
    return result.ok ? 'ok' : result.error.type;
  }

  it('an altered byte', async () => {
    const session = await newVault();
    const ref = await storeOne(session, content(2 * STREAM_CHUNK_BYTES + 10));
    await tamper(session.profile.database, 'chunks', (store) => {
      const request = store.get([ref.id, 1]);
      request.onsuccess = () => {
        const chunk = request.result as Uint8Array;
        chunk[500] = (chunk[500] as number) ^ 1;
        store.put(chunk, [ref.id, 1]);
      };
    });
    expect(await readError(session, ref)).toBe('ChunkTampered');
    session.lock();
  });

  it('reordered chunks', async () => {
    const session = await newVault();
    const ref = await storeOne(session, content(3 * STREAM_CHUNK_BYTES));
    const [zero, one] = [await session.store().readChunk(ref.id, 0), await session.store().readChunk(ref.id, 1)];
    await tamper(session.profile.database, 'chunks', (store) => {
      store.put(zero, [ref.id, 1]);
      store.put(one, [ref.id, 0]);
    });
    expect(await readError(session, ref)).toBe('ChunkTampered');
    session.lock();
  });

  it('a truncated stream (last chunk removed, or a shorter chunk count)', async () => {
    const session = await newVault();
    const ref = await storeOne(session, content(3 * STREAM_CHUNK_BYTES));
    await tamper(session.profile.database, 'chunks', (store) => store.delete([ref.id, 2]));
    expect(await readError(session, ref)).toBe('ChunkMissing');
    // A record that claimed fewer chunks would open chunk 1 as the last one: its flag says no.
    const second = await storeOne(session, content(3 * STREAM_CHUNK_BYTES, 9));
    const shortened: FileRef = { ...second, size: 2 * STREAM_CHUNK_BYTES, chunkCount: 2 };
    expect(await readError(session, shortened)).toBe('ChunkTampered');
    session.lock();
  });

  it('a chunk transplanted from another file', async () => {
    const session = await newVault();
    const a = await storeOne(session, content(2 * STREAM_CHUNK_BYTES, 1));
    const b = await storeOne(session, content(2 * STREAM_CHUNK_BYTES, 2));
    const fromB = await session.store().readChunk(b.id, 0);
    await tamper(session.profile.database, 'chunks', (store) => store.put(fromB, [a.id, 0]));
    expect(await readError(session, a)).toBe('ChunkTampered');
    session.lock();
  });

  it('errors thrown through the stream carry the typed error', async () => {
    const session = await newVault();
    const ref = await storeOne(session, content(STREAM_CHUNK_BYTES + 1));
    await tamper(session.profile.database, 'chunks', (store) => store.delete([ref.id, 0]));
    const reader = readFileStream(session, ref).getReader();
    await expect(reader.read()).rejects.toBeInstanceOf(FileReadFailure);
    session.lock();
  });
});
