/**
 * The inbox after unlock (DESIGN.md §3; docs/format.md §7.1): what was shared to the installed app
 * while the vault was locked, sealed by the service worker to the inbox key, is opened here and
 * offered to the patient, who files it in the record or discards it.
 *
 * Anyone can seal to a public key, so an item is untrusted input until the patient chooses to
 * file it: its header is parsed strictly, every chunk is authenticated, and an item that fails
 * any check is reported as damaged (never thrown, never half shown).
 */
import { fromUtf8, parseBase64Url } from '../core/bytes.ts';
import { KEY_BYTES } from '../core/crypto/aead.ts';
import { openFromInbox } from '../core/crypto/inbox.ts';
import { asFileKey } from '../core/crypto/keys.ts';
import { chunkCountFor, createStreamOpener, STREAM_MAX_CHUNK_BYTES, STREAM_MIN_CHUNK_BYTES, type StreamError } from '../core/crypto/stream.ts';
import type { InboxRow } from '../core/ports.ts';
import { err, ok, type Result } from '../core/result.ts';
import { inboxArrivalLockName, INBOX_HEADER_VERSION, INBOX_NAME_MAX, INBOX_TYPE_MAX, type InboxHeader } from '../adapters/inbox-writer.ts';
import type { VaultSession } from './session.ts';

/** Why an item cannot be opened; the patient is told it is damaged, the reason is for developers. */
export type InboxDamage =
  | 'HeaderUnreadable'
  | 'HeaderMalformed'
  | 'ChunkMissing'
  | 'ChunkSizeWrong'
  | StreamError['type'];

export type InboxItemError =
  | { readonly type: 'InboxItemMissing' }
  | { readonly type: 'InboxItemDamaged'; readonly reason: InboxDamage };

export type InboxItem =
  | {
      readonly id: string;
      readonly damaged: false;
      readonly name: string;
      readonly type: string;
      readonly size: number;
      readonly receivedAt: number;
    }
  | {
      readonly id: string;
      readonly damaged: true;
      readonly reason: InboxDamage;
      /** The arrival time stored in the clear beside the header (the sealed one could not be read). */
      readonly receivedAt: number;
    };

/** A header as sealed by src/adapters/inbox-writer.ts, checked field by field; null if anything is off. */
export function parseInboxHeader(text: string): (InboxHeader & { readonly fileKey: Uint8Array }) | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const header = value as Record<string, unknown>;
  const { v, name, type, size, key, chunkSize, chunkCount, receivedAt } = header;
  if (v !== INBOX_HEADER_VERSION) return null;
  if (typeof name !== 'string' || [...name].length > INBOX_NAME_MAX) return null;
  if (typeof type !== 'string' || type.length > INBOX_TYPE_MAX) return null;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return null;
  if (typeof chunkSize !== 'number' || !Number.isSafeInteger(chunkSize) || chunkSize < STREAM_MIN_CHUNK_BYTES || chunkSize > STREAM_MAX_CHUNK_BYTES) return null;
  if (chunkCount !== chunkCountFor(size, chunkSize)) return null;
  if (typeof receivedAt !== 'number' || !Number.isSafeInteger(receivedAt) || receivedAt < 0) return null;
  if (typeof key !== 'string') return null;
  const fileKey = parseBase64Url(key);
  if (fileKey === null || fileKey.length !== KEY_BYTES) return null;
  return { v, name, type, size, key, chunkSize, chunkCount, receivedAt, fileKey };
}

function openHeader(session: VaultSession, row: InboxRow): Result<InboxHeader & { readonly fileKey: Uint8Array }, InboxDamage> {
  const opened = openFromInbox(session.inboxSecret(), row.header);
  if (!opened.ok) return err('HeaderUnreadable');
  let text: string;
  try {
    text = fromUtf8(opened.value);
  } catch {
    return err('HeaderMalformed');
  } finally {
    opened.value.fill(0);
  }
  const header = parseInboxHeader(text);
  return header === null ? err('HeaderMalformed') : ok(header);
}

/** Every item waiting in the inbox, oldest first; an item that cannot be read is listed as damaged. */
export async function listInboxItems(session: VaultSession): Promise<InboxItem[]> {
  const rows = await session.store().listInbox();
  return rows.map((row): InboxItem => {
    const header = openHeader(session, row);
    if (!header.ok) return { id: row.id, damaged: true, reason: header.error, receivedAt: row.receivedAt };
    header.value.fileKey.fill(0);
    const { name, type, size, receivedAt } = header.value;
    return { id: row.id, damaged: false, name, type, size, receivedAt };
  });
}

/**
 * The item's file, every chunk authenticated in order, its length checked and the stream's end
 * confirmed. The File is made of one Blob per chunk: the browser may keep large Blobs on disk, so
 * a big scan is never whole in the page's memory.
 */
export async function openInboxItem(session: VaultSession, id: string): Promise<Result<File, InboxItemError>> {
  const store = session.store();
  const row = (await store.listInbox()).find((candidate) => candidate.id === id);
  if (row === undefined) return err({ type: 'InboxItemMissing' });
  const header = openHeader(session, row);
  if (!header.ok) return err({ type: 'InboxItemDamaged', reason: header.error });
  const { fileKey, name, type, size, chunkSize, chunkCount, receivedAt } = header.value;
  const damaged = (reason: InboxDamage) => err({ type: 'InboxItemDamaged', reason } as const);

  const key = asFileKey(fileKey);
  try {
    const opener = createStreamOpener(await session.deps.chunkCipher(key), chunkCount);
    const parts: Blob[] = [];
    for (let index = 0; index < chunkCount; index++) {
      const sealed = await store.readInboxChunk(id, index);
      if (sealed === undefined) return damaged('ChunkMissing');
      const opened = await opener.open(sealed);
      if (!opened.ok) return damaged(opened.error.type);
      const expected = index < chunkCount - 1 ? chunkSize : size - chunkSize * (chunkCount - 1);
      if (opened.value.length !== expected) return damaged('ChunkSizeWrong');
      parts.push(new Blob([opened.value as Uint8Array<ArrayBuffer>]));
    }
    const finished = opener.finish();
    if (!finished.ok) return damaged(finished.error.type);
    // A chunk beyond the last is not part of what was sealed as this file.
    if ((await store.readInboxChunk(id, chunkCount)) !== undefined) return damaged('StreamTooLong');
    return ok(new File(parts, name, { type, lastModified: receivedAt }));
  } finally {
    key.fill(0);
  }
}

/** Removes an item, header and chunks (after it was filed, or because the patient said so). */
export async function discardInboxItem(session: VaultSession, id: string): Promise<void> {
  await session.store().deleteInboxItem(id);
}

/**
 * Removes chunks whose header never arrived: a share cut short (the worker stopped, the disk
 * filled). An arrival still running holds the profile's arrival lock and is left alone. Run at
 * unlock; returns how many were swept.
 */
export async function sweepInboxOrphans(session: VaultSession): Promise<number> {
  const store = session.store();
  if ((await store.listInboxOrphans()).length === 0) return 0;
  const swept = await session.deps.locks.tryLock(inboxArrivalLockName(session.profile.database), async () => {
    const orphans = await store.listInboxOrphans();
    for (const id of orphans) await store.deleteInboxItem(id);
    return orphans.length;
  });
  return swept ?? 0;
}
