/**
 * The benchmark page: Carnet's own modules, exposed to bench/run.mjs one measurement at a time.
 * Every function builds its own fresh database, times only the operation it names, and returns
 * milliseconds. Inputs come from a seeded generator, so every run sees the same bytes.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { Dexie } from 'dexie';
import { createFileStreamSink } from '../../src/adapters/backup-sinks.ts';
import { createAesGcmChunkCipher } from '../../src/adapters/crypto/aes-gcm.ts';
import { createDexieRegistry } from '../../src/adapters/db/registry.ts';
import { createWorkerKdf } from '../../src/adapters/kdf/worker-kdf.ts';
import { systemClock, systemRandom } from '../../src/adapters/system.ts';
import type { VaultDeps } from '../../src/app/deps.ts';
import { exportBackup, restoreBackup } from '../../src/app/backup.ts';
import { storeDocument, emptyDocument } from '../../src/app/files.ts';
import { createRepository } from '../../src/app/records.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { calibratedKdfParams, createVault, unlockVault } from '../../src/app/vault.ts';
import { ARGON2_FLOOR } from '../../src/core/crypto/argon2.ts';
import { asFileKey } from '../../src/core/crypto/keys.ts';
import { createStreamSealer, STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { documentCodec, type DocumentData } from '../../src/core/records/document.ts';
import { createDocumentLibrary } from '../../src/app/documents.ts';
import { createDocumentIndex, loadDocumentIndex } from '../../src/core/search/document-index.ts';
import { concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState, StandardFonts } from 'pdf-lib';
import { FIXED_QUERIES, frenchCorpus } from '../../tests/support/french-corpus.ts';
import { createPlatform } from '../../src/ui/platform.ts';
import uPlot from 'uplot';
import { createReadings } from '../../src/app/readings.ts';
import { parseReadingsFile } from '../../src/core/readings/importers/detect.ts';
import { defaultPeriod, glucoseReport } from '../../src/core/readings/report.ts';
import type { Reading } from '../../src/core/readings/series.ts';
import { drawTimeline, timelineData } from '../../src/ui/readings/charts.ts';
import { readAppleHealthExport } from '../../src/app/apple-health.ts';
import { generator, writeAppleHealthExport, type GeneratedExport } from './apple-health-export.ts';

export const BENCH_PASSPHRASE = 'girafe tonnerre quinoa 1987 lanterne';


function bytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const next = generator(seed);
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, Math.floor(size / 4));
  for (let i = 0; i < words.length; i++) words[i] = next() * 4294967296;
  for (let i = words.length * 4; i < size; i++) out[i] = next() * 256;
  return out;
}

const WORDS = ['bilan', 'sanguin', 'ordonnance', 'radiographie', 'thorax', 'compte', 'rendu', 'consultation', 'vaccin', 'glycémie', 'cardiologue', 'hôpital', 'analyse', 'urgence', 'dentiste'];

function documentFor(index: number, next: () => number): DocumentData {
  const pick = () => WORDS[Math.floor(next() * WORDS.length)] as string;
  return {
    ...emptyDocument(1_700_000_000_000 + index * 86_400_000),
    title: `${pick()} ${pick()} ${index}`,
    note: Array.from({ length: 40 }, pick).join(' '),
  };
}

/** The app's own adapters; only the KDF is held at the floor, since vault creation is not what is timed. */
function deps(): VaultDeps {
  return { ...createPlatform(), kdfParams: async () => ARGON2_FLOOR };
}

async function openVault(label = 'Bench'): Promise<VaultSession> {
  const created = await createVault(deps(), { label, passphrase: BENCH_PASSPHRASE });
  if (!created.ok) throw new Error(`createVault: ${created.error.type}`);
  return created.value.session;
}


const TIME_ZONE = 'Europe/Paris';
const CGM_START = Date.UTC(2025, 0, 1);
/** Charts drawn per run of readings.draw-1y (timedDraws). */
const DRAWS = 10;

/**
 * A Dexcom Clarity export (English) of `count` 5-minute readings from 2025-01-01: a slow daily
 * wave plus seeded noise, 40–400 mg/dL, with the header and device rows Clarity writes.
 */
function cgmCsv(count: number, seed: number): string {
  const next = generator(seed);
  const lines = [
    'Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min),Transmitter Time (Long Integer),Transmitter ID',
    '1,,FirstName,,Bench,,,,,,,,,',
    '2,,LastName,,Patient,,,,,,,,,',
    '3,,Device,,,Dexcom G7 Mobile App,Android G7,,,,,,,',
  ];
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  let last = '';
  for (let i = 0; i < count; i++) {
    const time = CGM_START + i * 300_000;
    const stamp = local.format(time).replace(' ', 'T');
    // The autumn hour repeats local times: a real receiver writes them; the bench keeps them once.
    if (stamp <= last) continue;
    last = stamp;
    const value = Math.round(Math.min(400, Math.max(40, 140 + 60 * Math.sin((i / 288) * 2 * Math.PI) + (next() - 0.5) * 40)));
    lines.push(`${i + 4},${stamp},EGV,,,,Android G7,${value},,,,,${i * 300},BENCH1`);
  }
  return lines.join('\r\n') + '\r\n';
}

/** What a year of CGM parses to, without timing: the seeded vaults and the baselines use it. */
function cgmReadings(count: number, seed: number): Reading[] {
  const parsed = parseReadingsFile(cgmCsv(count, seed), { timeZone: TIME_ZONE });
  if (!parsed.ok) throw new Error(parsed.error.type);
  return [...(parsed.value.series[0]?.readings ?? [])];
}

async function seedReadings(session: VaultSession, readings: readonly Reading[]): Promise<void> {
  const store = createReadings(session);
  const preview = await store.preview({ format: 'dexcom-clarity', series: [{ series: 'glucose', readings, units: ['mg/dL'] }], skipped: [], ignored: {}, ambiguousTimes: 0 });
  if (!preview.ok) throw new Error(preview.error.type);
  const landed = await store.commit(preview.value);
  if (!landed.ok) throw new Error(landed.error.type);
}

let readingsVault: VaultSession | null = null;
let plainReadings: Dexie | null = null;
let yearOfReadings: Reading[] = [];

/** The baseline: plain Dexie with the same options as the vault's database, nothing sealed. */
class PlainDatabase extends Dexie {
  constructor() {
    super(`bench-plain-${crypto.randomUUID()}`, { cache: 'disabled' });
    this.version(1).stores({ items: 'id' });
  }
}

let prepared: VaultSession | null = null;
/** The generated Apple Health export, a file on disk chosen in the page's input. */
let appleHealthFile: File | null = null;
let appleHealthPieces: (() => Promise<string | GeneratedExport | null>) | null = null;
let preparedRecoveryKey = '';

async function opfsWritable(name: string): Promise<FileSystemWritableFileStream> {
  const root = await navigator.storage.getDirectory();
  return (await root.getFileHandle(name, { create: true })).createWritable();
}

async function opfsFile(name: string): Promise<File> {
  const root = await navigator.storage.getDirectory();
  return (await root.getFileHandle(name)).getFile();
}

/**
 * A PDF of about `size` bytes: 100 pages, each with a few lines of text and an uncompressed RGB
 * image of seeded bytes (what a scan weighs), so that text extraction and the first-page
 * thumbnail do the work they do on a real scanned report.
 */
async function generatedPdf(size: number, seed: number): Promise<Uint8Array<ArrayBuffer>> {
  const pages = 100;
  const side = Math.floor(Math.sqrt(size / pages / 3));
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let index = 0; index < pages; index++) {
    const page = pdf.addPage([595, 842]);
    for (let line = 0; line < 8; line++) page.drawText(`Compte rendu page ${index + 1}, ligne ${line + 1} : hemoglobine glyquee ${seed % 97}`, { x: 40, y: 800 - line * 18, size: 11, font });
    const image = pdf.context.stream(bytes(side * side * 3, seed + index), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: side,
      Height: side,
      ColorSpace: 'DeviceRGB',
      BitsPerComponent: 8,
    });
    const reference = pdf.context.register(image);
    const name = page.node.newXObject('Scan', reference);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(515, 0, 0, 515, 40, 60), drawObject(name), popGraphicsState());
  }
  return (await pdf.save({ useObjectStreams: false })) as Uint8Array<ArrayBuffer>;
}

const bench = {
  /** Imports a generated 50 MB PDF as the app does: sealed, its text extracted, its first page drawn. */
  async importPdf(size: number, seed: number): Promise<number> {
    const session = await openVault();
    const library = createDocumentLibrary(session);
    await library.open();
    const file = new File([await generatedPdf(size, seed)], 'scan.pdf', { type: 'application/pdf' });
    // As the documents screen does when the file picker opens: pdf.js comes up while the patient chooses.
    await session.deps.analysers.warm();
    const start = performance.now();
    const stored = await library.importFile(file);
    const elapsed = performance.now() - start;
    if (!stored.ok) throw new Error(stored.error.type);
    const files = library.all()[0]?.data.files.map((entry) => entry.role) ?? [];
    if (!files.includes('text') || !files.includes('thumbnail')) throw new Error(`the PDF was not read: ${files.join(', ')}`);
    session.lock();
    return elapsed;
  },

  /** One awaited put of the same PDF's bytes into a plain Dexie table. */
  async plainPutPdf(size: number, seed: number): Promise<number> {
    const db = new PlainDatabase();
    await db.open();
    const data = await generatedPdf(size, seed);
    const start = performance.now();
    await db.table('items').put({ id: 'file', data });
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /**
   * The 20 fixed queries over 1,000 documents of 2,000 seeded French words, on the index as it is
   * after an unlock (serialised, sealed away, loaded back). Returns each query's milliseconds.
   */
  async searchQueries(documents: number, words: number, seed: number): Promise<number[]> {
    const built = createDocumentIndex();
    for (const document of frenchCorpus(seed, documents, words)) built.add(document);
    const loaded = loadDocumentIndex(built.serialise());
    if (!loaded.ok) throw new Error(loaded.error.type);
    const index = loaded.value;
    const times: number[] = [];
    for (const query of FIXED_QUERIES) {
      const start = performance.now();
      index.search(query);
      times.push(performance.now() - start);
    }
    return times;
  },

  /** 1,000 sequential sealed writes through the record repository. */
  async sealRecords(count: number, seed: number): Promise<number> {
    const session = await openVault();
    const repository = createRepository(session, documentCodec);
    const next = generator(seed);
    const documents = Array.from({ length: count }, (_, i) => documentFor(i, next));
    const start = performance.now();
    for (const data of documents) {
      const written = await repository.put(data);
      if (!written.ok) throw new Error(written.error.type);
    }
    const elapsed = performance.now() - start;
    session.lock();
    return elapsed;
  },

  /** The same documents, put one by one into a plain Dexie table. */
  async plainPuts(count: number, seed: number): Promise<number> {
    const db = new PlainDatabase();
    await db.open();
    const next = generator(seed);
    const documents = Array.from({ length: count }, (_, i) => ({ id: crypto.randomUUID(), ...documentFor(i, next) }));
    const start = performance.now();
    for (const document of documents) await db.table('items').put(document);
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /** Streams a generated file of `size` bytes into a fresh vault. */
  async importBytes(size: number, seed: number): Promise<number> {
    const session = await openVault();
    const blob = new Blob([bytes(size, seed)], { type: 'application/octet-stream' });
    const start = performance.now();
    const stored = await storeDocument(session, { title: 'Bench', note: '', files: [{ blob, name: 'bench.bin' }] });
    const elapsed = performance.now() - start;
    if (!stored.ok) throw new Error(stored.error.type);
    session.lock();
    return elapsed;
  },

  /** One awaited put of the same bytes into a plain Dexie table. */
  async plainPutBytes(size: number, seed: number): Promise<number> {
    const db = new PlainDatabase();
    await db.open();
    const data = bytes(size, seed);
    const start = performance.now();
    await db.table('items').put({ id: 'file', data });
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /** Opens a vault and waits, so the runner can measure idle memory before the import starts. */
  async prepareImport(): Promise<void> {
    prepared = await openVault();
  },

  /** Imports the file chosen in the page's file input (a file on disk) into the prepared vault. */
  async importChosenFile(): Promise<number> {
    const input = document.getElementById('file') as HTMLInputElement;
    const file = input.files?.[0];
    if (file === undefined || prepared === null) throw new Error('no file chosen or no vault prepared');
    const start = performance.now();
    const stored = await storeDocument(prepared, { title: 'From disk', note: '', files: [{ blob: file, name: file.name }] });
    const elapsed = performance.now() - start;
    if (!stored.ok) throw new Error(stored.error.type);
    prepared.lock();
    prepared = null;
    return elapsed;
  },

  /** Seals `size` bytes in STREAM chunks with the shipped cipher (AES-256-GCM via WebCrypto). */
  async streamAesGcm(size: number, seed: number): Promise<number> {
    const data = bytes(size, seed);
    const sealer = createStreamSealer(await createAesGcmChunkCipher(asFileKey(bytes(32, seed + 1))));
    const start = performance.now();
    for (let offset = 0; offset < size; offset += STREAM_CHUNK_BYTES) {
      await sealer.seal(data.subarray(offset, Math.min(size, offset + STREAM_CHUNK_BYTES)), offset + STREAM_CHUNK_BYTES >= size);
    }
    return performance.now() - start;
  },

  /** The same with pure-JS ChaCha20-Poly1305 (@noble/ciphers), the alternative DESIGN.md weighs. */
  async streamChaCha(size: number, seed: number): Promise<number> {
    const data = bytes(size, seed);
    const key = bytes(32, seed + 1);
    const start = performance.now();
    let counter = 0;
    for (let offset = 0; offset < size; offset += STREAM_CHUNK_BYTES) {
      const nonce = new Uint8Array(12);
      new DataView(nonce.buffer).setUint32(7, counter++);
      nonce[11] = offset + STREAM_CHUNK_BYTES >= size ? 1 : 0;
      chacha20poly1305(key, nonce).encrypt(data.subarray(offset, Math.min(size, offset + STREAM_CHUNK_BYTES)));
      await Promise.resolve();
    }
    return performance.now() - start;
  },

  /** A vault holding one file of `size` bytes (not timed): what the backup rows start from. */
  async prepareVaultWithFile(size: number, seed: number): Promise<void> {
    const created = await createVault(deps(), { label: 'Bench', passphrase: BENCH_PASSPHRASE });
    if (!created.ok) throw new Error(created.error.type);
    prepared = created.value.session;
    preparedRecoveryKey = created.value.recoveryKey;
    const stored = await storeDocument(prepared, { title: 'Big scan', note: '', files: [{ blob: new Blob([bytes(size, seed)]), name: 'scan.pdf' }] });
    if (!stored.ok) throw new Error(stored.error.type);
  },

  /** Exports the prepared vault as an encrypted backup into a file on disk (OPFS). */
  async backupToDisk(): Promise<number> {
    if (prepared === null) throw new Error('no vault prepared');
    const writable = await opfsWritable('backup.carnet');
    const start = performance.now();
    const exported = await exportBackup(prepared, createFileStreamSink(writable));
    const elapsed = performance.now() - start;
    if (!exported.ok) throw new Error(exported.error.type);
    return elapsed;
  },

  /** Baseline: the same stored chunk bytes read raw from IndexedDB and written raw to a file. */
  async rawCopyToDisk(): Promise<number> {
    if (prepared === null) throw new Error('no vault prepared');
    const db = new Dexie(prepared.profile.database, { cache: 'disabled' });
    await db.open();
    const chunks = db.table<Uint8Array, [string, number]>('chunks');
    const writable = await opfsWritable('raw.bin');
    const start = performance.now();
    for (const key of await chunks.toCollection().primaryKeys()) {
      const chunk = await chunks.get(key);
      if (chunk !== undefined) await writable.write(chunk as Uint8Array<ArrayBuffer>);
    }
    await writable.close();
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /** Restores the backup on disk as a new profile, with the recovery key (no Argon2id run). */
  async restoreFromDisk(): Promise<number> {
    const file = await opfsFile('backup.carnet');
    const target = { ...deps(), registry: createDexieRegistry(`bench-registry-${crypto.randomUUID()}`) };
    const start = performance.now();
    const restored = await restoreBackup(target, file, { recoveryKey: preparedRecoveryKey });
    const elapsed = performance.now() - start;
    if (!restored.ok) throw new Error(restored.error.type);
    return elapsed;
  },

  /** Baseline: the same file's bytes read raw from disk and written raw into IndexedDB. */
  async rawRestoreFromDisk(): Promise<number> {
    const file = await opfsFile('backup.carnet');
    const db = new PlainDatabase();
    await db.open();
    const start = performance.now();
    const reader = file.stream().getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(4 * STREAM_CHUNK_BYTES);
    let index = 0;
    for (;;) {
      let filled = 0;
      let done = false;
      while (filled < buffer.byteLength) {
        const read = await reader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
        // A BYOB read takes the buffer and hands it back in its result, the last one included.
        if (read.value !== undefined) buffer = read.value.buffer as ArrayBuffer;
        if (read.done) {
          done = true;
          break;
        }
        filled += read.value.byteLength;
      }
      if (filled > 0) await db.table('items').put({ id: String(index++), data: new Uint8Array(buffer, 0, filled) });
      if (done) break;
    }
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /** One Argon2id derivation in the worker with this device's calibrated parameters. */
  async kdf(): Promise<{ ms: number; memoryKiB: number; iterations: number }> {
    const kdf = createWorkerKdf();
    const params = await calibratedKdfParams({ clock: systemClock, kdf, random: systemRandom });
    const start = performance.now();
    await kdf.argon2id(new TextEncoder().encode(BENCH_PASSPHRASE), new Uint8Array(16), params);
    return { ms: performance.now() - start, memoryKiB: params.memoryKiB, iterations: params.iterations };
  },

  /** The Clarity export importCgm reads, for the runner to write to disk. */
  cgmCsvText(count: number, seed: number): string {
    return cgmCsv(count, seed);
  },

  /**
   * A year of CGM from its CSV file, as the import screen takes it: the file read, parsed,
   * planned, sealed as day-chunks and stored. The vault (made by seedVault before a reload) is
   * unlocked first, as a patient would, so that the page holds nothing but the app: creating a
   * vault loads the passphrase-strength dictionaries, and generating the CSV leaves megabytes of
   * garbage, and either would be collected inside the timing.
   */
  async importCgm(count: number, profileId: string): Promise<number> {
    const unlocked = await unlockVault(deps(), profileId, BENCH_PASSPHRASE);
    if (!unlocked.ok) throw new Error(`unlockVault: ${unlocked.error.type}`);
    const session = unlocked.value;
    const file = (document.getElementById('file') as HTMLInputElement).files?.[0];
    if (file === undefined) throw new Error('no file chosen');
    const store = createReadings(session);
    const start = performance.now();
    const text = await file.text();
    const parsed = parseReadingsFile(text, { timeZone: TIME_ZONE });
    if (!parsed.ok) throw new Error(parsed.error.type);
    const preview = await store.preview(parsed.value);
    if (!preview.ok) throw new Error(preview.error.type);
    const landed = await store.commit(preview.value);
    const elapsed = performance.now() - start;
    if (!landed.ok) throw new Error(landed.error.type);
    if ((preview.value.plans[0]?.added ?? 0) < count - 12) throw new Error('readings missing');
    session.lock();
    return elapsed;
  },

  /** Baseline: the same readings as plaintext rows, one per reading, in one bulkPut. */
  async plainPutReadings(count: number, seed: number): Promise<number> {
    const readings = cgmReadings(count, seed);
    const db = new PlainDatabase();
    await db.open();
    const rows = readings.map((reading, index) => ({ id: String(index), time: reading.time, value: reading.value, unit: reading.unit, kind: reading.kind, source: reading.source }));
    const start = performance.now();
    await db.table('items').bulkPut(rows);
    const elapsed = performance.now() - start;
    db.close();
    return elapsed;
  },

  /** A vault holding a year of CGM, and the same readings as plaintext rows indexed by time. */
  async prepareReadings(count: number, seed: number): Promise<void> {
    yearOfReadings = cgmReadings(count, seed);
    readingsVault = await openVault();
    await seedReadings(readingsVault, yearOfReadings);
    const db = new Dexie(`bench-plain-readings-${crypto.randomUUID()}`, { cache: 'disabled' });
    db.version(1).stores({ items: 'id, time' });
    await db.open();
    await db.table('items').bulkPut(yearOfReadings.map((reading, index) => ({ id: String(index), time: reading.time, value: reading.value, unit: reading.unit, kind: reading.kind, source: reading.source })));
    plainReadings = db;
  },

  /** The 90-day report: latest reading, its 90 days read and opened, and every figure computed. */
  async report90d(): Promise<number> {
    if (readingsVault === null) throw new Error('no readings prepared');
    const store = createReadings(readingsVault);
    const start = performance.now();
    const latest = await store.latest('glucose');
    if (latest === null) throw new Error('no readings');
    const period = defaultPeriod(latest, 90, TIME_ZONE);
    const { readings } = await store.load('glucose', period.start, period.end);
    const report = glucoseReport(readings, period, TIME_ZONE);
    const elapsed = performance.now() - start;
    if (report.readingCount < 25_000) throw new Error(`only ${report.readingCount} readings`);
    return elapsed;
  },

  /** Baseline: the same 90 days queried as plaintext rows by their time index. */
  async plainQuery90d(): Promise<number> {
    if (plainReadings === null) throw new Error('no readings prepared');
    const end = yearOfReadings.at(-1)?.time ?? 0;
    const period = defaultPeriod(end, 90, TIME_ZONE);
    const start = performance.now();
    const rows = await plainReadings.table('items').where('time').between(period.start, period.end, true, false).toArray();
    const elapsed = performance.now() - start;
    if (rows.length < 25_000) throw new Error(`only ${rows.length} rows`);
    return elapsed;
  },

  /** The timeline of a year, as the report draws it, from the readings to the first frame drawn. */
  drawYear: (): Promise<number> => timedDraws((host) => drawTimeline(host, yearOfReadings, 'mg/dL', TIME_ZONE, 'bench')),

  /** Baseline: bare uPlot drawing the same arrays, already built, with default options. */
  bareUplotYear(): Promise<number> {
    const { data } = timelineData(yearOfReadings, 'mg/dL');
    return timedDraws((host) => new uPlot({ width: host.clientWidth, height: 260, series: [{}, { stroke: 'blue' }] }, data, host));
  },

  /**
   * Starts generating a seeded export.xml of about `size` bytes; the runner pulls it piece by
   * piece (nextAppleHealthPiece) and writes it to a file on disk, so the page never holds more
   * than one piece and the import reads a real file, as the patient's.
   */
  startAppleHealthExport(size: number, seed: number): void {
    const queue: { piece: Uint8Array; taken: () => void }[] = [];
    let wake: (() => void) | null = null;
    // In an object: the loop below waits for the generator's callbacks to set it.
    const state: { done: GeneratedExport | null } = { done: null };
    const written = writeAppleHealthExport(size, seed, (piece) =>
      new Promise<void>((taken) => {
        queue.push({ piece, taken });
        wake?.();
      }),
    ).then((summary) => {
      state.done = summary;
      wake?.();
    });
    void written;
    appleHealthPieces = async () => {
      while (queue.length === 0 && state.done === null) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift();
      if (next === undefined) return state.done;
      next.taken();
      const url = await new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsDataURL(new Blob([next.piece as Uint8Array<ArrayBuffer>]));
      });
      return url.slice(url.indexOf(',') + 1);
    };
  },

  /** The next piece of the export in base64, or what was generated once it is all written. */
  async nextAppleHealthPiece(): Promise<string | GeneratedExport | null> {
    return appleHealthPieces === null ? null : appleHealthPieces();
  },

  /** Takes the export chosen in the page's file input (the file the runner wrote to disk). */
  chooseAppleHealthFile(): void {
    const file = (document.getElementById('file') as HTMLInputElement).files?.[0];
    if (file === undefined) throw new Error('no file chosen');
    appleHealthFile = file;
  },

  /** The baseline: the same file's bytes read to the end through `blob.stream()`, nothing done with them. */
  async readAppleHealthBytes(): Promise<number> {
    if (appleHealthFile === null) throw new Error('no export generated');
    const start = performance.now();
    const reader = appleHealthFile.stream().getReader();
    let count = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) count += chunk.value.length;
    const elapsed = performance.now() - start;
    if (count !== appleHealthFile.size) throw new Error('short read');
    return elapsed;
  },

  /** The export streamed from disk through the importer to the readings the preview is given. */
  async readAppleHealth(): Promise<number> {
    if (appleHealthFile === null) throw new Error('no export generated');
    const start = performance.now();
    const read = await readAppleHealthExport(appleHealthFile);
    const elapsed = performance.now() - start;
    if (!read.ok || read.value.incomplete !== null) throw new Error(read.ok ? 'incomplete' : read.error.type);
    return elapsed;
  },

  /** The whole import into the prepared vault: streamed, previewed against the vault, committed. */
  async importAppleHealth(): Promise<number> {
    if (appleHealthFile === null || prepared === null) throw new Error('no export generated or no vault prepared');
    const start = performance.now();
    const read = await readAppleHealthExport(appleHealthFile);
    if (!read.ok) throw new Error(read.error.type);
    const store = createReadings(prepared);
    const preview = await store.preview(read.value.parsed);
    if (!preview.ok) throw new Error(preview.error.type);
    const landed = await store.commit(preview.value);
    if (!landed.ok) throw new Error(landed.error.type);
    const elapsed = performance.now() - start;
    prepared.lock();
    prepared = null;
    return elapsed;
  },

  /** A vault with `count` documents, registered so the app's lock screen offers it. */
  async seedVault(count: number, seed: number, withReadings = 0): Promise<string> {
    const session = await openVault('Bench');
    const repository = createRepository(session, documentCodec);
    const next = generator(seed);
    for (let i = 0; i < count; i++) {
      const written = await repository.put(documentFor(i, next));
      if (!written.ok) throw new Error(written.error.type);
    }
    // What the app leaves after any change: the sealed search index and listing, saved.
    const library = createDocumentLibrary(session);
    await library.open();
    await library.indexed();
    await library.saveIndex();
    // And a year of glucose readings (DESIGN.md §7: the first screen comes with both).
    if (withReadings > 0) await seedReadings(session, cgmReadings(withReadings, seed));
    const id = session.profile.id;
    session.lock();
    return id;
  },
};

/**
 * Milliseconds to draw DRAWS charts one after another, each from its construction to its first
 * frame on the canvas. uPlot draws in the microtask it queues while being built, so awaiting one
 * microtask after it returns ends once that frame is drawn: the browser's own rendering step,
 * which used to land in the measure or not by chance, is left out on both sides. A single year
 * draws in a few milliseconds, where a stall of two or three would decide the ratio; the sum of
 * DRAWS steadies it.
 */
async function timedDraws(draw: (host: HTMLDivElement) => { destroy(): void }): Promise<number> {
  let elapsed = 0;
  for (let index = 0; index < DRAWS; index++) {
    const host = chartHost();
    const start = performance.now();
    const chart = draw(host);
    await Promise.resolve();
    elapsed += performance.now() - start;
    chart.destroy();
    host.remove();
  }
  return elapsed;
}

function chartHost(): HTMLDivElement {
  const host = document.createElement('div');
  host.style.width = '1000px';
  document.body.append(host);
  return host;
}

declare global {
  interface Window {
    carnetBench: typeof bench;
  }
}

window.carnetBench = bench;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
