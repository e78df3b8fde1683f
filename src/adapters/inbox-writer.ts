/**
 * What the service worker does with whatever is shared to the installed app (Web Share Target):
 * it seals it at once to the vault's inbox public key, so nothing waits in plaintext while the
 * vault is locked (DESIGN.md §3; docs/format.md §7.1). It holds no vault key and cannot open what
 * it wrote: each file gets a fresh file key, its chunks are STREAM-sealed under that key (§6),
 * and the header naming the key is sealed to the inbox key (§7), which only the vault can open.
 *
 * What must stay true:
 * - a file is read one chunk at a time (`Blob.slice`), never whole in memory;
 * - chunks are written first and headers last, under the profile's arrival lock, so an item is
 *   listed only once it is whole, and the sweep at unlock never takes an arrival still running;
 * - whatever fails, what the arrival wrote is deleted: a share is received whole or not at all.
 *
 * Both the service worker (src/sw.ts) and the browser tests call this module, so what the tests
 * open is exactly what a share writes.
 */
import { toBase64Url, toHex, utf8 } from '../core/bytes.ts';
import { KEY_BYTES, XNONCE_BYTES } from '../core/crypto/aead.ts';
import { sealToInbox } from '../core/crypto/inbox.ts';
import { parseKeyring, type KeyringError } from '../core/crypto/keyring.ts';
import { asFileKey, type FileKey } from '../core/crypto/keys.ts';
import { chunkCountFor, createStreamSealer, STREAM_CHUNK_BYTES } from '../core/crypto/stream.ts';
import type { ChunkCipherFactory, Clock, LockManager, ProfileEntry, ProfileRegistry, RandomSource, StoreError, VaultStore, VaultStoreFactory } from '../core/ports.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createAesGcmChunkCipher } from './crypto/aes-gcm.ts';

/** The header's `v`. Never change the meaning of a released version; add one. */
export const INBOX_HEADER_VERSION = 1;
/** Larger files are refused by the share target (format.md §7.1): 200 MB, as the app counts them. */
export const INBOX_MAX_FILE_BYTES = 200_000_000;
/** Longest name and media type a header holds; longer ones from the sharing app are shortened. */
export const INBOX_NAME_MAX = 1000;
export const INBOX_TYPE_MAX = 255;
/** Where the manifest's share_target posts. */
export const SHARE_TARGET_PATH = '/share-target';

/** The sealed header of an inbox item, as format.md §7.1 lays it out. */
export interface InboxHeader {
  readonly v: typeof INBOX_HEADER_VERSION;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  /** base64url of the 32-byte file key. */
  readonly key: string;
  readonly chunkSize: number;
  readonly chunkCount: number;
  readonly receivedAt: number;
}

/**
 * Held by the service worker while it writes to a profile's inbox, and tried by the sweep at
 * unlock: chunks without a header are an arrival cut short only when nobody holds this lock.
 */
export function inboxArrivalLockName(database: string): string {
  return `carnet:${database}:inbox-arrival`;
}

export type InboxWriteError = StoreError | { readonly type: 'FileUnreadable' } | { readonly type: 'FileTooLarge' };

export interface InboxWriteOptions {
  /** UTC milliseconds of the arrival; defaults to the system clock. */
  readonly now?: () => number;
  /** Tests pass small sizes to reach the edges cheaply; the app uses the defaults. */
  readonly chunkSize?: number;
  readonly maxBytes?: number;
  readonly chunkCipher?: ChunkCipherFactory;
}

/** Chunks written, header not yet: what is needed to seal the header, and to undo. */
interface PendingItem {
  readonly id: string;
  readonly key: FileKey;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
}

/** Carries a typed failure out of the chunk loop, which also has to undo on a thrown bug. */
class WriteFailure extends Error {
  constructor(readonly error: InboxWriteError) {
    super(error.type);
  }
}

async function writeChunks(store: VaultStore, file: Blob & { readonly name: string }, random: RandomSource, options: InboxWriteOptions): Promise<PendingItem> {
  const chunkSize = options.chunkSize ?? STREAM_CHUNK_BYTES;
  const size = file.size;
  if (size > (options.maxBytes ?? INBOX_MAX_FILE_BYTES)) throw new WriteFailure({ type: 'FileTooLarge' });
  const chunkCount = chunkCountFor(size, chunkSize);
  const id = toHex(random.bytes(16));
  // A fresh key per file: the STREAM nonce is a counter, safe only because a key seals one file.
  const key = asFileKey(random.bytes(KEY_BYTES));
  try {
    const sealer = createStreamSealer(await (options.chunkCipher ?? createAesGcmChunkCipher)(key));
    for (let index = 0; index < chunkCount; index++) {
      const start = index * chunkSize;
      const end = Math.min(size, start + chunkSize);
      let plaintext: Uint8Array;
      try {
        plaintext = new Uint8Array(await file.slice(start, end).arrayBuffer());
      } catch {
        // The shared file went away or cannot be read: the expected failure, not a bug.
        throw new WriteFailure({ type: 'FileUnreadable' });
      }
      if (plaintext.length !== end - start) throw new WriteFailure({ type: 'FileUnreadable' });
      const sealed = await sealer.seal(plaintext, index === chunkCount - 1);
      plaintext.fill(0);
      const written = await store.putInboxChunks(id, index, [sealed]);
      if (!written.ok) throw new WriteFailure(written.error);
    }
  } catch (error) {
    key.fill(0);
    await store.deleteInboxItem(id);
    throw error;
  }
  // Whatever the sharing app sent, the header stays one a reader accepts.
  const name = [...file.name].slice(0, INBOX_NAME_MAX).join('');
  const type = file.type.length <= INBOX_TYPE_MAX ? file.type : '';
  return { id, key, name, type, size, chunkSize, chunkCount };
}

/** The header of `item`, sealed to the inbox key; the file key is overwritten once sealed. */
function sealHeader(inboxPublicKey: Uint8Array, item: PendingItem, receivedAt: number, random: RandomSource): Uint8Array {
  const header: InboxHeader = {
    v: INBOX_HEADER_VERSION,
    name: item.name,
    type: item.type,
    size: item.size,
    key: toBase64Url(item.key),
    chunkSize: item.chunkSize,
    chunkCount: item.chunkCount,
    receivedAt,
  };
  const plaintext = utf8(JSON.stringify(header));
  const ephemeral = random.bytes(32);
  const box = sealToInbox(inboxPublicKey, plaintext, ephemeral, random.bytes(XNONCE_BYTES));
  // The string copy of the key inside `header` cannot be overwritten; the bytes can.
  plaintext.fill(0);
  ephemeral.fill(0);
  item.key.fill(0);
  return box;
}

function failed(error: unknown): Result<never, InboxWriteError> {
  if (error instanceof WriteFailure) return err(error.error);
  throw error;
}

/**
 * Seals one file into the inbox: chunks, then the header. Returns the new item's id. On failure
 * nothing of it remains. The caller holds the arrival lock (receiveShare does).
 */
export async function writeInboxItem(
  store: VaultStore,
  inboxPublicKey: Uint8Array,
  file: Blob & { readonly name: string },
  random: RandomSource,
  options: InboxWriteOptions = {},
): Promise<Result<string, InboxWriteError>> {
  let item: PendingItem;
  try {
    item = await writeChunks(store, file, random, options);
  } catch (error) {
    return failed(error);
  }
  const receivedAt = (options.now ?? Date.now)();
  try {
    const written = await store.putInboxItem({ id: item.id, header: sealHeader(inboxPublicKey, item, receivedAt, random), receivedAt });
    if (!written.ok) throw new WriteFailure(written.error);
  } catch (error) {
    item.key.fill(0);
    await store.deleteInboxItem(item.id);
    return failed(error);
  }
  return ok(item.id);
}

// --- the share target ----------------------------------------------------------------------

/** What a share brought, read from the share target's multipart form. */
export interface SharedContent {
  readonly files: readonly File[];
  readonly title: string;
  readonly text: string;
  readonly url: string;
}

/** The manifest's `params`: `files`, `title`, `text`, `url`. Anything else in the form is ignored. */
export function parseSharedForm(form: FormData): SharedContent {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  // A form sent with an empty file input carries one nameless, empty file: not a file shared.
  const files = form.getAll('files').filter((entry): entry is File => typeof entry !== 'string' && !(entry.name === '' && entry.size === 0));
  return { files, title: field('title'), text: field('text'), url: field('url') };
}

const TEXT_NAME_MAX = 60;

/**
 * A share without files (a link, a passage of text) is kept as a small text file, named after
 * its title or its first words, so that the patient can still file it.
 */
export function sharedTextFile(content: SharedContent): File | null {
  // Apps often repeat the title or the link inside the text: each is said once.
  const parts: string[] = [];
  for (const part of [content.title, content.text, content.url]) {
    if (part !== '' && !parts.some((kept) => kept.includes(part))) parts.push(part);
  }
  if (parts.length === 0) return null;
  const firstLine = (parts[0] ?? '').split('\n')[0] ?? '';
  // oxlint-disable-next-line no-control-regex -- control characters have no place in a file name
  const base = [...firstLine.replace(/[\\/:*?"<>|\u0000-\u001f\s]+/g, ' ').trim()].slice(0, TEXT_NAME_MAX).join('').trim();
  return new File([`${parts.join('\n')}\n`], `${base === '' ? 'note' : base}.txt`, { type: 'text/plain' });
}

export interface ShareDeps {
  readonly registry: ProfileRegistry;
  readonly stores: VaultStoreFactory;
  readonly locks: LockManager;
  readonly random: RandomSource;
  readonly clock: Pick<Clock, 'now'>;
}

export type ShareError =
  | InboxWriteError
  | KeyringError
  | { readonly type: 'VaultMissing' }
  | { readonly type: 'KeyringForeign' };

export type ShareOutcome =
  | { readonly status: 'received'; readonly count: number; readonly profileId: string }
  | { readonly status: 'empty' }
  | { readonly status: 'no-profile' }
  | { readonly status: 'too-large' }
  | { readonly status: 'error'; readonly error: ShareError };

/**
 * Where a share goes: the profile unlocked last on this device, or the only one. With several
 * profiles and none ever unlocked here, guessing could hand one person's file to another's record.
 */
export function pickShareTarget(profiles: readonly ProfileEntry[]): ProfileEntry | undefined {
  let best: ProfileEntry | undefined;
  for (const profile of profiles) {
    if (profile.openedAt !== undefined && (best?.openedAt === undefined || profile.openedAt > best.openedAt)) best = profile;
  }
  return best ?? (profiles.length === 1 ? profiles[0] : undefined);
}

/**
 * Reads the inbox public key from the profile's keyring. Its MAC cannot be checked here (that
 * takes the vault key, which the service worker never has): a keyring whose inbox key was swapped
 * is refused at the next unlock (KeyringTampered), but what was sealed to it meanwhile is readable
 * by whoever swapped it. Only someone who can already write this browser's storage can do that,
 * which the threat model does not defend against while the vault is unlocked either.
 */
async function inboxKeyOf(store: VaultStore, profile: ProfileEntry): Promise<Result<Uint8Array, ShareError>> {
  const bytes = await store.readKeyring();
  if (bytes === undefined) return err({ type: 'VaultMissing' });
  const keyring = parseKeyring(bytes);
  if (!keyring.ok) return keyring;
  if (toHex(keyring.value.vaultId) !== profile.vaultId) return err({ type: 'KeyringForeign' });
  return ok(keyring.value.inboxPublicKey);
}

/**
 * Receives one share into the target profile's inbox, whole or not at all: every file's chunks,
 * then every header, and on any failure every item of this share is deleted again.
 */
export async function receiveShare(deps: ShareDeps, content: SharedContent, options: InboxWriteOptions = {}): Promise<ShareOutcome> {
  const text = content.files.length === 0 ? sharedTextFile(content) : null;
  const files = text === null ? content.files : [text];
  if (files.length === 0) return { status: 'empty' };
  // Refused before anything is written, so that a share is never half kept.
  if (files.some((file) => file.size > (options.maxBytes ?? INBOX_MAX_FILE_BYTES))) return { status: 'too-large' };

  const profile = pickShareTarget(await deps.registry.list());
  if (profile === undefined) return { status: 'no-profile' };
  // Opening a database that is not there would create an empty one.
  if (!(await deps.stores.list()).includes(profile.database)) return { status: 'error', error: { type: 'VaultMissing' } };

  const store = await deps.stores.open(profile.database);
  try {
    const key = await inboxKeyOf(store, profile);
    if (!key.ok) return { status: 'error', error: key.error };
    return await deps.locks.withLock(inboxArrivalLockName(profile.database), async (): Promise<ShareOutcome> => {
      const pending: PendingItem[] = [];
      try {
        for (const file of files) pending.push(await writeChunks(store, file, deps.random, options));
        for (const item of pending) {
          const receivedAt = deps.clock.now();
          const put = await store.putInboxItem({ id: item.id, header: sealHeader(key.value, item, receivedAt, deps.random), receivedAt });
          if (!put.ok) throw new WriteFailure(put.error);
        }
      } catch (error) {
        // The item that failed inside writeChunks has already undone itself; these are the others.
        for (const item of pending) {
          item.key.fill(0);
          await store.deleteInboxItem(item.id);
        }
        if (!(error instanceof WriteFailure)) throw error;
        return error.error.type === 'FileTooLarge' ? { status: 'too-large' } : { status: 'error', error: error.error };
      }
      return { status: 'received', count: pending.length, profileId: profile.id };
    });
  } finally {
    store.close();
  }
}

/** The app's route that tells the patient what became of the share (src/ui/screens/ShareReceived.tsx). */
export function shareOutcomePath(outcome: ShareOutcome): string {
  const query = new URLSearchParams(
    outcome.status === 'received' ? { count: String(outcome.count), profile: outcome.profileId } : { status: outcome.status },
  );
  return `/#/share-received?${query.toString()}`;
}
