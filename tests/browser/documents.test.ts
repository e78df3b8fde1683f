/**
 * The document library with the real adapters (Dexie, WebCrypto, pdf.js, image decoding): every
 * import path with real files and the real CDA fixtures, what bad input gets, duplicates, the
 * trash, permanent deletion, and the sealed search index.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { createDocumentLibrary, MAX_IMPORT_BYTES, type Document } from '../../src/app/documents.ts';
import { readFileBlob } from '../../src/app/files.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { parseCda } from '../../src/core/importers/cda.ts';
import { LOINC_SYSTEM } from '../../src/core/records/document-classes.ts';
import { documentCodec, fileOfRole, type FileRole } from '../../src/core/records/document.ts';
import type { RecordId } from '../../src/core/records/record.ts';
import n1Xml from '../fixtures/cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml?raw';
import imgXml from '../fixtures/cda/IMG_CR_IMG_2024.01.xml?raw';
import ipsXml from '../fixtures/cda/IPS-FR_2024.01.xml?raw';
import vacXml from '../fixtures/cda/VAC_2023.01.xml?raw';
import { encryptedPdf } from './pdf-samples.ts';
import { byteArraysIn, containsBytes, content, dumpDatabase, newVault, PASSPHRASE, tamper, testDeps } from './support.ts';
import { createRepository } from '../../src/app/records.ts';

const encoder = new TextEncoder();

async function pdfWith(lines: readonly string[], pages = 1): Promise<Uint8Array<ArrayBuffer>> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < pages; page++) {
    const sheet = pdf.addPage([595, 842]);
    lines.forEach((line, index) => sheet.drawText(line, { x: 50, y: 780 - index * 20, size: 14, font }));
  }
  return (await pdf.save()) as Uint8Array<ArrayBuffer>;
}

async function pngOf(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.fillStyle = '#c03020';
  context.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}

function fileOf(bytes: Uint8Array | Blob, name: string, type = ''): File {
  return new File([bytes instanceof Blob ? bytes : (bytes as Uint8Array<ArrayBuffer>)], name, { type });
}

async function opened(session: VaultSession) {
  const library = createDocumentLibrary(session);
  await library.open();
  await library.indexed();
  return library;
}

function only(library: ReturnType<typeof createDocumentLibrary>): Document {
  const all = library.all();
  expect(all).toHaveLength(1);
  return all[0] as Document;
}

async function bytesOf(session: VaultSession, document: Document, role: FileRole): Promise<Uint8Array> {
  const file = fileOfRole(document.data, role);
  if (file === undefined) throw new Error(`no ${role} file`);
  const blob = await readFileBlob(session, file);
  if (!blob.ok) throw new Error(blob.error.type);
  return new Uint8Array(await blob.value.arrayBuffer());
}

async function storedCounts(session: VaultSession) {
  const rows = await dumpDatabase(session.profile.database);
  return { records: rows['records']?.length ?? 0, chunks: rows['chunks']?.length ?? 0, imports: rows['imports']?.length ?? 0 };
}

describe('adding documents', () => {
  it('reads a PDF: its text for search, a thumbnail, the title from the file name, whatever the extension says', async () => {
    const session = await newVault();
    const library = await opened(session);
    const bytes = await pdfWith(['Compte rendu de consultation', 'Hemoglobine glyquee 6,8 pour cent', 'motdansleprofondeurdupdf']);
    const progress: number[] = [];
    const added = await library.importFile(fileOf(bytes, 'Consultation_cardiologie.jpg', 'image/jpeg'), { onProgress: (step) => progress.push(step.done / step.total) });
    expect(added.ok).toBe(true);
    const document = only(library);
    expect(document.data.title).toBe('Consultation cardiologie');
    const original = fileOfRole(document.data, 'original');
    expect(original?.format).toBe('pdf');
    expect(original?.type).toBe('application/pdf');
    expect(original?.mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(progress.at(-1)).toBe(1);
    expect(await bytesOf(session, document, 'original')).toEqual(bytes);
    expect(new TextDecoder().decode(await bytesOf(session, document, 'text'))).toContain('motdansleprofondeurdupdf');
    const thumbnail = await createImageBitmap(new Blob([(await bytesOf(session, document, 'thumbnail')) as Uint8Array<ArrayBuffer>], { type: 'image/webp' }));
    expect(thumbnail.width).toBeLessThanOrEqual(320);
    await library.indexed();
    expect(library.search('motdansleprofond').map((hit) => hit.id)).toEqual([document.id]);
    expect(library.search('hemoglobine glyq').map((hit) => hit.id)).toEqual([document.id]);
    session.lock();
  });

  it('keeps images with a thumbnail, text with its words searchable, and any other file with no preview', async () => {
    const session = await newVault();
    const library = await opened(session);
    expect((await library.importFile(fileOf(await pngOf(1200, 900), 'radio.png', 'image/png'))).ok).toBe(true);
    expect((await library.importFile(fileOf(encoder.encode('Résultat du dosage : ferritine normale.'), 'note.txt', 'text/plain'))).ok).toBe(true);
    expect((await library.importFile(fileOf(content(5000, 3), 'mesures.bin', 'application/x-thing'))).ok).toBe(true);
    const byTitle = new Map(library.all().map((document) => [document.data.title, document.data]));
    expect(fileOfRole(byTitle.get('radio') ?? { files: [] }, 'original')?.format).toBe('png');
    expect(fileOfRole(byTitle.get('radio') ?? { files: [] }, 'thumbnail')).toBeDefined();
    expect(fileOfRole(byTitle.get('note') ?? { files: [] }, 'original')?.format).toBe('text');
    const other = fileOfRole(byTitle.get('mesures') ?? { files: [] }, 'original');
    expect(other?.format).toBe('other');
    expect(other?.type).toBe('application/x-thing');
    await library.indexed();
    expect(library.search('resultat ferritine')).toHaveLength(1);
    session.lock();
  });

  it.each([
    ['corrupted', () => encoder.encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage\n')],
    ['password-protected', () => encryptedPdf('secret', 'Ordonnance protegee')],
  ])('stores a %s PDF as it is, with nothing derived', async (_kind, make) => {
    const session = await newVault();
    const library = await opened(session);
    const bytes = make();
    expect((await library.importFile(fileOf(bytes, 'scan.pdf', 'application/pdf'))).ok).toBe(true);
    const document = only(library);
    expect(fileOfRole(document.data, 'original')?.format).toBe('pdf');
    expect(fileOfRole(document.data, 'text')).toBeUndefined();
    expect(fileOfRole(document.data, 'thumbnail')).toBeUndefined();
    expect(await bytesOf(session, document, 'original')).toEqual(bytes);
    session.lock();
  });
});

describe('French CDA documents', () => {
  it('N1: the PDF inside nonXMLBody becomes the viewable file, its metadata fills the document, the XML is kept', async () => {
    const session = await newVault();
    const library = await opened(session);
    const xml = encoder.encode(n1Xml);
    const added = await library.importFile(fileOf(xml, 'DOC_NON_STRUCTURE_CDA-R2-N1.xml', 'text/xml'));
    if (!added.ok) throw new Error(added.error.type);
    const document = only(library);
    expect(document.data.title).toBe('Compte rendu d\'examens biologiques');
    expect(document.data.typeCode).toMatchObject({ system: LOINC_SYSTEM, code: '11502-2' });
    expect(document.data.category).toBe('biology');
    expect(document.data.careDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(document.data.source).not.toBeNull();
    expect(fileOfRole(document.data, 'original')?.format).toBe('cda');
    expect(await bytesOf(session, document, 'original')).toEqual(xml);
    const pdf = await bytesOf(session, document, 'content');
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(fileOfRole(document.data, 'content')?.format).toBe('pdf');
    expect(fileOfRole(document.data, 'thumbnail')).toBeDefined();
    session.lock();
  });

  it.each([
    ['IMG_CR_IMG_2024.01.xml', imgXml, 'imaging', '18748-4'],
    ['IPS-FR_2024.01.xml', ipsXml, 'synthesis', '60591-5'],
    ['VAC_2023.01.xml', vacXml, 'prevention', '11369-6'],
  ])('N3 %s: filed by its type code, its narrative searchable, its embedded PDFs attached', async (name, xml, category, code) => {
    const session = await newVault();
    const library = await opened(session);
    const added = await library.importFile(fileOf(encoder.encode(xml), name, 'application/xml'));
    if (!added.ok) throw new Error(added.error.type);
    const document = only(library);
    expect(document.data.category).toBe(category);
    expect(document.data.typeCode?.code).toBe(code);
    const parsed = parseCda(encoder.encode(xml));
    if (!parsed.ok) throw new Error(parsed.error.type);
    const attachments = document.data.files.filter((file) => file.role === 'attachment');
    expect(attachments.map((file) => file.size)).toEqual(parsed.value.attachments.map((attachment) => attachment.bytes.length));
    if (name !== 'VAC_2023.01.xml') expect(attachments.length).toBeGreaterThan(0);
    for (const attachment of attachments) {
      expect(attachment.format).toBe('pdf');
      const blob = await readFileBlob(session, attachment);
      if (!blob.ok) throw new Error(blob.error.type);
      expect(new TextDecoder().decode(new Uint8Array(await blob.value.slice(0, 5).arrayBuffer()))).toBe('%PDF-');
    }
    const text = new TextDecoder().decode(await bytesOf(session, document, 'text'));
    expect(text.length).toBeGreaterThan(100);
    await library.indexed();
    const word = text.split(/\s+/).find((candidate) => /^[\p{L}]{7,}$/u.test(candidate)) ?? '';
    expect(library.search(word).map((hit) => hit.id)).toContain(document.id);
    session.lock();
  });

  it('refuses malformed CDA, and CDA whose PDF is missing or not base64, leaving nothing behind', async () => {
    const session = await newVault();
    const library = await opened(session);
    const before = await storedCounts(session);
    const cut = n1Xml.slice(0, 5000);
    const notBase64 = n1Xml.replace(/(<text[^>]*representation="B64"[^>]*>)[^<]{40}/, '$1!!!!not*base64~~~~~~~~~~~~~~~~~~~~~~~~~~~');
    const emptied = n1Xml.replace(/(<text[^>]*representation="B64"[^>]*>)[^<]*(<\/text>)/, '$1$2');
    const results = [
      await library.importFile(fileOf(encoder.encode(cut), 'cut.xml', 'text/xml')),
      await library.importFile(fileOf(encoder.encode(notBase64), 'bad64.xml', 'text/xml')),
      await library.importFile(fileOf(encoder.encode(emptied), 'empty.xml', 'text/xml')),
    ];
    expect(results.map((result) => (result.ok ? 'ok' : result.error.type))).toEqual(['CdaNotXml', 'CdaEmbeddedFileInvalid', 'CdaEmbeddedFileMissing']);
    expect(await storedCounts(session)).toEqual(before);
    expect(library.all()).toHaveLength(0);
    session.lock();
  });
});

describe('bad input', () => {
  it('refuses an empty file, a file over 200 MB and a file larger than the space left, before writing', async () => {
    const deps = testDeps({ storageEstimate: async () => ({ usage: 10_000_000, quota: 16_000_000 }) });
    const session = await newVault(deps);
    const library = await opened(session);
    const before = await storedCounts(session);
    const empty = await library.importFile(fileOf(new Uint8Array(0), 'vide.pdf'));
    expect(empty).toEqual({ ok: false, error: { type: 'FileEmpty', name: 'vide.pdf' } });
    const huge = { name: 'scanner.tiff', size: MAX_IMPORT_BYTES + 1, type: 'image/tiff' } as File;
    expect(await library.importFile(huge)).toMatchObject({ ok: false, error: { type: 'FileTooLarge', max: MAX_IMPORT_BYTES } });
    const big = await library.importFile(fileOf(content(3_000_000, 2), 'irm.bin'));
    expect(big).toMatchObject({ ok: false, error: { type: 'StorageWouldOverflow' } });
    expect(await storedCounts(session)).toEqual(before);
    session.lock();
  });

  it('a cancel while the PDF is being read (after its bytes are in) is a cancel, and leaves nothing', async () => {
    const session = await newVault();
    const library = await opened(session);
    const before = await storedCounts(session);
    const controller = new AbortController();
    const pdf = await pdfWith(Array.from({ length: 30 }, (_, line) => `Ligne ${line} du compte rendu`), 60);
    const result = await library.importFile(fileOf(pdf, 'long.pdf'), {
      signal: controller.signal,
      // Every byte is sealed and written: what runs next is pdf.js reading it.
      onProgress: (progress) => {
        if (progress.done === progress.total) controller.abort();
      },
    });
    expect(result).toEqual({ ok: false, error: { type: 'ImportCancelled' } });
    expect(await storedCounts(session)).toEqual(before);
    session.lock();
  });

  it('refuses a CDA carrying more files than a document holds, before writing', async () => {
    const session = await newVault();
    const library = await opened(session);
    const before = await storedCounts(session);
    const pdf = btoa(String.fromCharCode(...encoder.encode('%PDF-1.4\n%%EOF\n')));
    const entries = Array.from({ length: 95 }, (_, index) => `<component><section><title>Piece ${index}</title><text><renderMultiMedia referencedObject="m${index}"/></text><entry><observationMedia ID="m${index}"><value mediaType="application/pdf" representation="B64">${pdf}</value></observationMedia></entry></section></component>`).join('');
    const xml = imgXml.replace(/<structuredBody([^>]*)>/, `<structuredBody$1>${entries}`);
    const result = await library.importFile(fileOf(encoder.encode(xml), 'many.xml', 'text/xml'));
    expect(result).toMatchObject({ ok: false, error: { type: 'TooManyAttachments' } });
    expect(await storedCounts(session)).toEqual(before);
    session.lock();
  });

  it('a cancel mid-import leaves the vault as before', async () => {
    const session = await newVault();
    const library = await opened(session);
    const before = await storedCounts(session);
    const controller = new AbortController();
    const result = await library.importFile(fileOf(content(12_000_000, 5), 'long.bin'), {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done > 2_000_000) controller.abort();
      },
    });
    expect(result).toEqual({ ok: false, error: { type: 'ImportCancelled' } });
    expect(await storedCounts(session)).toEqual(before);
    expect(library.all()).toHaveLength(0);
    session.lock();
  });
});

describe('duplicates', () => {
  it('asks before adding content already there, recognised by a keyed MAC, and leaves nothing when declined', async () => {
    const session = await newVault();
    const library = await opened(session);
    const bytes = content(1_500_000, 9);
    expect((await library.importFile(fileOf(bytes, 'bilan.pdf'))).ok).toBe(true);
    const first = only(library);
    const before = await storedCounts(session);
    const asked: string[] = [];
    const declined = await library.importFile(fileOf(bytes, 'bilan-copie.bin'), {
      confirmDuplicate: async (existing) => {
        asked.push(existing.id);
        return false;
      },
    });
    expect(declined).toEqual({ ok: false, error: { type: 'DuplicateDeclined' } });
    expect(asked).toEqual([first.id]);
    expect(await storedCounts(session)).toEqual(before);
    const accepted = await library.importFile(fileOf(bytes, 'bilan-copie.bin'), { confirmDuplicate: async () => true });
    expect(accepted.ok).toBe(true);
    expect(library.all()).toHaveLength(2);
    // Another vault's MAC of the same bytes differs: the identity is keyed, not a bare hash.
    const other = await newVault();
    const otherLibrary = await opened(other);
    await otherLibrary.importFile(fileOf(bytes, 'bilan.pdf'));
    expect(fileOfRole(only(otherLibrary).data, 'original')?.mac).not.toBe(fileOfRole(first.data, 'original')?.mac);
    other.lock();
    session.lock();
  });
});

describe('hide, trash, restore, destroy', () => {
  it('hides, trashes and restores; destroying removes the record\'s every file chunk', async () => {
    const session = await newVault();
    const library = await opened(session);
    await library.importFile(fileOf(await pdfWith(['Ordonnance'], 3), 'ordonnance.pdf'));
    const id = only(library).id;
    expect((await library.setHidden(id, true)).ok).toBe(true);
    expect(library.get(id)?.data.hidden).toBe(true);
    expect((await library.trash(id)).ok).toBe(true);
    expect(library.get(id)?.data.trashedAt).toEqual(expect.any(Number));
    expect((await library.restore(id)).ok).toBe(true);
    expect(library.get(id)?.data.trashedAt).toBeNull();
    const files = library.get(id)?.data.files.length ?? 0;
    expect(files).toBe(3);
    expect((await storedCounts(session)).chunks).toBeGreaterThanOrEqual(3);
    expect((await library.destroy(id)).ok).toBe(true);
    expect(library.all()).toHaveLength(0);
    expect((await storedCounts(session)).chunks).toBe(0);
    session.lock();
  });

  it('empties the trash of documents kept 30 days, and only those', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now, monotonic: () => performance.now() };
    const session = await newVault(testDeps({ clock }));
    const library = await opened(session);
    await library.importFile(fileOf(content(100, 1), 'a.bin'));
    await library.importFile(fileOf(content(100, 2), 'b.bin'));
    const [old, recent] = library.all().map((document) => document.id) as [RecordId, RecordId];
    await library.trash(old);
    now += 10 * 86_400_000;
    await library.trash(recent);
    now += 20 * 86_400_000;
    expect(await library.emptyExpiredTrash()).toBe(1);
    expect(library.all().map((document) => document.id)).toEqual([recent]);
    session.lock();
  });
});

describe('the search index', () => {
  it('is stored sealed, reopened at the next unlock, and rebuilt when damaged', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const library = await opened(session);
    await library.importFile(fileOf(await pdfWith(['Echographie abdominale', 'zygomatiquemotrare']), 'echo.pdf'));
    await library.indexed();
    await library.saveIndex();
    const rows = await dumpDatabase(session.profile.database);
    const stored = rows['derived'] ?? [];
    expect(stored.map((row) => (row as { name: string }).name).sort()).toEqual(['library', 'search-index']);
    for (const bytes of byteArraysIn(stored)) {
      expect(containsBytes(bytes, encoder.encode('zygomatique'))).toBe(false);
      expect(containsBytes(bytes, encoder.encode('Echographie'))).toBe(false);
    }
    const profile = session.profile;
    const textFile = fileOfRole(only(library).data, 'text');
    if (textFile === undefined) throw new Error('no text file');
    session.lock();

    // A damaged index is rebuilt from the documents' text.
    await tamper(profile.database, 'derived', (store) => store.put({ name: 'search-index', envelope: new Uint8Array([1, 2, 3]) }));
    const second = await unlockVault(deps, profile.id, PASSPHRASE);
    if (!second.ok) throw new Error(second.error.type);
    const rebuilt = await opened(second.value);
    expect(rebuilt.search('zygomatiquemot')).toHaveLength(1);
    await rebuilt.saveIndex();
    second.value.lock();

    // With the text gone from the disk, only the stored index can still find the word: it was loaded.
    await tamper(profile.database, 'chunks', (store) => store.delete(IDBKeyRange.bound([textFile.id, 0], [textFile.id, Number.MAX_SAFE_INTEGER])));
    const third = await unlockVault(deps, profile.id, PASSPHRASE);
    if (!third.ok) throw new Error(third.error.type);
    const reopened = await opened(third.value);
    expect(reopened.search('zygomatiquemot')).toHaveLength(1);
    third.value.lock();
  });

  it('opens from the sealed listing, then shows what the records say when they changed behind it', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const library = await opened(session);
    await library.importFile(fileOf(content(2000, 4), 'bilan.pdf'));
    const id = only(library).id;
    await library.saveIndex();
    // Another device (or a tab closed before its save) changed the record, not the listing.
    const changed = await createRepository(session, documentCodec).put({ ...only(library).data, title: 'Bilan corrigé' }, id);
    expect(changed.ok).toBe(true);
    const profile = session.profile;
    session.lock();

    const again = await unlockVault(deps, profile.id, PASSPHRASE);
    if (!again.ok) throw new Error(again.error.type);
    const reopened = createDocumentLibrary(again.value);
    await reopened.open();
    // The first screen comes from the listing, at once...
    expect(reopened.all().map((document) => document.data.title)).toEqual(['bilan']);
    // ...and the records, read in the background, have the last word.
    await reopened.verified();
    expect(reopened.all().map((document) => document.data.title)).toEqual(['Bilan corrigé']);
    again.value.lock();
  });

  it('falls back to the records when the listing is damaged', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const library = await opened(session);
    await library.importFile(fileOf(content(2000, 5), 'ordonnance.pdf'));
    await library.saveIndex();
    const profile = session.profile;
    session.lock();
    await tamper(profile.database, 'derived', (store) => store.put({ name: 'library', envelope: new Uint8Array([1, 2, 3]) }));
    const again = await unlockVault(deps, profile.id, PASSPHRASE);
    if (!again.ok) throw new Error(again.error.type);
    const reopened = createDocumentLibrary(again.value);
    await reopened.open();
    expect(reopened.all().map((document) => document.data.title)).toEqual(['ordonnance']);
    again.value.lock();
  });
});
