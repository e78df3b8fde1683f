/**
 * The index of the "download my data" archive as HL7 FHIR R4 (4.0.1): a `collection` Bundle with
 * one DocumentReference per document, each attachment pointing at its file inside the archive by
 * a relative URL. Built from the archive plan alone: no clock (the time comes in), no randomness
 * (ids are the record ids), so the same vault gives the same Bundle.
 * https://hl7.org/fhir/R4/bundle.html, https://hl7.org/fhir/R4/documentreference.html
 *
 * Carnet's own terms live under CARNET_FHIR. These URLs are written into files patients keep:
 * never change them, only add.
 *
 * What must stay true: the output is valid R4 JSON. No empty strings or empty arrays (FHIR JSON
 * forbids them), codes without leading, trailing or doubled whitespace, strings without control
 * characters other than tab and line breaks, instants with a time zone, unsignedInt within
 * 2^31 - 1, and `url` a valid relative URI (each path segment percent-encoded).
 * No `attachment.hash`: a bare hash of a health document would let anyone holding a copy
 * confirm a guess of its content, and it adds nothing the archive itself does not carry.
 */
import { mediaTypeOf } from '../records/sniff.ts';
import { LOINC_SYSTEM, type DocumentCategory, type TypeCode } from '../records/document-classes.ts';
import type { DocumentData, FileRef, FileRole, SourceKind } from '../records/document.ts';
import type { RecordId } from '../records/record.ts';
import type { ArchivedDocument, ArchivedFile } from './zip-paths.ts';

/** Never change: the base of every Carnet-defined FHIR term. */
export const CARNET_FHIR = 'https://carnet.health/fhir';
/** The classes of document-classes.ts; the code is the class id, the display its French name. */
export const DOCUMENT_CLASS_SYSTEM = `${CARNET_FHIR}/CodeSystem/document-class`;
/** The patient's own tags: code and display are the tag as stored. */
export const DOCUMENT_TAG_SYSTEM = `${CARNET_FHIR}/CodeSystem/document-tag`;
/** The patient's note on a document (valueString). */
export const DOCUMENT_NOTE_EXTENSION = `${CARNET_FHIR}/StructureDefinition/document-note`;
/** What a file is to its document (valueCode: original, content, attachment; document.ts FileRole). */
export const FILE_ROLE_EXTENSION = `${CARNET_FHIR}/StructureDefinition/file-role`;

export const LOINC_URL = 'http://loinc.org';
/** Code systems FHIR names by a URL, which it requires in preference to their OID. */
const URL_OF_OID: Readonly<Record<string, string>> = {
  [LOINC_SYSTEM]: LOINC_URL,
  '2.16.840.1.113883.6.96': 'http://snomed.info/sct',
};

/** French names of the classes, as Mon espace santé shows them. */
export const DOCUMENT_CLASS_DISPLAY: Readonly<Record<DocumentCategory, string>> = {
  synthesis: 'Synthèse',
  treatments: 'Traitements et ordonnances',
  reports: 'Comptes rendus',
  imaging: 'Imagerie médicale',
  biology: 'Biologie',
  prevention: 'Prévention et vaccination',
  certificates: 'Certificats',
  administrative: 'Documents administratifs',
  other: 'Autres documents',
};


// --- the subset of FHIR R4 written here ---------------------------------------------------------

export interface FhirCoding {
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
}

export interface FhirCodeableConcept {
  readonly coding?: readonly FhirCoding[];
  readonly text?: string;
}

export interface FhirReference {
  /** The resource type the reference points at, when known. */
  readonly type?: 'Practitioner' | 'Organization';
  readonly display: string;
}

export type FhirExtension = { readonly url: string; readonly valueString: string } | { readonly url: string; readonly valueCode: string };

export interface FhirAttachment {
  readonly contentType?: string;
  readonly url?: string;
  readonly size?: number;
  readonly title?: string;
}

export interface FhirDocumentReference {
  readonly resourceType: 'DocumentReference';
  readonly id: string;
  readonly meta?: { readonly tag: readonly FhirCoding[] };
  readonly extension?: readonly FhirExtension[];
  readonly identifier: readonly { readonly system: 'urn:ietf:rfc:3986'; readonly value: string }[];
  readonly status: 'current';
  readonly docStatus: 'final';
  readonly type?: FhirCodeableConcept;
  readonly category: readonly FhirCodeableConcept[];
  readonly date?: string;
  readonly author?: readonly FhirReference[];
  readonly custodian?: FhirReference;
  readonly description?: string;
  readonly content: readonly { readonly extension?: readonly FhirExtension[]; readonly attachment: FhirAttachment }[];
  readonly context?: { readonly period: { readonly start: string } };
}

export interface FhirBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'collection';
  readonly timestamp?: string;
  readonly entry?: readonly { readonly fullUrl: string; readonly resource: FhirDocumentReference }[];
}

// --- primitives ---------------------------------------------------------------------------------

/** FHIR's largest unsignedInt. */
const UNSIGNED_INT_MAX = 2_147_483_647;
/** The last instant FHIR's four-digit years can write. */
const INSTANT_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RECORD_ID = /^[0-9a-f]{32}$/;
const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:\S+$/i;
const MIME_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;
/** FHIR R4's date: a year other than 0000, with month and day as given. */
const FHIR_DATE = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
// oxlint-disable-next-line no-control-regex -- removing control characters is the point
const STRING_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** A FHIR string: controls other than tab and line breaks removed, trimmed; absent when empty. */
export function fhirString(text: string): string | undefined {
  const cleaned = text.replace(STRING_CONTROL, '').trim();
  return cleaned === '' ? undefined : cleaned;
}

/** A FHIR code: no whitespace at either end and single spaces inside; absent when empty. */
function fhirCode(text: string): string | undefined {
  return fhirString(text.replace(/\s+/g, ' '));
}

function instant(millis: number): string | undefined {
  return Number.isSafeInteger(millis) && millis >= 0 && millis <= INSTANT_MAX ? new Date(millis).toISOString() : undefined;
}

/** The record id (32 hex digits) written as a UUID: the same 128 bits, so it can be read back. */
export function uuidOfRecordId(id: RecordId): string {
  if (!RECORD_ID.test(id)) throw new Error('uuidOfRecordId: id is not 32 lowercase hex digits');
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/** A code system as FHIR names it: its URL when FHIR defines one, else `urn:oid:`, else as given if a URI. */
export function codeSystemUri(system: string): string | undefined {
  const trimmed = system.trim();
  const known = URL_OF_OID[trimmed];
  if (known !== undefined) return known;
  if (OID.test(trimmed)) return `urn:oid:${trimmed}`;
  return ABSOLUTE_URI.test(trimmed) ? trimmed : undefined;
}

/** A path inside the archive as a relative URI: each segment percent-encoded, `/` kept. */
export function archiveUrl(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function contentTypeOf(file: FileRef): string {
  const declared = file.type.trim().toLowerCase();
  // A parameter (`; charset=…`) is dropped rather than risk an invalid code.
  const bare = declared.split(';')[0]?.trim() ?? '';
  return MIME_TYPE.test(bare) ? bare : mediaTypeOf(file.format, '');
}

// --- resources ----------------------------------------------------------------------------------

function typeConcept(typeCode: TypeCode | null): FhirCodeableConcept | undefined {
  if (typeCode === null) return undefined;
  const system = codeSystemUri(typeCode.system);
  const code = fhirCode(typeCode.code);
  const display = typeCode.display === null ? undefined : fhirString(typeCode.display);
  const coding: FhirCoding = { ...(system === undefined ? {} : { system }), ...(code === undefined ? {} : { code }), ...(display === undefined ? {} : { display }) };
  const hasCoding = code !== undefined;
  if (!hasCoding && display === undefined) return undefined;
  return { ...(hasCoding ? { coding: [coding] } : {}), ...(display === undefined ? {} : { text: display }) };
}

function categoryConcept(category: DocumentCategory): FhirCodeableConcept {
  const display = DOCUMENT_CLASS_DISPLAY[category];
  return { coding: [{ system: DOCUMENT_CLASS_SYSTEM, code: category, display }], text: display };
}

const REFERENCE_TYPE: Readonly<Record<SourceKind, FhirReference['type'] | undefined>> = {
  practitioner: 'Practitioner',
  laboratory: 'Organization',
  hospital: 'Organization',
  other: undefined,
};

function sourceReference(kind: SourceKind, name: string): FhirReference {
  const type = REFERENCE_TYPE[kind];
  return { ...(type === undefined ? {} : { type }), display: name };
}

function attachmentOf(entry: ArchivedFile): { extension: FhirExtension[]; attachment: FhirAttachment } {
  const { file } = entry;
  const title = fhirString(file.name);
  const attachment: FhirAttachment = {
    contentType: contentTypeOf(file),
    url: archiveUrl(entry.path),
    // A file beyond unsignedInt (2 GiB) has its size in the archive only.
    ...(file.size <= UNSIGNED_INT_MAX ? { size: file.size } : {}),
    ...(title === undefined ? {} : { title }),
  };
  const role: FileRole = file.role;
  return { extension: [{ url: FILE_ROLE_EXTENSION, valueCode: role }], attachment };
}

/** One document as a DocumentReference; its files are the archive's, found by `attachment.url`. */
export function documentReferenceOf(document: ArchivedDocument): FhirDocumentReference {
  const data: DocumentData = document.data;
  const uuid = uuidOfRecordId(document.id);
  const type = typeConcept(data.typeCode);
  const date = instant(data.addedAt);
  const sourceName = data.source === null ? undefined : fhirString(data.source.name);
  const source = data.source === null || sourceName === undefined ? null : sourceReference(data.source.kind, sourceName);
  const description = fhirString(data.title);
  const note = fhirString(data.note);
  const tags = data.tags.flatMap((tag) => {
    const code = fhirCode(tag);
    return code === undefined ? [] : [{ system: DOCUMENT_TAG_SYSTEM, code, display: code }];
  });
  // content is 1..*: a document without a file the patient reads still says what it is.
  const content = document.files.length > 0 ? document.files.map(attachmentOf) : [{ attachment: { title: description ?? 'Document' } }];
  return {
    resourceType: 'DocumentReference',
    id: uuid,
    ...(tags.length > 0 ? { meta: { tag: tags } } : {}),
    ...(note === undefined ? {} : { extension: [{ url: DOCUMENT_NOTE_EXTENSION, valueString: note }] }),
    identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuid}` }],
    status: 'current',
    docStatus: 'final',
    ...(type === undefined ? {} : { type }),
    category: [categoryConcept(data.category)],
    ...(date === undefined ? {} : { date }),
    ...(source === null ? {} : { author: [source] }),
    // The custodian keeps the original: an organisation, never a single practitioner.
    ...(source?.type === 'Organization' ? { custodian: source } : {}),
    ...(description === undefined ? {} : { description }),
    content,
    ...(data.careDate !== null && FHIR_DATE.test(data.careDate) ? { context: { period: { start: data.careDate } } } : {}),
  };
}

/** The archive's index: a `collection` Bundle of one DocumentReference per document, at `now`. */
export function documentsToFhirBundle(documents: readonly ArchivedDocument[], now: number): FhirBundle {
  const timestamp = instant(now);
  const entry = documents.map((document) => ({ fullUrl: `urn:uuid:${uuidOfRecordId(document.id)}`, resource: documentReferenceOf(document) }));
  return {
    resourceType: 'Bundle',
    type: 'collection',
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(entry.length > 0 ? { entry } : {}),
  };
}
