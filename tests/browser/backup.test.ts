/**
 * Encrypted backup and restore with the real adapters: a round trip compared record by record and
 * byte by byte, and every way a backup can be bad, each refused with its typed error and nothing
 * written.
 */
import { describe, expect, it } from 'vitest';
import { createBlobSink } from '../../src/adapters/backup-sinks.ts';
import { readActivity } from '../../src/app/activity.ts';
import { exportBackup, inspectBackup, restoreBackup } from '../../src/app/backup.ts';
import { readFileBlob, storeDocument, emptyDocument } from '../../src/app/files.ts';
import { createRepository } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { err } from '../../src/core/result.ts';
import type { VaultStore } from '../../src/core/ports.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { profileEntryCodec } from '../../src/core/profile/entry.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { BACKUP_HEADER_FIXED_BYTES, FRAME_HEAD_BYTES, parseBackupHeader, parseFrameBody, parseFrameHead, type BackupFrame } from '../../src/core/backup.ts';
import { concatBytes } from '../../src/core/bytes.ts';
import { content, newVaultWithKit, PASSPHRASE, tamper, testDeps } from './support.ts';


async function sample(label = 'Source') {
  const deps = testDeps();
  const { session, recoveryKey } = await newVaultWithKit(deps, label);
  const files = [content(2 * STREAM_CHUNK_BYTES + 321, 1), content(5000, 2)];
  const stored = await storeDocument(session, {
    title: 'IRM du genou',
    note: 'Pas de lésion méniscale',
    files: [
      { blob: new Blob([files[0] as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), name: 'irm.pdf' },
      { blob: new Blob([files[1] as Uint8Array<ArrayBuffer>], { type: 'image/png' }), name: 'coupe.png' },
    ],
  });
  if (!stored.ok) throw new Error(stored.error.type);
  const documents = createRepository(session, documentCodec);
  const gone = await documents.put({ ...emptyDocument(1), title: 'Supprimé', note: '' });
  if (gone.ok) await documents.remove(gone.value);
  await createRepository(session, profileEntryCodec).put({ section: 'identity', note: '', documents: [], givenName: 'Léa', familyName: 'Martin', birthDate: '1990-02-03', sex: 'female', bloodGroup: 'O-' });
  return { deps, session, recoveryKey, files };
}

async function backupOf(session: VaultSession): Promise<Blob> {
  const { sink, blob } = createBlobSink();
  const exported = await exportBackup(session, sink);
  if (!exported.ok) throw new Error(exported.error.type);
  const result = blob();
  if (result === null) throw new Error('no backup');
  return result;
}

/** Decrypted content of every live record, for comparing two vaults. */
async function contents(session: VaultSession) {
  const documents = (await createRepository(session, documentCodec).list()).records.map((r) => ({ id: r.id, hlc: r.hlc, title: r.data.title, note: r.data.note, files: r.data.files.map((f) => [f.id, f.name, f.size]) }));
  const profiles = (await createRepository(session, profileEntryCodec).list()).records.map((r) => ({ id: r.id, hlc: r.hlc, data: r.data }));
  const rows = (await session.store().snapshot()).records.map((row) => [row.id, row.kind, Array.from(row.envelope)]);
  return { documents, profiles, rows };
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** One frame of a backup file (docs/format.md §11): its bytes are [start, end), its body [body, end). */
interface Framed {
  readonly start: number;
  readonly body: number;
  readonly end: number;
  readonly frame: BackupFrame;
}

/** Splits a backup into its header and frames with the format's own parsers. */
function framesOf(bytes: Uint8Array): { headerBytes: number; frames: Framed[] } {
  const header = parseBackupHeader(bytes.subarray(0, BACKUP_HEADER_FIXED_BYTES));
  if (!header.ok) throw new Error(header.error.type);
  const headerBytes = BACKUP_HEADER_FIXED_BYTES + header.value.keyringLength;
  const frames: Framed[] = [];
  for (let start = headerBytes; start < bytes.length; ) {
    const head = parseFrameHead(bytes.subarray(start, start + FRAME_HEAD_BYTES));
    if (!head.ok) throw new Error(head.error.type);
    const body = start + FRAME_HEAD_BYTES;
    const end = body + head.value.length;
    const frame = parseFrameBody(head.value.code, bytes.slice(body, end));
    if (!frame.ok) throw new Error(frame.error.type);
    frames.push({ start, body, end, frame: frame.value });
    start = end;
  }
  if (frames.at(-1)?.frame.type !== 'end') throw new Error('no end frame');
  return { headerBytes, frames };
}

function idOf(frame: BackupFrame): string {
  if (frame.type === 'chunk') return frame.fileId;
  if (frame.type === 'record' || frame.type === 'change') return frame.id;
  throw new Error(`a ${frame.type} frame has no id`);
}

function sameFile(a: Framed | undefined, b: Framed | undefined): boolean {
  return a?.frame.type === 'chunk' && b?.frame.type === 'chunk' && a.frame.fileId === b.frame.fileId;
}

function without(bytes: Uint8Array, frame: Framed): Uint8Array<ArrayBuffer> {
  return concatBytes(bytes.subarray(0, frame.start), bytes.subarray(frame.end)) as Uint8Array<ArrayBuffer>;
}

/** The file with two adjacent frames, `a` then `b`, in the other order. */
function swapped(bytes: Uint8Array, a: Framed, b: Framed): Uint8Array<ArrayBuffer> {
  if (a.end !== b.start) throw new Error('frames not adjacent');
  return concatBytes(bytes.subarray(0, a.start), bytes.subarray(b.start, b.end), bytes.subarray(a.start, a.end), bytes.subarray(b.end)) as Uint8Array<ArrayBuffer>;
}

/** A fresh "browser": another registry on this origin, so nothing of the source is known to it. */
function elsewhere() {
  return testDeps();
}

describe('backup and restore', () => {
  it('restores every record and file in another browser, as a new profile with a new device id', async () => {
    const { session, files } = await sample('Léa');
    const before = await contents(session);
    const backup = await backupOf(session);
    expect(backup.size).toBeGreaterThan(files[0]!.length);
    const target = elsewhere();
    const inspected = await inspectBackup(target, backup);
    expect(inspected).toMatchObject({ ok: true, value: { vaultId: session.profile.vaultId, present: null } });
    const progress: number[] = [];
    const restored = await restoreBackup(target, backup, { passphrase: PASSPHRASE }, { onProgress: (p) => progress.push(p.done / p.total) });
    if (!restored.ok) throw new Error(JSON.stringify(restored.error));
    expect(restored.value.label).toBe('Léa');
    expect(restored.value.database).not.toBe(session.profile.database);
    expect(progress.at(-1)).toBeCloseTo(1, 5);

    const opened = await unlockVault(target, restored.value.id, PASSPHRASE);
    if (!opened.ok) throw new Error(opened.error.type);
    const copy = opened.value;
    expect(copy.deviceId).not.toBe(session.deviceId);
    const after = await contents(copy);
    expect(after.documents).toEqual(before.documents);
    expect(after.profiles).toEqual(before.profiles);
    // Every record row of the source is in the copy, byte for byte (the copy adds its own log lines).
    const copyRows = new Map(after.rows.map((row) => [row[0], row]));
    for (const row of before.rows) expect(copyRows.get(row[0] as string)).toEqual(row);
    // Stored exactly: each restored value is its own bytes, not a view into a larger buffer.
    const stored = await copy.store().snapshot();
    expect(stored.records.length).toBeGreaterThan(0);
    for (const row of stored.records) expect(row.envelope.byteLength).toBe(row.envelope.buffer.byteLength);
    // Three chunks of the large file, one of the small one.
    expect(stored.chunkKeys).toHaveLength(4);
    for (const [fileId, index] of stored.chunkKeys) {
      const chunk = await copy.store().readChunk(fileId, index);
      if (chunk === undefined) throw new Error(`chunk ${index} of ${fileId} listed but not stored`);
      expect(chunk.byteLength).toBe(chunk.buffer.byteLength);
    }
    const restoredDocuments = (await createRepository(copy, documentCodec).list()).records;
    expect(restoredDocuments).toHaveLength(1);
    const refs = restoredDocuments[0]!.data.files;
    expect(refs).toHaveLength(files.length);
    for (const [i, ref] of refs.entries()) {
      const blob = await readFileBlob(copy, ref);
      if (!blob.ok) throw new Error(`file ${ref.name}: ${blob.error.type}`);
      expect(await bytesOf(blob.value), ref.name).toEqual(files[i]);
    }
    expect((await readActivity(copy)).records.map((r) => r.data.event)).toContain('backup-restored');
    expect((await readActivity(session)).records.map((r) => r.data.event)).toContain('backup-exported');
    copy.lock();
    session.lock();
  });

  it('restores with the recovery key too', async () => {
    const { session, recoveryKey } = await sample();
    const backup = await backupOf(session);
    session.lock();
    const target = elsewhere();
    const restored = await restoreBackup(target, backup, { recoveryKey });
    expect(restored.ok).toBe(true);
  });

  it('exports only the files of live documents, not an import under way, and refuses a file with a chunk missing', async () => {
    const { deps, session } = await sample();
    const documents = createRepository(session, documentCodec);
    const extra = await storeDocument(session, { title: 'Jeté', note: '', files: [{ blob: new Blob([content(3000, 7)]), name: 'x.bin' }] });
    if (!extra.ok) throw new Error(extra.error.type);
    const thrown = await documents.get(extra.value);
    const thrownFile = thrown.ok && thrown.value !== null ? thrown.value.data.files[0] : undefined;
    if (thrownFile === undefined) throw new Error('the document to delete has no file');
    await documents.remove(extra.value);
    // An import under way: its chunks are stored, but no document owns them yet.
    const pending = 'ab'.repeat(16);
    expect((await session.store().beginImport(pending, 'cd'.repeat(16))).ok).toBe(true);
    expect((await session.store().putChunks(pending, 0, [content(64, 9)])).ok).toBe(true);
    const backup = await backupOf(session);
    const target = elsewhere();
    const restored = await restoreBackup(target, backup, { passphrase: PASSPHRASE });
    if (!restored.ok) throw new Error(restored.error.type);
    const copy = await unlockVault(target, restored.value.id, PASSPHRASE);
    if (!copy.ok) throw new Error(copy.error.type);
    const live = (await documents.list()).records[0]?.data.files ?? [];
    expect(live).toHaveLength(2);
    // The live files travelled; the deleted document's and the unfinished import's did not.
    const copiedFiles = new Set((await copy.value.store().snapshot()).chunkKeys.map(([file]) => file));
    expect([...copiedFiles].sort()).toEqual(live.map((file) => file.id).sort());
    expect(copiedFiles.has(thrownFile.id)).toBe(false);
    expect(copiedFiles.has(pending)).toBe(false);
    copy.value.lock();

    const victim = live[0]!;
    await tamper(session.profile.database, 'chunks', (store) => store.delete(IDBKeyRange.bound([victim.id, 0], [victim.id, Infinity])));
    expect((await session.store().snapshot()).chunkKeys.some(([file]) => file === victim.id)).toBe(false);
    const { sink, blob } = createBlobSink();
    expect(await exportBackup(session, sink)).toMatchObject({ ok: false, error: { type: 'ChunkMissing' } });
    expect(blob()).toBeNull();
    // A refused export changes nothing on this device: the one profile is still the only one.
    expect((await deps.registry.list()).map((profile) => profile.id)).toEqual([session.profile.id]);
    session.lock();
  });

  it('never merges into a vault that is already on this device', async () => {
    const { deps, session } = await sample('Ici');
    const backup = await backupOf(session);
    expect(await restoreBackup(deps, backup, { passphrase: PASSPHRASE })).toEqual({ ok: false, error: { type: 'VaultAlreadyPresent', label: 'Ici' } });
    expect((await deps.registry.list()).length).toBe(1);
    session.lock();
  });

  describe('bad backups are refused and nothing is written', () => {
    async function expectRefused(target: ReturnType<typeof testDeps>, file: Blob, secret: Parameters<typeof restoreBackup>[2], expected: unknown, what = '') {
      const vaults = async () => (await indexedDB.databases()).filter((db) => db.name?.startsWith('carnet-vault-')).length;
      const before = await vaults();
      // Every database the restore opens, to check that none of them is left behind.
      const opened: string[] = [];
      const watched = { ...target, stores: { ...target.stores, open: (name: string) => (opened.push(name), target.stores.open(name)) } };
      const result = await restoreBackup(watched, file, secret);
      expect(result, what).toMatchObject({ ok: false, error: expected });
      expect(await target.registry.list(), what).toEqual([]);
      expect(await vaults(), what).toBe(before);
      const left = (await indexedDB.databases()).map((db) => db.name);
      expect(opened.filter((name) => left.includes(name)), what).toEqual([]);
    }

    it('a wrong passphrase or recovery key', async () => {
      const { session } = await sample();
      const backup = await backupOf(session);
      session.lock();
      await expectRefused(elsewhere(), backup, { passphrase: 'une autre phrase de passe, fausse' }, { type: 'WrongPassphrase' });
      await expectRefused(elsewhere(), backup, { recoveryKey: '0000-0000-0000-0000-0000-0000-0000-0000' }, { type: 'WrongRecoveryKey' });
    });

    it('not a backup at all, or an empty file', async () => {
      await expectRefused(elsewhere(), new Blob(['%PDF-1.7 this is a scan']), { passphrase: PASSPHRASE }, { type: 'NotABackup' });
      await expectRefused(elsewhere(), new Blob([]), { passphrase: PASSPHRASE }, { type: 'NotABackup' });
    });

    it('a newer format', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      bytes[4] = 2;
      await expectRefused(elsewhere(), new Blob([bytes as Uint8Array<ArrayBuffer>]), { passphrase: PASSPHRASE }, { type: 'BackupVersionUnsupported', version: 2 });
    });

    it('a truncated file, wherever it was cut', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      for (const cut of [3, 30, 200, Math.floor(bytes.length / 2), bytes.length - 40, bytes.length - 1]) {
        await expectRefused(elsewhere(), new Blob([bytes.subarray(0, cut) as Uint8Array<ArrayBuffer>]), { passphrase: PASSPHRASE }, { type: 'BackupTruncated' });
      }
    });

    it('a flipped bit anywhere: header, keyring, label, a record, a change, a chunk, the MAC', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      const { headerBytes, frames } = framesOf(bytes);
      const first = (type: BackupFrame['type']) => {
        const found = frames.find((frame) => frame.frame.type === type);
        if (found === undefined) throw new Error(`no ${type} frame`);
        return found;
      };
      const record = first('record');
      const change = first('change');
      const chunk = first('chunk');
      const end = first('end');
      const middle = (frame: Framed) => Math.floor((frame.body + frame.end) / 2);
      const cases: [string, number, unknown][] = [
        // The vault id of the header no longer matches the keyring's.
        ['header', 10, { type: 'BackupTampered', where: 'header' }],
        // The last byte of the keyring is its MAC.
        ['keyring MAC', headerBytes - 1, { type: 'KeyringTampered' }],
        ['label', first('label').end - 1, { type: 'BackupTampered', where: 'label' }],
        ['record', middle(record), { type: 'BackupTampered', where: `record ${idOf(record.frame)}` }],
        ['change', middle(change), { type: 'BackupTampered', where: `change ${idOf(change.frame)}` }],
        ['chunk', middle(chunk), { type: 'BackupTampered', where: `chunk 0 of ${idOf(chunk.frame)}` }],
        ['end counts', end.body + 2, { type: 'BackupTampered', where: 'MAC' }],
        ['end MAC', bytes.length - 5, { type: 'BackupTampered', where: 'MAC' }],
      ];
      for (const [where, position, expected] of cases) {
        const copy = bytes.slice();
        copy[position] = (copy[position] as number) ^ 0x10;
        await expectRefused(elsewhere(), new Blob([copy]), { passphrase: PASSPHRASE }, expected, `bit flipped in the ${where} at ${position}`);
      }
    });

    it('a whole frame removed from the middle', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      const { frames } = framesOf(bytes);
      // A chunk followed by the next chunk of the same file: the file's second chunk then comes first.
      const at = frames.findIndex((item, i) => item.frame.type === 'chunk' && item.frame.index === 0 && sameFile(item, frames[i + 1]));
      expect(at).toBeGreaterThan(0);
      const chunk = frames[at]!;
      const withoutChunk = without(bytes, chunk);
      expect(withoutChunk.length).toBe(bytes.length - (chunk.end - chunk.start));
      await expectRefused(elsewhere(), new Blob([withoutChunk]), { passphrase: PASSPHRASE }, { type: 'BackupTampered', where: `chunk 1 of ${idOf(chunk.frame)}` });
      // A change-log entry: every frame left still opens, only the MAC can tell.
      const change = frames.find((item) => item.frame.type === 'change');
      if (change === undefined) throw new Error('no change frame');
      await expectRefused(elsewhere(), new Blob([without(bytes, change)]), { passphrase: PASSPHRASE }, { type: 'BackupTampered', where: 'MAC' });
    });

    it('two frames swapped', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      const { frames } = framesOf(bytes);
      const at = frames.findIndex((item, i) => item.frame.type === 'chunk' && item.frame.index === 0 && sameFile(item, frames[i + 1]));
      expect(at).toBeGreaterThan(0);
      const chunk = frames[at]!;
      await expectRefused(elsewhere(), new Blob([swapped(bytes, chunk, frames[at + 1]!)]), { passphrase: PASSPHRASE }, { type: 'BackupTampered', where: `chunk 1 of ${idOf(chunk.frame)}` });
      // Two records: each still opens (its id and kind travel with it), only the MAC can tell.
      const r = frames.findIndex((item, i) => item.frame.type === 'record' && frames[i + 1]?.frame.type === 'record');
      expect(r).toBeGreaterThan(0);
      await expectRefused(elsewhere(), new Blob([swapped(bytes, frames[r]!, frames[r + 1]!)]), { passphrase: PASSPHRASE }, { type: 'BackupTampered', where: 'MAC' });
    });

    it('a full disk during restore', async () => {
      const { session } = await sample();
      const backup = await backupOf(session);
      session.lock();
      const target = elsewhere();
      const full = {
        ...target,
        stores: {
          ...target.stores,
          async open(name: string): Promise<VaultStore> {
            const real = await target.stores.open(name);
            return { ...real, putChunks: async () => err({ type: 'QuotaExceeded' as const }) };
          },
        },
      };
      await expectRefused(full, backup, { passphrase: PASSPHRASE }, { type: 'QuotaExceeded' });
    });

    it('cancelled, both ways', async () => {
      const { session } = await sample();
      const controller = new AbortController();
      const { sink, blob } = createBlobSink();
      const exported = await exportBackup(session, sink, { signal: controller.signal, onProgress: (p) => { if (p.done > 2) controller.abort(); } });
      expect(exported).toEqual({ ok: false, error: { type: 'BackupCancelled' } });
      expect(blob()).toBeNull();
      const backup = await backupOf(session);
      session.lock();
      const stop = new AbortController();
      const target = elsewhere();
      const restored = await restoreBackup(target, backup, { passphrase: PASSPHRASE }, { signal: stop.signal, onProgress: (p) => { if (p.done > p.total * 0.6) stop.abort(); } });
      expect(restored).toEqual({ ok: false, error: { type: 'RestoreCancelled' } });
      expect(await target.registry.list()).toEqual([]);
    });
  });
});
