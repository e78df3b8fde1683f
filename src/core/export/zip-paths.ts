/**
 * Where each file goes in the "download my data" archive: `documents/<care date> <title>/<name>`,
 * readable by a person and safe to extract on Windows, macOS and Linux.
 *
 * What must stay true: every path is unique (compared as the case-insensitive file systems of
 * Windows and macOS compare, after NFC), no segment can climb out of its folder or hide
 * (no separators, no leading dot, no `..`), none holds a control or bidi-override character, and
 * each segment stays within ZIP_SEGMENT_MAX characters with the file's extension kept.
 * Which document gets the plain name and which the ` (2)` does not depend on the list's order.
 */
import { viewableFiles, type DocumentData, type FileFormat, type FileRef } from '../records/document.ts';
import type { RecordId } from '../records/record.ts';

export const ZIP_SEGMENT_MAX = 120;
export const DOCUMENTS_FOLDER = 'documents';
/** The folder name of a document without a date of care: French, as the archive's readme is first. */
export const NO_DATE_FOLDER = 'sans-date';

export interface ArchivedFile {
  readonly file: FileRef;
  /** The path inside the archive, `/`-separated, not percent-encoded. */
  readonly path: string;
}

export interface ArchivedDocument {
  readonly id: RecordId;
  readonly data: DocumentData;
  /** The files the patient reads (original, content, attachment), never the derived ones. */
  readonly files: readonly ArchivedFile[];
}

// Characters no common file system accepts in a name, and C0/C1 controls.
// oxlint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const FORBIDDEN = /[/\\:*?"<>|]/g;
/** Bidi overrides and marks: they make "gpj.exe" display as "exe.jpg". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
/** An extension worth keeping when a name is shortened: short, letters and digits. */
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;

const EXTENSION_OF_FORMAT: Readonly<Record<FileFormat, string | null>> = {
  pdf: '.pdf',
  jpeg: '.jpg',
  png: '.png',
  webp: '.webp',
  tiff: '.tif',
  text: '.txt',
  cda: '.xml',
  other: null,
};

/** At most `max` code points of `text`, never half a surrogate pair. */
function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, Math.max(0, max)).join('');
}

function codePoints(text: string): number {
  return Array.from(text).length;
}

/** Trailing dots and spaces are dropped by Windows, which would merge two names. */
function trimEnds(text: string): string {
  return text.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

function splitExtension(name: string, keepExtension: boolean): { stem: string; extension: string } {
  const match = keepExtension ? EXTENSION.exec(name) : null;
  if (match === null || match.index === 0) return { stem: name, extension: '' };
  return { stem: name.slice(0, match.index), extension: match[0] };
}

/** `stem` + `suffix` + `extension`, the stem shortened so the whole fits in `max`. */
function fit(stem: string, suffix: string, extension: string, max: number): string {
  const room = max - codePoints(suffix) - codePoints(extension);
  return `${trimEnds(truncate(stem, room))}${suffix}${extension}`;
}

/**
 * One path segment, safe on every common file system: separators, reserved characters and
 * controls replaced, bidi overrides removed, whitespace collapsed, no leading dot, no trailing dot
 * or space, no Windows device name, at most `max` code points with a file's extension kept.
 * `fallback` (itself safe) stands in when nothing printable is left.
 */
export function safePathSegment(text: string, fallback: string, options: { readonly file?: boolean; readonly max?: number } = {}): string {
  const max = options.max ?? ZIP_SEGMENT_MAX;
  let name = text
    .normalize('NFC')
    .replace(LONE_SURROGATE, '-')
    .replace(BIDI, '')
    .replace(CONTROL, ' ')
    .replace(FORBIDDEN, '-')
    .replace(/\s+/gu, ' ');
  name = trimEnds(name);
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (name === '') return fallback;
  const { stem, extension } = splitExtension(name, options.file === true);
  name = fit(stem, '', extension, max);
  return name === '' || name === extension ? fallback : name;
}

/** Hands out names unique in one folder, as case-insensitive file systems compare them. */
function createNamer(file: boolean) {
  const taken = new Set<string>();
  return (name: string): string => {
    const { stem, extension } = splitExtension(name, file);
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = fit(stem, ` (${n})`, extension, ZIP_SEGMENT_MAX);
    taken.add(candidate.toLowerCase());
    return candidate;
  };
}

/** A file's name as the archive gives it: safe, and with an extension its format implies when it had none. */
function fileName(file: FileRef): string {
  const name = safePathSegment(file.name, 'fichier', { file: true });
  const implied = EXTENSION_OF_FORMAT[file.format];
  if (implied === null || EXTENSION.test(name)) return name;
  return fit(name, '', implied, ZIP_SEGMENT_MAX);
}

/**
 * The documents an archive holds, with the path of each of their files: every document not in the
 * trash (hidden ones included: the archive is the patient's own), earliest added first.
 * A document without a file the patient reads gets no folder but is still listed.
 */
export function planArchive(documents: readonly { readonly id: RecordId; readonly data: DocumentData }[]): ArchivedDocument[] {
  const kept = documents
    .filter((document) => document.data.trashedAt === null)
    .sort((a, b) => a.data.addedAt - b.data.addedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const folderName = createNamer(false);
  return kept.map(({ id, data }) => {
    const files = viewableFiles(data);
    if (files.length === 0) return { id, data, files: [] };
    const title = safePathSegment(data.title, 'document');
    const folder = folderName(safePathSegment(`${data.careDate ?? NO_DATE_FOLDER} ${title}`, NO_DATE_FOLDER));
    const name = createNamer(true);
    return { id, data, files: files.map((file) => ({ file, path: `${DOCUMENTS_FOLDER}/${folder}/${name(fileName(file))}` })) };
  });
}
