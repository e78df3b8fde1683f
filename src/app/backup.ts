/**
 * Encrypted backup and restore of a whole profile (docs/format.md §11).
 *
 * Export streams the stored rows as they are (already sealed) into a sink, one frame at a time:
 * a 1 GB vault never sits in memory. Restore reads the file twice: a first pass verifies
 * everything (structure, MAC, every record and every chunk opened) and writes nothing; only then
 * a second pass writes into a brand-new database, which lands on the lock screen at the very end.
 * Any failure on the way destroys that database: nothing already stored changes, ever.
 */
import { toHex } from '../core/bytes.ts';
import {
  BACKUP_HEADER_FIXED_BYTES,
  BACKUP_MAGIC,
  createBackupMac,
  encodeBackupHeader,
  encodeFrame,
  FRAME_HEAD_BYTES,
  frameMacInput,
  openBackupLabel,
  parseBackupHeader,
  parseFrameBody,
  parseFrameHead,
  sealBackupLabel,
  type BackupFormatError,
  type BackupFrame,
} from '../core/backup.ts';
import { equalBytes } from '../core/bytes.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope } from '../core/crypto/envelope.ts';
import { openInboxSecret, parseKeyring, passphraseBytes, unwrapVaultKey, verifyKeyringMac, type Keyring, type KeyringError, type Wrap } from '../core/crypto/keyring.ts';
import { asVaultKey, deriveVaultKeys, zeroVaultKeys, type VaultKey, type VaultKeys, type WrapKey } from '../core/crypto/keys.ts';
import { parseRecoveryKey, recoveryWrapKey, type RecoveryKeyError } from '../core/crypto/recovery.ts';
import { createStreamOpener } from '../core/crypto/stream.ts';
import { PROFILE_DATABASE_PREFIX, type ChangeRow, type ProfileEntry, type RecordRow, type StoreError } from '../core/ports.ts';
import { documentCodec, type FileRef } from '../core/records/document.ts';
import type { DeviceId } from '../core/records/hlc.ts';
import { parseRecordPayload } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import { logActivity } from './activity.ts';
import { createChunkReader, type ChunkReader } from './chunk-reader.ts';
import type { VaultDeps } from './deps.ts';
import type { TransferOptions } from './files.ts';
import { release, releaseBuffer } from './memory.ts';
import type { RecordError } from './records.ts';
import { creationLockName, parseProfileLabel } from './profiles.ts';
import { createSession, type VaultSession } from './session.ts';


/** Where an export goes: a file being written, or parts of a Blob to download. */
export interface BackupSink {
  /** Must have consumed `bytes` when its promise resolves: the caller reuses or frees them. */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export type ExportError =
  | { readonly type: 'BackupCancelled' }
  | { readonly type: 'BackupWriteFailed' }
  | { readonly type: 'KeyringTampered' }
  | { readonly type: 'ChunkMissing'; readonly index: number }
  | RecordError
  | StoreError;

export interface ExportSummary {
  readonly records: number;
  readonly chunks: number;
  readonly bytes: number;
}

class ExportAbort extends Error {
  constructor(readonly error: ExportError) {
    super(error.type);
  }
}

/**
 * Streams the whole profile, sealed as stored, into `sink`: one consistent state of the
 * database, with the files of the documents that exist (not chunks of imports under way, nor of
 * documents deleted since), and the keyring as stored now, whatever another tab changed.
 */
export async function exportBackup(session: VaultSession, sink: BackupSink, options: TransferOptions = {}): Promise<Result<ExportSummary, ExportError>> {
  const store = session.store();
  const keys = session.keys();
  const snapshot = await store.snapshot();
  if (snapshot.keyring === undefined || !verifyKeyringMac(snapshot.keyring, keys.headerMac)) return err({ type: 'KeyringTampered' });
  const { records, changes } = snapshot;
  const wanted = new Map<string, number>();
  for (const row of records) {
    if (row.kind !== 'document') continue;
    const opened = openEnvelope(keys.record, { domain: 'record', vaultId: session.vaultId, kind: row.kind, id: row.id }, row.envelope);
    if (!opened.ok) return err({ type: 'RecordTampered', id: row.id, cause: opened.error });
    const payload = parseRecordPayload(opened.value, documentCodec.parse);
    if (!payload.ok) return err({ type: 'RecordUnreadable', id: row.id, cause: payload.error });
    if (!payload.value.deleted) for (const file of payload.value.data.files) wanted.set(file.id, file.chunkCount);
  }
  const chunkKeys = snapshot.chunkKeys.filter(([file]) => wanted.has(file));
  // A file of a live document must be whole, or the backup would not restore.
  for (const [file, count] of wanted) {
    const present = chunkKeys.filter(([key]) => key === file).length;
    if (present !== count) return err({ type: 'ChunkMissing', index: present });
  }
  const total = records.length + changes.length + chunkKeys.length;
  const mac = createBackupMac(keys.backupMac);
  let written = 0;
  let done = 0;

  const put = async (bytes: Uint8Array) => {
    try {
      await sink.write(bytes);
    } catch {
      throw new ExportAbort({ type: 'BackupWriteFailed' });
    }
    written += bytes.length;
  };
  const emit = async (frame: BackupFrame) => {
    if (options.signal?.aborted === true) throw new ExportAbort({ type: 'BackupCancelled' });
    for (const part of encodeFrame(frame)) await put(part);
    mac.update(frameMacInput(frame));
    done += frame.type === 'record' || frame.type === 'change' || frame.type === 'chunk' ? 1 : 0;
    options.onProgress?.({ done, total });
  };

  try {
    const header = encodeBackupHeader(session.vaultId, snapshot.keyring);
    await put(header);
    mac.update(header);
    await emit({ type: 'label', sealed: sealBackupLabel(keys.backupLabel, session.vaultId, session.profile.label, session.deps.random.bytes(XNONCE_BYTES)) });
    // Documents first: restore needs their file keys before it meets their chunks.
    const ordered = [...records.filter((row) => row.kind === 'document'), ...records.filter((row) => row.kind !== 'document')];
    for (const row of ordered) await emit({ type: 'record', kind: row.kind, id: row.id, envelope: row.envelope });
    for (const row of changes) await emit({ type: 'change', id: row.id, envelope: row.envelope });
    for (const [fileId, index] of chunkKeys) {
      const sealed = await store.readChunk(fileId, index);
      if (sealed === undefined) throw new ExportAbort({ type: 'ChunkMissing', index });
      await emit({ type: 'chunk', fileId, index, sealed });
      release(sealed);
    }
    // The end frame's own head and counts are the MAC's last input; its MAC field is the digest.
    const end = { type: 'end', records: records.length, changes: changes.length, chunks: chunkKeys.length, mac: new Uint8Array(32) } as const;
    mac.update(frameMacInput(end));
    for (const part of encodeFrame({ ...end, mac: mac.digest() })) await put(part);
    await sink.close();
  } catch (error) {
    await sink.abort().catch(() => {});
    if (error instanceof ExportAbort) return err(error.error);
    throw error;
  }
  await logActivity(session, { event: 'backup-exported' });
  return ok({ records: records.length, chunks: chunkKeys.length, bytes: written });
}

// --- restore ---------------------------------------------------------------------------------

export type RestoreSecret = { readonly passphrase: string } | { readonly recoveryKey: string };

export type RestoreError =
  | BackupFormatError
  | KeyringError
  | RecoveryKeyError
  | StoreError
  | { readonly type: 'BackupTampered'; readonly where: string }
  | { readonly type: 'KeyringTampered' }
  | { readonly type: 'VaultAlreadyPresent'; readonly label: string }
  | { readonly type: 'WrongPassphrase' }
  | { readonly type: 'WrongRecoveryKey' }
  | { readonly type: 'NoPassphraseWrap' }
  | { readonly type: 'NoRecoveryWrap' }
  | { readonly type: 'RestoreCancelled' }
  | { readonly type: 'FileUnreadable'; readonly name: string };

class RestoreAbort extends Error {
  constructor(readonly error: RestoreError) {
    super(error.type);
  }
}

/** Serialises "is this vault already here?" with registering it, across tabs. */
const REGISTRY_LOCK = 'carnet:registry';

/** Throws the typed error to the use case's boundary, where it becomes a Result again. */
function fail(error: RestoreError): never {
  throw new RestoreAbort(error);
}

/** Reads exactly `length` bytes, telling a short file from an unreadable one. */
async function readExact(reader: ChunkReader, length: number, position: { offset: number }, file: Blob): Promise<Uint8Array> {
  if (position.offset + length > file.size) fail({ type: 'BackupTruncated' });
  const bytes = await reader.next(length);
  if (bytes === null) fail({ type: 'FileUnreadable', name: file instanceof File ? file.name : 'backup' });
  position.offset += length;
  return bytes as Uint8Array;
}

interface Header {
  readonly vaultId: string;
  readonly keyring: Keyring;
  readonly bytes: Uint8Array;
}

async function readHeader(reader: ChunkReader, position: { offset: number }, file: Blob): Promise<Header> {
  if (file.size < BACKUP_HEADER_FIXED_BYTES) {
    // Too short for a header: a backup cut at its start, or not a backup at all.
    const start = file.size === 0 ? new Uint8Array() : (await readExact(reader, file.size, position, file)).slice();
    const prefix = Math.min(start.length, BACKUP_MAGIC.length);
    fail(prefix > 0 && equalBytes(start.subarray(0, prefix), BACKUP_MAGIC.subarray(0, prefix)) ? { type: 'BackupTruncated' } : { type: 'NotABackup' });
  }
  const fixed = (await readExact(reader, BACKUP_HEADER_FIXED_BYTES, position, file)).slice();
  const parsed = parseBackupHeader(fixed);
  if (!parsed.ok) fail(parsed.error);
  const { vaultId, keyringLength } = parsed.value;
  const keyringBytes = (await readExact(reader, keyringLength, position, file)).slice();
  const keyring = parseKeyring(keyringBytes);
  if (!keyring.ok) fail(keyring.error);
  if (!equalBytes(keyring.value.vaultId, vaultId)) fail({ type: 'BackupTampered', where: 'header' });
  return { vaultId: toHex(vaultId), keyring: keyring.value, bytes: new Uint8Array([...fixed, ...keyringBytes]) };
}

async function readFrame(reader: ChunkReader, position: { offset: number }, file: Blob): Promise<BackupFrame> {
  const head = parseFrameHead((await readExact(reader, FRAME_HEAD_BYTES, position, file)).slice());
  if (!head.ok) fail(head.error);
  const { code, length } = head.value;
  // The reader's buffer is reused: the frame body is copied out of it.
  const body = (await readExact(reader, length, position, file)).slice();
  const frame = parseFrameBody(code, body);
  if (!frame.ok) fail(frame.error);
  return frame.value;
}

/** What the file says before any secret: its vault and whether that vault is already here. */
export async function inspectBackup(deps: VaultDeps, file: Blob): Promise<Result<{ vaultId: string; methods: Wrap['method'][]; present: ProfileEntry | null }, RestoreError>> {
  const reader = createChunkReader(file, 64 * 1024);
  try {
    const header = await readHeader(reader, { offset: 0 }, file);
    const present = (await deps.registry.list()).find((profile) => profile.vaultId === header.vaultId) ?? null;
    return ok({ vaultId: header.vaultId, methods: header.keyring.wraps.map((wrap) => wrap.method), present });
  } catch (error) {
    if (error instanceof RestoreAbort) return err(error.error);
    throw error;
  } finally {
    reader.close();
  }
}

async function keysFrom(deps: VaultDeps, keyring: Keyring, keyringBytes: Uint8Array, secret: RestoreSecret): Promise<{ keys: VaultKeys; vaultKey: VaultKey }> {
  let wrap: Wrap | undefined;
  let wrapKey: WrapKey;
  if ('passphrase' in secret) {
    wrap = keyring.wraps.find((candidate) => candidate.method === 'passphrase');
    if (wrap === undefined || wrap.method !== 'passphrase') return fail({ type: 'NoPassphraseWrap' });
    const password = passphraseBytes(secret.passphrase);
    try {
      wrapKey = (await deps.kdf.argon2id(password, wrap.salt, wrap.kdf)) as WrapKey;
    } finally {
      password.fill(0);
    }
  } else {
    const key = parseRecoveryKey(secret.recoveryKey);
    if (!key.ok) return fail(key.error);
    wrap = keyring.wraps.find((candidate) => candidate.method === 'recovery');
    if (wrap === undefined || wrap.method !== 'recovery') return fail({ type: 'NoRecoveryWrap' });
    wrapKey = recoveryWrapKey(key.value, wrap.salt);
    key.value.fill(0);
  }
  const vaultKey = unwrapVaultKey(wrap, wrapKey, keyring.vaultId);
  wrapKey.fill(0);
  if (!vaultKey.ok) return fail({ type: 'passphrase' in secret ? 'WrongPassphrase' : 'WrongRecoveryKey' });
  const keys = deriveVaultKeys(vaultKey.value, keyring.vaultId);
  if (!verifyKeyringMac(keyringBytes, keys.headerMac)) {
    zeroVaultKeys(keys);
    vaultKey.value.fill(0);
    return fail({ type: 'KeyringTampered' });
  }
  return { keys, vaultKey: vaultKey.value };
}

interface Verified {
  readonly label: string;
  readonly records: number;
  readonly chunks: number;
  readonly mac: Uint8Array;
}

/** Pass one: everything is read, authenticated and opened; nothing is written. */
async function verifyBackup(deps: VaultDeps, file: Blob, header: Header, keys: VaultKeys, report: (bytes: number) => void, signal: AbortSignal | undefined): Promise<Verified> {
  const reader = createChunkReader(file, 1024 * 1024);
  const position = { offset: 0 };
  const vaultId = header.keyring.vaultId;
  try {
    await readHeader(reader, position, file);
    report(position.offset);
    const mac = createBackupMac(keys.backupMac);
    mac.update(header.bytes);
    const files = new Map<string, { ref: FileRef; next: number; opener: ReturnType<typeof createStreamOpener> | null }>();
    const seen = new Set<string>();
    let label: string | null = null;
    let phase = 0;
    const counts = { record: 0, change: 0, chunk: 0 };
    const order = { label: 1, record: 2, change: 3, chunk: 4, end: 5 } as const;
    for (;;) {
      if (signal?.aborted === true) fail({ type: 'RestoreCancelled' });
      const before = position.offset;
      const frame = await readFrame(reader, position, file);
      report(position.offset - before);
      if (order[frame.type] < phase) fail({ type: 'BackupMalformed', reason: `${frame.type} frame out of order` });
      phase = order[frame.type];
      if (frame.type === 'end') {
        mac.update(frameMacInput(frame));
        const expected = mac.digest();
        if (!equalBytes(expected, frame.mac)) fail({ type: 'BackupTampered', where: 'MAC' });
        if (frame.records !== counts.record || frame.changes !== counts.change || frame.chunks !== counts.chunk)
          fail({ type: 'BackupTampered', where: 'counts' });
        if (position.offset !== file.size) fail({ type: 'BackupMalformed', reason: 'bytes after the end' });
        for (const [fileId, entry] of files)
          if (entry.next !== entry.ref.chunkCount) fail({ type: 'BackupTampered', where: `file ${fileId} incomplete` });
        if (label === null) fail({ type: 'BackupMalformed', reason: 'no label' });
        return { label, records: counts.record, chunks: counts.chunk, mac: expected };
      }
      mac.update(frameMacInput(frame));
      switch (frame.type) {
        case 'label': {
          if (label !== null) fail({ type: 'BackupMalformed', reason: 'two labels' });
          const opened = openBackupLabel(keys.backupLabel, vaultId, frame.sealed);
          if (!opened.ok) fail({ type: 'BackupTampered', where: 'label' });
          label = opened.value;
          break;
        }
        case 'record': {
          if (seen.has(`r:${frame.id}`)) fail({ type: 'BackupMalformed', reason: 'duplicate record' });
          seen.add(`r:${frame.id}`);
          const opened = openEnvelope(keys.record, { domain: 'record', vaultId, kind: frame.kind, id: frame.id }, frame.envelope);
          if (!opened.ok) fail({ type: 'BackupTampered', where: `record ${frame.id}` });
          if (frame.kind === 'document') {
            const payload = parseRecordPayload(opened.value, documentCodec.parse);
            if (!payload.ok) fail({ type: 'BackupTampered', where: `record ${frame.id}` });
            if (!payload.value.deleted) for (const ref of payload.value.data.files) files.set(ref.id, { ref, next: 0, opener: null });
          }
          counts.record += 1;
          break;
        }
        case 'change': {
          const opened = openEnvelope(keys.change, { domain: 'change', vaultId, kind: 'change', id: frame.id }, frame.envelope);
          if (!opened.ok) fail({ type: 'BackupTampered', where: `change ${frame.id}` });
          counts.change += 1;
          break;
        }
        case 'chunk': {
          const current = files.get(frame.fileId);
          if (current === undefined) fail({ type: 'BackupTampered', where: `chunk of unknown file ${frame.fileId}` });
          if (frame.index !== current.next) fail({ type: 'BackupTampered', where: `chunk ${frame.index} of ${frame.fileId}` });
          current.opener ??= createStreamOpener(await deps.chunkCipher(current.ref.key), current.ref.chunkCount);
          const opened = await current.opener.open(frame.sealed);
          if (!opened.ok) fail({ type: 'BackupTampered', where: `chunk ${frame.index} of ${frame.fileId}` });
          const plaintext = opened.value;
          const last = frame.index === current.ref.chunkCount - 1;
          const expected = last ? current.ref.size - current.ref.chunkSize * (current.ref.chunkCount - 1) : current.ref.chunkSize;
          if (plaintext.length !== expected) fail({ type: 'BackupTampered', where: `chunk ${frame.index} of ${frame.fileId}` });
          release(plaintext);
          // The frame body was copied out of the reader for this frame only: free it now.
          releaseBuffer(frame.sealed);
          current.next += 1;
          counts.chunk += 1;
          break;
        }
      }
    }
  } finally {
    reader.close();
  }
}

/** Pass two: the verified file, written into the new database `profile.database`. */
async function writeBackup(deps: VaultDeps, file: Blob, header: Header, verified: Verified, keys: VaultKeys, profile: ProfileEntry, deviceId: DeviceId, report: (bytes: number) => void, signal: AbortSignal | undefined): Promise<void> {
  const store = await deps.stores.open(profile.database);
  const reader = createChunkReader(file, 1024 * 1024);
  const position = { offset: 0 };
  try {
    const stored = await store.initialise(header.bytes.slice(BACKUP_HEADER_FIXED_BYTES), deviceId);
    if (!stored.ok) fail(stored.error.type === 'VaultExists' ? { type: 'StoreUnavailable', detail: 'new database not empty' } : stored.error);
    await readHeader(reader, position, file);
    report(position.offset);
    const mac = createBackupMac(keys.backupMac);
    mac.update(header.bytes);
    const records: RecordRow[] = [];
    const changes: ChangeRow[] = [];
    // Chunks are written a few at a time, as the file store does; each is freed once written.
    const batch = { fileId: '', first: 0, chunks: [] as Uint8Array[] };
    const flush = async () => {
      if (batch.chunks.length === 0) return;
      const written = await store.putChunks(batch.fileId, batch.first, batch.chunks);
      if (!written.ok) fail(written.error);
      for (const chunk of batch.chunks.splice(0)) release(chunk);
    };
    for (;;) {
      if (signal?.aborted === true) fail({ type: 'RestoreCancelled' });
      const before = position.offset;
      const frame = await readFrame(reader, position, file);
      report(position.offset - before);
      if (frame.type === 'end') {
        mac.update(frameMacInput(frame));
        // The file was verified a moment ago; this guards against it changing in between.
        if (!equalBytes(mac.digest(), verified.mac)) fail({ type: 'BackupTampered', where: 'MAC' });
        break;
      }
      mac.update(frameMacInput(frame));
      // Stored values are copies of exactly their bytes: a view would make IndexedDB store the
      // whole frame body behind it.
      if (frame.type === 'record') records.push({ id: frame.id, kind: frame.kind, envelope: frame.envelope.slice() });
      else if (frame.type === 'change') changes.push({ id: frame.id, envelope: frame.envelope.slice() });
      else if (frame.type === 'chunk') {
        if (records.length + changes.length > 0) {
          const written = await store.restoreRows(records.splice(0), changes.splice(0));
          if (!written.ok) fail(written.error);
        }
        if (batch.fileId !== frame.fileId || batch.chunks.length >= 4) await flush();
        if (batch.chunks.length === 0) {
          batch.fileId = frame.fileId;
          batch.first = frame.index;
        }
        batch.chunks.push(frame.sealed.slice());
        releaseBuffer(frame.sealed);
      }
    }
    await flush();
    if (records.length + changes.length > 0) {
      const written = await store.restoreRows(records, changes);
      if (!written.ok) fail(written.error);
    }
    store.close();
  } catch (error) {
    store.close();
    await deps.stores.destroy(profile.database);
    throw error;
  } finally {
    reader.close();
  }
}

/**
 * Restores a backup as a new profile on this device, after verifying all of it. A vault that is
 * already here is refused rather than merged: the patient decides what to do with the existing one.
 */
export async function restoreBackup(
  deps: VaultDeps,
  file: Blob,
  secret: RestoreSecret,
  options: TransferOptions = {},
): Promise<Result<ProfileEntry, RestoreError>> {
  let opened: { keys: VaultKeys; vaultKey: VaultKey } | null = null;
  let inboxSecret: Uint8Array | null = null;
  const total = file.size * 2;
  let done = 0;
  const report = (bytes: number) => {
    done += bytes;
    options.onProgress?.({ done, total });
  };
  try {
    const reader = createChunkReader(file, 64 * 1024);
    const header = await readHeader(reader, { offset: 0 }, file).finally(() => reader.close());
    const present = (await deps.registry.list()).find((profile) => profile.vaultId === header.vaultId);
    if (present !== undefined) fail({ type: 'VaultAlreadyPresent', label: present.label });
    opened = await keysFrom(deps, header.keyring, header.bytes.subarray(BACKUP_HEADER_FIXED_BYTES), secret);
    const { keys, vaultKey: sourceKey } = opened;
    const inbox = openInboxSecret(keys.inboxSecret, header.keyring);
    if (!inbox.ok) fail({ type: 'KeyringTampered' });
    // Until the restored session takes it (and zeroes it at lock), it is ours to forget.
    inboxSecret = inbox.value;
    const verified = await verifyBackup(deps, file, header, keys, report, options.signal);
    const label = parseProfileLabel(verified.label);
    if (!label.ok) fail({ type: 'BackupMalformed', reason: 'label' });
    const deviceId = toHex(deps.random.bytes(8)) as DeviceId;
    const profile: ProfileEntry = {
      id: toHex(deps.random.bytes(16)),
      vaultId: header.vaultId,
      database: `${PROFILE_DATABASE_PREFIX}${toHex(deps.random.bytes(16))}`,
      label: label.value,
      createdAt: deps.clock.now(),
    };
    // From the moment the new database exists until it is registered, its creator's lock tells a
    // sweep that it is not an orphan.
    await deps.locks.withLock(creationLockName(profile.database), async () => {
      await writeBackup(deps, file, header, verified, keys, profile, deviceId, report, options.signal);
      try {
        // The restored vault's own log says where it came from; its session takes copies of the
        // keys and zeroes them at lock (ours are zeroed below).
        const vaultKey = asVaultKey(sourceKey.slice());
        const store = await deps.stores.open(profile.database);
        inboxSecret = null;
        const session: VaultSession = createSession(deps, {
          profile,
          vaultId: header.keyring.vaultId,
          deviceId,
          openedWith: 'passphrase' in secret ? 'passphrase' : 'recovery',
          vaultKey,
          keys: deriveVaultKeys(vaultKey, header.keyring.vaultId),
          inboxSecret: inbox.value,
          keyring: header.keyring,
          store,
        });
        await logActivity(session, { event: 'backup-restored' });
        session.lock();
        // Registered last, and only if the same vault did not arrive meanwhile (another tab).
        await deps.locks.withLock(REGISTRY_LOCK, async () => {
          const arrived = (await deps.registry.list()).find((entry) => entry.vaultId === header.vaultId);
          if (arrived !== undefined) fail({ type: 'VaultAlreadyPresent', label: arrived.label });
          await deps.registry.add(profile);
        });
      } catch (error) {
        await deps.stores.destroy(profile.database);
        throw error;
      }
    });
    return ok(profile);
  } catch (error) {
    if (error instanceof RestoreAbort) return err(error.error);
    throw error;
  } finally {
    inboxSecret?.fill(0);
    if (opened !== null) {
      opened.vaultKey.fill(0);
      zeroVaultKeys(opened.keys);
    }
  }
}
