/**
 * Reads HL7 CDA Release 2 documents as the French DMP ("Mon espace santé") sends them, following
 * the ANS CI-SIS volets: level N1, a file (usually a PDF) in base64 in `nonXMLBody/text`; level
 * N3, a `structuredBody` of sections with their narrative and files embedded as observationMedia.
 * Header fields follow CI-SIS "Structuration minimale". Coded entries are not read, beyond
 * finding the files they embed.
 *
 * What must stay true: the input is untrusted. Parsing refuses a DOCTYPE (CDA never has one) and
 * bounds size, depth and element count (xml.ts); bad input is a typed error, never a throw; the
 * narrative comes out as data, never markup (cda-narrative.ts).
 */
import { fromUtf8, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { appendBlocksText, HL7_NAMESPACE as HL7, narrativeBlocks, type CdaBlock, type NarrativeContext } from './cda-narrative.ts';
import {
  childElements,
  collapseWhitespace,
  descend,
  firstChild,
  ownText,
  parseXmlBytes,
  sniffRootElement,
  textContent,
  type XmlElement,
  type XmlLimits,
} from './xml.ts';

export type { CdaBlock, CdaCell, CdaInline, CdaRow } from './cda-narrative.ts';

/** A coded value; `system` is the code system OID as written (LOINC is 2.16.840.1.113883.6.1). */
export interface CdaCode {
  readonly system: string;
  readonly code: string;
  readonly display: string | null;
}

export interface CdaAttachment {
  readonly name: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

export interface CdaAuthor {
  readonly person: string | null;
  readonly organisation: string | null;
  readonly specialty: string | null;
}

export interface CdaSection {
  readonly title: string | null;
  readonly code: CdaCode | null;
  readonly blocks: readonly CdaBlock[];
  readonly sections: readonly CdaSection[];
}

export interface CdaDocument {
  readonly level: 'N1' | 'N3';
  /** ClinicalDocument/title, else the document code's displayName, else ''. */
  readonly title: string;
  readonly code: CdaCode | null;
  /** Day of care 'YYYY-MM-DD', as written in the sender's time zone (see parseHl7Day). */
  readonly careDate: string | null;
  readonly author: CdaAuthor;
  readonly custodian: string | null;
  /** N3 only (empty for N1). */
  readonly sections: readonly CdaSection[];
  /** N1 only: the nonXMLBody file, decoded. */
  readonly body: CdaAttachment | null;
  /** N3 only: embedded files, in document order; narrative `{ attachment: i }` points here. */
  readonly attachments: readonly CdaAttachment[];
  /** Title and every section's title and narrative, whitespace-normalised, for the search index. */
  readonly text: string;
}

export type CdaError =
  | { readonly type: 'CdaNotXml'; readonly detail: string } // not well-formed, not UTF-8, DOCTYPE, over a limit
  | { readonly type: 'CdaNotClinicalDocument' } // root is not urn:hl7-org:v3 ClinicalDocument
  | { readonly type: 'CdaBodyMissing' } // neither structuredBody nor nonXMLBody
  | { readonly type: 'CdaEmbeddedFileMissing' } // nonXMLBody with empty or absent text
  | { readonly type: 'CdaEmbeddedFileInvalid'; readonly detail: string }; // bad base64, unsupported encoding, content not of its declared type

/**
 * Bounds for untrusted documents. The largest DMP documents are scanned reports of a few tens of
 * megabytes; the IPS-FR example (1.5 MB, three PDFs) has about 3,200 elements and depth 20, so
 * 200,000 elements leaves room for years of results while capping a hostile file at a few seconds.
 */
export const CDA_LIMITS: XmlLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 200, maxElements: 200_000 };

/** How much of the head looksLikeCda reads; the ANS examples' root tags end before 4 KB. */
export const CDA_SNIFF_BYTES = 64 * 1024;

/**
 * Cheap sniff: does this start of a file (pass at least its first 16 KB) open an XML document
 * whose root is ClinicalDocument in the HL7 v3 namespace? A BOM, the XML declaration, processing
 * instructions and comments may come first; a DOCTYPE means no.
 */
export function looksLikeCda(head: Uint8Array): boolean {
  // Lenient decoding is fine here: a character cut at the end of the head comes after the root tag.
  const root = sniffRootElement(fromUtf8(head.subarray(0, CDA_SNIFF_BYTES)));
  return root !== null && root.uri === HL7 && root.name === 'ClinicalDocument';
}

export function parseCda(bytes: Uint8Array): Result<CdaDocument, CdaError> {
  const parsed = parseXmlBytes(bytes, CDA_LIMITS);
  if (!parsed.ok) return err({ type: 'CdaNotXml', detail: parsed.error.detail });
  const root = parsed.value;
  if (root.uri !== HL7 || root.name !== 'ClinicalDocument') return err({ type: 'CdaNotClinicalDocument' });
  const header = readHeader(root);
  const component = firstChild(root, HL7, 'component');
  const structured = firstChild(component, HL7, 'structuredBody');
  if (structured !== null) return readStructuredBody(structured, header);
  const nonXml = firstChild(component, HL7, 'nonXMLBody');
  if (nonXml !== null) return readNonXmlBody(nonXml, header);
  return err({ type: 'CdaBodyMissing' });
}

type Header = Pick<CdaDocument, 'title' | 'code' | 'careDate' | 'author' | 'custodian'>;

function readHeader(root: XmlElement): Header {
  const code = readCode(firstChild(root, HL7, 'code'));
  const assigned = descend(root, HL7, 'author', 'assignedAuthor');
  const personName = descend(assigned, HL7, 'assignedPerson', 'name');
  return {
    title: textOf(firstChild(root, HL7, 'title')) ?? code?.display ?? '',
    code,
    careDate: readCareDate(root),
    author: {
      person: personName === null ? null : readPersonName(personName),
      organisation: textOf(descend(assigned, HL7, 'representedOrganization', 'name')),
      specialty: attributeText(firstChild(assigned, HL7, 'code'), 'displayName'),
    },
    custodian: textOf(descend(root, HL7, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name')),
  };
}

function readCode(element: XmlElement | null): CdaCode | null {
  const code = attributeText(element, 'code');
  const system = attributeText(element, 'codeSystem');
  if (code === null || system === null) return null; // nullFlavor, or a local code without a system
  return { system, code, display: attributeText(element, 'displayName') };
}

/** The care is the service event's; the document's own effectiveTime is when it was written. */
function readCareDate(root: XmlElement): string | null {
  for (const documentationOf of childElements(root, HL7, 'documentationOf')) {
    const time = descend(documentationOf, HL7, 'serviceEvent', 'effectiveTime');
    const value = time?.attributes.get('value') ?? firstChild(time, HL7, 'low')?.attributes.get('value');
    const day = value === undefined ? null : parseHl7Day(value);
    if (day !== null) return day;
  }
  const written = firstChild(root, HL7, 'effectiveTime')?.attributes.get('value');
  return written === undefined ? null : parseHl7Day(written);
}

const HL7_TS = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

/**
 * The day of an HL7 v3 TS (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+-ZZZZ]) as 'YYYY-MM-DD', or null when
 * the day is not known ('2019', '201903') or the value is not a valid TS. The day is the one
 * written, in the sender's time zone: a visit at 00:30+0100 happened on that day for the patient,
 * whatever day it was in UTC.
 */
export function parseHl7Day(value: string): string | null {
  const match = HL7_TS.exec(value.trim());
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match;
  if (month === undefined || day === undefined) return null;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  if (hour !== undefined && Number(hour) > 23) return null;
  if (minute !== undefined && Number(minute) > 59) return null;
  if (second !== undefined && Number(second) > 60) return null; // 60: a leap second
  if (offsetHours !== undefined && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) return null;
  return `${year}-${month}-${day}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** "prefix given family", whatever their order in the file; a name without parts is read as text. */
function readPersonName(name: XmlElement): string | null {
  const parts = ['prefix', 'given', 'family'].flatMap((part) => childElements(name, HL7, part).map((element) => textOf(element) ?? ''));
  const joined = parts.filter((part) => part !== '').join(' ');
  if (joined !== '') return joined;
  return nonEmpty(collapseWhitespace(ownText(name)));
}

function readNonXmlBody(body: XmlElement, header: Header): Result<CdaDocument, CdaError> {
  const text = firstChild(body, HL7, 'text');
  if (text === null) return err({ type: 'CdaEmbeddedFileMissing' });
  const embedded = readEmbedded(text);
  if (!embedded.ok) return embedded;
  if (embedded.value === null) return err({ type: 'CdaEmbeddedFileMissing' });
  const file = { name: fileName(header.title, embedded.value.mediaType, { names: new Set(), next: new Map() }, 'document'), ...embedded.value };
  return ok({ level: 'N1', ...header, sections: [], body: file, attachments: [], text: header.title });
}

interface FoundMedia {
  readonly id: string | null;
  readonly value: XmlElement;
  readonly sectionTitle: string | null;
}

function readStructuredBody(structured: XmlElement, header: Header): Result<CdaDocument, CdaError> {
  // Files first: the narrative of any section may point to them by ID.
  const found: FoundMedia[] = [];
  findEmbeddedFiles(structured, null, found);
  const files: { id: string | null; sectionTitle: string | null; mediaType: string; bytes: Uint8Array }[] = [];
  for (const media of found) {
    const embedded = readEmbedded(media.value);
    if (!embedded.ok) return embedded;
    if (embedded.value !== null) files.push({ id: media.id, sectionTitle: media.sectionTitle, ...embedded.value });
  }
  const attachmentById = new Map<string, number>();
  files.forEach((file, index) => {
    if (file.id !== null && !attachmentById.has(file.id)) attachmentById.set(file.id, index);
  });
  const context: NarrativeContext = { attachmentById, labels: new Map() };

  const sections = childSections(structured).map((section) => readSection(section, context));

  const taken: TakenNames = { names: new Set(), next: new Map() };
  const attachments = files.map((file, index) => ({
    name: fileName(context.labels.get(index) ?? file.sectionTitle ?? '', file.mediaType, taken, `piece-jointe-${index + 1}`),
    mediaType: file.mediaType,
    bytes: file.bytes,
  }));
  const words = [header.title, ' '];
  for (const section of sections) appendSectionText(section, words);
  const text = collapseWhitespace(words.join(''));
  return ok({ level: 'N3', ...header, sections, body: null, attachments, text });
}

function childSections(element: XmlElement): XmlElement[] {
  return childElements(element, HL7, 'component').flatMap((component) => childElements(component, HL7, 'section'));
}

function readSection(section: XmlElement, context: NarrativeContext): CdaSection {
  const narrative = firstChild(section, HL7, 'text');
  return {
    title: textOf(firstChild(section, HL7, 'title')),
    code: readCode(firstChild(section, HL7, 'code')),
    blocks: narrative === null ? [] : narrativeBlocks(narrative, context),
    sections: childSections(section).map((child) => readSection(child, context)),
  };
}

/** Collected into one array and joined once: joining at every level would copy deep text again at each. */
function appendSectionText(section: CdaSection, words: string[]): void {
  words.push(section.title ?? '', ' ');
  appendBlocksText(section.blocks, words);
  words.push(' ');
  for (const child of section.sections) appendSectionText(child, words);
}

/**
 * Files carried inline by entries: every observationMedia's value, and any other `value` in
 * base64 (an ED-typed observation value). Section narratives are skipped: they hold no files.
 */
function findEmbeddedFiles(element: XmlElement, sectionTitle: string | null, out: FoundMedia[]): void {
  for (const child of element.children) {
    if (typeof child === 'string' || child.uri !== HL7) continue;
    if (element.name === 'section' && child.name === 'text') continue;
    if (child.name === 'observationMedia') {
      const value = firstChild(child, HL7, 'value');
      if (value !== null) out.push({ id: child.attributes.get('ID') ?? null, value, sectionTitle });
    } else if (child.name === 'value' && child.attributes.get('representation') === 'B64') {
      out.push({ id: null, value: child, sectionTitle });
    } else {
      const title = child.name === 'section' ? (textOf(firstChild(child, HL7, 'title')) ?? sectionTitle) : sectionTitle;
      findEmbeddedFiles(child, title, out);
    }
  }
}

/**
 * Signatures checked when a file declares one of these types, so that what the UI hands to a
 * PDF or image viewer is what the document said it was.
 */
const SIGNATURES: ReadonlyMap<string, readonly (readonly number[])[]> = new Map([
  ['application/pdf', [[0x25, 0x50, 0x44, 0x46, 0x2d]]], // %PDF-
  ['image/jpeg', [[0xff, 0xd8, 0xff]]],
  ['image/png', [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]],
  ['image/gif', [[0x47, 0x49, 0x46, 0x38]]], // GIF8
  ['image/tiff', [[0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a]]],
]);

/**
 * An HL7 ED value (nonXMLBody/text, observationMedia/value) decoded: null when it carries no
 * inline data (empty, or only a reference to a file held elsewhere).
 */
function readEmbedded(element: XmlElement): Result<{ mediaType: string; bytes: Uint8Array } | null, CdaError> {
  const content = ownText(element);
  if (isBlank(content)) return ok(null);
  // ED defaults: text/plain, representation TXT.
  const mediaType = (element.attributes.get('mediaType') ?? '').trim().toLowerCase() || 'text/plain';
  const compression = element.attributes.get('compression');
  if (compression !== undefined) return invalidFile(`compressed content (${quote(compression)}) is not supported`);
  const representation = element.attributes.get('representation') ?? 'TXT';
  let bytes: Uint8Array;
  if (representation === 'B64') {
    const decoded = parseBase64(content);
    if (!decoded.ok) return invalidFile(`not base64: ${decoded.error}`);
    bytes = decoded.value;
  } else if (representation === 'TXT') {
    bytes = utf8(content);
  } else {
    return invalidFile(`representation ${quote(representation)} is not supported`);
  }
  const essence = mediaTypeEssence(mediaType);
  const signatures = SIGNATURES.get(essence);
  if (signatures !== undefined && !signatures.some((signature) => signature.every((byte, i) => bytes[i] === byte)))
    return invalidFile(`the content is not ${essence}`);
  return ok({ mediaType, bytes });
}

/** XML whitespace only; a loop, since the content may be megabytes and is rarely blank. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return true;
}

function invalidFile(detail: string): { readonly ok: false; readonly error: CdaError } {
  return err({ type: 'CdaEmbeddedFileInvalid', detail });
}

/** An attribute value echoed in a detail, bounded so a hostile file cannot flood a log. */
function quote(value: string): string {
  return JSON.stringify(value.length > 32 ? `${value.slice(0, 32)}…` : value);
}

function mediaTypeEssence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim();
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SKIP = -2;
const PAD = -3;
/** Value of each ASCII code in base64: 0..63, SKIP for XML whitespace, PAD for '=', -1 otherwise. */
const BASE64_VALUES: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  for (const code of [0x20, 0x09, 0x0a, 0x0d]) table[code] = SKIP;
  table[0x3d] = PAD;
  return table;
})();

/**
 * RFC 4648 §4 base64 as CDA carries it: wrapped and indented, so XML whitespace is skipped;
 * anything else outside the alphabet, a missing or misplaced '=', or a length that is not a
 * multiple of four is refused. The unused bits of the last character are ignored, as every
 * decoder does: refusing them would refuse a readable file over nothing.
 */
export function parseBase64(text: string): Result<Uint8Array, string> {
  const out = new Uint8Array(Math.ceil((text.length * 3) / 4) + 3);
  let written = 0;
  let quantum = 0;
  let count = 0;
  let padding = 0;
  // Problems are noted and reported after the loop: building a message from `i` inside it makes
  // V8 compile the whole loop about five times slower (measured on the IPS-FR example).
  let problem: 'data after padding' | 'too much padding' | 'character outside the alphabet' | null = null;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (BASE64_VALUES[code] as number) : -1;
    if (value >= 0) {
      if (padding > 0) {
        problem = 'data after padding';
        at = i;
        break;
      }
      quantum = (quantum << 6) | value;
      count += 1;
      if ((count & 3) === 0) {
        out[written++] = (quantum >> 16) & 0xff;
        out[written++] = (quantum >> 8) & 0xff;
        out[written++] = quantum & 0xff;
        quantum = 0;
      }
    } else if (value === PAD) {
      padding += 1;
      if (padding > 2) {
        problem = 'too much padding';
        at = i;
        break;
      }
    } else if (value !== SKIP) {
      problem = 'character outside the alphabet';
      at = i;
      break;
    }
  }
  if (problem !== null) return err(`${problem} at offset ${at}`);
  if ((count + padding) % 4 !== 0) return err('length is not a multiple of 4');
  const tail = count & 3;
  if (padding !== (tail === 0 ? 0 : 4 - tail)) return err('misplaced padding');
  if (tail === 2) out[written++] = (quantum >> 4) & 0xff;
  if (tail === 3) {
    out[written++] = (quantum >> 10) & 0xff;
    out[written++] = (quantum >> 2) & 0xff;
  }
  return ok(out.slice(0, written));
}

const EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['application/pdf', '.pdf'],
  ['image/jpeg', '.jpg'],
  ['image/png', '.png'],
  ['image/gif', '.gif'],
  ['image/tiff', '.tif'],
  ['text/plain', '.txt'],
  ['text/rtf', '.rtf'],
  ['application/rtf', '.rtf'],
  ['text/html', '.html'],
  ['text/xml', '.xml'],
  ['application/xml', '.xml'],
  ['application/dicom', '.dcm'],
]);

const MAX_NAME_STEM = 80;

/**
 * A file name from a label written by the sender: no path separators, control or bidi-override
 * characters (which can disguise an extension), bounded length, the extension of its media type,
 * and unique within the document.
 */
interface TakenNames {
  readonly names: Set<string>;
  /** Next number to try per name, so that many files with one label cost linear time. */
  readonly next: Map<string, number>;
}

function fileName(label: string, mediaType: string, taken: TakenNames, fallback: string): string {
  const extension = EXTENSIONS.get(mediaTypeEssence(mediaType)) ?? '';
  let stem = safeStem(label);
  if (extension !== '' && stem.toLowerCase().endsWith(extension)) stem = safeStem(stem.slice(0, -extension.length));
  if (stem === '') stem = fallback;
  const base = `${stem}${extension}`.toLowerCase();
  let name = `${stem}${extension}`;
  let n = taken.next.get(base) ?? 2;
  if (taken.names.has(name.toLowerCase())) {
    while (taken.names.has(`${stem} (${n})${extension}`.toLowerCase())) n += 1;
    name = `${stem} (${n})${extension}`;
    n += 1;
  }
  taken.next.set(base, n);
  taken.names.add(name.toLowerCase());
  return name;
}

function safeStem(label: string): string {
  let out = '';
  for (const char of label) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f || '/\\:*?"<>|'.includes(char)) out += '-';
    else if ((code >= 0x200e && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) continue;
    else out += char;
  }
  const trimmed = collapseWhitespace(out).replace(/^[.\s-]+/, '').replace(/[.\s]+$/, '');
  const chars = [...trimmed];
  return chars.length <= MAX_NAME_STEM ? trimmed : chars.slice(0, MAX_NAME_STEM).join('').trimEnd();
}

function textOf(element: XmlElement | null): string | null {
  return element === null ? null : nonEmpty(collapseWhitespace(textContent(element)));
}

function attributeText(element: XmlElement | null, name: string): string | null {
  const value = element?.attributes.get(name);
  return value === undefined ? null : nonEmpty(collapseWhitespace(value));
}

function nonEmpty(text: string): string | null {
  return text === '' ? null : text;
}
