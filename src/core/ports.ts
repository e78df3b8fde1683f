/**
 * The small interfaces through which the pure core and the use cases reach the outside world.
 * Adapters implement them (Dexie, WebCrypto, workers, the system clock); tests pass fakes that
 * stutter, regress or fail on purpose.
 */
import type { Argon2Params } from './crypto/argon2.ts';
import type { FileKey } from './crypto/keys.ts';
import type { ChunkCipher } from './crypto/stream.ts';
import type { RecordKind } from './records/record.ts';
import type { Result } from './result.ts';

export interface Clock {
  /** Wall-clock UTC milliseconds, for stamps and dates. May stutter or go back. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations only. */
  monotonic(): number;
}

export interface RandomSource {
  /** Cryptographically secure random bytes. */
  bytes(length: number): Uint8Array<ArrayBuffer>;
}

export interface KdfProgress {
  (fraction: number): void;
}

export interface KdfRunner {
  argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2Params, onProgress?: KdfProgress): Promise<Uint8Array>;
}

export type ChunkCipherFactory = (key: FileKey) => Promise<ChunkCipher>;

/** SHA-256 of a chunk (WebCrypto in the browser: native speed, off the page's thread). */
export type Digest = (data: Uint8Array) => Promise<Uint8Array>;

/** A sealed record as stored: only the id and the coarse kind are in the clear. */
export interface RecordRow {
  readonly id: string;
  readonly kind: RecordKind;
  readonly envelope: Uint8Array;
}

/** The pending change-log entry of a record (one per record id; a later write replaces it). */
export interface ChangeRow {
  readonly id: string;
  readonly envelope: Uint8Array;
}

export interface FailedUnlocks {
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export interface StoreSnapshot {
  readonly keyring: Uint8Array | undefined;
  readonly records: RecordRow[];
  readonly changes: ChangeRow[];
  /** The keys of every stored chunk, in key order: by file, then index. */
  readonly chunkKeys: (readonly [string, number])[];
}

export interface OpenImport {
  readonly id: string;
  readonly owner: string;
}

/** What a record write does to stored files, in its own transaction. */
export interface FileEffects {
  /** Imports whose chunks the record now owns: they stop being sweepable. */
  readonly landed?: readonly string[];
  /** Files no record owns any more: their chunks are deleted. */
  readonly dropped?: readonly string[];
}

/** Where a backup goes: a file being written, or parts of a Blob to download. */
export interface BackupSink {
  /** Must have consumed `bytes` when its promise resolves: the caller reuses or frees them. */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Something shared to the installed app while the vault was locked (DESIGN.md §3), as the
 * service worker stored it: a header sealed to the inbox public key, and the file's chunks under
 * a fresh file key named inside that header. The header is written last: chunks without one are
 * an arrival that never finished, swept at unlock.
 */
export interface InboxRow {
  readonly id: string;
  readonly header: Uint8Array;
  readonly receivedAt: number;
}

export type StoreError =
  | { readonly type: 'QuotaExceeded' }
  | { readonly type: 'StoreUnavailable'; readonly detail: string };

/** One profile's local database. Every method is one transaction. */
export interface VaultStore {
  readKeyring(): Promise<Uint8Array | undefined>;
  readDeviceId(): Promise<string | undefined>;
  /** Writes keyring and device id of a new vault; refuses to overwrite an existing keyring. */
  initialise(keyring: Uint8Array, deviceId: string): Promise<Result<void, StoreError | { readonly type: 'VaultExists' }>>;
  /**
   * Counts a failed unlock in the clear (it cannot be sealed while locked), to be folded into
   * the activity log at the next unlock.
   */
  recordFailedUnlock(at: number): Promise<void>;
  readFailedUnlocks(): Promise<FailedUnlocks | null>;
  /** Clears the count, unless a failure came after `lastAt` (another tab, meanwhile). */
  clearFailedUnlocks(lastAt: number): Promise<void>;
  /** Replaces the keyring only if the stored one is still `expected` (byte-equal). */
  replaceKeyring(expected: Uint8Array, next: Uint8Array): Promise<Result<void, StoreError | { readonly type: 'KeyringChanged' }>>;

  /**
   * Record, change-log entry, the device's sealed clock when given, the landing of finished
   * imports and the removal of files no record owns any more, all or nothing.
   */
  writeRecord(record: RecordRow, change: ChangeRow, clock: Uint8Array | undefined, files?: FileEffects): Promise<Result<void, StoreError>>;
  /**
   * Several records and their change-log entries at once, all or nothing (a readings import lands
   * every day it touches, or none). `rows` may be produced as they are taken: the store takes them
   * in small batches and hands each to the database before taking the next, so sealing the next
   * batch overlaps the database's work on the last.
   */
  writeRecords(rows: Iterable<{ readonly record: RecordRow; readonly change: ChangeRow }>, clock: Uint8Array | undefined): Promise<Result<void, StoreError>>;
  /** The device's last clock stamp, sealed (format.md §8), if any write happened yet. */
  readClock(): Promise<Uint8Array | undefined>;
  readRecord(id: string): Promise<RecordRow | undefined>;
  /** The rows of these ids, in order; undefined where there is none. */
  readRecords(ids: readonly string[]): Promise<(RecordRow | undefined)[]>;
  listRecords(kind: RecordKind): Promise<RecordRow[]>;
  countRecords(kind: RecordKind): Promise<number>;
  /** What a backup holds, read in one transaction so that it is one consistent state. */
  snapshot(): Promise<StoreSnapshot>;
  /** Writes restored rows as they are, in one transaction (a restore into a fresh database). */
  restoreRows(records: readonly RecordRow[], changes: readonly ChangeRow[]): Promise<Result<void, StoreError>>;
  listChanges(): Promise<ChangeRow[]>;

  /**
   * Registers an import before its first chunk, so an abandoned one can be swept. `owner` names
   * the lock its writer holds while it runs (an opaque random id).
   */
  beginImport(importId: string, owner: string): Promise<Result<void, StoreError>>;
  putChunks(fileId: string, firstIndex: number, chunks: readonly Uint8Array[]): Promise<Result<void, StoreError>>;
  readChunk(fileId: string, index: number): Promise<Uint8Array | undefined>;
  /** Removes an import that never landed: its chunks and its registration. */
  abandonImport(importId: string): Promise<void>;
  /** Imports registered but never landed. */
  listOpenImports(): Promise<OpenImport[]>;

  /** Local-only sealed data derived from records (the search index): never synced nor backed up. */
  readDerived(name: string): Promise<Uint8Array | undefined>;
  writeDerived(name: string, envelope: Uint8Array): Promise<Result<void, StoreError>>;

  /** Inbox (format.md §7.1): written by the service worker while locked, read after unlock. */
  putInboxChunks(itemId: string, firstIndex: number, chunks: readonly Uint8Array[]): Promise<Result<void, StoreError>>;
  putInboxItem(row: InboxRow): Promise<Result<void, StoreError>>;
  listInbox(): Promise<InboxRow[]>;
  readInboxChunk(itemId: string, index: number): Promise<Uint8Array | undefined>;
  /** Removes an item and its chunks; also sweeps chunks whose header never arrived. */
  deleteInboxItem(itemId: string): Promise<void>;
  /** Item ids that have chunks but no header (an arrival cut short). */
  listInboxOrphans(): Promise<string[]>;

  close(): void;
}

/** Every profile database's name: this prefix and 32 random hex characters. */
export const PROFILE_DATABASE_PREFIX = 'carnet-vault-';

export interface ProfileEntry {
  readonly id: string;
  /** The vault this profile opens (hex), so a keyring from another vault is recognised. */
  readonly vaultId: string;
  /** Random database name; says nothing about the person. */
  readonly database: string;
  /** The one plaintext the patient chooses, shown on the lock screen. */
  readonly label: string;
  readonly createdAt: number;
  /** Last unlock on this device (UTC ms): files shared to the app while locked go to this profile. */
  readonly openedAt?: number;
  /**
   * The emergency card as plain text, only when the patient turned on "show it without
   * unlocking", after a warning that it is then readable on this device.
   */
  readonly emergencyCard?: string;
}

export interface ProfileRegistry {
  list(): Promise<ProfileEntry[]>;
  get(id: string): Promise<ProfileEntry | undefined>;
  add(entry: ProfileEntry): Promise<void>;
  rename(id: string, label: string): Promise<void>;
  markOpened(id: string, at: number): Promise<void>;
  /** Stores the plaintext emergency card, or removes it (null). */
  setEmergencyCard(id: string, text: string | null): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface VaultStoreFactory {
  open(database: string): Promise<VaultStore>;
  destroy(database: string): Promise<void>;
  /** The names of every profile database in this browser, registered or not. */
  list(): Promise<string[]>;
}

/** A passkey with the WebAuthn PRF extension (the browser's authenticators). */
export interface PasskeyRegistration {
  readonly credentialId: Uint8Array;
  /** The PRF output for the salt given at registration. */
  readonly prfOutput: Uint8Array;
}

export type PasskeyError =
  | { readonly type: 'PasskeyUnsupported' }
  | { readonly type: 'PasskeyCancelled' }
  | { readonly type: 'PasskeyWithoutPrf' };

export interface PasskeyAuthenticator {
  /** Whether this browser can use passkeys with PRF at all (the UI hides passkeys otherwise). */
  isAvailable(): Promise<boolean>;
  register(options: { readonly name: string; readonly prfSalt: Uint8Array }): Promise<Result<PasskeyRegistration, PasskeyError>>;
  /** Asks for one of these credentials; returns which one answered and its PRF output. */
  evaluate(credentials: readonly { readonly credentialId: Uint8Array; readonly prfSalt: Uint8Array }[]): Promise<Result<PasskeyRegistration, PasskeyError>>;
}

/** What one tab tells the other tabs of the same profile (BroadcastChannel in the browser). */
export type ProfileMessage =
  | { readonly type: 'locked' }
  | { readonly type: 'changed'; readonly kinds: readonly string[] }
  | { readonly type: 'active'; readonly at: number };

export interface ProfileChannel {
  post(message: ProfileMessage): void;
  subscribe(listener: (message: ProfileMessage) => void): () => void;
  close(): void;
}

export type ProfileChannelFactory = (profileId: string) => ProfileChannel;

/** Exclusive locks by name (Web Locks in the browser). `ifAvailable` returns null at once when held. */
export interface LockManager {
  withLock<T>(name: string, task: () => Promise<T>): Promise<T>;
  tryLock<T>(name: string, task: () => Promise<T>): Promise<T | null>;
}
