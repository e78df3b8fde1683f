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
import { concatBytes, fromUtf8, utf8 } from '../core/bytes.ts';
import { openEnvelope, sealEnvelope } from '../core/crypto/envelope.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { deriveListingKey } from '../core/crypto/keys.ts';
import { STREAM_NONCE_BYTES, STREAM_TAG_BYTES } from '../core/crypto/stream.ts';
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
import { parseHlc, type HlcStamp } from '../core/records/hlc.ts';
import { mediaTypeOf, sniffFormat, SNIFF_BYTES, titleFromFileName } from '../core/records/sniff.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createDocumentIndex, loadDocumentIndex, type DocumentIndex, type SearchHit } from '../core/search/document-index.ts';
import { emptyDocument, ImportAbort, importDocument, readFileBlob, type FileReadError, type ImportContext, type ImportError, type TransferOptions } from './files.ts';
import { createRepository, openRecordRow, type RecordError, type StoredRecord } from './records.ts';
import type { VaultSession } from './session.ts';

/** The largest file Carnet takes in one import. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** CDA documents are parsed whole in memory; real ones are a few MB. */
export const MAX_CDA_BYTES = 64 * 1024 * 1024;
/** Text kept for search per document: enough for any report, bounded for the index. */
export const MAX_INDEXED_CHARS = 200_000;
/** The first byte of the sealed listing (format.md §9.2). */
const LISTING_VERSION = 1;
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

/**
 * Newest care first; documents with no date of care by the (UTC) day they were added, and the
 * same day by the moment they were added. Keys are computed once per document, not per comparison.
 */
export function sortDocuments(list: Iterable<Document>): Document[] {
  const keyed = [...list].map((document) => ({ document, day: document.data.careDate ?? new Date(document.data.addedAt).toISOString().slice(0, 10) }));
  keyed.sort((a, b) => (a.day === b.day ? b.document.data.addedAt - a.document.data.addedAt : a.day < b.day ? 1 : -1));
  return keyed.map((entry) => entry.document);
}

/** A pause that lets the page draw and answer the patient between slices of background work. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** Once the page has drawn and is idle (at most a second later). */
const whenIdle = () =>
  new Promise<void>((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 50);
  });
/** Background indexing works in slices of about this long. */
const SLICE_MS = 8;

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

/** What pdf.js read from a PDF, or why it could not. */
type PdfReading = Awaited<ReturnType<VaultSession['deps']['analysers']['pdf']>>;

/**
 * The derived files of a PDF: its text and its first page, when the PDF can be read. `reading`
 * may have started before (in parallel with the encryption of the file itself).
 */
async function addPdfDerivatives(context: ImportContext, reading: Promise<PdfReading>, name: string): Promise<PdfAnalysis | null> {
  const analysed = await reading;
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

  /** The documents in display order, sorted once per change rather than on every read. */
  let sorted: Document[] | null = null;
  const notify = () => {
    sorted = null;
    for (const listener of listeners) listener();
  };

  session.onLock(() => {
    clearTimeout(saveTimer);
    sorted = null;
    documents = new Map();
    index = createDocumentIndex();
    covered = new Map();
  });

  async function readText(document: Document): Promise<string> {
    // Every readable document has a `text` file, bounded at import (MAX_INDEXED_CHARS).
    const text = fileOfRole(document.data, 'text');
    if (text === undefined) return '';
    const blob = await readFileBlob(session, text);
    if (!blob.ok) {
      // Still findable by its title, notes, source and tags; opening it will say what is wrong.
      console.warn(`carnet: the text of document ${document.id} cannot be read (${blob.error.type}); it is indexed without it`);
      return '';
    }
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

  /** AES-256-GCM under the listing key (format.md §9.2); the key's bytes are dropped once imported. */
  async function listingCipher() {
    const key = deriveListingKey(session.keys().searchIndex, session.vaultId);
    try {
      return await session.deps.chunkCipher(key);
    } finally {
      key.fill(0);
    }
  }

  /** Writes the sealed index and the sealed listing of the documents as they are now. */
  async function saveIndex(): Promise<void> {
    if (session.isLocked()) return;
    const keys = session.keys();
    const body = JSON.stringify({ v: 1, covered: [...covered], index: index.serialise() });
    const envelope = sealEnvelope(
      keys.searchIndex,
      session.deps.random.bytes(XNONCE_BYTES),
      { domain: 'search-index', vaultId: session.vaultId, kind: 'search-index', id: 'documents' },
      utf8(body),
    );
    const listing = JSON.stringify({ v: 1, documents: [...documents.values()].map((document) => ({ id: document.id, hlc: document.hlc, data: documentCodec.toJson(document.data) })) });
    const cipher = await listingCipher();
    const nonce = session.deps.random.bytes(STREAM_NONCE_BYTES);
    const listingSealed = concatBytes(new Uint8Array([LISTING_VERSION]), nonce, await cipher.seal(nonce, utf8(listing)));
    // Locked while the listing was sealed: nothing to write into; the next unlock saves again.
    if (session.isLocked()) return;
    await session.store().writeDerived('search-index', envelope);
    await session.store().writeDerived('library', listingSealed);
  }

  /**
   * The documents as the sealed listing last saw them: one read and one decryption instead of
   * one per record, so that a large record opens at once. The records stay the truth: `verify`
   * reads them all in the background right after. False when there is no usable listing.
   */
  async function loadListing(): Promise<boolean> {
    const sealed = await session.store().readDerived('library');
    if (sealed === undefined || session.isLocked()) return false;
    if (sealed[0] !== LISTING_VERSION || sealed.length < 1 + STREAM_NONCE_BYTES + STREAM_TAG_BYTES) return false;
    const opened = await (await listingCipher()).open(sealed.subarray(1, 1 + STREAM_NONCE_BYTES), sealed.subarray(1 + STREAM_NONCE_BYTES));
    if (opened === null) return false;
    try {
      const body = JSON.parse(fromUtf8(opened)) as { v?: unknown; documents?: unknown };
      if (body.v !== 1 || !Array.isArray(body.documents)) return false;
      const next = new Map<RecordId, Document>();
      for (const entry of body.documents as { id?: unknown; hlc?: unknown; data?: unknown }[]) {
        if (typeof entry.id !== 'string' || !/^[0-9a-f]{32}$/.test(entry.id) || typeof entry.hlc !== 'string' || !parseHlc(entry.hlc).ok) return false;
        const data = documentCodec.parse(entry.data);
        if (!data.ok) return false;
        next.set(entry.id as RecordId, { id: entry.id as RecordId, hlc: entry.hlc as HlcStamp, data: data.value });
      }
      documents = next;
      notify();
      return true;
    } catch {
      return false;
    }
  }

  /** Bumped by every write of this tab, so that a background read older than it is not applied. */
  let generation = 0;
  let verifying: Promise<void> = Promise.resolve();

  /**
   * Reads every document record and replaces what the listing said, in slices that leave the
   * page responsive: another device's change (sync), a record altered on disk, a listing saved
   * before the last writes of a closed tab, all show here.
   */
  async function verify(): Promise<void> {
    for (;;) {
      await breathe();
      const started = generation;
      const rows = await session.store().listRecords('document');
      const next = new Map<RecordId, Document>();
      const problems: RecordError[] = [];
      let sliceStart = session.deps.clock.monotonic();
      for (const row of rows) {
        if (session.deps.clock.monotonic() - sliceStart > SLICE_MS) {
          await breathe();
          sliceStart = session.deps.clock.monotonic();
        }
        if (session.isLocked()) return;
        const opened = openRecordRow(session.keys().record, session.vaultId, documentCodec, row);
        if (!opened.ok) problems.push(opened.error);
        else if (!opened.value.deleted) next.set(row.id as RecordId, { id: row.id as RecordId, hlc: opened.value.hlc, data: opened.value.data });
      }
      // This tab wrote meanwhile: what was read may predate it, so read again.
      if (started !== generation) continue;
      documents = next;
      failures = problems;
      notify();
      indexing = indexing.then(reconcile).then(notify, (error: unknown) => console.warn('carnet: search index', error));
      return;
    }
  }

  /** The sealed index as stored, if it opens and reads; otherwise a fresh one is built. */
  async function loadIndex(): Promise<void> {
    // Locked before the page was idle: the next unlock loads it.
    if (session.isLocked()) return;
    const envelope = await session.store().readDerived('search-index');
    if (envelope === undefined || session.isLocked()) return;
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
    // The list is drawn first; the index catches up in slices, never holding the page.
    await breathe();
    if (session.isLocked()) return;
    let changed = false;
    for (const id of covered.keys()) {
      if (!documents.has(id as RecordId)) {
        index.remove(id);
        covered.delete(id);
        changed = true;
      }
    }
    let sliceStart = session.deps.clock.monotonic();
    // The map as it is now: a reload meanwhile replaces it, and the next reconcile takes over.
    const current = documents;
    for (const document of current.values()) {
      if (covered.get(document.id) === document.hlc && index.has(document.id)) continue;
      if (session.deps.clock.monotonic() - sliceStart > SLICE_MS) {
        await breathe();
        sliceStart = session.deps.clock.monotonic();
      }
      if (session.isLocked()) return;
      try {
        await indexDocument(document);
      } catch (error) {
        // Locked halfway through a read: the next unlock picks up from the stored index.
        if (session.isLocked()) return;
        throw error;
      }
      changed = true;
    }
    if (changed) scheduleSave();
  }

  /** Reads and opens every document record. */
  async function listAll(): Promise<void> {
    generation += 1;
    const listed = await repository.list();
    documents = new Map(listed.records.map((record) => [record.id, record]));
    failures = listed.failures;
    notify();
  }

  async function reload(): Promise<void> {
    await listAll();
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
    generation += 1;
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

  /**
   * Starts pdf.js on a PDF. The import's cancel stops it; a rejection other than that cancel is
   * a bug in the engine and is thrown where the reading is awaited. Marked handled at once, so an
   * import that ends early (a duplicate declined) leaves no unhandled rejection behind.
   */
  function readPdf(pdf: Blob, context: ImportContext): { readonly reading: Promise<PdfReading>; stop(): void } {
    const controller = new AbortController();
    const stop = () => controller.abort();
    context.signal?.addEventListener('abort', stop, { once: true });
    const reading = session.deps.analysers.pdf(pdf, { signal: controller.signal });
    reading.catch(() => {}).finally(() => context.signal?.removeEventListener('abort', stop));
    return { reading, stop };
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
        // pdf.js reads the PDF while the file is encrypted: the two take about as long.
        const pdf = format === 'pdf' ? readPdf(file, context) : null;
        try {
          const original = await context.addFile({ blob: file, name: file.name, type: mediaTypeOf(format, file.type), role: 'original', format });
          const duplicate = findDuplicate(original.mac, '');
          if (duplicate !== undefined && (options.confirmDuplicate === undefined || !(await options.confirmDuplicate(duplicate))))
            throw new ImportAbort<DocumentError>({ type: 'DuplicateDeclined' });
        } catch (error) {
          pdf?.stop();
          throw error;
        }
        const document: DocumentData = { ...emptyDocument(session.deps.clock.now()), title: titleFromFileName(file.name) };
        if (pdf !== null) await addPdfDerivatives(context, pdf.reading, file.name);
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
          if (bodyFormat === 'pdf') await addPdfDerivatives(context, readPdf(body, context).reading, cda.body.name);
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
    /** Resolves once the documents shown were checked against the records themselves. */
    verified: () => verifying,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    all: (): readonly Document[] => (sorted ??= sortDocuments(documents.values())),
    get: (id: string): Document | undefined => documents.get(id as RecordId),
    failures: (): readonly RecordError[] => failures,
    importFile,
    search(query: string): SearchHit[] {
      return index.search(query).filter((hit) => documents.has(hit.id as RecordId));
    },
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
    /**
     * Loads the documents for the first screen (from the sealed listing when there is one, then
     * checked against the records in the background), and the search index behind them.
     */
    async open(): Promise<void> {
      // The index waits for the list to be drawn: loading it takes the page for a moment.
      const listed = await loadListing();
      if (!listed) await listAll();
      indexing = whenIdle()
        .then(loadIndex)
        .then(reconcile)
        .then(notify, (error: unknown) => console.warn('carnet: search index', error));
      if (listed)
        verifying = verify().catch((error: unknown) => {
          if (!session.isLocked()) console.warn('carnet: documents', error);
        });
    },
  };
}

export type DocumentLibrary = ReturnType<typeof createDocumentLibrary>;
