/**
 * A day of one series as it is sealed in a `series-chunk` record (docs/format.md §5.4): a compact
 * binary layout, about 13 bytes a reading, so a day of 5-minute glucose is under 4 KB and a year
 * loads as 365 small rows instead of 105,000 (DESIGN.md §4).
 *
 * Chunks merge as the union of their entries keyed by (time, source, kind), never last-writer-wins on a
 * day: two devices that import the same day both keep their readings (DESIGN.md §5). A deletion
 * is a per-entry tombstone that wins over the reading it deletes, so merging is commutative,
 * associative and idempotent, and the encoding is canonical (sorted, shared source table), so two
 * replicas that agree hold the same bytes.
 */
import { fromUtf8, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import {
  READING_KINDS,
  SERIES,
  SERIES_IDS,
  sourceKey,
  unitByCode,
  unitOf,
  type Reading,
  type ReadingBound,
  type ReadingSource,
  type SeriesId,
} from './series.ts';

export const DAY_MS = 86_400_000;
export const DAY_CHUNK_VERSION = 1;
/** More than a reading a second all day long is not a device: refused as damaged. */
export const MAX_CHUNK_ENTRIES = 100_000;
export const MAX_CHUNK_SOURCES = 1_000;
const MAX_SOURCE_TEXT = 300;
const ENTRY_BYTES = 13;
const MAX_EXPONENT = 6;

export interface ChunkEntry {
  readonly reading: Reading;
  /** A tombstone: the reading at this (time, source, kind) was deleted, and stays deleted. */
  readonly deleted: boolean;
}

export interface DayChunk {
  readonly series: SeriesId;
  /** Whole days since 1970-01-01 UTC. */
  readonly day: number;
  /** Sorted by time, source key, then kind; one entry per (time, source, kind). */
  readonly entries: readonly ChunkEntry[];
}

export type DayChunkError =
  | { readonly type: 'ChunkVersionUnsupported'; readonly version: number }
  | { readonly type: 'ChunkMalformed'; readonly detail: string };

export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** The readings a chunk holds, without its tombstones. */
export function liveReadings(chunk: DayChunk): Reading[] {
  const out: Reading[] = [];
  for (const entry of chunk.entries) if (!entry.deleted) out.push(entry.reading);
  return out;
}

/** A value as mantissa × 10^-exponent, exponent 0..6: exact for any decimal written with ≤ 6 places. */
export function decimalOf(value: number): { mantissa: number; exponent: number } {
  for (let exponent = 0; exponent <= MAX_EXPONENT; exponent++) {
    const scale = 10 ** exponent;
    const mantissa = Math.round(value * scale);
    if (mantissa / scale === value) return { mantissa, exponent };
  }
  return { mantissa: Math.round(value * 10 ** MAX_EXPONENT), exponent: MAX_EXPONENT };
}

const KIND_CODES = READING_KINDS;
const BOUND_CODES: readonly ReadingBound[] = [null, 'below', 'above'];
const TOMBSTONE = 0x80;
const RESERVED_FLAGS = 0x70;

function compareEntries(a: ChunkEntry, b: ChunkEntry, keyOf: (source: ReadingSource) => string): number {
  if (a.reading.time !== b.reading.time) return a.reading.time - b.reading.time;
  const ka = keyOf(a.reading.source);
  const kb = keyOf(b.reading.source);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return KIND_CODES.indexOf(a.reading.kind) - KIND_CODES.indexOf(b.reading.kind);
}

/** Entries sorted as a chunk stores them: checked in one pass, and sorted only when they are not. */
function canonicalOrder(entries: readonly ChunkEntry[], keyOf: (source: ReadingSource) => string): readonly ChunkEntry[] {
  for (let index = 1; index < entries.length; index++) {
    if (compareEntries(entries[index - 1] as ChunkEntry, entries[index] as ChunkEntry, keyOf) > 0) return [...entries].sort((a, b) => compareEntries(a, b, keyOf));
  }
  return entries;
}

/** Memoises source keys by object: the readings of one import share one source object. */
function sourceKeys(): (source: ReadingSource) => string {
  const cache = new Map<ReadingSource, string>();
  return (source) => {
    let key = cache.get(source);
    if (key === undefined) {
      key = sourceKey(source);
      cache.set(source, key);
    }
    return key;
  };
}

function flagsOf(entry: ChunkEntry): number {
  return KIND_CODES.indexOf(entry.reading.kind) | (BOUND_CODES.indexOf(entry.reading.bound) << 2) | (entry.deleted ? TOMBSTONE : 0);
}

export function encodeDayChunk(chunk: DayChunk): Uint8Array {
  const keyOf = sourceKeys();
  const sorted = canonicalOrder(chunk.entries, keyOf);
  // The source table: each source object's key worked out once, then one lookup per entry.
  const keys = new Map<ReadingSource, string>();
  for (const entry of sorted) if (!keys.has(entry.reading.source)) keys.set(entry.reading.source, keyOf(entry.reading.source));
  const sourceTexts = Array.from(new Set(keys.values())).sort();
  const textIndex = new Map(sourceTexts.map((text, index) => [text, index]));
  const sourceIndex = new Map(Array.from(keys, ([source, key]) => [source, textIndex.get(key) as number]));
  const encodedSources = sourceTexts.map((text) => utf8(text));
  const seriesCode = SERIES[chunk.series].code;
  const size = 1 + 1 + 4 + 2 + encodedSources.reduce((sum, bytes) => sum + 2 + bytes.length, 0) + 4 + sorted.length * ENTRY_BYTES;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at, DAY_CHUNK_VERSION);
  view.setUint8(at + 1, seriesCode);
  view.setUint32(at + 2, chunk.day);
  view.setUint16(at + 6, encodedSources.length);
  at += 8;
  for (const bytes of encodedSources) {
    view.setUint16(at, bytes.length);
    out.set(bytes, at + 2);
    at += 2 + bytes.length;
  }
  view.setUint32(at, sorted.length);
  at += 4;
  const start = chunk.day * DAY_MS;
  let unitLabel = '';
  let unitCode = 0;
  // Readings of one import share a source object: its index is looked up when it changes.
  let source: ReadingSource | null = null;
  let sourceAt = 0;
  for (let index = 0; index < sorted.length; index++) {
    const entry = sorted[index] as ChunkEntry;
    const reading = entry.reading;
    if (reading.unit !== unitLabel) {
      const unit = unitOf(chunk.series, reading.unit);
      if (unit === undefined) throw new Error(`${reading.unit} is not a unit of ${chunk.series}`);
      unitLabel = reading.unit;
      unitCode = unit.code;
    }
    const offset = reading.time - start;
    if (!Number.isInteger(offset) || offset < 0 || offset >= DAY_MS) throw new Error('reading outside its day');
    // Whole values (mg/dL, most of them) need no search for their exponent.
    let mantissa = reading.value;
    let exponent = 0;
    if (!Number.isInteger(mantissa)) ({ mantissa, exponent } = decimalOf(reading.value));
    if (!Number.isSafeInteger(mantissa) || mantissa > 0x7fffffff || mantissa < -0x80000000) throw new Error('value out of the chunk range');
    if (reading.source !== source) {
      source = reading.source;
      sourceAt = sourceIndex.get(source) as number;
    }
    view.setUint32(at, offset);
    view.setUint16(at + 4, sourceAt);
    view.setUint8(at + 6, unitCode);
    view.setUint8(at + 7, flagsOf(entry));
    view.setInt32(at + 8, mantissa);
    view.setInt8(at + 12, exponent);
    at += ENTRY_BYTES;
  }
  return out;
}

function parseSource(text: string): ReadingSource | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [importer, device, serial] = value as unknown[];
  const field = (item: unknown, nullable: boolean) =>
    (typeof item === 'string' && item.length > 0 && item.length <= MAX_SOURCE_TEXT) || (nullable && item === null);
  if (!field(importer, false) || !field(device, true) || !field(serial, true)) return undefined;
  return { importer: importer as string, device: device as string | null, serial: serial as string | null };
}

/**
 * Reads a chunk back, refusing anything a writer could not have produced: unsorted or repeated
 * entries, a source out of the table, a unit the series does not have, reserved flag bits.
 */
export function decodeDayChunk(bytes: Uint8Array): Result<DayChunk, DayChunkError> {
  const bad = (detail: string) => err({ type: 'ChunkMalformed' as const, detail });
  if (bytes.length < 12) return bad('shorter than a header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== DAY_CHUNK_VERSION) return err({ type: 'ChunkVersionUnsupported', version });
  const series = SERIES_IDS.find((id) => SERIES[id].code === view.getUint8(1));
  if (series === undefined) return bad('unknown series');
  const day = view.getUint32(2);
  const sourceCount = view.getUint16(6);
  if (sourceCount > MAX_CHUNK_SOURCES) return bad('too many sources');
  let at = 8;
  const sources: ReadingSource[] = [];
  const texts: string[] = [];
  for (let index = 0; index < sourceCount; index++) {
    if (at + 2 > bytes.length) return bad('source table cut short');
    const length = view.getUint16(at);
    if (at + 2 + length > bytes.length) return bad('source table cut short');
    const text = fromUtf8(bytes.subarray(at + 2, at + 2 + length));
    const source = parseSource(text);
    if (source === undefined || sourceKey(source) !== text) return bad(`source ${index} is not a source`);
    if (index > 0 && text <= (texts[index - 1] as string)) return bad('sources out of order');
    sources.push(source);
    texts.push(text);
    at += 2 + length;
  }
  if (at + 4 > bytes.length) return bad('entry count missing');
  const count = view.getUint32(at);
  at += 4;
  if (count > MAX_CHUNK_ENTRIES) return bad('too many entries');
  if (bytes.length - at !== count * ENTRY_BYTES) return bad('entries do not fill the chunk');
  const start = day * DAY_MS;
  const entries: ChunkEntry[] = [];
  const used = new Uint8Array(sourceCount);
  let previousOffset = -1;
  let previousSource = -1;
  let previousKind = -1;
  for (let index = 0; index < count; index++, at += ENTRY_BYTES) {
    const offset = view.getUint32(at);
    const sourceIndex = view.getUint16(at + 4);
    const unit = unitByCode(series, view.getUint8(at + 6));
    const flags = view.getUint8(at + 7);
    const mantissa = view.getInt32(at + 8);
    const exponent = view.getInt8(at + 12);
    if (offset >= DAY_MS) return bad(`entry ${index} outside its day`);
    if (sourceIndex >= sourceCount) return bad(`entry ${index} names no source`);
    const kindCode = flags & 0x03;
    const order = offset - previousOffset || sourceIndex - previousSource || kindCode - previousKind;
    if (order <= 0) return bad(`entry ${index} out of order`);
    if (unit === undefined) return bad(`entry ${index} has an unknown unit`);
    const kind = KIND_CODES[kindCode];
    const bound = BOUND_CODES[(flags >> 2) & 0x03];
    if ((flags & RESERVED_FLAGS) !== 0 || kind === undefined || bound === undefined) return bad(`entry ${index} has reserved flags`);
    if (exponent < 0 || exponent > MAX_EXPONENT) return bad(`entry ${index} has a bad exponent`);
    previousOffset = offset;
    previousSource = sourceIndex;
    previousKind = kindCode;
    used[sourceIndex] = 1;
    entries.push({
      reading: {
        time: start + offset,
        value: mantissa / 10 ** exponent,
        unit: unit.label as Reading['unit'],
        kind,
        bound,
        source: sources[sourceIndex] as ReadingSource,
      },
      deleted: (flags & TOMBSTONE) !== 0,
    });
  }
  if (used.some((flag) => flag === 0)) return bad('a source no entry uses');
  return ok({ series, day, entries });
}

/**
 * Between two entries for the same (time, source, kind): a tombstone wins; otherwise the larger
 * encoding, an arbitrary but total order, so that every replica picks the same one.
 */
function winner(a: ChunkEntry, b: ChunkEntry): ChunkEntry {
  if (a.deleted !== b.deleted) return a.deleted ? a : b;
  const da = decimalOf(a.reading.value);
  const db = decimalOf(b.reading.value);
  const ka = [flagsOf(a), a.reading.unit, da.exponent, da.mantissa];
  const kb = [flagsOf(b), b.reading.unit, db.exponent, db.mantissa];
  for (let index = 0; index < ka.length; index++) {
    if (ka[index] !== kb[index]) return (ka[index] as number | string) > (kb[index] as number | string) ? a : b;
  }
  return a;
}

/**
 * What identifies a reading within its series: time, source and kind. A LibreView scan and the
 * sensor's own reading can share a minute and a device; they are still two readings.
 */
export function entryKey(reading: Reading, keyOf: (source: ReadingSource) => string = sourceKey): string {
  return `${reading.time}|${reading.kind}|${keyOf(reading.source)}`;
}

/**
 * Entries in canonical order with one per identity (the winner where several share one). Stored
 * and freshly grouped entries are in order already: checked in one pass, not sorted again.
 */
function canonical(entries: readonly ChunkEntry[], keyOf: (source: ReadingSource) => string): readonly ChunkEntry[] {
  let ordered = true;
  for (let index = 1; index < entries.length && ordered; index++) ordered = compareEntries(entries[index - 1] as ChunkEntry, entries[index] as ChunkEntry, keyOf) < 0;
  if (ordered) return entries;
  const out: ChunkEntry[] = [];
  for (const entry of [...entries].sort((x, y) => compareEntries(x, y, keyOf))) {
    const last = out[out.length - 1];
    if (last !== undefined && compareEntries(last, entry, keyOf) === 0) out[out.length - 1] = winner(last, entry);
    else out.push(entry);
  }
  return out;
}

/**
 * The union of two replicas of the same day: commutative, associative, idempotent. Both sides
 * are put in canonical order, then merged in one pass, as sorted lists are.
 */
export function mergeDayChunks(a: DayChunk, b: DayChunk): DayChunk {
  if (a.series !== b.series || a.day !== b.day) throw new Error('merging chunks of different days');
  const keyOf = sourceKeys();
  const left = canonical(a.entries, keyOf);
  const right = canonical(b.entries, keyOf);
  const entries: ChunkEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const x = left[i] as ChunkEntry;
    const y = right[j] as ChunkEntry;
    const order = compareEntries(x, y, keyOf);
    if (order < 0) {
      entries.push(x);
      i++;
    } else if (order > 0) {
      entries.push(y);
      j++;
    } else {
      entries.push(winner(x, y));
      i++;
      j++;
    }
  }
  while (i < left.length) entries.push(left[i++] as ChunkEntry);
  while (j < right.length) entries.push(right[j++] as ChunkEntry);
  return { series: a.series, day: a.day, entries };
}

/** Groups readings of one series by UTC day, as chunks holding only them. */
export function chunksOf(series: SeriesId, readings: readonly Reading[]): DayChunk[] {
  const byDay = new Map<number, ChunkEntry[]>();
  // Sorted readings come a day at a time: the day's list is looked up when the day changes.
  let day = Number.NaN;
  let entries: ChunkEntry[] = [];
  for (const reading of readings) {
    const readingDay = dayOf(reading.time);
    if (readingDay !== day) {
      day = readingDay;
      let list = byDay.get(day);
      if (list === undefined) byDay.set(day, (list = []));
      entries = list;
    }
    entries.push({ reading, deleted: false });
  }
  // What merging each day into an empty one gives, without copying a day that is in order already.
  const keyOf = sourceKeys();
  return Array.from(byDay, ([chunkDay, chunkEntries]) => ({ series, day: chunkDay, entries: canonical(chunkEntries, keyOf) }));
}
