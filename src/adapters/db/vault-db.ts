/**
 * One profile's IndexedDB database, through Dexie (DESIGN.md §4).
 *
 * Plaintext here is limited to what indexes need: opaque ids, the coarse record kind, and the
 * chunk position of a file. Everything else is an envelope. Every schema version stays declared
 * in VAULT_SCHEMA (Dexie's rule) and tests/browser/vault-db.test.ts upgrades from each of them.
 */
import { Dexie, type Table, type Transaction } from 'dexie';
import { equalBytes } from '../../core/bytes.ts';
import type { ChangeRow, RecordRow, VaultStore, VaultStoreFactory } from '../../core/ports.ts';
import type { RecordKind } from '../../core/records/record.ts';
import { err, ok } from '../../core/result.ts';
import { attempt } from './errors.ts';

interface MetaRow {
  name: 'keyring' | 'device';
  value: Uint8Array | string;
}
interface ChunkRow {
  file: string;
  index: number;
  data: Uint8Array;
}
interface ImportRow {
  id: string;
  owner: string;
}

export interface VaultSchemaVersion {
  readonly version: number;
  readonly stores: Record<string, string | null>;
  readonly upgrade?: (transaction: Transaction) => Promise<void>;
}

/** Every released schema, oldest first. Never edit a released entry; append a new one. */
export const VAULT_SCHEMA: readonly VaultSchemaVersion[] = [
  {
    version: 1,
    stores: {
      meta: 'name',
      records: 'id, kind',
      changes: 'id',
      chunks: '[file+index], file',
      imports: 'id',
    },
  },
];

export class VaultDatabase extends Dexie {
  meta!: Table<MetaRow, string>;
  records!: Table<RecordRow, string>;
  changes!: Table<ChangeRow, string>;
  chunks!: Table<ChunkRow, [string, number]>;
  imports!: Table<ImportRow, string>;

  constructor(name: string, schema: readonly VaultSchemaVersion[] = VAULT_SCHEMA) {
    super(name, { autoOpen: true });
    for (const step of schema) {
      const declared = this.version(step.version).stores(step.stores);
      if (step.upgrade !== undefined) declared.upgrade(step.upgrade);
    }
  }
}

export function createDexieVaultStore(db: VaultDatabase): VaultStore {
  return {
    async readKeyring() {
      const row = await db.meta.get('keyring');
      return row?.value instanceof Uint8Array ? row.value : undefined;
    },
    async readDeviceId() {
      const row = await db.meta.get('device');
      return typeof row?.value === 'string' ? row.value : undefined;
    },
    async initialise(keyring, deviceId) {
      const result = await attempt(() =>
        db.transaction('rw', db.meta, async () => {
          if ((await db.meta.get('keyring')) !== undefined) return false;
          await db.meta.bulkPut([
            { name: 'keyring', value: keyring },
            { name: 'device', value: deviceId },
          ]);
          return true;
        }),
      );
      if (!result.ok) return result;
      return result.value ? ok(undefined) : err({ type: 'VaultExists' });
    },
    async replaceKeyring(expected, next) {
      const result = await attempt(() =>
        db.transaction('rw', db.meta, async () => {
          const current = await db.meta.get('keyring');
          if (!(current?.value instanceof Uint8Array) || !equalBytes(current.value, expected)) return false;
          await db.meta.put({ name: 'keyring', value: next });
          return true;
        }),
      );
      if (!result.ok) return result;
      return result.value ? ok(undefined) : err({ type: 'KeyringChanged' });
    },
    writeRecord(record, change, landedImports = []) {
      return attempt(() =>
        db.transaction('rw', [db.records, db.changes, db.imports], async () => {
          await db.records.put(record);
          await db.changes.put(change);
          if (landedImports.length > 0) await db.imports.bulkDelete([...landedImports]);
        }),
      );
    },
    readRecord: (id) => db.records.get(id),
    listRecords: (kind: RecordKind) => db.records.where('kind').equals(kind).toArray(),
    listChanges: () => db.changes.toArray(),
    async countRecords() {
      const counts: Record<string, number> = {};
      await db.records.orderBy('kind').eachKey((kind) => {
        const name = String(kind);
        counts[name] = (counts[name] ?? 0) + 1;
      });
      return counts;
    },
    beginImport: (importId, owner) => attempt(() => db.imports.put({ id: importId, owner }).then(() => undefined)),
    putChunks(fileId, firstIndex, chunks) {
      return attempt(() => db.chunks.bulkPut(chunks.map((data, offset) => ({ file: fileId, index: firstIndex + offset, data }))).then(() => undefined));
    },
    async readChunk(fileId, index) {
      return (await db.chunks.get([fileId, index]))?.data;
    },
    async abandonImport(importId) {
      await db.transaction('rw', [db.chunks, db.imports], async () => {
        await db.chunks.where('file').equals(importId).delete();
        await db.imports.delete(importId);
      });
    },
    listOpenImports: () => db.imports.toArray(),
    async deleteFileChunks(fileId) {
      await db.chunks.where('file').equals(fileId).delete();
    },
    close: () => db.close(),
  };
}

export const dexieVaultStores: VaultStoreFactory = {
  async open(database) {
    const db = new VaultDatabase(database);
    await db.open();
    return createDexieVaultStore(db);
  },
  async destroy(database) {
    await Dexie.delete(database);
  },
};
