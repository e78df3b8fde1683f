/**
 * Finding export.xml inside the Health app's export.zip (`apple_health_export/export.xml`, next
 * to export_cda.xml, workout-routes/*.gpx and electrocardiograms/*.csv) by its central directory
 * (APPNOTE.TXT 6.3: end of central directory, ZIP64 locator and record, central directory file
 * headers with the ZIP64 extra field 0x0001, local file header).
 *
 * Why the directory and not a front-to-back read: an entry written with a data descriptor (flag
 * bit 3) has no size before its data, and a streaming reader then has to guess where it ends by
 * searching the compressed bytes for a signature, which they may contain by chance. The directory
 * gives the exact span; the caller (src/app/apple-health.ts) reads only that span of the file and
 * inflates it as a stream. Everything here is bounded reads of small structures.
 */
import { fromUtf8 } from '../../bytes.ts';
import { err, ok, type Result } from '../../result.ts';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate; anything else is refused by the caller. */
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

export type ZipError =
  /** No end-of-directory record where one must be, or a directory that does not hold together. */
  | { readonly type: 'ZipUnreadable'; readonly detail: string }
  | { readonly type: 'ZipWithoutExport' }
  /** Encrypted, or compressed otherwise than stored or deflate. */
  | { readonly type: 'ZipUnsupported'; readonly detail: string };

/** Where the central directory is, or where the ZIP64 end record to read next is. */
export type DirectoryLocation =
  | { readonly kind: 'directory'; readonly offset: number; readonly size: number }
  | { readonly kind: 'zip64'; readonly recordOffset: number };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_BYTES = 22;
/** The end record plus the longest comment: where the record must be found. */
export const ZIP_TAIL_BYTES = EOCD_BYTES + 0xffff;
export const ZIP64_EOCD_BYTES = 56;
export const LOCAL_HEADER_BYTES = 30;
/** A directory larger than this is not an export's (tens of thousands of entries fit in a few MB). */
export const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

const u16 = (bytes: Uint8Array, at: number): number => (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
const u32 = (bytes: Uint8Array, at: number): number => (u16(bytes, at) + u16(bytes, at + 2) * 0x10000) >>> 0;
/** A 64-bit little-endian size; beyond 2^53 it is not a file a browser holds. */
const u64 = (bytes: Uint8Array, at: number): number => u32(bytes, at) + u32(bytes, at + 4) * 0x1_0000_0000;

const unreadable = (detail: string) => err({ type: 'ZipUnreadable' as const, detail });

/** The first bytes say ZIP (a local file header, or the end record of an empty archive). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && (u32(head, 0) === LOCAL || u32(head, 0) === EOCD);
}

/** Reads the end of the file (its last ZIP_TAIL_BYTES or fewer) to find the directory. */
export function locateDirectory(tail: Uint8Array, fileSize: number): Result<DirectoryLocation, ZipError> {
  const tailStart = fileSize - tail.length;
  for (let at = tail.length - EOCD_BYTES; at >= 0; at--) {
    if (u32(tail, at) !== EOCD) continue;
    // The comment must run exactly to the end of the file, or this was a chance match.
    if (at + EOCD_BYTES + u16(tail, at + 20) !== tail.length) continue;
    const size = u32(tail, at + 12);
    const offset = u32(tail, at + 16);
    const locator = at - 20;
    if (locator >= 0 && u32(tail, locator) === ZIP64_LOCATOR) return ok({ kind: 'zip64', recordOffset: u64(tail, locator + 8) });
    if (offset === 0xffffffff || size === 0xffffffff) return unreadable('a ZIP64 archive without its locator');
    if (offset + size > tailStart + at) return unreadable('the directory lies beyond the end of the file');
    return ok({ kind: 'directory', offset, size });
  }
  return unreadable('no end-of-directory record: the archive is cut short or not a ZIP');
}

/** The ZIP64 end-of-directory record (ZIP64_EOCD_BYTES bytes at the locator's offset). */
export function readZip64End(record: Uint8Array): Result<DirectoryLocation, ZipError> {
  if (record.length < ZIP64_EOCD_BYTES || u32(record, 0) !== ZIP64_EOCD) return unreadable('no ZIP64 end record where the locator points');
  return ok({ kind: 'directory', size: u64(record, 40), offset: u64(record, 48) });
}

/** Every entry of the central directory. */
export function listEntries(directory: Uint8Array): Result<ZipEntry[], ZipError> {
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= directory.length) {
    if (u32(directory, at) !== CENTRAL) return unreadable(`no directory entry at ${at}`);
    const flags = u16(directory, at + 8);
    const nameLength = u16(directory, at + 28);
    const extraLength = u16(directory, at + 30);
    const commentLength = u16(directory, at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) return unreadable('a directory entry runs past the directory');
    let compressedSize = u32(directory, at + 20);
    let uncompressedSize = u32(directory, at + 24);
    let localHeaderOffset = u32(directory, at + 42);
    // ZIP64 extra field: the 64-bit values of the fields set to 0xffffffff, in this order.
    for (let extra = at + 46 + nameLength; extra + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = u16(directory, extra);
      const length = u16(directory, extra + 2);
      if (id === 0x0001) {
        const fieldsEnd = extra + 4 + length;
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff && field + 8 <= fieldsEnd) {
          uncompressedSize = u64(directory, field);
          field += 8;
        }
        if (compressedSize === 0xffffffff && field + 8 <= fieldsEnd) {
          compressedSize = u64(directory, field);
          field += 8;
        }
        if (localHeaderOffset === 0xffffffff && field + 8 <= fieldsEnd) localHeaderOffset = u64(directory, field);
      }
      extra += 4 + length;
    }
    // Names are UTF-8 (flag bit 11) or, in older archivers, CP437: the ASCII names looked for read the same.
    const name = fromUtf8(directory.subarray(at + 46, at + 46 + nameLength));
    entries.push({ name, method: u16(directory, at + 10), encrypted: (flags & 1) === 1, compressedSize, uncompressedSize, localHeaderOffset });
    at = next;
  }
  return ok(entries);
}

/**
 * The export's XML: `apple_health_export/export.xml` as the Health app names it, else any
 * `export.xml` (a folder renamed by the patient), the shallowest first. export_cda.xml is not it.
 */
export function findExportEntry(entries: readonly ZipEntry[]): Result<ZipEntry, ZipError> {
  const candidates = entries
    .filter((entry) => entry.name === 'export.xml' || entry.name.endsWith('/export.xml'))
    .filter((entry) => !entry.name.split('/').some((part) => part === '__MACOSX'))
    .sort((a, b) => Number(b.name === 'apple_health_export/export.xml') - Number(a.name === 'apple_health_export/export.xml') || a.name.split('/').length - b.name.split('/').length);
  const entry = candidates[0];
  if (entry === undefined) return err({ type: 'ZipWithoutExport' });
  if (entry.encrypted) return err({ type: 'ZipUnsupported', detail: 'encrypted' });
  if (entry.method !== 0 && entry.method !== 8) return err({ type: 'ZipUnsupported', detail: `compression method ${entry.method}` });
  return ok(entry);
}

/** Where an entry's data starts, from its local header (LOCAL_HEADER_BYTES bytes at its offset). */
export function dataOffset(entry: ZipEntry, localHeader: Uint8Array): Result<number, ZipError> {
  if (localHeader.length < LOCAL_HEADER_BYTES || u32(localHeader, 0) !== LOCAL) return unreadable(`no local header for ${entry.name}`);
  return ok(entry.localHeaderOffset + LOCAL_HEADER_BYTES + u16(localHeader, 26) + u16(localHeader, 28));
}
