/**
 * The medical record a patient uses: documents added from files (PDF, images, text, French CDA),
 * read once at import (text for search, a thumbnail, a CDA's metadata and embedded files), kept in
 * memory while unlocked, searched, edited, hidden, trashed and destroyed.
 *
 * What must stay true: an import either lands whole (record, every file, its text and thumbnail)
 * or leaves nothing; a file is refused before a byte is written when it is empty, too large or
 * larger than the space left; the same content is never added twice without the patient saying so.
 */
import type { PdfAnalysis } from '../adapters/analysers.ts';
import { fromUtf8, utf8 } from '../core/bytes.ts';
import { openEnvelope, sealEnvelope } from '../core/crypto/envelope.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { parseCda, type CdaDocument, type CdaError } from '../core/importers/cda.ts';
import { categoryOfType, type TypeCode } from '../core/records/document-classes.ts';
import {
  documentCodec,
  fileOfRole,
  trashExpired,
  type DocumentData,
  type DocumentSource,
  type FileFormat,
  type FileRef,
} from '../core/records/document.ts';
import type { RecordId } from '../core/records/record.ts';
import { mediaTypeOf, sniffFormat, SNIFF_BYTES, titleFromFileName } from '../core/records/sniff.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createDocumentIndex, loadDocumentIndex, type DocumentIndex, type SearchHit } from '../core/search/document-index.ts';
import { emptyDocument, ImportAbort, importDocument, readFileBlob, type FileReadError, type ImportContext, type ImportError, type TransferOptions } from './files.ts';
import { createRepository, type RecordError, type StoredRecord } from './records.ts';
import type { VaultSession } from './session.ts';

/** The largest file Carnet takes in one import. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** CDA documents are parsed whole in memory; real ones are a few MB. */
export const MAX_CDA_BYTES = 64 * 1024 * 1024;
/** Text kept for search per document: enough for any report, bounded for the index. */
export const MAX_INDEXED_CHARS = 200_000;
/** A document holds at most 100 files; an N3 CDA keeps room for its own, its text and thumbnail. */
export const MAX_CDA_ATTACHMENTS = 90;
/** Room kept free beyond the file itself: sealing overhead, the record, the index. */
const STORAGE_MARGIN_BYTES = 4 * 1024 * 1024;

export type DocumentError =
  | { readonly type: 'FileEmpty'; readonly name: string }
  | { readonly type: 'FileTooLarge'; readonly name: string; readonly max: number }
  | { readonly type: 'StorageWouldOverflow'; readonly needed: number; readonly available: number }
  | { readonly type: 'DuplicateDeclined' }
  | { readonly type: 'TooManyAttachments'; readonly max: number }
  | { readonly type: 'DocumentMissing' }
  | (CdaError & { readonly name?: string })
  | ImportError
  | RecordError;

export type Document = StoredRecord<DocumentData>;

export interface ImportFileOptions extends TransferOptions {
  /** Asked when the same content is already in the vault; false leaves nothing behind. */
  readonly confirmDuplicate?: (existing: Document) => Promise<boolean>;
}

/** Newest care first; documents with no date of care by the day they were added. */
export function documentOrder(a: Document, b: Document): number {
  const day = (document: Document) => document.data.careDate ?? new Date(document.data.addedAt).toISOString().slice(0, 10);
  const byDay = day(b).localeCompare(day(a));
  return byDay !== 0 ? byDay : b.data.addedAt - a.data.addedAt;
}

function sourceOfCda(cda: CdaDocument): DocumentSource | null {
  const organisation = cda.author.organisation ?? cda.custodian;
  const name = organisation ?? cda.author.person;
  if (name === null || name.trim() === '') return null;
  const kind = /laboratoire|biolog|\bLBM\b/i.test(name)
    ? 'laboratory'
    : /h[ôo]pital|\bCHU\b|\bCH\b|clinique|hospitalier|centre de sant/i.test(name)
      ? 'hospital'
      : organisation === null
        ? 'practitioner'
        : 'other';
  return { kind, name: name.trim().slice(0, 300) };
}

/** A CDA's type code as the record keeps it: dropped when longer than the record allows. */
function typeCodeOf(cda: CdaDocument): TypeCode | null {
  const code = cda.code;
  if (code === null || code.system.length === 0 || code.system.length > 200 || code.code.length === 0 || code.code.length > 100) return null;
  return { system: code.system, code: code.code, display: code.display === null ? null : code.display.slice(0, 500) };
}

async function readHead(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
}

/** Text of a plain-text file, UTF-8, or Windows-1252 when it is not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function textBlob(text: string): Blob {
  return new Blob([text.slice(0, MAX_INDEXED_CHARS)], { type: 'text/plain;charset=utf-8' });
}

/** The derived files of a PDF: its text and its first page, when the PDF can be read. */
async function addPdfDerivatives(session: VaultSession, context: ImportContext, pdf: Blob, name: string): Promise<PdfAnalysis | null> {
  const analysed = await session.deps.analysers.pdf(pdf, { signal: context.signal });
  // A password-protected or damaged PDF is stored all the same, shown as "cannot preview".
  if (!analysed.ok) return null;
  if (analysed.value.text.trim() !== '') await context.addFile({ blob: textBlob(analysed.value.text), name: `${name}.txt`, role: 'text', format: 'text' }, { counted: false });
  if (analysed.value.thumbnail !== null)
    await context.addFile({ blob: analysed.value.thumbnail, name: `${name}.webp`, role: 'thumbnail', format: 'webp', type: 'image/webp' }, { counted: false });
  return analysed.value;
}

async function addImageThumbnail(session: VaultSession, context: ImportContext, image: Blob, format: 'jpeg' | 'png' | 'webp' | 'tiff', name: string): Promise<void> {
  const thumbnail = await session.deps.analysers.imageThumbnail(image, format);
  if (thumbnail !== null) await context.addFile({ blob: thumbnail, name: `${name}.webp`, role: 'thumbnail', format: 'webp', type: 'image/webp' }, { counted: false });
}

/** Files CDA documents carry are named by what they are. */
function embeddedFormat(bytes: Uint8Array, mediaType: string, name: string): FileFormat {
  return sniffFormat(bytes.subarray(0, SNIFF_BYTES), name, mediaType);
}

export function createDocumentLibrary(session: VaultSession) {
  const repository = createRepository(session, documentCodec);
  let documents = new Map<RecordId, Document>();
  let failures: RecordError[] = [];
  let index: DocumentIndex = createDocumentIndex();
  /** The version of each document the index holds, so that a stale entry is found and redone. */
  let covered = new Map<string, string>();
  const listeners = new Set<() => void>();
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let indexing: Promise<void> = Promise.resolve();

  const notify = () => {
    for (const listener of listeners) listener();
  };

  session.onLock(() => {
    clearTimeout(saveTimer);
    documents = new Map();
    index = createDocumentIndex();
    covered = new Map();
  });

  async function readText(document: Document): Promise<string> {
    // Every readable document has a `text` file, bounded at import (MAX_INDEXED_CHARS).
    const text = fileOfRole(document.data, 'text');
    if (text === undefined) return '';
    const blob = await readFileBlob(session, text);
    if (!blob.ok) return '';
    return decodeText(new Uint8Array(await blob.value.arrayBuffer())).slice(0, MAX_INDEXED_CHARS);
  }

  async function indexDocument(document: Document): Promise<void> {
    const data = document.data;
    index.add({
      id: document.id,
      title: data.title,
      note: data.note,
      source: data.source?.name ?? '',
      tags: data.tags,
      text: await readText(document),
    });
    covered.set(document.id, document.hlc);
  }

  function scheduleSave(): void {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveIndex(), 1000);
  }

  async function saveIndex(): Promise<void> {
    if (session.isLocked()) return;
    const body = JSON.stringify({ v: 1, covered: [...covered], index: index.serialise() });
    const envelope = sealEnvelope(
      session.keys().searchIndex,
      session.deps.random.bytes(XNONCE_BYTES),
      { domain: 'search-index', vaultId: session.vaultId, kind: 'search-index', id: 'documents' },
      utf8(body),
    );
    await session.store().writeDerived('search-index', envelope);
  }

  /** The sealed index as stored, if it opens and reads; otherwise a fresh one is built. */
  async function loadIndex(): Promise<void> {
    const envelope = await session.store().readDerived('search-index');
    if (envelope === undefined) return;
    const opened = openEnvelope(session.keys().searchIndex, { domain: 'search-index', vaultId: session.vaultId, kind: 'search-index', id: 'documents' }, envelope);
    if (!opened.ok) return;
    try {
      const body = JSON.parse(fromUtf8(opened.value)) as { v?: unknown; covered?: unknown; index?: unknown };
      if (body.v !== 1 || !Array.isArray(body.covered) || typeof body.index !== 'string') return;
      const loaded = loadDocumentIndex(body.index);
      if (!loaded.ok) return;
      index = loaded.value;
      covered = new Map(body.covered.filter((pair): pair is [string, string] => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string'));
    } catch {
      // A damaged index is rebuilt from the documents, which are the truth.
    }
  }

  /** Brings the index in line with the documents: new and changed ones indexed, gone ones removed. */
  async function reconcile(): Promise<void> {
    let changed = false;
    for (const id of covered.keys()) {
      if (!documents.has(id as RecordId)) {
        index.remove(id);
        covered.delete(id);
        changed = true;
      }
    }
    for (const document of documents.values()) {
      if (covered.get(document.id) === document.hlc && index.has(document.id)) continue;
      if (session.isLocked()) return;
      await indexDocument(document);
      changed = true;
    }
    if (changed) scheduleSave();
  }

  async function reload(): Promise<void> {
    const listed = await repository.list();
    documents = new Map(listed.records.map((record) => [record.id, record]));
    failures = listed.failures;
    notify();
    indexing = indexing.then(reconcile).then(notify, (error: unknown) => console.warn('carnet: search index', error));
  }

  async function rewrite(id: RecordId, change: (data: DocumentData) => DocumentData): Promise<Result<void, DocumentError>> {
    const current = documents.get(id);
    if (current === undefined) return err({ type: 'DocumentMissing' });
    const next = change(current.data);
    const written = await repository.put(next, id);
    if (!written.ok) return written;
    await refresh(id);
    return ok(undefined);
  }

  /**
   * Reads back the one record this tab just wrote (one decryption, not the whole library) and
   * brings the index in line with it. Other tabs' changes come through `reload`.
   */
  async function refresh(id: RecordId): Promise<void> {
    const read = await repository.get(id);
    if (read.ok && read.value !== null) documents.set(id, read.value);
    else documents.delete(id);
    notify();
    indexing = indexing.then(reconcile).then(notify, (error: unknown) => console.warn('carnet: search index', error));
  }

  function findDuplicate(mac: string | null, except: string): Document | undefined {
    if (mac === null) return undefined;
    for (const document of documents.values()) {
      if (document.id === except) continue;
      if (document.data.files.some((file) => file.role === 'original' && file.mac === mac)) return document;
    }
    return undefined;
  }

  async function checkSpace(size: number): Promise<Result<void, DocumentError>> {
    const { usage, quota } = await session.deps.storageEstimate();
    if (usage === null || quota === null) return ok(undefined);
    const available = Math.max(0, quota - usage - STORAGE_MARGIN_BYTES);
    // Sealed chunks are 16 bytes longer each; derived files are small next to the margin.
    const needed = size + Math.ceil(size / (1024 * 1024)) * 16;
    return needed > available ? err({ type: 'StorageWouldOverflow', needed, available }) : ok(undefined);
  }

  /** Adds one file as a document, reading what it is and what it says. */
  async function importFile(file: File, options: ImportFileOptions = {}): Promise<Result<RecordId, DocumentError>> {
    if (file.size === 0) return err({ type: 'FileEmpty', name: file.name });
    if (file.size > MAX_IMPORT_BYTES) return err({ type: 'FileTooLarge', name: file.name, max: MAX_IMPORT_BYTES });
    const space = await checkSpace(file.size);
    if (!space.ok) return space;
    let head: Uint8Array;
    try {
      head = await readHead(file);
    } catch {
      return err({ type: 'FileUnreadable', name: file.name });
    }
    const format = sniffFormat(head, file.name, file.type);
    let cda: CdaDocument | null = null;
    if (format === 'cda') {
      if (file.size > MAX_CDA_BYTES) return err({ type: 'FileTooLarge', name: file.name, max: MAX_CDA_BYTES });
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch {
        return err({ type: 'FileUnreadable', name: file.name });
      }
      const parsed = parseCda(bytes);
      // A malformed CDA is refused before anything is written.
      if (!parsed.ok) return err({ ...parsed.error, name: file.name });
      cda = parsed.value;
      if (cda.attachments.length > MAX_CDA_ATTACHMENTS) return err({ type: 'TooManyAttachments', max: MAX_CDA_ATTACHMENTS });
      // Its PDF and embedded files are stored too: the space must hold them all.
      const embedded = (cda.body?.bytes.length ?? 0) + cda.attachments.reduce((sum, attachment) => sum + attachment.bytes.length, 0);
      const room = await checkSpace(file.size + embedded);
      if (!room.ok) return room;
    }

    const stored = await importDocument<DocumentError>(
      session,
      file.size,
      async (context) => {
        const original = await context.addFile({ blob: file, name: file.name, type: mediaTypeOf(format, file.type), role: 'original', format });
        const duplicate = findDuplicate(original.mac, '');
        if (duplicate !== undefined && (options.confirmDuplicate === undefined || !(await options.confirmDuplicate(duplicate))))
          throw new ImportAbort<DocumentError>({ type: 'DuplicateDeclined' });
        const document: DocumentData = { ...emptyDocument(session.deps.clock.now()), title: titleFromFileName(file.name) };
        if (format === 'pdf') await addPdfDerivatives(session, context, file, file.name);
        else if (format === 'jpeg' || format === 'png' || format === 'webp' || format === 'tiff') await addImageThumbnail(session, context, file, format, file.name);
        else if (format === 'text') {
          const text = decodeText(new Uint8Array(await file.slice(0, MAX_INDEXED_CHARS * 4).arrayBuffer()));
          if (text.trim() !== '') await context.addFile({ blob: textBlob(text), name: `${file.name}.txt`, role: 'text', format: 'text' }, { counted: false });
        }
        if (cda === null) return { ...document, files: [...context.added] };

        // A CDA: the XML is the original; its PDF (N1) or embedded files (N3) are read out of it.
        if (cda.body !== null) {
          const bodyFormat = embeddedFormat(cda.body.bytes, cda.body.mediaType, cda.body.name);
          const body = new Blob([cda.body.bytes as Uint8Array<ArrayBuffer>], { type: mediaTypeOf(bodyFormat, cda.body.mediaType) });
          await context.addFile({ blob: body, name: cda.body.name, type: body.type, role: 'content', format: bodyFormat }, { counted: false });
          if (bodyFormat === 'pdf') await addPdfDerivatives(session, context, body, cda.body.name);
        }
        for (const attachment of cda.attachments) {
          const attachmentFormat = embeddedFormat(attachment.bytes, attachment.mediaType, attachment.name);
          const blob = new Blob([attachment.bytes as Uint8Array<ArrayBuffer>], { type: mediaTypeOf(attachmentFormat, attachment.mediaType) });
          await context.addFile({ blob, name: attachment.name, type: blob.type, role: 'attachment', format: attachmentFormat }, { counted: false });
        }
        // The narrative is what search reads; an N1's PDF text was added above.
        if (cda.text.trim() !== '' && !context.added.some((added) => added.role === 'text'))
          await context.addFile({ blob: textBlob(cda.text), name: `${file.name}.txt`, role: 'text', format: 'text' }, { counted: false });
        return {
          ...document,
          title: cda.title.slice(0, 500) || document.title,
          careDate: cda.careDate,
          typeCode: typeCodeOf(cda),
          category: categoryOfType(typeCodeOf(cda)),
          source: sourceOfCda(cda),
          files: [...context.added],
        };
      },
      options,
    );
    if (stored.ok) await refresh(stored.value);
    return stored;
  }

  return {
    reload,
    /** Resolves once the search index covers every document. */
    indexed: () => indexing,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    all: (): Document[] => [...documents.values()].sort(documentOrder),
    get: (id: string): Document | undefined => documents.get(id as RecordId),
    failures: (): readonly RecordError[] => failures,
    importFile,
    search(query: string): SearchHit[] {
      return index.search(query).filter((hit) => documents.has(hit.id as RecordId));
    },
    snippet: (text: string, terms: readonly string[]) => index.snippet(text, terms),
    readText,
    readFile: (file: FileRef, options?: TransferOptions): Promise<Result<Blob, FileReadError | { readonly type: 'ImportCancelled' }>> => readFileBlob(session, file, options),
    update: (id: RecordId, change: (data: DocumentData) => DocumentData) => rewrite(id, change),
    setHidden: (id: RecordId, hidden: boolean) => rewrite(id, (data) => ({ ...data, hidden })),
    trash: (id: RecordId) => rewrite(id, (data) => ({ ...data, trashedAt: session.deps.clock.now() })),
    restore: (id: RecordId) => rewrite(id, (data) => ({ ...data, trashedAt: null })),
    /** Destroys the record, its file keys and every chunk: there is no way back. */
    async destroy(id: RecordId): Promise<Result<void, DocumentError>> {
      const removed = await repository.remove(id);
      if (!removed.ok) return removed;
      await refresh(id);
      // Its words leave the stored index now, not at the next debounced save.
      await indexing;
      await saveIndex();
      return ok(undefined);
    },
    /** Destroys documents whose 30 days in the trash are over; returns how many. */
    async emptyExpiredTrash(): Promise<number> {
      const now = session.deps.clock.now();
      let destroyed = 0;
      for (const document of documents.values()) {
        if (!trashExpired(document.data, now)) continue;
        const removed = await repository.remove(document.id);
        if (removed.ok) destroyed += 1;
      }
      if (destroyed > 0) {
        await reload();
        await indexing;
        await saveIndex();
      }
      return destroyed;
    },
    /** Writes the sealed index now, rather than a second after the last change. */
    saveIndex,
    async open(): Promise<void> {
      await loadIndex();
      await reload();
    },
  };
}

export type DocumentLibrary = ReturnType<typeof createDocumentLibrary>;
