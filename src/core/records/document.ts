/**
 * A document of the medical record, as sealed in a "document" record: what the patient sees
 * (title, date of care, class, source, tags, note), whether it is hidden or in the trash, and the
 * files it holds. Each file carries its own key: destroying the record destroys the only copy of
 * that key, which is what makes permanent deletion permanent.
 *
 * Fields added after the first version are optional when read (an older record gets the
 * default) and always written, so the payload version does not change (docs/format.md §5.2).
 */
import type { Brand } from '../brand.ts';
import { parseBase64Url, toBase64Url } from '../bytes.ts';
import { KEY_BYTES } from '../crypto/aead.ts';
import { asFileKey, type FileKey } from '../crypto/keys.ts';
import { chunkCountFor, STREAM_MAX_CHUNK_BYTES, STREAM_MIN_CHUNK_BYTES } from '../crypto/stream.ts';
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import type { RecordCodec } from './codec.ts';
import { HLC_MAX_MILLIS } from './hlc.ts';
import { isCalendarDate } from './health-profile.ts';
import { DOCUMENT_CATEGORIES, type DocumentCategory, type TypeCode } from './document-classes.ts';

export type FileId = Brand<string, 'FileId'>;
const FILE_ID = /^[0-9a-f]{32}$/;

/** The file-content format: STREAM over AES-256-GCM, docs/format.md §6. */
export const FILE_CIPHER_V1 = 'aes-256-gcm-stream/1';
export const MAX_FILE_BYTES = 2 ** 40;
export const CONTENT_MAC_BYTES = 32;

/**
 * What a file is to its document: the file the patient added (`original`), a viewable file read
 * out of it (`content`: the PDF inside an N1 CDA), a file it embeds (`attachment`), or what
 * Carnet derived for browsing and search (`thumbnail`, `text`). Stored: add, never rename.
 */
export const FILE_ROLES = ['original', 'content', 'attachment', 'thumbnail', 'text'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** What the bytes are, by their signature, not their name. Stored: add, never rename. */
export const FILE_FORMATS = ['pdf', 'jpeg', 'png', 'webp', 'tiff', 'text', 'cda', 'other'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const SOURCE_KINDS = ['practitioner', 'laboratory', 'hospital', 'other'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface DocumentSource {
  readonly kind: SourceKind;
  readonly name: string;
}

export const MAX_TAGS = 30;
export const MAX_TAG_LENGTH = 60;

export interface FileRef {
  readonly id: FileId;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly key: FileKey;
  readonly chunkSize: number;
  readonly chunkCount: number;
  readonly cipher: typeof FILE_CIPHER_V1;
  readonly role: FileRole;
  readonly format: FileFormat;
  /** Keyed MAC of the content (format.md §6.1), base64url; how a duplicate is recognised. */
  readonly mac: string | null;
}

export interface DocumentData {
  readonly title: string;
  readonly note: string;
  /** When the patient added it (UTC milliseconds). */
  readonly addedAt: number;
  /** The day of care, `YYYY-MM-DD`, as the document or the patient gives it. */
  readonly careDate: string | null;
  readonly category: DocumentCategory;
  /** The CI-SIS / LOINC type code, where known. */
  readonly typeCode: TypeCode | null;
  readonly source: DocumentSource | null;
  readonly tags: readonly string[];
  /** Never offered to a share. */
  readonly hidden: boolean;
  /** When it went to the trash (UTC milliseconds); emptied after TRASH_DAYS. */
  readonly trashedAt: number | null;
  readonly files: readonly FileRef[];
}

export const TRASH_DAYS = 30;
const DAY_MS = 86_400_000;

/** Trashed documents whose 30 days are over at `now`. */
export function trashExpired(document: Pick<DocumentData, 'trashedAt'>, now: number): boolean {
  return document.trashedAt !== null && now - document.trashedAt >= TRASH_DAYS * DAY_MS;
}

/** What a share may offer: neither hidden nor in the trash. */
export function isShareable(document: Pick<DocumentData, 'hidden' | 'trashedAt'>): boolean {
  return !document.hidden && document.trashedAt === null;
}

/** A tag as stored: trimmed, inner spaces collapsed. Empty means no tag. */
export function cleanTag(text: string): string {
  return text.trim().replace(/\s+/g, ' ').slice(0, MAX_TAG_LENGTH);
}

/** The files a patient reads: the original first, then what was read out of it. */
export function viewableFiles(document: Pick<DocumentData, 'files'>): FileRef[] {
  return document.files.filter((file) => file.role === 'original' || file.role === 'content' || file.role === 'attachment');
}

export function fileOfRole(document: Pick<DocumentData, 'files'>, role: FileRole): FileRef | undefined {
  return document.files.find((file) => file.role === role);
}

function parseFileRef(check: Checker, value: unknown, path: string): FileRef | undefined {
  const object = check.object(value, path);
  if (object === undefined) return undefined;
  const id = check.string(object['id'], `${path}.id`, { max: 32, pattern: FILE_ID });
  const name = check.string(object['name'], `${path}.name`, { min: 1, max: 1024 });
  const type = check.string(object['type'], `${path}.type`, { max: 255 });
  const size = check.integer(object['size'], `${path}.size`, 0, MAX_FILE_BYTES);
  const keyText = check.string(object['key'], `${path}.key`, { max: 64 });
  const key = keyText === undefined ? null : parseBase64Url(keyText);
  if (keyText !== undefined && (key === null || key.length !== KEY_BYTES)) check.fail(`${path}.key`, 'not a 32-byte key');
  const chunkSize = check.integer(object['chunkSize'], `${path}.chunkSize`, STREAM_MIN_CHUNK_BYTES, STREAM_MAX_CHUNK_BYTES);
  const chunkCount = check.integer(object['chunkCount'], `${path}.chunkCount`, 1, Number.MAX_SAFE_INTEGER);
  const cipher = check.oneOf(object['cipher'], `${path}.cipher`, [FILE_CIPHER_V1] as const);
  if (size !== undefined && chunkSize !== undefined && chunkCount !== undefined && chunkCount !== chunkCountFor(size, chunkSize))
    check.fail(`${path}.chunkCount`, 'does not match size and chunk size');
  // Optional when read: files stored before these fields existed were the document's original.
  const role = object['role'] === undefined ? 'original' : check.oneOf(object['role'], `${path}.role`, FILE_ROLES);
  const format = object['format'] === undefined ? 'other' : check.oneOf(object['format'], `${path}.format`, FILE_FORMATS);
  let mac: string | null | undefined = null;
  if (object['mac'] !== undefined && object['mac'] !== null) {
    mac = check.string(object['mac'], `${path}.mac`, { max: 64 });
    if (mac !== undefined && parseBase64Url(mac)?.length !== CONTENT_MAC_BYTES) mac = check.fail(`${path}.mac`, 'not a 32-byte MAC');
  }
  if (
    id === undefined || name === undefined || type === undefined || size === undefined || key === null || key === undefined ||
    key.length !== KEY_BYTES || chunkSize === undefined || chunkCount === undefined || cipher === undefined ||
    role === undefined || format === undefined || mac === undefined
  )
    return undefined;
  return { id: id as FileId, name, type, size, key: asFileKey(key), chunkSize, chunkCount, cipher, role, format, mac };
}

export function parseTypeCode(check: Checker, value: unknown, path: string): TypeCode | null | undefined {
  if (value === undefined || value === null) return null;
  const object = check.object(value, path);
  if (object === undefined) return undefined;
  const system = check.string(object['system'], `${path}.system`, { min: 1, max: 200 });
  const code = check.string(object['code'], `${path}.code`, { min: 1, max: 100 });
  const display = object['display'] === null || object['display'] === undefined ? null : check.string(object['display'], `${path}.display`, { max: 500 });
  if (system === undefined || code === undefined || display === undefined) return undefined;
  return { system, code, display };
}

function parseSource(check: Checker, value: unknown, path: string): DocumentSource | null | undefined {
  if (value === undefined || value === null) return null;
  const object = check.object(value, path);
  if (object === undefined) return undefined;
  const kind = check.oneOf(object['kind'], `${path}.kind`, SOURCE_KINDS);
  const name = check.string(object['name'], `${path}.name`, { min: 1, max: 300 });
  if (kind === undefined || name === undefined) return undefined;
  return { kind, name };
}

function parseTags(check: Checker, value: unknown, path: string): string[] {
  if (value === undefined) return [];
  const list = check.array(value, path, MAX_TAGS) ?? [];
  const tags = list.map((tag, index) => check.string(tag, `${path}[${index}]`, { min: 1, max: MAX_TAG_LENGTH }));
  if (new Set(tags).size !== tags.length) check.fail(path, 'repeated tag');
  return tags.filter((tag) => tag !== undefined);
}

/** The plaintext length chunk `index` of `file` must have: full chunks, then the remainder. */
export function chunkPlainLength(file: Pick<FileRef, 'size' | 'chunkSize' | 'chunkCount'>, index: number): number {
  return index === file.chunkCount - 1 ? file.size - file.chunkSize * (file.chunkCount - 1) : file.chunkSize;
}

export function parseDocument(value: unknown): Result<DocumentData, Invalid> {
  const check = new Checker();
  const object = check.object(value, 'data');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  const title = check.string(object['title'], 'data.title', { min: 1, max: 500 });
  const note = check.string(object['note'], 'data.note', { max: 100_000 });
  const addedAt = check.integer(object['addedAt'], 'data.addedAt', 0, HLC_MAX_MILLIS);
  const careDate = object['careDate'] === undefined || object['careDate'] === null
    ? null
    : check.string(object['careDate'], 'data.careDate', { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ });
  if (typeof careDate === 'string' && !isCalendarDate(careDate)) check.fail('data.careDate', 'not a calendar date');
  const category = object['category'] === undefined ? 'other' : check.oneOf(object['category'], 'data.category', DOCUMENT_CATEGORIES);
  const typeCode = parseTypeCode(check, object['typeCode'], 'data.typeCode');
  const source = parseSource(check, object['source'], 'data.source');
  const tags = parseTags(check, object['tags'], 'data.tags');
  const hidden = object['hidden'] === undefined ? false : object['hidden'];
  if (typeof hidden !== 'boolean') check.fail('data.hidden', 'expected true or false');
  const trashedAt = object['trashedAt'] === undefined || object['trashedAt'] === null
    ? null
    : check.integer(object['trashedAt'], 'data.trashedAt', 0, HLC_MAX_MILLIS);
  const list = check.array(object['files'], 'data.files', 100);
  const files = (list ?? []).map((item, index) => parseFileRef(check, item, `data.files[${index}]`));
  if (new Set(files.map((file) => file?.id)).size !== files.length) check.fail('data.files', 'a file is listed twice');
  if (
    title === undefined || note === undefined || addedAt === undefined || careDate === undefined || category === undefined ||
    typeCode === undefined || source === undefined || trashedAt === undefined || typeof hidden !== 'boolean' || check.issues.length > 0
  )
    return err({ type: 'Invalid', issues: check.issues });
  return ok({ title, note, addedAt, careDate, category, typeCode, source, tags, hidden, trashedAt, files: files as FileRef[] });
}

export function fileRefToJson(file: FileRef): unknown {
  return { ...file, key: toBase64Url(file.key) };
}

export const documentCodec: RecordCodec<'document', DocumentData> = {
  kind: 'document',
  parse: parseDocument,
  toJson: (data) => ({
    title: data.title,
    note: data.note,
    addedAt: data.addedAt,
    careDate: data.careDate,
    category: data.category,
    typeCode: data.typeCode,
    source: data.source,
    tags: data.tags,
    hidden: data.hidden,
    trashedAt: data.trashedAt,
    files: data.files.map(fileRefToJson),
  }),
  files: (data) => data.files.map((file) => file.id),
};
