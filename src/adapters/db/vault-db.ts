/**
 * One profile's IndexedDB database, through Dexie (DESIGN.md §4).
 *
 * Plaintext here is limited to what indexes need: opaque ids, the coarse record kind, and the
 * chunk position of a file. Everything else is an envelope. Every schema version stays declared
 * in VAULT_SCHEMA (Dexie's rule) and tests/browser/schema.test.ts upgrades from each of them.
 */
import { Dexie, type IndexableTypeArrayReadonly, type Table, type Transaction } from 'dexie';
import { equalBytes } from '../../core/bytes.ts';
import { PROFILE_DATABASE_PREFIX, type ChangeRow, type FailedUnlocks, type InboxRow, type RecordRow, type VaultStore, type VaultStoreFactory } from '../../core/ports.ts';
import type { RecordKind } from '../../core/records/record.ts';
import { err, ok } from '../../core/result.ts';
import { attempt } from './errors.ts';

interface MetaRow {
  name: 'keyring' | 'device' | 'failures' | 'clock';
  value: Uint8Array | string | FailedUnlocks;
}
interface DerivedRow {
  name: string;
  envelope: Uint8Array;
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
      // Out-of-line keys [file id, index] and no index: IndexedDB then stores the sealed bytes
      // without cloning them back into the page to extract keys, which for a 100 MB import
      // left about 65 MB of copies for the garbage collector (measured in Chromium).
      chunks: '',
      imports: 'id',
    },
  },
  {
    // Issue 5: the sealed search index (local only), and the inbox the service worker fills
    // while the vault is locked. No upgrade: both start empty.
    version: 2,
    stores: {
      derived: 'name',
      inbox: 'id',
      inboxChunks: '',
    },
  },
];

export class VaultDatabase extends Dexie {
  meta!: Table<MetaRow, string>;
  records!: Table<RecordRow, string>;
  changes!: Table<ChangeRow, string>;
  chunks!: Table<Uint8Array, [string, number]>;
  imports!: Table<ImportRow, string>;
  derived!: Table<DerivedRow, string>;
  inbox!: Table<InboxRow, string>;
  inboxChunks!: Table<Uint8Array, [string, number]>;

  constructor(name: string, schema: readonly VaultSchemaVersion[] = VAULT_SCHEMA) {
    // No Dexie cache: it keeps copies of query results for live queries, which Carnet does not
    // use; decrypted views live in the app, and ciphertext needs no second copy.
    super(name, { autoOpen: true, cache: 'disabled' });
    for (const step of schema) {
      const declared = this.version(step.version).stores(step.stores);
      if (step.upgrade !== undefined) declared.upgrade(step.upgrade);
    }
  }
}

/** Every chunk of one file: a range over the primary key, which needs no index. */
function chunksOf(db: VaultDatabase, fileId: string) {
  return db.chunks.where(':id').between([fileId, 0], [fileId, Number.MAX_SAFE_INTEGER], true, true);
}

function inboxChunksOf(db: VaultDatabase, itemId: string) {
  return db.inboxChunks.where(':id').between([itemId, 0], [itemId, Number.MAX_SAFE_INTEGER], true, true);
}

/** Rows handed to IndexedDB at a time by writeRecords: small enough to overlap the caller's work. */
const WRITE_BATCH_ROWS = 64;

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
    async recordFailedUnlock(at) {
      await db.transaction('rw', db.meta, async () => {
        const row = await db.meta.get('failures');
        const previous = row?.value as FailedUnlocks | undefined;
        const value: FailedUnlocks =
          previous === undefined ? { count: 1, firstAt: at, lastAt: at } : { count: previous.count + 1, firstAt: previous.firstAt, lastAt: at };
        await db.meta.put({ name: 'failures', value });
      });
    },
    async readFailedUnlocks() {
      const value = (await db.meta.get('failures'))?.value;
      return typeof value === 'object' && !(value instanceof Uint8Array) ? value : null;
    },
    async clearFailedUnlocks(lastAt) {
      await db.transaction('rw', db.meta, async () => {
        const value = (await db.meta.get('failures'))?.value as FailedUnlocks | undefined;
        if (value !== undefined && value.lastAt <= lastAt) await db.meta.delete('failures');
      });
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
    writeRecord(record, change, clock, files = {}) {
      const landed = files.landed ?? [];
      const dropped = files.dropped ?? [];
      // The imports and chunks tables join the transaction only when needed: fewer stores locked
      // per write keeps sealed writes close to plain ones.
      const tables = [
        db.records,
        db.changes,
        ...(clock === undefined ? [] : [db.meta]),
        ...(landed.length > 0 ? [db.imports] : []),
        ...(dropped.length > 0 ? [db.chunks] : []),
      ];
      return attempt(() =>
        db.transaction('rw', tables, async () => {
          await db.records.put(record);
          await db.changes.put(change);
          if (clock !== undefined) await db.meta.put({ name: 'clock', value: clock });
          if (landed.length > 0) await db.imports.bulkDelete([...landed]);
          for (const fileId of dropped) await chunksOf(db, fileId).delete();
        }),
      );
    },
    async readClock() {
      const value = (await db.meta.get('clock'))?.value;
      return value instanceof Uint8Array ? value : undefined;
    },
    writeRecords(rows, clock) {
      const tables = [db.records, db.changes, ...(clock === undefined ? [] : [db.meta])];
      return attempt(() =>
        db.transaction('rw', tables, async () => {
          // A batch is handed over once the one before it is stored. A loop that never awaited
          // left IndexedDB every put to store after its end: a year of day-chunks then waited 30
          // to 55 ms once sealed, against about 5 with this wait (measured in Chromium), which
          // lets the database store the batches while the next ones are sealed.
          let stored: Promise<unknown> = Promise.resolve();
          let records: RecordRow[] = [];
          let changes: ChangeRow[] = [];
          const send = async () => {
            await stored;
            stored = Promise.all([db.records.bulkPut(records), db.changes.bulkPut(changes)]);
            // Observed now: if the caller fails before the next wait, the abort's rejection is not left unhandled.
            stored.catch(() => undefined);
            records = [];
            changes = [];
          };
          for (const row of rows) {
            records.push(row.record);
            changes.push(row.change);
            if (records.length === WRITE_BATCH_ROWS) await send();
          }
          if (records.length > 0) await send();
          await Promise.all([stored, clock === undefined ? undefined : db.meta.put({ name: 'clock', value: clock })]);
        }),
      );
    },
    readRecord: (id) => db.records.get(id),
    readRecords: (ids) => db.records.bulkGet(ids as string[]),
    listRecords: (kind: RecordKind) => db.records.where('kind').equals(kind).toArray(),
    countRecords: (kind: RecordKind) => db.records.where('kind').equals(kind).count(),
    listChanges: () => db.changes.toArray(),
    snapshot: () =>
      db.transaction('r', [db.meta, db.records, db.changes, db.chunks], async () => {
        const keyring = (await db.meta.get('keyring'))?.value;
        return {
          keyring: keyring instanceof Uint8Array ? keyring : undefined,
          records: await db.records.toArray(),
          changes: await db.changes.toArray(),
          chunkKeys: (await db.chunks.toCollection().primaryKeys()) as [string, number][],
        };
      }),
    restoreRows(records, changes) {
      return attempt(() =>
        db.transaction('rw', [db.records, db.changes], async () => {
          await db.records.bulkPut([...records]);
          await db.changes.bulkPut([...changes]);
        }),
      );
    },
    beginImport: (importId, owner) => attempt(() => db.imports.put({ id: importId, owner }).then(() => undefined)),
    putChunks(fileId, firstIndex, chunks) {
      const keys = chunks.map((_, offset): [string, number] => [fileId, firstIndex + offset]);
      // Dexie types keys as flat values; compound keys are valid IndexedDB keys all the same.
      return attempt(() => db.chunks.bulkPut([...chunks], keys as unknown as IndexableTypeArrayReadonly).then(() => undefined));
    },
    async readChunk(fileId, index) {
      return db.chunks.get([fileId, index]);
    },
    async abandonImport(importId) {
      await db.transaction('rw', [db.chunks, db.imports], async () => {
        await chunksOf(db, importId).delete();
        await db.imports.delete(importId);
      });
    },
    listOpenImports: () => db.imports.toArray(),
    readDerived: async (name) => (await db.derived.get(name))?.envelope,
    writeDerived: (name, envelope) => attempt(() => db.derived.put({ name, envelope }).then(() => undefined)),
    putInboxChunks(itemId, firstIndex, chunks) {
      const keys = chunks.map((_, offset): [string, number] => [itemId, firstIndex + offset]);
      return attempt(() => db.inboxChunks.bulkPut([...chunks], keys as unknown as IndexableTypeArrayReadonly).then(() => undefined));
    },
    putInboxItem: (row) => attempt(() => db.inbox.put(row).then(() => undefined)),
    listInbox: async () => (await db.inbox.toArray()).sort((a, b) => a.receivedAt - b.receivedAt),
    readInboxChunk: (itemId, index) => db.inboxChunks.get([itemId, index]),
    async deleteInboxItem(itemId) {
      await db.transaction('rw', [db.inbox, db.inboxChunks], async () => {
        await inboxChunksOf(db, itemId).delete();
        await db.inbox.delete(itemId);
      });
    },
    async listInboxOrphans() {
      const keys = (await db.inboxChunks.toCollection().primaryKeys()) as unknown as [string, number][];
      const items = new Set(await db.inbox.toCollection().primaryKeys());
      return [...new Set(keys.map(([id]) => id))].filter((id) => !items.has(id));
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
  async list() {
    return (await Dexie.getDatabaseNames()).filter((name) => name.startsWith(PROFILE_DATABASE_PREFIX));
  },
};
