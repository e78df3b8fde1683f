/**
 * "Download my data" with the real adapters: the archive unzipped and compared byte for byte,
 * its ZIP structure read independently of fflate (UTF-8 flag, compression, CRC), its FHIR index
 * cross-checked against the files, and every way it can stop (cancel, damaged chunk, failing
 * sink) leaving no archive behind. A 30 MB file goes through in bounded writes.
 */
import { unzipSync } from 'fflate';
import { createComponent } from 'solid-js';
import { render } from 'solid-js/web';
import { describe, expect, it, vi } from 'vitest';
import { createBlobSink } from '../../src/adapters/backup-sinks.ts';
import { exportMyData, type ExportDataSummary } from '../../src/app/export.ts';
import { emptyDocument, importDocument, type FileInput } from '../../src/app/files.ts';
import { createRepository, type StoredRecord } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import type { FhirBundle } from '../../src/core/export/fhir-documents.ts';
import type { BackupSink } from '../../src/core/ports.ts';
import { LOINC_SYSTEM } from '../../src/core/records/document-classes.ts';
import { documentCodec, type DocumentData } from '../../src/core/records/document.ts';
import type { RecordId } from '../../src/core/records/record.ts';
import { ExportSection } from '../../src/ui/components/ExportSection.tsx';
import { AppProvider } from '../../src/ui/context.tsx';
import { content, newVault, tamper } from './support.ts';
import { createReadings } from '../../src/app/readings.ts';
import type { Reading } from '../../src/core/readings/series.ts';
import { dictionaryFor, loadFeatureWords } from '../../src/ui/i18n/i18n.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');

const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);

/** Byte equality without a deep-equality diff engine walking megabytes. */
function same(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function blobOf(bytes: Uint8Array, type: string): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

async function importOne(session: VaultSession, files: readonly (FileInput & { readonly format: NonNullable<FileInput['format']> })[], fields: Partial<DocumentData>): Promise<RecordId> {
  const total = files.reduce((sum, file) => sum + file.blob.size, 0);
  const imported = await importDocument(session, total, async (context) => {
    const refs = [];
    for (const file of files) refs.push(await context.addFile(file));
    return { ...emptyDocument(session.deps.clock.now()), ...fields, files: refs };
  });
  if (!imported.ok) throw new Error(imported.error.type);
  return imported.value;
}

async function allDocuments(session: VaultSession): Promise<StoredRecord<DocumentData>[]> {
  const listed = await createRepository(session, documentCodec).list();
  expect(listed.failures).toEqual([]);
  return listed.records;
}

/** A sink that records how it was written to, and can act on a given write. */
function recordingSink(onWrite: (index: number) => void = () => {}) {
  const state = { writes: [] as number[], closed: false, aborted: false };
  const sink: BackupSink = {
    async write(bytes) {
      onWrite(state.writes.length);
      state.writes.push(bytes.length);
    },
    async close() {
      state.closed = true;
    },
    async abort() {
      state.aborted = true;
    },
  };
  return { sink, state };
}

// --- a ZIP reader independent of fflate (APPNOTE.TXT 4.3.12, 4.3.16) ---------------------------

interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
}

function centralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22; // no archive comment
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    entries.push({
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      name: new TextDecoder('utf-8', { fatal: true }).decode(zip.subarray(at + 46, at + 46 + nameLength)),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const UTF8_FLAG = 1 << 11;

/** Three documents: a lab report (LOINC 11502-2) with two files, a hidden letter, a trashed prescription. */
async function sample() {
  const session = await newVault();
  const pdf = content(2 * STREAM_CHUNK_BYTES + 4321, 1);
  const png = content(70_000, 2);
  const letter = new TextEncoder().encode('Compte rendu de consultation.\n'.repeat(2000));
  const old = content(5000, 3);
  const lab = await importOne(
    session,
    [
      { blob: blobOf(pdf, 'application/pdf'), name: 'résultats.pdf', format: 'pdf' },
      { blob: blobOf(png, 'image/png'), name: 'courbe.png', format: 'png', role: 'attachment' },
    ],
    {
      title: 'Bilan sanguin',
      careDate: '2024-03-01',
      category: 'biology',
      typeCode: { system: LOINC_SYSTEM, code: '11502-2', display: 'Laboratory report' },
      source: { kind: 'laboratory', name: 'Laboratoire des Lilas' },
      tags: ['cholestérol', 'annuel'],
      note: 'À jeun.',
    },
  );
  const hidden = await importOne(session, [{ blob: blobOf(letter, 'text/plain'), name: 'lettre Dr Éloïse Morel.txt', format: 'text' }], {
    title: 'Lettre: consultation',
    careDate: null,
    category: 'reports',
    hidden: true,
  });
  const trashed = await importOne(session, [{ blob: blobOf(old, 'application/pdf'), name: 'ordonnance.pdf', format: 'pdf' }], {
    title: 'Ancienne ordonnance',
    careDate: '2019-06-12',
    category: 'treatments',
    trashedAt: NOW - 1000,
  });
  return { session, ids: { lab, hidden, trashed }, bytes: { pdf, png, letter } };
}

describe('download my data', () => {
  it('writes every original file, byte for byte, under readable paths, with a FHIR index and a readme', async () => {
    const { session, ids, bytes } = await sample();
    const documents = await allDocuments(session);
    expect(documents).toHaveLength(3);
    const { sink, blob } = createBlobSink('application/zip');
    const progress: number[] = [];
    const exported = await exportMyData(session, documents, sink, { now: NOW, onProgress: ({ done, total }) => progress.push(done / total) });
    if (!exported.ok) throw new Error(exported.error.type);
    const archive = blob();
    if (archive === null) throw new Error('no archive');
    expect(exported.value).toEqual<ExportDataSummary>({ files: 3, bytes: archive.size });
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const zip = new Uint8Array(await archive.arrayBuffer());
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual([
      'LISEZMOI.txt',
      'bundle.json',
      'documents/2024-03-01 Bilan sanguin/courbe.png',
      'documents/2024-03-01 Bilan sanguin/résultats.pdf',
      'documents/sans-date Lettre- consultation/lettre Dr Éloïse Morel.txt',
    ]);
    expect(same(bytes.pdf, files['documents/2024-03-01 Bilan sanguin/résultats.pdf'])).toBe(true);
    expect(same(bytes.png, files['documents/2024-03-01 Bilan sanguin/courbe.png'])).toBe(true);
    // The hidden document is there: the archive is the patient's own.
    expect(same(bytes.letter, files['documents/sans-date Lettre- consultation/lettre Dr Éloïse Morel.txt'])).toBe(true);
    // The trashed one is nowhere, not even in the index.
    const text = new TextDecoder().decode(files['bundle.json']);
    expect(text).not.toContain('ordonnance');
    expect(text).not.toContain(ids.trashed.slice(0, 8));
    const readme = new TextDecoder().decode(files['LISEZMOI.txt']);
    expect(readme).toContain('n’est PAS chiffrée');
    expect(readme).toContain('is NOT encrypted');
    expect(readme.indexOf('ATTENTION')).toBeLessThan(readme.indexOf('WARNING'));

    // The ZIP as any other tool reads it: UTF-8 names flagged, PDFs and images stored as they
    // are, text deflated, and every CRC right.
    const central = centralDirectory(zip);
    expect(central.map((entry) => entry.name).sort()).toEqual(Object.keys(files).sort());
    for (const entry of central) {
      const data = files[entry.name] as Uint8Array;
      expect(entry.crc).toBe(crc32(data));
      expect(entry.size).toBe(data.length);
      expect((entry.flags & UTF8_FLAG) !== 0).toBe(/[^\x20-\x7e]/.test(entry.name));
      const stored = /\.(pdf|png)$/.test(entry.name);
      expect(entry.method).toBe(stored ? 0 : 8);
      if (!stored) expect(entry.compressedSize).toBeLessThan(entry.size);
    }

    // The index: one DocumentReference per exported document, each file named by a url that
    // resolves inside the archive to a file of the declared size.
    const bundle = JSON.parse(text) as FhirBundle;
    expect(text.startsWith('{\n  "resourceType": "Bundle"')).toBe(true);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2025-01-02T12:00:00.000Z' });
    const references = bundle.entry?.map((entry) => entry.resource) ?? [];
    expect(references).toHaveLength(2);
    for (const reference of references) {
      for (const { attachment } of reference.content) {
        const path = decodeURIComponent(attachment.url ?? '');
        expect(files[path], path).toBeDefined();
        expect(attachment.size).toBe(files[path]?.length);
        expect(attachment).not.toHaveProperty('hash');
      }
    }
    const labReference = bundle.entry?.find((entry) => entry.fullUrl.replaceAll('-', '') === `urn:uuid:${ids.lab}`.replaceAll('-', ''))?.resource;
    expect(labReference?.type?.coding).toEqual([{ system: 'http://loinc.org', code: '11502-2', display: 'Laboratory report' }]);
    expect(labReference?.category[0]?.coding?.[0]).toMatchObject({ code: 'biology', display: 'Biologie' });
    expect(labReference?.context).toEqual({ period: { start: '2024-03-01' } });
    expect(labReference?.meta?.tag.map((tag) => tag.display)).toEqual(['cholestérol', 'annuel']);
    expect(labReference?.content.map((item) => item.attachment.contentType)).toEqual(['application/pdf', 'image/png']);
    session.lock();
  });

  it('stops when cancelled: ExportCancelled, the sink aborted, nothing closed', async () => {
    const { session } = await sample();
    const documents = await allDocuments(session);
    const controller = new AbortController();
    // Cancelled as the first bytes are written, with most of the first file still to read.
    const { sink, state } = recordingSink((index) => {
      if (index === 0) controller.abort();
    });
    const exported = await exportMyData(session, documents, sink, { now: NOW, signal: controller.signal });
    expect(exported).toEqual({ ok: false, error: { type: 'ExportCancelled' } });
    expect(state).toMatchObject({ aborted: true, closed: false });
    expect(state.writes.reduce((sum, length) => sum + length, 0)).toBeLessThan(2 * STREAM_CHUNK_BYTES);
    session.lock();
  });

  it('a damaged chunk stops the export with a typed error naming the document, and no archive', async () => {
    const { session, ids } = await sample();
    const documents = await allDocuments(session);
    const lab = documents.find((document) => document.id === ids.lab);
    const pdf = lab?.data.files[0];
    if (pdf === undefined) throw new Error('no pdf');
    await tamper(session.profile.database, 'chunks', (store) => {
      const request = store.get([pdf.id, 1]);
      request.onsuccess = () => {
        const chunk = request.result as Uint8Array;
        chunk[100] = (chunk[100] as number) ^ 1;
        store.put(chunk, [pdf.id, 1]);
      };
    });
    const { sink, blob } = createBlobSink('application/zip');
    let aborted = false;
    const watched: BackupSink = {
      ...sink,
      abort() {
        aborted = true;
        return sink.abort();
      },
    };
    const exported = await exportMyData(session, documents, watched, { now: NOW });
    expect(exported).toEqual({
      ok: false,
      error: { type: 'ExportFileDamaged', document: 'Bilan sanguin', file: 'résultats.pdf', cause: { type: 'ChunkTampered', index: 1 } },
    });
    expect(aborted).toBe(true);
    expect(blob()).toBeNull();
    session.lock();
  });

  it('a vault locked mid-export stops it as a cancel does', async () => {
    const { session } = await sample();
    const { sink, state } = recordingSink((index) => {
      if (index === 0) session.lock();
    });
    const exported = await exportMyData(session, await allDocuments(session), sink, { now: NOW });
    expect(exported).toEqual({ ok: false, error: { type: 'ExportCancelled' } });
    expect(state).toMatchObject({ aborted: true, closed: false });
  });

  it('a sink that fails gives ExportWriteFailed and is aborted', async () => {
    const { session } = await sample();
    const { sink, state } = recordingSink((index) => {
      if (index === 2) throw new DOMException('disk full', 'QuotaExceededError');
    });
    const exported = await exportMyData(session, await allDocuments(session), sink, { now: NOW });
    expect(exported).toEqual({ ok: false, error: { type: 'ExportWriteFailed' } });
    expect(state).toMatchObject({ aborted: true, closed: false });
    session.lock();
  });

  it('refuses, before writing a byte, an archive beyond what ZIP without ZIP64 holds', async () => {
    const { session } = await sample();
    const documents = await allDocuments(session);
    // Three stored files claiming 1.5 GiB each: 4.5 GiB does not fit 32-bit offsets.
    const huge = documents.map((document) => ({ ...document, data: { ...document.data, files: document.data.files.map((file) => ({ ...file, size: 1.5 * 2 ** 30 })) } }));
    const { sink, state } = recordingSink();
    const exported = await exportMyData(session, huge, sink, { now: NOW });
    expect(exported).toEqual({ ok: false, error: { type: 'ExportTooLarge' } });
    expect(state).toEqual({ writes: [], closed: false, aborted: true });
    session.lock();
  });

  it('an empty vault gives an archive with the index and the readme only', async () => {
    const session = await newVault();
    const { sink, blob } = createBlobSink('application/zip');
    const exported = await exportMyData(session, [], sink, { now: NOW });
    if (!exported.ok) throw new Error(exported.error.type);
    const files = unzipSync(new Uint8Array(await (blob() as Blob).arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['LISEZMOI.txt', 'bundle.json']);
    expect(JSON.parse(new TextDecoder().decode(files['bundle.json']))).toEqual({ resourceType: 'Bundle', type: 'collection', timestamp: '2025-01-02T12:00:00.000Z' });
    session.lock();
  });

  it('streams a 30 MB file in writes no larger than one decrypted chunk', async () => {
    const session = await newVault();
    const big = content(30 * 1024 * 1024 + 17, 11);
    await importOne(session, [{ blob: blobOf(big, 'application/pdf'), name: 'scanner.pdf', format: 'pdf' }], { title: 'Scanner', careDate: '2024-11-20' });
    const { sink, state } = recordingSink();
    const parts: Blob[] = [];
    const keeping: BackupSink = {
      ...sink,
      async write(bytes) {
        await sink.write(bytes);
        parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      },
    };
    const exported = await exportMyData(session, await allDocuments(session), keeping, { now: NOW });
    if (!exported.ok) throw new Error(exported.error.type);
    expect(state.closed).toBe(true);
    expect(Math.max(...state.writes)).toBeLessThanOrEqual(STREAM_CHUNK_BYTES);
    expect(state.writes.length).toBeGreaterThanOrEqual(30);
    const zip = new Uint8Array(await new Blob(parts).arrayBuffer());
    expect(zip.length).toBe(exported.value.bytes);
    expect(same(big, unzipSync(zip)['documents/2024-11-20 Scanner/scanner.pdf'])).toBe(true);
    session.lock();
  });
});

describe('the "download my data" card', () => {
  /** The card alone, with just the parts of the app context it reads. */
  function mount(session: VaultSession, documents: readonly StoredRecord<DocumentData>[]) {
    const host = document.createElement('div');
    document.body.append(host);
    const value = {
      t: () => fr,
      preferences: { language: () => 'fr', timeZone: () => 'Europe/Paris' },
      vault: { profileOf: () => ({ label: 'Léa / Martin' }) },
    } as unknown as Parameters<typeof AppProvider>[0]['value'];
    const dispose = render(
      () =>
        createComponent(AppProvider, {
          value,
          get children() {
            return createComponent(ExportSection, { session, documents: () => documents });
          },
        }),
      host,
    );
    return {
      host,
      dispose() {
        dispose();
        host.remove();
      },
    };
  }

  it('says the archive is not encrypted and downloads only once the patient ticked "I understand"', async () => {
    const { session } = await sample();
    const documents = await allDocuments(session);
    const downloads: { name: string; href: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.href });
    });
    const { host, dispose } = mount(session, documents);
    try {
      expect(host.textContent).toContain('n’est pas chiffrée');
      const button = Array.from(host.querySelectorAll('button')).find((candidate) => candidate.textContent === fr.exportData.download);
      const checkbox = host.querySelector<HTMLInputElement>('input[type="checkbox"]');
      if (button === undefined || checkbox === null) throw new Error('card incomplete');
      expect(checkbox.getAttribute('aria-describedby')).toBe('export-data-warning');
      expect(button.disabled).toBe(true);
      button.click();
      expect(downloads).toEqual([]);
      checkbox.click();
      expect(button.disabled).toBe(false);
      button.click();
      await vi.waitFor(() => expect(host.querySelector('.alert-success')).not.toBeNull(), { timeout: 20_000 });
      expect(downloads).toHaveLength(1);
      expect(downloads[0]?.name).toMatch(/^carnet-Léa - Martin-\d{4}-\d{2}-\d{2}\.zip$/);
      expect(host.querySelector('.alert-success')?.textContent).toContain('3 fichiers');
      const zip = unzipSync(new Uint8Array(await (await fetch(downloads[0]?.href ?? '')).arrayBuffer()));
      expect(Object.keys(zip)).toContain('bundle.json');
    } finally {
      click.mockRestore();
      dispose();
      session.lock();
    }
  });

  it('names the damaged document when a file cannot be read, and downloads nothing', async () => {
    const { session, ids } = await sample();
    const documents = await allDocuments(session);
    const pdf = documents.find((document) => document.id === ids.lab)?.data.files[0];
    if (pdf === undefined) throw new Error('no pdf');
    await tamper(session.profile.database, 'chunks', (store) => store.delete([pdf.id, 1]));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { host, dispose } = mount(session, documents);
    try {
      host.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click();
      Array.from(host.querySelectorAll('button')).find((candidate) => candidate.textContent === fr.exportData.download)?.click();
      await vi.waitFor(() => expect(host.querySelector('.alert-error')).not.toBeNull(), { timeout: 20_000 });
      expect(host.querySelector('.alert-error')?.textContent).toBe(fr.exportData.damaged('Bilan sanguin'));
      expect(click).not.toHaveBeenCalled();
    } finally {
      click.mockRestore();
      dispose();
      session.lock();
    }
  });
});

describe('readings in "Download my data"', () => {
  const source = { importer: 'dexcom-clarity', device: 'G7', serial: '=HYPERLINK("x")' };
  const start = Date.UTC(2025, 2, 29);
  /** 70 days of 5-minute glucose (crossing a clock change) and a few weighings. */
  function readingsFor(): { glucose: Reading[]; weight: Reading[] } {
    const glucose: Reading[] = [];
    for (let index = 0; index < 70 * 288; index++) glucose.push({ time: start + index * 300_000, value: 90 + (index % 120), unit: 'mg/dL', kind: 'continuous', bound: null, source });
    const weight: Reading[] = [0, 7, 14].map((day) => ({ time: start + day * 86_400_000 + 25_200_000, value: 72.4 - day / 10, unit: 'kg', kind: 'manual', bound: null, source: { importer: 'manual', device: null, serial: null } }));
    return { glucose, weight };
  }

  it('adds one CSV per series and a FHIR Bundle of every reading, read a month at a time', async () => {
    const session = await newVault();
    const store = createReadings(session);
    const { glucose, weight } = readingsFor();
    const preview = await store.preview({ format: 'csv', series: [{ series: 'glucose', readings: glucose, units: ['mg/dL'] }, { series: 'weight', readings: weight, units: ['kg'] }], skipped: [], ignored: {}, ambiguousTimes: 0 });
    if (!preview.ok) throw new Error(preview.error.type);
    expect((await store.commit(preview.value)).ok).toBe(true);
    const loads = vi.spyOn(store, 'load');
    const { sink, blob } = createBlobSink('application/zip');
    const result = await exportMyData(session, [], sink, { now: NOW, readings: store, timeZone: 'Europe/Paris' });
    expect(result.ok).toBe(true);
    // Never the whole series at once: 70 days in windows of at most 31, once for the CSV and
    // once for the Bundle.
    expect(loads.mock.calls.filter(([series]) => series === 'glucose').map(([, from, to]) => (to - from) / 86_400_000)).toEqual([31, 31, 8, 31, 31, 8]);
    const archive = blob();
    if (archive === null) throw new Error('no archive');
    const entries = unzipSync(new Uint8Array(await archive.arrayBuffer()));
    const text = (path: string) => new TextDecoder().decode(entries[path]);
    const glucoseCsv = text('readings/glucose.csv').trimEnd().split('\r\n');
    expect(glucoseCsv).toHaveLength(glucose.length + 1);
    expect(glucoseCsv[0]).toBe('time,local_time,value,unit,kind,bound,importer,device,serial');
    // 2025-03-30: Paris goes from +01:00 to +02:00 at 01:00 UTC.
    expect(glucoseCsv[1]).toBe(`2025-03-29T00:00:00.000Z,2025-03-29T01:00:00.000+01:00,90,mg/dL,continuous,,dexcom-clarity,G7,"'=HYPERLINK(""x"")"`);
    expect(glucoseCsv.some((line) => line.startsWith('2025-03-30T01:00:00.000Z,2025-03-30T03:00:00.000+02:00,'))).toBe(true);
    expect(text('readings/weight.csv').trimEnd().split('\r\n')).toHaveLength(4);
    const bundle = JSON.parse(text('readings/observations.json')) as { type: string; entry: { resource: { code: { coding: { code: string }[] }; valueQuantity: { value: number; unit: string } } }[] };
    expect(bundle.type).toBe('collection');
    expect(bundle.entry).toHaveLength(glucose.length + weight.length);
    expect(bundle.entry.filter((entry) => entry.resource.code.coding[0]?.code === '29463-7').map((entry) => entry.resource.valueQuantity.value)).toEqual([72.4, 71.7, 71]);
    expect(text('LISEZMOI.txt')).toContain('readings/');
  });

  it('stops, with no archive, when a day of readings was altered, even one the catalogue cannot place', async () => {
    const session = await newVault();
    const store = createReadings(session);
    const { glucose } = readingsFor();
    const preview = await store.preview({ format: 'csv', series: [{ series: 'glucose', readings: glucose.slice(0, 288), units: ['mg/dL'] }], skipped: [], ignored: {}, ambiguousTimes: 0 });
    if (!preview.ok) throw new Error(preview.error.type);
    await store.commit(preview.value);
    const id = store.chunkId('glucose', start / 86_400_000);
    await tamper(session.profile.database, 'records', (objectStore) => {
      const request = objectStore.get(id);
      request.onsuccess = () => {
        const row = request.result as { envelope: Uint8Array };
        row.envelope[30] = (row.envelope[30] as number) ^ 1;
        objectStore.put(row);
      };
    });
    const { sink, state } = recordingSink();
    const result = await exportMyData(session, [], sink, { now: NOW, readings: store, timeZone: 'Europe/Paris' });
    expect(result).toEqual({ ok: false, error: { type: 'ExportReadingsDamaged' } });
    expect(state.aborted).toBe(true);
  });
});
