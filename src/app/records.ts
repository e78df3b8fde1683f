/**
 * Typed repositories over the sealed record store. Every write is one transaction holding the
 * sealed record and its sealed change-log entry (what sync ships); a deletion is a tombstone, so
 * that it can travel to other devices like any edit. Decryption happens here, once.
 */
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope, sealEnvelope, type EnvelopeError } from '../core/crypto/envelope.ts';
import type { SubKey, VaultId } from '../core/crypto/keys.ts';
import type { ChangeRow, RecordRow, StoreError } from '../core/ports.ts';
import type { RecordCodec } from '../core/records/codec.ts';
import type { HlcError, HlcStamp } from '../core/records/hlc.ts';
import {
  changeBinding,
  encodeChange,
  encodeRecordPayload,
  parseChange,
  parseRecordPayload,
  recordBinding,
  type ChangeEntry,
  type PayloadError,
  type RecordId,
  type RecordKind,
  type RecordPayload,
} from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { Invalid } from '../core/validate.ts';
import type { VaultSession } from './session.ts';

export type RecordError =
  | { readonly type: 'RecordTampered'; readonly id: string; readonly cause: EnvelopeError }
  | { readonly type: 'RecordUnreadable'; readonly id: string; readonly cause: PayloadError }
  | { readonly type: 'RecordKindMismatch'; readonly id: string }
  | Invalid
  | StoreError
  | HlcError;

export interface SealedRows {
  readonly record: RecordRow;
  readonly change: ChangeRow;
}

/**
 * A record and its change-log entry, each sealed under its own subkey and bound to its id: what
 * every writer of records stores, in one transaction. `plaintext` is the record's encoded body.
 */
export function sealRows(session: VaultSession, kind: RecordKind, id: RecordId, plaintext: Uint8Array, hlc: HlcStamp, op: ChangeEntry['op']): SealedRows {
  const keys = session.keys();
  const entry: ChangeEntry = { id, kind, hlc, op };
  return {
    record: { id, kind, envelope: sealEnvelope(keys.record, session.deps.random.bytes(XNONCE_BYTES), recordBinding(session.vaultId, kind, id), plaintext) },
    change: { id, envelope: sealEnvelope(keys.change, session.deps.random.bytes(XNONCE_BYTES), changeBinding(session.vaultId, id), encodeChange(entry)) },
  };
}

export interface StoredRecord<T> {
  readonly id: RecordId;
  readonly hlc: HlcStamp;
  readonly data: T;
}

/** Opens a stored record row of `codec`'s kind: with a session's keys, or a backup's. */
export function openRecordRow<T>(key: SubKey<'record'>, vaultId: VaultId, codec: RecordCodec<RecordKind, T>, row: RecordRow): Result<RecordPayload<T>, RecordError> {
  if (row.kind !== codec.kind) return err({ type: 'RecordKindMismatch', id: row.id });
  const opened = openEnvelope(key, recordBinding(vaultId, row.kind, row.id), row.envelope);
  if (!opened.ok) return err({ type: 'RecordTampered', id: row.id, cause: opened.error });
  const payload = parseRecordPayload(opened.value, codec.parse);
  return payload.ok ? payload : err({ type: 'RecordUnreadable', id: row.id, cause: payload.error });
}

function openRow<T>(session: VaultSession, codec: RecordCodec<RecordKind, T>, row: RecordRow): Result<RecordPayload<T>, RecordError> {
  return openRecordRow(session.keys().record, session.vaultId, codec, row);
}

export interface WriteOptions {
  /** Imports whose chunks this record now owns; they land in the same transaction. */
  readonly landedImports?: readonly string[];
}

/** The files the version being replaced owned and the next one does not. */
function droppedFiles<T>(codec: RecordCodec<RecordKind, T>, previous: RecordPayload<T> | undefined, next: T | undefined): string[] {
  if (codec.files === undefined || previous === undefined || previous.deleted) return [];
  const kept = new Set(next === undefined ? [] : codec.files(next));
  return codec.files(previous.data).filter((file) => !kept.has(file));
}

export interface ListResult<T> {
  readonly records: StoredRecord<T>[];
  /** Records that failed to open: shown as damaged, never silently dropped. */
  readonly failures: RecordError[];
}

export function createRepository<K extends RecordKind, T>(session: VaultSession, codec: RecordCodec<K, T>) {
  async function write(id: RecordId, body: { deleted: false; data: T } | { deleted: true }, options: WriteOptions, isNew: boolean) {
    const run = async (): Promise<Result<HlcStamp, RecordError>> => {
      // A rewrite folds in the stamp of the version it replaces; a record with a fresh random id
      // has no earlier version, so it skips that read.
      const existing = isNew ? undefined : await session.store().readRecord(id);
      let current: RecordPayload<T> | undefined;
      if (existing !== undefined) {
        const opened = openRow(session, codec, existing);
        if (!opened.ok) return opened;
        current = opened.value;
      }
      // What is sealed must read back: data the parser would refuse (a value too long, too
      // many files) is refused here, before it becomes a record nobody can open or delete.
      const json = body.deleted ? undefined : codec.toJson(body.data);
      if (json !== undefined) {
        const checked = codec.parse(json);
        if (!checked.ok) return checked;
      }
      const hlc = session.stamp(current?.hlc);
      if (!hlc.ok) return hlc;
      const payload: RecordPayload<unknown> = body.deleted ? { hlc: hlc.value, deleted: true } : { hlc: hlc.value, deleted: false, data: json };
      const { record, change } = sealRows(session, codec.kind, id, encodeRecordPayload(payload), hlc.value, body.deleted ? 'delete' : 'put');
      const clock = session.sealClock(hlc.value);
      const stored = await session.store().writeRecord(record, change, clock, {
        landed: options.landedImports ?? [],
        // A deleted document's files, or a file a rewrite left out, go with it.
        dropped: droppedFiles(codec, current, body.deleted ? undefined : body.data),
      });
      if (!stored.ok) return stored;
      if (clock !== undefined) session.clockSaved(hlc.value);
      return ok(hlc.value);
    };
    // A rewrite reads the current version then writes the next: across tabs, one at a time.
    // A record under a fresh random id cannot collide with anything, so it skips the lock.
    const written = isNew ? await run() : await session.exclusive(run);
    if (written.ok) session.announceChange([codec.kind]);
    return written;
  }

  /**
   * Writes several records in one transaction: all of them land, or none (an import the
   * patient accepted as a whole). Each has a fresh id unless `id` is given, with `seen` the
   * stamp of the version it replaces; each is checked as `put` checks it before anything is
   * written. The caller holding a rewrite's earlier version runs it under `session.exclusive`.
   */
  async function writeMany(items: readonly { readonly id?: RecordId; readonly data: T; readonly seen?: HlcStamp }[]): Promise<Result<RecordId[], RecordError>> {
    const rows: SealedRows[] = [];
    const ids: RecordId[] = [];
    let last: HlcStamp | undefined;
    for (const item of items) {
      const json = codec.toJson(item.data);
      const checked = codec.parse(json);
      if (!checked.ok) return checked;
      const hlc = session.stamp(item.seen ?? last);
      if (!hlc.ok) return hlc;
      last = hlc.value;
      const id = item.id ?? session.newId();
      rows.push(sealRows(session, codec.kind, id, encodeRecordPayload({ hlc: hlc.value, deleted: false, data: json }), hlc.value, 'put'));
      ids.push(id);
    }
    if (last === undefined) return ok([]);
    const clock = session.sealClock(last);
    const stored = await session.store().writeRecords(rows, clock);
    if (!stored.ok) return stored;
    if (clock !== undefined) session.clockSaved(last);
    session.announceChange([codec.kind]);
    return ok(ids);
  }

  return {
    kind: codec.kind,
    /** Creates a record under a fresh id, or replaces the record `id`; returns its id. */
    async put(data: T, id?: RecordId, options: WriteOptions = {}): Promise<Result<RecordId, RecordError>> {
      const target = id ?? session.newId();
      const written = await write(target, { deleted: false, data }, options, id === undefined);
      return written.ok ? ok(target) : written;
    },
    writeMany,
    /** New records under fresh ids, all in one transaction or none. */
    putMany(items: readonly T[]): Promise<Result<RecordId[], RecordError>> {
      return writeMany(items.map((data) => ({ data })));
    },
    /** The record, or null when it never existed or was deleted. */
    async get(id: RecordId): Promise<Result<StoredRecord<T> | null, RecordError>> {
      const row = await session.store().readRecord(id);
      if (row === undefined) return ok(null);
      const opened = openRow(session, codec, row);
      if (!opened.ok) return opened;
      return ok(opened.value.deleted ? null : { id, hlc: opened.value.hlc, data: opened.value.data });
    },
    async list(): Promise<ListResult<T>> {
      const rows = await session.store().listRecords(codec.kind);
      const records: StoredRecord<T>[] = [];
      const failures: RecordError[] = [];
      for (const row of rows) {
        const opened = openRow(session, codec, row);
        if (!opened.ok) failures.push(opened.error);
        else if (!opened.value.deleted) records.push({ id: row.id as RecordId, hlc: opened.value.hlc, data: opened.value.data });
      }
      return { records, failures };
    },
    /**
     * Replaces the record by a tombstone, which sync will carry to the other devices; the files it
     * owned are deleted with it.
     */
    async remove(id: RecordId): Promise<Result<void, RecordError>> {
      const written = await write(id, { deleted: true }, {}, false);
      return written.ok ? ok(undefined) : written;
    },
  };
}

/** The pending change log, opened: what the next sync will ship. */
export async function pendingChanges(session: VaultSession): Promise<Result<ChangeEntry[], RecordError>> {
  const rows = await session.store().listChanges();
  const entries: ChangeEntry[] = [];
  for (const row of rows) {
    const opened = openEnvelope(session.keys().change, changeBinding(session.vaultId, row.id), row.envelope);
    if (!opened.ok) return err({ type: 'RecordTampered', id: row.id, cause: opened.error });
    const entry = parseChange(opened.value);
    if (!entry.ok) return err({ type: 'RecordUnreadable', id: row.id, cause: entry.error });
    if (entry.value.id !== row.id) return err({ type: 'RecordKindMismatch', id: row.id });
    entries.push(entry.value);
  }
  return ok(entries);
}
