/**
 * "Download my data": the archive's paths (safe and unique whatever the titles and names) and its
 * FHIR R4 index, checked against the R4 rules for every element written (required elements,
 * value sets, primitive regexes from the R4 specification, no empty values, no unknown elements).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asFileKey } from '../../../src/core/crypto/keys.ts';
import {
  archiveUrl,
  codeSystemUri,
  DOCUMENT_CLASS_SYSTEM,
  DOCUMENT_NOTE_EXTENSION,
  DOCUMENT_TAG_SYSTEM,
  documentsToFhirBundle,
  FILE_ROLE_EXTENSION,
  LOINC_URL,
  uuidOfRecordId,
  type FhirBundle,
} from '../../../src/core/export/fhir-documents.ts';
import { planArchive, safePathSegment, ZIP_SEGMENT_MAX } from '../../../src/core/export/zip-paths.ts';
import { DOCUMENT_CATEGORIES, LOINC_SYSTEM } from '../../../src/core/records/document-classes.ts';
import { FILE_CIPHER_V1, type DocumentData, type FileId, type FileRef, type FileRole, type FileFormat } from '../../../src/core/records/document.ts';
import type { RecordId } from '../../../src/core/records/record.ts';

// --- fixtures -----------------------------------------------------------------------------------

let nextFile = 0;
function fileRef(name: string, options: { role?: FileRole; format?: FileFormat; type?: string; size?: number } = {}): FileRef {
  nextFile += 1;
  return {
    id: nextFile.toString(16).padStart(32, '0') as FileId,
    name,
    type: options.type ?? 'application/pdf',
    size: options.size ?? 1234,
    key: asFileKey(new Uint8Array(32)),
    chunkSize: 1_048_576,
    chunkCount: 1,
    cipher: FILE_CIPHER_V1,
    role: options.role ?? 'original',
    format: options.format ?? 'pdf',
    mac: null,
  };
}

function documentData(overrides: Partial<DocumentData> = {}): DocumentData {
  return {
    title: 'Bilan sanguin',
    note: '',
    addedAt: Date.UTC(2024, 2, 5, 9, 30),
    careDate: '2024-03-01',
    category: 'other',
    typeCode: null,
    source: null,
    tags: [],
    hidden: false,
    trashedAt: null,
    files: [fileRef('résultat.pdf')],
    ...overrides,
  };
}

const idOf = (n: number) => n.toString(16).padStart(32, 'a') as RecordId;
const NOW = Date.UTC(2025, 0, 2, 12, 0, 0, 123);

// --- an R4 checker for the elements Carnet writes -----------------------------------------------

// Regexes of the R4 primitive types (https://hl7.org/fhir/R4/datatypes.html).
const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';
const TIME = 'T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const R4 = {
  instant: new RegExp(`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])${TIME}${ZONE}$`),
  dateTime: new RegExp(`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(${TIME}${ZONE})?)?)?$`),
  code: /^[^\s]+(\s[^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  uri: /^\S*$/,
  string: /^[ \r\n\t\S]+$/,
  uuid: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

type Issues = string[];

function checkPrimitive(issues: Issues, path: string, value: unknown, type: keyof typeof R4 | 'unsignedInt'): void {
  if (type === 'unsignedInt') {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 2_147_483_647) issues.push(`${path}: not an unsignedInt`);
    return;
  }
  if (typeof value !== 'string' || !R4[type].test(value)) issues.push(`${path}: not a valid ${type}: ${JSON.stringify(value)}`);
  // oxlint-disable-next-line no-control-regex -- looking for control characters is the point
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) issues.push(`${path}: control character`);
}

/** ele-1 and FHIR JSON: no null, no empty string, array or object anywhere. */
function checkNoEmpty(issues: Issues, path: string, value: unknown): void {
  if (value === null || value === '') issues.push(`${path}: empty value`);
  else if (Array.isArray(value)) {
    if (value.length === 0) issues.push(`${path}: empty array`);
    value.forEach((item, index) => checkNoEmpty(issues, `${path}[${index}]`, item));
  } else if (typeof value === 'object') {
    if (Object.keys(value).length === 0) issues.push(`${path}: empty object`);
    for (const [key, item] of Object.entries(value)) checkNoEmpty(issues, `${path}.${key}`, item);
  }
}

function checkKeys(issues: Issues, path: string, value: object, allowed: readonly string[], required: readonly string[] = []): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) issues.push(`${path}: unknown element ${key}`);
  for (const key of required) if (!(key in value)) issues.push(`${path}: missing required ${key}`);
}

function checkCoding(issues: Issues, path: string, coding: Record<string, unknown>): void {
  checkKeys(issues, path, coding, ['system', 'version', 'code', 'display', 'userSelected']);
  if ('system' in coding) {
    checkPrimitive(issues, `${path}.system`, coding['system'], 'uri');
    if (!/^[a-z][a-z0-9+.-]*:/i.test(String(coding['system']))) issues.push(`${path}.system: not absolute`);
  }
  if ('code' in coding) checkPrimitive(issues, `${path}.code`, coding['code'], 'code');
  if ('display' in coding) checkPrimitive(issues, `${path}.display`, coding['display'], 'string');
}

function checkConcept(issues: Issues, path: string, concept: Record<string, unknown>): void {
  checkKeys(issues, path, concept, ['coding', 'text']);
  for (const [index, coding] of ((concept['coding'] as Record<string, unknown>[] | undefined) ?? []).entries()) checkCoding(issues, `${path}.coding[${index}]`, coding);
  if ('text' in concept) checkPrimitive(issues, `${path}.text`, concept['text'], 'string');
}

function checkReference(issues: Issues, path: string, reference: Record<string, unknown>): void {
  checkKeys(issues, path, reference, ['reference', 'type', 'identifier', 'display']);
  // ref-1 holds trivially (no `reference`); a display-only reference must have its display.
  if (!('display' in reference)) issues.push(`${path}: a display-only reference without display`);
  checkPrimitive(issues, `${path}.display`, reference['display'], 'string');
  if ('type' in reference) checkPrimitive(issues, `${path}.type`, reference['type'], 'uri');
}

function checkExtension(issues: Issues, path: string, extension: Record<string, unknown>): void {
  checkKeys(issues, path, extension, ['url', 'valueString', 'valueCode'], ['url']);
  checkPrimitive(issues, `${path}.url`, extension['url'], 'uri');
  const values = Object.keys(extension).filter((key) => key.startsWith('value'));
  // ext-1: a value or nested extensions, not both; here exactly one value.
  if (values.length !== 1) issues.push(`${path}: needs exactly one value[x]`);
  if ('valueCode' in extension) checkPrimitive(issues, `${path}.valueCode`, extension['valueCode'], 'code');
  if ('valueString' in extension) checkPrimitive(issues, `${path}.valueString`, extension['valueString'], 'string');
}

function checkDocumentReference(issues: Issues, path: string, resource: Record<string, unknown>): void {
  checkKeys(
    issues,
    path,
    resource,
    ['resourceType', 'id', 'meta', 'extension', 'masterIdentifier', 'identifier', 'status', 'docStatus', 'type', 'category', 'subject', 'date', 'author', 'authenticator', 'custodian', 'relatesTo', 'description', 'securityLabel', 'content', 'context'],
    ['status', 'content'],
  );
  checkPrimitive(issues, `${path}.id`, resource['id'], 'id');
  if (!['current', 'superseded', 'entered-in-error'].includes(resource['status'] as string)) issues.push(`${path}.status: not in DocumentReferenceStatus`);
  if ('docStatus' in resource && !['preliminary', 'final', 'amended', 'entered-in-error'].includes(resource['docStatus'] as string)) issues.push(`${path}.docStatus: not in CompositionStatus`);
  if ('meta' in resource) {
    const meta = resource['meta'] as Record<string, unknown>;
    checkKeys(issues, `${path}.meta`, meta, ['tag']);
    (meta['tag'] as Record<string, unknown>[]).forEach((tag, index) => checkCoding(issues, `${path}.meta.tag[${index}]`, tag));
  }
  ((resource['extension'] as Record<string, unknown>[] | undefined) ?? []).forEach((extension, index) => checkExtension(issues, `${path}.extension[${index}]`, extension));
  for (const [index, identifier] of ((resource['identifier'] as Record<string, unknown>[] | undefined) ?? []).entries()) {
    checkKeys(issues, `${path}.identifier[${index}]`, identifier, ['system', 'value']);
    checkPrimitive(issues, `${path}.identifier[${index}].system`, identifier['system'], 'uri');
    checkPrimitive(issues, `${path}.identifier[${index}].value`, identifier['value'], 'string');
  }
  if ('type' in resource) checkConcept(issues, `${path}.type`, resource['type'] as Record<string, unknown>);
  ((resource['category'] as Record<string, unknown>[] | undefined) ?? []).forEach((concept, index) => checkConcept(issues, `${path}.category[${index}]`, concept));
  if ('date' in resource) checkPrimitive(issues, `${path}.date`, resource['date'], 'instant');
  ((resource['author'] as Record<string, unknown>[] | undefined) ?? []).forEach((author, index) => checkReference(issues, `${path}.author[${index}]`, author));
  if ('custodian' in resource) checkReference(issues, `${path}.custodian`, resource['custodian'] as Record<string, unknown>);
  if ('description' in resource) checkPrimitive(issues, `${path}.description`, resource['description'], 'string');
  const content = resource['content'] as Record<string, unknown>[];
  if (!Array.isArray(content) || content.length === 0) issues.push(`${path}.content: 1..* required`);
  for (const [index, item] of (content ?? []).entries()) {
    const at = `${path}.content[${index}]`;
    checkKeys(issues, at, item, ['extension', 'attachment', 'format'], ['attachment']);
    ((item['extension'] as Record<string, unknown>[] | undefined) ?? []).forEach((extension, n) => checkExtension(issues, `${at}.extension[${n}]`, extension));
    const attachment = item['attachment'] as Record<string, unknown>;
    checkKeys(issues, `${at}.attachment`, attachment, ['contentType', 'language', 'data', 'url', 'size', 'hash', 'title', 'creation']);
    if ('hash' in attachment) issues.push(`${at}.attachment.hash: Carnet never writes a hash`);
    if ('data' in attachment && !('contentType' in attachment)) issues.push(`${at}.attachment: att-1`);
    if ('contentType' in attachment) checkPrimitive(issues, `${at}.attachment.contentType`, attachment['contentType'], 'code');
    if ('url' in attachment) checkPrimitive(issues, `${at}.attachment.url`, attachment['url'], 'uri');
    if ('size' in attachment) checkPrimitive(issues, `${at}.attachment.size`, attachment['size'], 'unsignedInt');
    if ('title' in attachment) checkPrimitive(issues, `${at}.attachment.title`, attachment['title'], 'string');
  }
  if ('context' in resource) {
    const context = resource['context'] as Record<string, unknown>;
    checkKeys(issues, `${path}.context`, context, ['period']);
    const period = context['period'] as Record<string, unknown>;
    checkKeys(issues, `${path}.context.period`, period, ['start', 'end']);
    checkPrimitive(issues, `${path}.context.period.start`, period['start'], 'dateTime');
  }
}

/** Every R4 rule that applies to what Carnet writes; an empty list means valid. */
function r4Issues(bundle: FhirBundle): Issues {
  // Through JSON, as a reader of bundle.json sees it.
  const json = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
  const issues: Issues = [];
  checkNoEmpty(issues, 'Bundle', json);
  checkKeys(issues, 'Bundle', json, ['resourceType', 'id', 'meta', 'identifier', 'type', 'timestamp', 'total', 'link', 'entry', 'signature'], ['resourceType', 'type']);
  if (json['resourceType'] !== 'Bundle') issues.push('Bundle.resourceType');
  if (json['type'] !== 'collection') issues.push('Bundle.type');
  if ('timestamp' in json) checkPrimitive(issues, 'Bundle.timestamp', json['timestamp'], 'instant');
  const fullUrls = new Set<string>();
  for (const [index, entry] of ((json['entry'] as Record<string, unknown>[] | undefined) ?? []).entries()) {
    const path = `Bundle.entry[${index}]`;
    checkKeys(issues, path, entry, ['fullUrl', 'resource']);
    checkPrimitive(issues, `${path}.fullUrl`, entry['fullUrl'], 'uuid');
    // bdl-7: fullUrl unique in a Bundle (no versions here).
    if (fullUrls.has(entry['fullUrl'] as string)) issues.push(`${path}.fullUrl: repeated`);
    fullUrls.add(entry['fullUrl'] as string);
    const resource = entry['resource'] as Record<string, unknown>;
    if (resource['resourceType'] !== 'DocumentReference') issues.push(`${path}.resource: not a DocumentReference`);
    // The fullUrl and the id name the same thing.
    if (entry['fullUrl'] !== `urn:uuid:${resource['id'] as string}`) issues.push(`${path}: fullUrl and id disagree`);
    checkDocumentReference(issues, `${path}.resource`, resource);
  }
  return issues;
}

// --- paths --------------------------------------------------------------------------------------

describe('paths inside the archive', () => {
  it('names each document folder by its date of care and title, and keeps file names', () => {
    const plan = planArchive([
      { id: idOf(1), data: documentData() },
      { id: idOf(2), data: documentData({ title: 'Ordonnance', careDate: null, addedAt: NOW, files: [fileRef('ordo.pdf')] }) },
    ]);
    expect(plan.map((document) => document.files.map((file) => file.path))).toEqual([
      ['documents/2024-03-01 Bilan sanguin/résultat.pdf'],
      ['documents/sans-date Ordonnance/ordo.pdf'],
    ]);
  });

  it('leaves out documents in the trash, keeps hidden ones, and exports only the files the patient reads', () => {
    const files = [
      fileRef('cr.xml', { format: 'cda', type: 'text/xml' }),
      fileRef('cr.pdf', { role: 'content' }),
      fileRef('annexe.png', { role: 'attachment', format: 'png', type: 'image/png' }),
      fileRef('thumb.webp', { role: 'thumbnail', format: 'webp' }),
      fileRef('text.txt', { role: 'text', format: 'text' }),
    ];
    const plan = planArchive([
      { id: idOf(1), data: documentData({ title: 'Jeté', trashedAt: NOW }) },
      { id: idOf(2), data: documentData({ title: 'Masqué', hidden: true, files }) },
    ]);
    expect(plan).toHaveLength(1);
    expect(plan[0]?.data.title).toBe('Masqué');
    expect(plan[0]?.files.map((file) => file.path.split('/').at(-1))).toEqual(['cr.xml', 'cr.pdf', 'annexe.png']);
  });

  it('disambiguates same-named folders and files with " (2)", case-insensitively, before the extension', () => {
    const twin = (n: number, title: string) => ({ id: idOf(n), data: documentData({ title, addedAt: 1000 + n, files: [fileRef('Scan.PDF'), fileRef('scan.pdf'), fileRef('scan.pdf')] }) });
    const plan = planArchive([twin(2, 'bilan sanguin'), twin(1, 'Bilan sanguin'), twin(3, 'Bilan sanguin')]);
    expect(plan.flatMap((document) => document.files.map((file) => file.path))).toEqual([
      'documents/2024-03-01 Bilan sanguin/Scan.PDF',
      'documents/2024-03-01 Bilan sanguin/scan (2).pdf',
      'documents/2024-03-01 Bilan sanguin/scan (3).pdf',
      'documents/2024-03-01 bilan sanguin (2)/Scan.PDF',
      'documents/2024-03-01 bilan sanguin (2)/scan (2).pdf',
      'documents/2024-03-01 bilan sanguin (2)/scan (3).pdf',
      'documents/2024-03-01 Bilan sanguin (3)/Scan.PDF',
      'documents/2024-03-01 Bilan sanguin (3)/scan (2).pdf',
      'documents/2024-03-01 Bilan sanguin (3)/scan (3).pdf',
    ]);
  });

  it('gives the same paths whatever the order of the list', () => {
    const documents = [1, 2, 3, 4].map((n) => ({ id: idOf(n), data: documentData({ title: n % 2 === 0 ? 'Même titre' : 'même titre', addedAt: 5000 - n }) }));
    const paths = (list: typeof documents) => new Map(planArchive(list).map((document) => [document.id, document.files.map((file) => file.path)]));
    expect(paths(documents.toReversed())).toEqual(paths(documents));
  });

  it('makes hostile names safe', () => {
    expect(safePathSegment('../../etc/passwd', 'x')).toBe('-..-etc-passwd');
    expect(safePathSegment('..', 'x')).toBe('x');
    expect(safePathSegment('.bashrc', 'x')).toBe('bashrc');
    expect(safePathSegment('a:b*c?d"e<f>g|h\\i', 'x')).toBe('a-b-c-d-e-f-g-h-i');
    expect(safePathSegment('ligne\nsuivante\ttab\u0000nul', 'x')).toBe('ligne suivante tab nul');
    expect(safePathSegment('facture\u202egpj.exe', 'x', { file: true })).toBe('facturegpj.exe');
    expect(safePathSegment('CON', 'x')).toBe('_CON');
    expect(safePathSegment('nul.txt', 'x', { file: true })).toBe('_nul.txt');
    expect(safePathSegment('fin. . ', 'x')).toBe('fin');
    expect(safePathSegment('   ', 'x')).toBe('x');
    // NFD from macOS becomes NFC, so "é" has one spelling.
    expect(safePathSegment('re\u0301sultat', 'x')).toBe('résultat');
  });

  it('shortens long names to 120 characters, keeping the extension and whole emoji', () => {
    const long = safePathSegment(`${'compte rendu '.repeat(20)}.pdf`, 'x', { file: true });
    expect(Array.from(long).length).toBeLessThanOrEqual(ZIP_SEGMENT_MAX);
    expect(Array.from(long).length).toBeGreaterThan(ZIP_SEGMENT_MAX - 10);
    expect(long).toMatch(/^compte rendu compte .*\S\.pdf$/);
    const emoji = safePathSegment('🩺'.repeat(200), 'x');
    expect(Array.from(emoji)).toHaveLength(ZIP_SEGMENT_MAX);
    expect(emoji).toBe('🩺'.repeat(ZIP_SEGMENT_MAX));
  });

  it('adds the extension a known format implies when the name has none', () => {
    const plan = planArchive([{ id: idOf(1), data: documentData({ files: [fileRef('scan'), fileRef('photo', { format: 'jpeg' }), fileRef('blob', { format: 'other' })] }) }]);
    expect(plan[0]?.files.map((file) => file.path.split('/').at(-1))).toEqual(['scan.pdf', 'photo.jpg', 'blob']);
  });

  it('property: any title and names give safe, short, unique paths', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    fc.assert(
      fc.property(fc.array(fc.record({ title: text, names: fc.array(text, { minLength: 1, maxLength: 4 }), careDate: fc.constantFrom(null, '2024-03-01') }), { maxLength: 8 }), (specs) => {
        const plan = planArchive(specs.map((spec, n) => ({ id: idOf(n), data: documentData({ title: spec.title, careDate: spec.careDate, files: spec.names.map((name) => fileRef(name)) }) })));
        const paths = plan.flatMap((document) => document.files.map((file) => file.path));
        expect(new Set(paths.map((path) => path.toLowerCase())).size).toBe(paths.length);
        for (const path of paths) {
          const segments = path.split('/');
          expect(segments).toHaveLength(3);
          for (const segment of segments) {
            expect(segment).not.toBe('');
            expect(segment.startsWith('.')).toBe(false);
            expect(/[.\s]$/u.test(segment)).toBe(false);
            // oxlint-disable-next-line no-control-regex -- looking for control characters is the point
            expect(/[\\:*?"<>|\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(segment)).toBe(false);
            expect(Array.from(segment).length).toBeLessThanOrEqual(ZIP_SEGMENT_MAX);
            expect(segment.isWellFormed()).toBe(true);
            expect(safePathSegment(segment, 'x', { file: true })).toBe(segment);
          }
        }
      }),
      { seed: 20250102, numRuns: 200 },
    );
  });
});

// --- the FHIR Bundle ----------------------------------------------------------------------------

describe('FHIR R4 Bundle of DocumentReference', () => {
  const lab = documentData({
    title: 'Bilan sanguin',
    note: 'À jeun.\nCholestérol un peu haut.',
    category: 'biology',
    typeCode: { system: LOINC_SYSTEM, code: '11502-2', display: 'Laboratory report' },
    source: { kind: 'laboratory', name: 'Laboratoire Cerballiance Lyon' },
    tags: ['cholestérol', 'bilan annuel'],
    hidden: true,
    files: [fileRef('résultat.pdf', { size: 52_000 }), fileRef('annexe.png', { role: 'attachment', format: 'png', type: 'image/png' })],
  });

  it('writes one DocumentReference per document, with every field mapped', () => {
    const plan = planArchive([{ id: '0123456789abcdef0123456789abcdef' as RecordId, data: lab }]);
    const bundle = documentsToFhirBundle(plan, NOW);
    expect(bundle).toEqual({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2025-01-02T12:00:00.123Z',
      entry: [
        {
          fullUrl: 'urn:uuid:01234567-89ab-cdef-0123-456789abcdef',
          resource: {
            resourceType: 'DocumentReference',
            id: '01234567-89ab-cdef-0123-456789abcdef',
            meta: {
              tag: [
                { system: DOCUMENT_TAG_SYSTEM, code: 'cholestérol', display: 'cholestérol' },
                { system: DOCUMENT_TAG_SYSTEM, code: 'bilan annuel', display: 'bilan annuel' },
              ],
            },
            extension: [{ url: DOCUMENT_NOTE_EXTENSION, valueString: 'À jeun.\nCholestérol un peu haut.' }],
            identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:uuid:01234567-89ab-cdef-0123-456789abcdef' }],
            status: 'current',
            docStatus: 'final',
            type: { coding: [{ system: LOINC_URL, code: '11502-2', display: 'Laboratory report' }], text: 'Laboratory report' },
            category: [{ coding: [{ system: DOCUMENT_CLASS_SYSTEM, code: 'biology', display: 'Biologie' }], text: 'Biologie' }],
            date: '2024-03-05T09:30:00.000Z',
            author: [{ type: 'Organization', display: 'Laboratoire Cerballiance Lyon' }],
            custodian: { type: 'Organization', display: 'Laboratoire Cerballiance Lyon' },
            description: 'Bilan sanguin',
            content: [
              {
                extension: [{ url: FILE_ROLE_EXTENSION, valueCode: 'original' }],
                attachment: { contentType: 'application/pdf', url: 'documents/2024-03-01%20Bilan%20sanguin/r%C3%A9sultat.pdf', size: 52_000, title: 'résultat.pdf' },
              },
              {
                extension: [{ url: FILE_ROLE_EXTENSION, valueCode: 'attachment' }],
                attachment: { contentType: 'image/png', url: 'documents/2024-03-01%20Bilan%20sanguin/annexe.png', size: 1234, title: 'annexe.png' },
              },
            ],
            context: { period: { start: '2024-03-01' } },
          },
        },
      ],
    });
    expect(r4Issues(bundle)).toEqual([]);
    expect(JSON.stringify(bundle)).not.toContain('hash');
  });

  it('each attachment url, decoded, is the path of its file in the archive', () => {
    const plan = planArchive([{ id: idOf(1), data: documentData({ title: 'Écho: 50% #2 ?', files: [fileRef('a b+c&d#e%f.pdf')] }) }]);
    const bundle = documentsToFhirBundle(plan, NOW);
    const url = bundle.entry?.[0]?.resource.content[0]?.attachment.url ?? '';
    expect(url).toBe('documents/2024-03-01%20%C3%89cho-%2050%25%20%232%20-/a%20b%2Bc%26d%23e%25f.pdf');
    expect(decodeURIComponent(url)).toBe(plan[0]?.files[0]?.path);
    expect(archiveUrl('documents/x y/z.pdf')).toBe('documents/x%20y/z.pdf');
  });

  it('names code systems as FHIR requires: LOINC by its URL, other OIDs as urn:oid', () => {
    expect(codeSystemUri(LOINC_SYSTEM)).toBe('http://loinc.org');
    expect(codeSystemUri('1.2.250.1.213.1.1.4.12')).toBe('urn:oid:1.2.250.1.213.1.1.4.12');
    expect(codeSystemUri('http://snomed.info/sct')).toBe('http://snomed.info/sct');
    expect(codeSystemUri('not a system')).toBeUndefined();
    const ans = documentsToFhirBundle(planArchive([{ id: idOf(1), data: documentData({ typeCode: { system: '1.2.250.1.213.1.1.4.12', code: 'SYNTH', display: null } }) }]), NOW);
    expect(ans.entry?.[0]?.resource.type).toEqual({ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.12', code: 'SYNTH' }] });
  });

  it('maps every class to the Carnet code system with its French name', () => {
    const plan = planArchive(DOCUMENT_CATEGORIES.map((category, n) => ({ id: idOf(n), data: documentData({ category, addedAt: n }) })));
    const bundle = documentsToFhirBundle(plan, NOW);
    const codings = bundle.entry?.map((entry) => entry.resource.category[0]?.coding?.[0]);
    expect(codings?.map((coding) => coding?.code)).toEqual([...DOCUMENT_CATEGORIES]);
    for (const coding of codings ?? []) {
      expect(coding?.system).toBe('https://carnet.health/fhir/CodeSystem/document-class');
      expect(coding?.display).toMatch(/^\p{Lu}/u);
    }
    expect(r4Issues(bundle)).toEqual([]);
  });

  it('a practitioner is the author, not the custodian', () => {
    const bundle = documentsToFhirBundle(planArchive([{ id: idOf(1), data: documentData({ source: { kind: 'practitioner', name: 'Dr Anne Morel' } }) }]), NOW);
    const resource = bundle.entry?.[0]?.resource;
    expect(resource?.author).toEqual([{ type: 'Practitioner', display: 'Dr Anne Morel' }]);
    expect(resource?.custodian).toBeUndefined();
  });

  it('stays valid with what FHIR JSON forbids: empty notes, odd MIME types, huge files, no file, no date', () => {
    const plan = planArchive([
      {
        id: idOf(1),
        data: documentData({
          title: '  \u0001Titre\u0007  ',
          note: '   ',
          careDate: null,
          typeCode: { system: 'pas un système', code: '  a   b ', display: '' },
          source: { kind: 'other', name: 'Moi' },
          files: [
            fileRef('scan', { type: '', format: 'tiff' }),
            fileRef('notes.txt', { type: 'text/plain; charset=utf-8', format: 'text' }),
            fileRef('irm.dcm', { type: 'application/dicom', format: 'other', size: 3 * 2 ** 30 }),
          ],
        }),
      },
      { id: idOf(2), data: documentData({ title: 'Sans fichier', files: [], addedAt: 2 ** 48 - 1 }) },
    ]);
    const bundle = documentsToFhirBundle(plan, NOW);
    expect(r4Issues(bundle)).toEqual([]);
    const [first, second] = bundle.entry?.map((entry) => entry.resource) ?? [];
    expect(first?.description).toBe('Titre');
    expect(first?.extension).toBeUndefined();
    expect(first?.context).toBeUndefined();
    expect(first?.type).toEqual({ coding: [{ code: 'a b' }] });
    expect(first?.author).toEqual([{ display: 'Moi' }]);
    expect(first?.content.map((item) => item.attachment.contentType)).toEqual(['image/tiff', 'text/plain', 'application/dicom']);
    // Beyond FHIR's unsignedInt: the size is left to the archive.
    expect(first?.content[2]?.attachment.size).toBeUndefined();
    expect(second?.content).toEqual([{ attachment: { title: 'Sans fichier' } }]);
    // An added date beyond year 9999 cannot be an instant: it is left out, not mangled.
    expect(second?.date).toBeUndefined();
  });

  it('property: the Bundle is valid R4 whatever the patient typed', () => {
    const text = fc.string({ unit: 'binary', maxLength: 80 });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            title: text,
            note: text,
            tags: fc.uniqueArray(text, { maxLength: 4 }),
            source: fc.option(fc.record({ kind: fc.constantFrom('practitioner', 'laboratory', 'hospital', 'other' as const), name: text })),
            typeCode: fc.option(fc.record({ system: fc.oneof(text, fc.constant(LOINC_SYSTEM)), code: text, display: fc.option(text) })),
            category: fc.constantFrom(...DOCUMENT_CATEGORIES),
            files: fc.array(fc.record({ name: text, type: text, size: fc.nat({ max: 2 ** 40 }) }), { maxLength: 3 }),
          }),
          { maxLength: 6 },
        ),
        (specs) => {
          const plan = planArchive(
            specs.map((spec, n) => ({
              id: idOf(n),
              data: documentData({ ...spec, files: spec.files.map((file) => fileRef(file.name, { type: file.type, size: file.size })) }),
            })),
          );
          expect(r4Issues(documentsToFhirBundle(plan, NOW))).toEqual([]);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('derives ids from record ids and refuses anything else', () => {
    expect(uuidOfRecordId('ffeeddccbbaa99887766554433221100' as RecordId)).toBe('ffeeddcc-bbaa-9988-7766-554433221100');
    expect(() => uuidOfRecordId('not-an-id' as RecordId)).toThrow();
    const empty = documentsToFhirBundle([], NOW);
    expect(empty).toEqual({ resourceType: 'Bundle', type: 'collection', timestamp: '2025-01-02T12:00:00.123Z' });
    expect(r4Issues(empty)).toEqual([]);
  });
});
