/**
 * "Download my data": every document the patient reads, decrypted, in one plain ZIP with its
 * index as a FHIR R4 Bundle (core/export/fhir-documents.ts) and a short readme. The patient's
 * right to take their data elsewhere, in formats other software reads.
 *
 * The archive is NOT encrypted: that is its purpose, and the UI says so before it starts.
 *
 * What must stay true: a file is never whole in memory. Each is decrypted one chunk at a time and
 * handed to fflate's streaming Zip, whose output is written to the sink before the next chunk is
 * read (the sink's promise is the backpressure). Whatever stops the export (a damaged file, a
 * cancel, a failing sink, a lock), the sink is aborted and no archive is returned.
 * fflate writes no ZIP64, so an archive is refused before its offsets would overflow 32 bits.
 */
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { documentsToFhirBundle } from '../core/export/fhir-documents.ts';
import { createFhirBundleWriter } from '../core/export/fhir-observations.ts';
import { readingsToCsv } from '../core/export/readings-csv.ts';
import { DAY_MS } from '../core/readings/day-chunk.ts';
import type { Reading, SeriesId } from '../core/readings/series.ts';
import { planArchive, type ArchivedDocument } from '../core/export/zip-paths.ts';
import type { BackupSink } from '../core/ports.ts';
import type { DocumentData, FileRef } from '../core/records/document.ts';
import { err, ok, type Result } from '../core/result.ts';
import { FileReadFailure, readFileStream, type FileReadError, type TransferOptions } from './files.ts';
import { release } from './memory.ts';
import type { StoredRecord } from './records.ts';
import type { VaultSession } from './session.ts';

export type ExportDataError =
  | { readonly type: 'ExportCancelled' }
  /** A stored file failed to decrypt or is incomplete: `document` is its title, `file` its name. */
  | { readonly type: 'ExportFileDamaged'; readonly document: string; readonly file: string; readonly cause: FileReadError }
  | { readonly type: 'ExportWriteFailed' }
  /** A day of readings failed to open: the export stops rather than leave it out silently. */
  | { readonly type: 'ExportReadingsDamaged' }
  /** Beyond what a ZIP without ZIP64 can hold: 4 GiB, or 65,534 entries. */
  | { readonly type: 'ExportTooLarge' };

export interface ExportDataSummary {
  /** Document files in the archive (the bundle and the readme not counted). */
  readonly files: number;
  /** The archive's size. */
  readonly bytes: number;
}

export interface ExportDataOptions extends TransferOptions {
  /** The export's time: the Bundle's timestamp and the readme's date. */
  readonly now: number;
  /** The readings to add, read from the vault a window of days at a time; none when absent. */
  readonly readings?: ReadingsSource;
  /** The patient's time zone, for the local times of the readings CSV. */
  readonly timeZone?: string;
}

/** What the export needs of the readings store (app/readings.ts). */
export interface ReadingsSource {
  days(series: SeriesId): Promise<number[]>;
  damaged(): Promise<number>;
  load(series: SeriesId, start: number, end: number): Promise<{ readings: Reading[]; failures: readonly unknown[] }>;
}

export const BUNDLE_PATH = 'bundle.json';
export const README_PATH = 'LISEZMOI.txt';
export const READINGS_BUNDLE_PATH = 'readings/observations.json';
export const readingsCsvPath = (series: SeriesId) => `readings/${series}.csv`;
/** Readings are read from the vault this many days at a time: a month of CGM is about 9,000. */
const READINGS_WINDOW_DAYS = 31;
const READINGS_SERIES: readonly SeriesId[] = ['glucose', 'weight'];

/** The largest archive whose sizes and offsets fit ZIP's 32-bit fields (all ones means ZIP64). */
const ZIP32_MAX_BYTES = 0xffff_fffe;
const ZIP32_MAX_ENTRIES = 0xfffe;
/** Per entry: local header (30), data descriptor (16), central directory header (46), and the name twice. */
const ENTRY_OVERHEAD_BYTES = 30 + 16 + 46;
const END_OF_CENTRAL_DIRECTORY_BYTES = 22;
/** The bundle is handed to the Zip in pieces this size, so no single write is the whole index. */
const TEXT_PIECE_BYTES = 1024 * 1024;
// ZIP stores local time from 1980 to 2107 (fflate: to 2099); a day's margin keeps any time zone in range.
const DOS_FIRST = new Date(1980, 0, 2).getTime();
const DOS_LAST = new Date(2099, 11, 30).getTime();

class ExportDataAbort extends Error {
  constructor(readonly error: ExportDataError) {
    super(error.type);
  }
}

/** PDFs and images are compressed already: stored as they are. Text and XML shrink well. */
function deflates(file: FileRef): boolean {
  return file.format === 'text' || file.format === 'cda' || /^text\/|[+/](xml|json)$/i.test(file.type);
}

function zipTime(millis: number): number {
  return Math.min(Math.max(millis, DOS_FIRST), DOS_LAST);
}

function readme(now: number, documents: number, files: number): string {
  const day = new Date(now).toISOString().slice(0, 10);
  return [
    `Carnet : vos documents de santé, exportés le ${day} (UTC).`,
    '',
    'ATTENTION : cette archive n’est PAS chiffrée. Toute personne qui obtient ce fichier peut lire',
    'vos documents. Rangez-la en lieu sûr et supprimez-la quand vous n’en avez plus besoin.',
    '',
    `- documents/ : ${documents} document(s), ${files} fichier(s). Un dossier par document, nommé`,
    '  « date du soin titre » (« sans-date » si la date n’est pas connue), avec les fichiers tels',
    '  que vous les avez ajoutés et ceux que Carnet en a tirés (le PDF lisible d’un document CDA,',
    '  les pièces jointes). Les documents masqués sont inclus ; ceux de la corbeille ne le sont pas.',
    '- bundle.json : la liste des documents au format FHIR R4 (un Bundle de DocumentReference) :',
    '  titre, dates, catégorie, type, source, étiquettes, note, et pour chaque fichier son chemin',
    '  dans cette archive (attachment.url). Un logiciel de santé compatible FHIR peut le lire.',
    '- readings/ : vos mesures (glycémie, poids), un fichier CSV par mesure (heure UTC et locale,',
    '  valeur et unité telles qu’enregistrées, type, appareil), et observations.json, les mêmes',
    '  mesures au format FHIR R4 (un Bundle d’Observation avec codes LOINC et unités UCUM).',
    '',
    '---',
    '',
    `Carnet: your health documents, exported on ${day} (UTC).`,
    '',
    'WARNING: this archive is NOT encrypted. Anyone who gets this file can read your documents.',
    'Keep it somewhere safe and delete it when you no longer need it.',
    '',
    `- documents/: ${documents} document(s), ${files} file(s). One folder per document, named`,
    '  "date of care title" ("sans-date" when the date is unknown), holding the files as you added',
    '  them and those Carnet read out of them (the viewable PDF of a CDA document, attachments).',
    '  Hidden documents are included; documents in the trash are not.',
    '- bundle.json: the list of documents as FHIR R4 (a Bundle of DocumentReference): title, dates,',
    '  category, type, source, tags, note, and for each file its path in this archive',
    '  (attachment.url). FHIR-compatible health software can read it.',
    '- readings/: your readings (glucose, weight), one CSV file per kind (UTC and local time, value',
    '  and unit as recorded, kind, device), and observations.json, the same readings as FHIR R4',
    '  (a Bundle of Observation with LOINC codes and UCUM units).',
    '',
  ].join('\r\n');
}

/** What the archive will weigh at most, stored without compression: to refuse it before writing. */
function archiveBound(plan: readonly ArchivedDocument[], texts: readonly { path: string; bytes: number }[]): { bytes: number; entries: number } {
  const encoder = new TextEncoder();
  const entries = [...plan.flatMap((document) => document.files.map((entry) => ({ path: entry.path, bytes: entry.file.size }))), ...texts];
  // Deflate's worst case on incompressible input adds 5 bytes per 16 KiB block.
  const bytes = entries.reduce((sum, entry) => sum + ENTRY_OVERHEAD_BYTES + 2 * encoder.encode(entry.path).length + entry.bytes + 5 * Math.ceil(entry.bytes / 16384), END_OF_CENTRAL_DIRECTORY_BYTES);
  return { bytes, entries: entries.length };
}

/**
 * Streams every document not in the trash (hidden ones included) into `sink` as a ZIP, then its
 * FHIR index and readme, and closes the sink. Progress counts the document bytes decrypted.
 * On any failure the sink is aborted and the typed error returned.
 */
export async function exportMyData(
  session: VaultSession,
  documents: readonly StoredRecord<DocumentData>[],
  sink: BackupSink,
  options: ExportDataOptions,
): Promise<Result<ExportDataSummary, ExportDataError>> {
  const { signal, onProgress, now } = options;
  const plan = planArchive(documents);
  const fileCount = plan.reduce((sum, document) => sum + document.files.length, 0);
  const total = plan.reduce((sum, document) => sum + document.files.reduce((bytes, entry) => bytes + entry.file.size, 0), 0);
  const bundle = strToU8(`${JSON.stringify(documentsToFhirBundle(plan, now), null, 2)}\n`);
  const notice = strToU8(readme(now, plan.length, fileCount));
  const bound = archiveBound(plan, [
    { path: BUNDLE_PATH, bytes: bundle.length },
    { path: README_PATH, bytes: notice.length },
  ]);

  // What fflate emits, synchronously as it is pushed, waiting for the sink.
  let pending: Uint8Array[] = [];
  let zipFailure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error === null) pending.push(chunk);
    else zipFailure = error;
  });
  let written = 0;
  let done = 0;

  const flush = async () => {
    // fflate reports a misuse through the callback: a bug, thrown as one.
    if (zipFailure !== null) throw zipFailure;
    const chunks = pending;
    pending = [];
    for (const chunk of chunks) {
      written += chunk.length;
      // The bound above is checked first; this guards what deflate might add beyond it.
      if (written > ZIP32_MAX_BYTES) throw new ExportDataAbort({ type: 'ExportTooLarge' });
      try {
        await sink.write(chunk);
      } catch {
        throw new ExportDataAbort({ type: 'ExportWriteFailed' });
      }
    }
  };

  const cancelled = () => {
    if (signal?.aborted === true) throw new ExportDataAbort({ type: 'ExportCancelled' });
  };

  const addEntry = (path: string, compress: boolean, mtime: number) => {
    const entry = compress ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
    entry.mtime = zipTime(mtime);
    zip.add(entry);
    return entry;
  };

  const addText = async (path: string, bytes: Uint8Array) => {
    const entry = addEntry(path, true, now);
    for (let offset = 0; offset < bytes.length || offset === 0; offset += TEXT_PIECE_BYTES) {
      const end = Math.min(bytes.length, offset + TEXT_PIECE_BYTES);
      entry.push(bytes.subarray(offset, end), end === bytes.length);
      await flush();
    }
  };

  const addFile = async (document: ArchivedDocument, file: FileRef, path: string) => {
    const entry = addEntry(path, deflates(file), document.data.addedAt);
    const reader = readFileStream(session, file).getReader();
    try {
      for (;;) {
        cancelled();
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          if (error instanceof FileReadFailure)
            throw new ExportDataAbort({ type: 'ExportFileDamaged', document: document.data.title, file: file.name, cause: error.error });
          throw error;
        }
        if (next.done) {
          entry.push(new Uint8Array(0), true);
          await flush();
          return;
        }
        const length = next.value.length;
        entry.push(next.value, false);
        await flush();
        // Written (the sink's contract) or copied into the deflater: nobody holds it any more.
        release(next.value);
        done += length;
        onProgress?.({ done, total });
      }
    } finally {
      // Stops the decryption read-ahead when leaving early; a finished or failed stream ignores it.
      await reader.cancel().catch(() => {});
    }
  };

  /** Text made piece by piece (CSV lines, Observations), deflated and flushed about every 256 KiB. */
  const addPieces = async (path: string, pieces: AsyncIterable<string>) => {
    const entry = addEntry(path, true, now);
    const encoder = new TextEncoder();
    let batch = '';
    for await (const piece of pieces) {
      batch += piece;
      if (batch.length >= 256 * 1024) {
        entry.push(encoder.encode(batch), false);
        batch = '';
        await flush();
        cancelled();
      }
    }
    entry.push(encoder.encode(batch), true);
    await flush();
  };

  /** A series' readings, a window of days at a time, in time order; a damaged day stops the export. */
  async function* windows(series: SeriesId): AsyncGenerator<Reading[], void, undefined> {
    const source = options.readings;
    if (source === undefined) return;
    const days = await source.days(series);
    const first = days[0];
    const last = days.at(-1);
    if (first === undefined || last === undefined) return;
    for (let day = first; day <= last; day += READINGS_WINDOW_DAYS) {
      const loaded = await source.load(series, day * DAY_MS, Math.min(last + 1, day + READINGS_WINDOW_DAYS) * DAY_MS);
      if (loaded.failures.length > 0) throw new ExportDataAbort({ type: 'ExportReadingsDamaged' });
      yield loaded.readings;
    }
  }

  const addReadings = async () => {
    if (options.readings === undefined) return;
    if ((await options.readings.damaged()) > 0) throw new ExportDataAbort({ type: 'ExportReadingsDamaged' });
    const present: SeriesId[] = [];
    for (const series of READINGS_SERIES) if ((await options.readings.days(series)).length > 0) present.push(series);
    if (present.length === 0) return;
    const zone = options.timeZone ?? 'UTC';
    for (const series of present) {
      await addPieces(
        readingsCsvPath(series),
        (async function* () {
          let header = true;
          for await (const readings of windows(series)) {
            yield* readingsToCsv(readings, zone, { header });
            header = false;
          }
        })(),
      );
    }
    const writer = createFhirBundleWriter(now);
    await addPieces(
      READINGS_BUNDLE_PATH,
      (async function* () {
        for (const series of present) for await (const readings of windows(series)) yield* writer.write({ series, readings });
        yield writer.close();
      })(),
    );
  };

  try {
    if (bound.bytes > ZIP32_MAX_BYTES || bound.entries > ZIP32_MAX_ENTRIES) throw new ExportDataAbort({ type: 'ExportTooLarge' });
    onProgress?.({ done, total });
    for (const document of plan) for (const { file, path } of document.files) await addFile(document, file, path);
    cancelled();
    await addReadings();
    cancelled();
    await addText(BUNDLE_PATH, bundle);
    await addText(README_PATH, notice);
    zip.end();
    await flush();
    try {
      await sink.close();
    } catch {
      throw new ExportDataAbort({ type: 'ExportWriteFailed' });
    }
  } catch (error) {
    zip.terminate();
    await sink.abort().catch(() => {});
    if (error instanceof ExportDataAbort) return err(error.error);
    // The vault locked under the export (auto-lock, another tab): it stopped, as a cancel does.
    if (session.isLocked()) return err({ type: 'ExportCancelled' });
    throw error;
  }
  return ok({ files: fileCount, bytes: written });
}
