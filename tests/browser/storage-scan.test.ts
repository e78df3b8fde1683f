/**
 * The storage scan: after marked data went through every path (vault creation, passphrase change,
 * records of every kind, a deleted record, files small and large, the activity log, a passkey, a
 * backup file on disk), read everything this origin stores (every IndexedDB database with its
 * name, OPFS, Cache Storage, localStorage and sessionStorage) and fail if a marker appears in the
 * clear, as UTF-8, UTF-16 or hex.
 */
import { describe, expect, it } from 'vitest';
import { storeDocument } from '../../src/app/files.ts';
import { createRepository } from '../../src/app/records.ts';
import { createFileStreamSink } from '../../src/adapters/backup-sinks.ts';
import { exportBackup } from '../../src/app/backup.ts';
import { addPasskey, changePassphrase, createVault } from '../../src/app/vault.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { healthIdentityCodec } from '../../src/core/records/health-profile.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { testDeps } from './support.ts';

const MARKERS = {
  passphrase: 'QzPassMarker',
  newPassphrase: 'QzNewPassMarker',
  givenName: 'QzGivenMarker',
  familyName: 'QzFamilyMarker',
  title: 'QzTitleMarker',
  note: 'QzNoteMarker',
  deletedTitle: 'QzDeletedMarker',
  fileName: 'QzFileNameMarker',
  fileContent: 'QzContentMarker',
} as const;

function encodings(marker: string): Uint8Array[] {
  const utf8 = new TextEncoder().encode(marker);
  const utf16 = new Uint8Array(marker.length * 2);
  for (let i = 0; i < marker.length; i++) utf16[i * 2] = marker.charCodeAt(i);
  const hex = new TextEncoder().encode(Array.from(utf8, (b) => b.toString(16).padStart(2, '0')).join(''));
  return [utf8, utf16, hex];
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first as number); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first as number, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every string and byte array inside a structured-clone value. */
async function collect(value: unknown, out: { strings: string[]; bytes: Uint8Array[] }): Promise<void> {
  if (typeof value === 'string') out.strings.push(value);
  else if (value instanceof Uint8Array) out.bytes.push(value);
  else if (value instanceof ArrayBuffer) out.bytes.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) out.bytes.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof Blob) out.bytes.push(new Uint8Array(await value.arrayBuffer()));
  else if (Array.isArray(value)) for (const item of value) await collect(item, out);
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) {
    out.strings.push(key);
    await collect(item, out);
  }
  else if (typeof value === 'number' || typeof value === 'boolean') out.strings.push(String(value));
}

async function everythingStored(): Promise<{ strings: string[]; bytes: Uint8Array[]; databases: number; opfsFiles: number; cached: number }> {
  const out = { strings: [] as string[], bytes: [] as Uint8Array[] };
  const databases = await indexedDB.databases();
  for (const info of databases) {
    const name = info.name ?? '';
    out.strings.push(name);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const storeName of Array.from(db.objectStoreNames)) {
      out.strings.push(storeName);
      const store = db.transaction(storeName, 'readonly').objectStore(storeName);
      const [values, keys] = await Promise.all(
        [store.getAll(), store.getAllKeys()].map((request) => new Promise<unknown>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        })),
      );
      await collect(values, out);
      await collect(keys, out);
      for (const index of Array.from(store.indexNames)) out.strings.push(index);
    }
    db.close();
  }
  let opfsFiles = 0;
  const walk = async (directory: FileSystemDirectoryHandle) => {
    for await (const [name, handle] of (directory as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      out.strings.push(name);
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle);
      else {
        opfsFiles += 1;
        out.bytes.push(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()));
      }
    }
  };
  await walk(await navigator.storage.getDirectory());
  let cached = 0;
  for (const cacheName of await caches.keys()) {
    out.strings.push(cacheName);
    const cache = await caches.open(cacheName);
    for (const request of await cache.keys()) {
      cached += 1;
      out.strings.push(request.url);
      const response = await cache.match(request);
      if (response !== undefined) out.bytes.push(new Uint8Array(await response.arrayBuffer()));
    }
  }
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) ?? '';
      out.strings.push(key, storage.getItem(key) ?? '');
    }
  }
  return { ...out, databases: databases.length, opfsFiles, cached };
}

describe('storage scan', () => {
  it('finds no marker in plaintext anywhere this origin stores data', async () => {
    const deps = testDeps();
    const passphrase = `lanterne ${MARKERS.passphrase} 1987 girafe`;
    const created = await createVault(deps, { label: 'Scan', passphrase });
    if (!created.ok) throw new Error(created.error.type);
    const session = created.value.session;

    await createRepository(session, healthIdentityCodec).put({
      givenName: MARKERS.givenName,
      familyName: MARKERS.familyName,
      birthDate: '1979-03-28',
      sex: 'female',
      bloodGroup: 'AB-',
    });
    const documents = createRepository(session, documentCodec);
    const doomed = await documents.put({ title: MARKERS.deletedTitle, note: MARKERS.note, addedAt: 1, files: [] });
    if (doomed.ok) await documents.remove(doomed.value);
    const text = `${MARKERS.fileContent} `.repeat(Math.ceil((2.5 * STREAM_CHUNK_BYTES) / (MARKERS.fileContent.length + 1)));
    const stored = await storeDocument(session, {
      title: MARKERS.title,
      note: MARKERS.note,
      files: [
        { blob: new Blob([text], { type: 'text/plain' }), name: `${MARKERS.fileName}.txt` },
        { blob: new Blob([`short ${MARKERS.fileContent}`]), name: `${MARKERS.fileName}-2.txt`, type: 'text/plain' },
      ],
    });
    expect(stored.ok).toBe(true);
    const changed = await changePassphrase(session, { current: passphrase, next: `phare ${MARKERS.newPassphrase} marée 2031` });
    expect(changed.ok).toBe(true);
    // A backup on disk (OPFS stands for the patient's download folder) and a passkey in the
    // keyring: the activity log now records both, and neither may reveal a marker.
    const opfs = await navigator.storage.getDirectory();
    const exported = await exportBackup(session, createFileStreamSink(await (await opfs.getFileHandle('scan-backup.carnet', { create: true })).createWritable()));
    expect(exported.ok).toBe(true);
    expect((await addPasskey(session, { passphrase: `phare ${MARKERS.newPassphrase} marée 2031`, name: 'Téléphone', accountName: 'Carnet de Test' })).ok).toBe(true);

    const stored_ = await everythingStored();
    expect(stored_.databases).toBeGreaterThanOrEqual(2);
    expect(stored_.opfsFiles).toBeGreaterThanOrEqual(1);
    expect(stored_.strings.some((name) => name.includes('scan-backup.carnet'))).toBe(true);
    const chunkBytes = stored_.bytes.reduce((sum, b) => sum + b.length, 0);
    expect(chunkBytes).toBeGreaterThan(2 * STREAM_CHUNK_BYTES);

    const found: string[] = [];
    for (const [what, marker] of Object.entries(MARKERS)) {
      if (stored_.strings.some((s) => s.includes(marker))) found.push(`${what} (as text)`);
      for (const needle of encodings(marker)) if (stored_.bytes.some((bytes) => contains(bytes, needle))) found.push(`${what} (in bytes)`);
    }
    expect(found).toEqual([]);
    // The scan itself must be able to see a marker: the label is plaintext by design.
    expect(stored_.strings.some((s) => s.includes('Scan'))).toBe(true);
    session.lock();
    await opfs.removeEntry('scan-backup.carnet');
  });

  it('would notice a marker stored in the clear (the scan is not blind)', async () => {
    localStorage.setItem('probe', `x${MARKERS.note}x`);
    const stored = await everythingStored();
    expect(stored.strings.some((s) => s.includes(MARKERS.note))).toBe(true);
    localStorage.removeItem('probe');
    const bytes = new TextEncoder().encode(`..${MARKERS.fileContent}..`);
    expect(encodings(MARKERS.fileContent).some((needle) => contains(bytes, needle))).toBe(true);
  });
});
