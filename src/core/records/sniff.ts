/**
 * What a file is, read from its first bytes rather than its name or the type the browser
 * guessed from it: a PDF renamed ".jpg" is still a PDF, and a ".pdf" that is not one is stored
 * as it is, with no preview, instead of being handed to a renderer that expects a PDF.
 */
import { CDA_SNIFF_BYTES, looksLikeCda } from '../importers/cda.ts';
import type { FileFormat } from './document.ts';

/** How many leading bytes `sniffFormat` needs: a CDA's root may come after long comments. */
export const SNIFF_BYTES = CDA_SNIFF_BYTES;

const MEDIA_TYPES: Readonly<Record<Exclude<FileFormat, 'other'>, string>> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  tiff: 'image/tiff',
  text: 'text/plain',
  cda: 'text/xml',
};

function startsWith(head: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((byte, index) => head[at + index] === byte);
}

function indexOfBytes(head: Uint8Array, needle: readonly number[], limit: number): number {
  const end = Math.min(head.length, limit) - needle.length;
  for (let at = 0; at <= end; at++) if (startsWith(head, needle, at)) return at;
  return -1;
}

/**
 * True when `head` is text: no NUL or stray control bytes, and either valid UTF-8 (a character
 * cut by the end of `head` aside) or single-byte text (Windows-1252 notes are common).
 */
function looksLikeText(head: Uint8Array): boolean {
  for (const byte of head) if (byte === 0 || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d)) return false;
  return true;
}

export function sniffFormat(head: Uint8Array, name: string, declaredType: string): FileFormat {
  // PDF readers accept the header anywhere in the first kilobyte; so do we.
  if (indexOfBytes(head, [0x25, 0x50, 0x44, 0x46, 0x2d], 1024) !== -1) return 'pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (looksLikeCda(head)) return 'cda';
  const textual = /\.(txt|text|md|csv)$/i.test(name) || declaredType.startsWith('text/plain');
  if (textual && looksLikeText(head)) return 'text';
  return 'other';
}

/** The media type Carnet records: the sniffed one, or what the browser said for other files. */
export function mediaTypeOf(format: FileFormat, declaredType: string): string {
  if (format === 'other') return declaredType === '' ? 'application/octet-stream' : declaredType.slice(0, 255);
  return MEDIA_TYPES[format];
}

/** A title from a file name: no extension, separators as spaces. */
export function titleFromFileName(name: string): string {
  const bare = name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  const title = (bare === '' ? name.trim() : bare).slice(0, 500);
  return title === '' ? 'Document' : title;
}
