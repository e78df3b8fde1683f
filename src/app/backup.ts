/**
 * Encrypted backup and restore of a whole profile (docs/format.md §11).
 *
 * Export streams the stored rows as they are (already sealed) into a sink, one frame at a time:
 * a 1 GB vault never sits in memory. Restore reads the file twice: a first pass verifies
 * everything (structure, MAC, every record and every chunk opened) and writes nothing; only then
 * a second pass writes into a brand-new database, which lands on the lock screen at the very end.
 * Any failure on the way destroys that database: nothing already stored changes, ever.
 */
import { concatBytes, equalBytes, toHex } from '../core/bytes.ts';
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
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope } from '../core/crypto/envelope.ts';
import { parseKeyring, verifyKeyringMac, type Keyring, type KeyringError, type Wrap } from '../core/crypto/keyring.ts';
import { asVaultKey, deriveVaultKeys, type VaultKeys } from '../core/crypto/keys.ts';
import { createStreamOpener } from '../core/crypto/stream.ts';
import type { BackupSink, ChangeRow, ProfileEntry, RecordRow, StoreError } from '../core/ports.ts';
import type { UnlockMethod } from '../core/records/activity.ts';
import { chunkPlainLength, documentCodec, type FileRef } from '../core/records/document.ts';
import type { DeviceId } from '../core/records/hlc.ts';
import { changeBinding, recordBinding } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import { logActivity } from './activity.ts';
import { createChunkReader, type ChunkReader } from './chunk-reader.ts';
import type { VaultDeps } from './deps.ts';
import type { TransferOptions } from './files.ts';
import { release, releaseBuffer } from './memory.ts';
import {
  forgetKeyring,
  openKeyring,
  passphraseOpener,
  recoveryOpener,
  type OpenedKeyring,
  type Opener,
  type PassphraseOpenError,
  type RecoveryOpenError,
} from './open-keyring.ts';
import { creationLockName, newProfile, parseProfileLabel, profileOfVault } from './profiles.ts';
import { openRecordRow, type RecordError } from './records.ts';
import { createSession, type VaultSession } from './session.ts';

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
 * database, with the files of the documents that exist (not the chunks of an import under way),
 * and the keyring as stored now, whatever another tab changed.
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
    const payload = openRecordRow(keys.record, session.vaultId, documentCodec, row);
    if (!payload.ok) return payload;
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
  | PassphraseOpenError
  | RecoveryOpenError
  | StoreError
  | { readonly type: 'BackupTampered'; readonly where: string }
  | { readonly type: 'KeyringTampered' }
  | { readonly type: 'VaultAlreadyPresent'; readonly label: string }
  | { readonly type: 'RestoreCancelled' }
  /** `name` is null when the backup came as a Blob without a file name. */
  | { readonly type: 'FileUnreadable'; readonly name: string | null };

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
  if (bytes === null) fail({ type: 'FileUnreadable', name: file instanceof File ? file.name : null });
  position.offset += length;
  return bytes as Uint8Array;
}

interface Header {
  readonly vaultId: string;
  readonly keyring: Keyring;
  /** The whole header as read, which the MAC covers first. */
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
  return { vaultId: toHex(vaultId), keyring: keyring.value, bytes: concatBytes(fixed, keyringBytes) };
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

type EndFrame = Extract<BackupFrame, { type: 'end' }>;

/**
 * One pass over the file: the header skipped, then every frame read in order, counted as
 * progress and fed to a fresh MAC, and handed to `onFrame` until the end frame. Returns the end
 * frame, the MAC of everything up to and including it, and whether bytes follow it.
 */
async function readFrames(
  file: Blob,
  header: Header,
  keys: VaultKeys,
  pass: { report: (bytes: number) => void; signal: AbortSignal | undefined },
  onFrame: (frame: Exclude<BackupFrame, EndFrame>) => Promise<void> | void,
): Promise<{ end: EndFrame; digest: Uint8Array; trailing: boolean }> {
  const reader = createChunkReader(file, 1024 * 1024);
  const position = { offset: 0 };
  try {
    await readHeader(reader, position, file);
    pass.report(position.offset);
    const mac = createBackupMac(keys.backupMac);
    mac.update(header.bytes);
    for (;;) {
      if (pass.signal?.aborted === true) fail({ type: 'RestoreCancelled' });
      const before = position.offset;
      const frame = await readFrame(reader, position, file);
      pass.report(position.offset - before);
      mac.update(frameMacInput(frame));
      if (frame.type === 'end') return { end: frame, digest: mac.digest(), trailing: position.offset !== file.size };
      await onFrame(frame);
    }
  } finally {
    reader.close();
  }
}

/** What the file says before any secret: its vault and whether that vault is already here. */
export async function inspectBackup(deps: VaultDeps, file: Blob): Promise<Result<{ vaultId: string; methods: Wrap['method'][]; present: ProfileEntry | null }, RestoreError>> {
  const reader = createChunkReader(file, 64 * 1024);
  try {
    const header = await readHeader(reader, { offset: 0 }, file);
    const present = (await profileOfVault(deps, header.vaultId)) ?? null;
    return ok({ vaultId: header.vaultId, methods: header.keyring.wraps.map((wrap) => wrap.method), present });
  } catch (error) {
    if (error instanceof RestoreAbort) return err(error.error);
    throw error;
  } finally {
    reader.close();
  }
}

interface Verified {
  readonly label: string;
  readonly mac: Uint8Array;
}

/** Pass one: everything is read, authenticated and opened; nothing is written. */
async function verifyBackup(deps: VaultDeps, file: Blob, header: Header, keys: VaultKeys, pass: Parameters<typeof readFrames>[3]): Promise<Verified> {
  const vaultId = header.keyring.vaultId;
  const files = new Map<string, { ref: FileRef; next: number; opener: ReturnType<typeof createStreamOpener> | null }>();
  const records = new Set<string>();
  let label: string | null = null;
  let phase = 0;
  const counts = { record: 0, change: 0, chunk: 0 };
  const order = { label: 1, record: 2, change: 3, chunk: 4 } as const;
  const { end, digest, trailing } = await readFrames(file, header, keys, pass, async (frame) => {
    if (order[frame.type] < phase) fail({ type: 'BackupMalformed', reason: `${frame.type} frame out of order` });
    phase = order[frame.type];
    switch (frame.type) {
      case 'label': {
        if (label !== null) fail({ type: 'BackupMalformed', reason: 'two labels' });
        const opened = openBackupLabel(keys.backupLabel, vaultId, frame.sealed);
        if (!opened.ok) fail({ type: 'BackupTampered', where: 'label' });
        label = opened.value;
        break;
      }
      case 'record': {
        if (records.has(frame.id)) fail({ type: 'BackupMalformed', reason: 'duplicate record' });
        records.add(frame.id);
        const row = { id: frame.id, kind: frame.kind, envelope: frame.envelope };
        if (frame.kind === 'document') {
          const payload = openRecordRow(keys.record, vaultId, documentCodec, row);
          if (!payload.ok) fail({ type: 'BackupTampered', where: `record ${frame.id}` });
          if (!payload.value.deleted) for (const ref of payload.value.data.files) files.set(ref.id, { ref, next: 0, opener: null });
        } else if (!openEnvelope(keys.record, recordBinding(vaultId, frame.kind, frame.id), frame.envelope).ok) {
          fail({ type: 'BackupTampered', where: `record ${frame.id}` });
        }
        counts.record += 1;
        break;
      }
      case 'change': {
        const opened = openEnvelope(keys.change, changeBinding(vaultId, frame.id), frame.envelope);
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
        if (!opened.ok || opened.value.length !== chunkPlainLength(current.ref, frame.index))
          fail({ type: 'BackupTampered', where: `chunk ${frame.index} of ${frame.fileId}` });
        release(opened.value);
        // The frame body was copied out of the reader for this frame only: free it now.
        releaseBuffer(frame.sealed);
        current.next += 1;
        counts.chunk += 1;
        break;
      }
    }
  });
  if (!equalBytes(digest, end.mac)) fail({ type: 'BackupTampered', where: 'MAC' });
  if (end.records !== counts.record || end.changes !== counts.change || end.chunks !== counts.chunk) fail({ type: 'BackupTampered', where: 'counts' });
  if (trailing) fail({ type: 'BackupMalformed', reason: 'bytes after the end' });
  for (const [fileId, entry] of files) if (entry.next !== entry.ref.chunkCount) fail({ type: 'BackupTampered', where: `file ${fileId} incomplete` });
  if (label === null) fail({ type: 'BackupMalformed', reason: 'no label' });
  return { label, mac: digest };
}

/** Pass two: the verified file, written into the new database `profile.database`. */
async function writeBackup(
  deps: VaultDeps,
  file: Blob,
  header: Header,
  verified: Verified,
  keys: VaultKeys,
  target: { profile: ProfileEntry; deviceId: DeviceId },
  pass: Parameters<typeof readFrames>[3],
): Promise<void> {
  const store = await deps.stores.open(target.profile.database);
  try {
    const stored = await store.initialise(header.keyring.bytes, target.deviceId);
    if (!stored.ok) fail(stored.error.type === 'VaultExists' ? { type: 'StoreUnavailable', detail: 'new database not empty' } : stored.error);
    const records: RecordRow[] = [];
    const changes: ChangeRow[] = [];
    const saveRows = async () => {
      if (records.length + changes.length === 0) return;
      const written = await store.restoreRows(records.splice(0), changes.splice(0));
      if (!written.ok) fail(written.error);
    };
    // Chunks are written a few at a time, as the file store does; each is freed once written.
    const batch = { fileId: '', first: 0, chunks: [] as Uint8Array[] };
    const flush = async () => {
      if (batch.chunks.length === 0) return;
      const written = await store.putChunks(batch.fileId, batch.first, batch.chunks);
      if (!written.ok) fail(written.error);
      for (const chunk of batch.chunks.splice(0)) release(chunk);
    };
    const { digest } = await readFrames(file, header, keys, pass, async (frame) => {
      // Stored values are copies of exactly their bytes: a view would make IndexedDB store the
      // whole frame body behind it.
      if (frame.type === 'record') records.push({ id: frame.id, kind: frame.kind, envelope: frame.envelope.slice() });
      else if (frame.type === 'change') changes.push({ id: frame.id, envelope: frame.envelope.slice() });
      else if (frame.type === 'chunk') {
        await saveRows();
        if (batch.fileId !== frame.fileId || batch.chunks.length >= 4) await flush();
        if (batch.chunks.length === 0) {
          batch.fileId = frame.fileId;
          batch.first = frame.index;
        }
        batch.chunks.push(frame.sealed.slice());
        releaseBuffer(frame.sealed);
      }
    });
    // The file was verified a moment ago; this guards against it changing in between.
    if (!equalBytes(digest, verified.mac)) fail({ type: 'BackupTampered', where: 'MAC' });
    await flush();
    await saveRows();
    store.close();
  } catch (error) {
    store.close();
    await deps.stores.destroy(target.profile.database);
    throw error;
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
  let opened: OpenedKeyring | null = null;
  const total = file.size * 2;
  let done = 0;
  const pass = {
    report: (bytes: number) => {
      done += bytes;
      options.onProgress?.({ done, total });
    },
    signal: options.signal,
  };
  try {
    const reader = createChunkReader(file, 64 * 1024);
    const header = await readHeader(reader, { offset: 0 }, file).finally(() => reader.close());
    const present = await profileOfVault(deps, header.vaultId);
    if (present !== undefined) fail({ type: 'VaultAlreadyPresent', label: present.label });
    const opener: Opener<PassphraseOpenError | RecoveryOpenError> = 'passphrase' in secret ? passphraseOpener(deps, secret.passphrase) : recoveryOpener(secret.recoveryKey);
    const unlocked = await openKeyring(header.keyring, opener);
    if (!unlocked.ok) fail(unlocked.error);
    opened = unlocked.value;
    const { keys } = opened;
    const verified = await verifyBackup(deps, file, header, keys, pass);
    const label = parseProfileLabel(verified.label);
    if (!label.ok) fail({ type: 'BackupMalformed', reason: 'label' });
    const target = newProfile(deps, header.vaultId, label.value);
    const { profile } = target;
    // From the moment the new database exists until it is registered, its creator's lock tells a
    // sweep that it is not an orphan.
    await deps.locks.withLock(creationLockName(profile.database), async () => {
      await writeBackup(deps, file, header, verified, keys, target, pass);
      try {
        await logRestore(deps, target, header.keyring, opened as OpenedKeyring, 'passphrase' in secret ? 'passphrase' : 'recovery');
        // Registered last, and only if the same vault did not arrive meanwhile (another tab).
        await deps.locks.withLock(REGISTRY_LOCK, async () => {
          const arrived = await profileOfVault(deps, header.vaultId);
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
    if (opened !== null) forgetKeyring(opened);
  }
}

/**
 * The restored vault's own log says where it came from. Its short session works on copies of
 * the keys, overwritten when it locks, whatever happens; ours are overwritten by the caller.
 */
async function logRestore(deps: VaultDeps, target: { profile: ProfileEntry; deviceId: DeviceId }, keyring: Keyring, opened: OpenedKeyring, openedWith: UnlockMethod): Promise<void> {
  const store = await deps.stores.open(target.profile.database);
  const vaultKey = asVaultKey(opened.vaultKey.slice());
  const session = createSession(deps, {
    profile: target.profile,
    vaultId: keyring.vaultId,
    deviceId: target.deviceId,
    openedWith,
    vaultKey,
    keys: deriveVaultKeys(vaultKey, keyring.vaultId),
    inboxSecret: opened.inboxSecret.slice(),
    keyring,
    store,
  });
  try {
    await logActivity(session, { event: 'backup-restored' });
  } finally {
    session.lock();
  }
}
