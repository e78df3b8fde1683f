/**
 * A document of the medical record, as sealed in a "document" record: what the patient sees
 * (title, note) and the files it holds. Each file carries its own key: destroying the record
 * destroys the only copy of that key, which is what makes permanent deletion permanent.
 * Later issues add the DMP category, date of care and source as optional fields.
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

export type FileId = Brand<string, 'FileId'>;
const FILE_ID = /^[0-9a-f]{32}$/;

/** The file-content format: STREAM over AES-256-GCM, docs/format.md §6. */
export const FILE_CIPHER_V1 = 'aes-256-gcm-stream/1';
export const MAX_FILE_BYTES = 2 ** 40;

export interface FileRef {
  readonly id: FileId;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly key: FileKey;
  readonly chunkSize: number;
  readonly chunkCount: number;
  readonly cipher: typeof FILE_CIPHER_V1;
}

export interface DocumentData {
  readonly title: string;
  readonly note: string;
  /** When the patient added it (UTC milliseconds). */
  readonly addedAt: number;
  readonly files: readonly FileRef[];
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
  if (
    id === undefined || name === undefined || type === undefined || size === undefined || key === null || key === undefined ||
    key.length !== KEY_BYTES || chunkSize === undefined || chunkCount === undefined || cipher === undefined
  )
    return undefined;
  return { id: id as FileId, name, type, size, key: asFileKey(key), chunkSize, chunkCount, cipher };
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
  const list = check.array(object['files'], 'data.files', 100);
  const files = (list ?? []).map((item, index) => parseFileRef(check, item, `data.files[${index}]`));
  if (title === undefined || note === undefined || addedAt === undefined || check.issues.length > 0)
    return err({ type: 'Invalid', issues: check.issues });
  return ok({ title, note, addedAt, files: files as FileRef[] });
}

export function fileRefToJson(file: FileRef): unknown {
  return { ...file, key: toBase64Url(file.key) };
}

export const documentCodec: RecordCodec<'document', DocumentData> = {
  kind: 'document',
  parse: parseDocument,
  toJson: (data) => ({ title: data.title, note: data.note, addedAt: data.addedAt, files: data.files.map(fileRefToJson) }),
  files: (data) => data.files.map((file) => file.id),
};
