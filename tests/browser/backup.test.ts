/**
 * Encrypted backup and restore with the real adapters: a round trip compared record by record and
 * byte by byte, and every way a backup can be bad, each refused with its typed error and nothing
 * written.
 */
import { describe, expect, it } from 'vitest';
import { createBlobSink } from '../../src/adapters/backup-sinks.ts';
import { readActivity } from '../../src/app/activity.ts';
import { exportBackup, inspectBackup, restoreBackup } from '../../src/app/backup.ts';
import { readFileBlob, storeDocument } from '../../src/app/files.ts';
import { createRepository } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { err } from '../../src/core/result.ts';
import type { VaultStore } from '../../src/core/ports.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { healthIdentityCodec } from '../../src/core/records/health-profile.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { content, newVaultWithKit, PASSPHRASE, testDeps } from './support.ts';


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
  const gone = await documents.put({ title: 'Supprimé', note: '', addedAt: 1, files: [] });
  if (gone.ok) await documents.remove(gone.value);
  await createRepository(session, healthIdentityCodec).put({ givenName: 'Léa', familyName: 'Martin', birthDate: '1990-02-03', sex: 'female', bloodGroup: 'O-' });
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
  const profiles = (await createRepository(session, healthIdentityCodec).list()).records.map((r) => ({ id: r.id, hlc: r.hlc, data: r.data }));
  const rows = (await session.store().listAllRecords()).map((row) => [row.id, row.kind, Array.from(row.envelope)]);
  return { documents, profiles, rows };
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
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
    for (const row of await copy.store().listAllRecords()) expect(row.envelope.byteLength).toBe(row.envelope.buffer.byteLength);
    for (const [fileId, index] of await copy.store().listChunkKeys()) {
      const chunk = await copy.store().readChunk(fileId, index);
      expect(chunk?.byteLength).toBe(chunk?.buffer.byteLength);
    }
    const document = (await createRepository(copy, documentCodec).list()).records[0];
    for (const [i, ref] of (document?.data.files ?? []).entries()) {
      const blob = await readFileBlob(copy, ref);
      expect(blob.ok && (await bytesOf(blob.value)).every((b, k) => b === files[i]![k])).toBe(true);
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

  it('exports only the files of live documents, and refuses to export a file with a chunk missing', async () => {
    const { deps, session } = await sample();
    const documents = createRepository(session, documentCodec);
    const extra = await storeDocument(session, { title: 'Jeté', note: '', files: [{ blob: new Blob([content(3000, 7)]), name: 'x.bin' }] });
    if (!extra.ok) throw new Error(extra.error.type);
    const thrown = await documents.get(extra.value);
    const thrownFile = thrown.ok && thrown.value !== null ? thrown.value.data.files[0] : undefined;
    await documents.remove(extra.value);
    const backup = await backupOf(session);
    const target = elsewhere();
    const restored = await restoreBackup(target, backup, { passphrase: PASSPHRASE });
    if (!restored.ok) throw new Error(restored.error.type);
    const copy = await unlockVault(target, restored.value.id, PASSPHRASE);
    if (!copy.ok) throw new Error(copy.error.type);
    expect((await copy.value.store().listChunkKeys()).some(([file]) => file === thrownFile?.id)).toBe(false);
    copy.value.lock();

    const live = (await documents.list()).records[0]?.data.files[0];
    if (live === undefined) throw new Error('no file');
    await session.store().deleteFileChunks(live.id);
    const { sink, blob } = createBlobSink();
    expect(await exportBackup(session, sink)).toMatchObject({ ok: false, error: { type: 'ChunkMissing' } });
    expect(blob()).toBeNull();
    expect(deps).toBeDefined();
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
    async function expectRefused(target: ReturnType<typeof testDeps>, file: Blob, secret: Parameters<typeof restoreBackup>[2], expected: unknown) {
      const vaults = async () => (await indexedDB.databases()).filter((db) => db.name?.startsWith('carnet-vault-')).length;
      const before = await vaults();
      const result = await restoreBackup(target, file, secret);
      expect(result).toMatchObject({ ok: false, error: expected });
      expect(await target.registry.list()).toEqual([]);
      expect(await vaults()).toBe(before);
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

    it('a flipped bit anywhere: header, keyring, a record, a chunk, the MAC', async () => {
      const { session } = await sample();
      const bytes = await bytesOf(await backupOf(session));
      session.lock();
      const positions = [10, 40, 400, 2000, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 60, bytes.length - 5];
      for (const position of positions) {
        const copy = bytes.slice();
        copy[position] = (copy[position] as number) ^ 0x10;
        const target = elsewhere();
        const result = await restoreBackup(target, new Blob([copy]), { passphrase: PASSPHRASE });
        expect(result.ok, `bit flipped at ${position}`).toBe(false);
        expect(await target.registry.list()).toEqual([]);
      }
    });

    it('a frame removed from the middle', async () => {
      const { session } = await sample();
      const backup = await backupOf(session);
      const bytes = await bytesOf(backup);
      session.lock();
      // Cut one whole chunk frame (5 head bytes, 20 fixed, the sealed chunk) out of the file.
      const frame = 5 + 20 + STREAM_CHUNK_BYTES + 16;
      const start = bytes.length - 1000 - frame * 2;
      const spliced = new Uint8Array([...bytes.subarray(0, start), ...bytes.subarray(start + frame)]);
      const result = await restoreBackup(elsewhere(), new Blob([spliced]), { passphrase: PASSPHRASE });
      expect(result.ok).toBe(false);
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
      const vaults = async () => (await indexedDB.databases()).map((db) => db.name ?? '').filter((name) => name.startsWith('carnet-vault-'));
      const before = await vaults();
      expect(await restoreBackup(full, backup, { passphrase: PASSPHRASE })).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
      expect(await target.registry.list()).toEqual([]);
      expect((await vaults()).filter((name) => !before.includes(name))).toEqual([]);
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
