/**
 * Readings as the vault keeps them (docs/format.md §5.4, §9.3): one sealed `series-chunk` record
 * per series and UTC day, under an id that is a keyed MAC of (series, day), so that every device
 * names the same day the same way and sync merges the two (DESIGN.md §5) without anyone learning
 * which day or which series a record holds.
 *
 * An import is planned first (what is new, what is already there, what a second uploader sent
 * twice) and then landed in one transaction: every day it touches, or none. At commit each
 * planned day is merged again with what is stored at that moment, so a write from another tab in
 * between is kept, never overwritten (the merge is a union).
 */
import { fromUtf8, toHex, utf8 } from '../core/bytes.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope, sealEnvelope, type EnvelopeBinding, type EnvelopeError } from '../core/crypto/envelope.ts';
import { mac } from '../core/crypto/keys.ts';
import type { RecordRow, StoreError } from '../core/ports.ts';
import { dayOf, decodeDayChunk, encodeDayChunk, mergeDayChunks, type DayChunk, type DayChunkError } from '../core/readings/day-chunk.ts';
import type { ParsedReadings } from '../core/readings/parsed.ts';
import { daysToRead, planReadings, type ReadingsPlan } from '../core/readings/plan.ts';
import { isPlausible, isSeriesId, SERIES_IDS, type Reading, type SeriesId } from '../core/readings/series.ts';
import { recordBinding, type RecordId } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { HlcError, HlcStamp } from '../core/records/hlc.ts';
import { sealRows } from './records.ts';
import type { VaultSession } from './session.ts';

const KIND = 'series-chunk';
const CATALOGUE = 'series-days';

export type ReadingsError =
  | { readonly type: 'ReadingsDayTampered'; readonly id: string; readonly cause: EnvelopeError }
  | { readonly type: 'ReadingsDayUnreadable'; readonly id: string; readonly cause: DayChunkError }
  | { readonly type: 'ReadingImplausible' }
  | StoreError
  | HlcError;

/** The record id of a series' day: the first 16 bytes of a MAC under the name-MAC subkey. */
export function chunkId(session: VaultSession, series: SeriesId, day: number): string {
  return toHex(mac(session.keys().nameMac, utf8(`carnet/v1/series-chunk/${series}/${day}`)).subarray(0, 16));
}

function catalogueBinding(session: VaultSession): EnvelopeBinding {
  return { domain: 'search-index', vaultId: session.vaultId, kind: CATALOGUE, id: 'readings' };
}

export interface ImportPreview {
  readonly parsed: ParsedReadings;
  readonly plans: readonly ReadingsPlan[];
}

export interface LoadedReadings {
  readonly readings: Reading[];
  /** Days that failed to open: reported, never silently dropped. */
  readonly failures: ReadingsError[];
}

/**
 * The days each series has, and how many chunk records did not open when it was built (a
 * damaged day cannot say which day it is, but it is counted, never silently forgotten).
 */
interface Catalogue {
  count: number;
  damaged: number;
  days: Map<SeriesId, Set<number>>;
}

export function createReadings(session: VaultSession) {
  /** Which days each series has, as last saved; checked against the number of chunk records. */
  let catalogue: Catalogue | null = null;

  function openChunk(row: RecordRow): Result<DayChunk, ReadingsError> {
    const opened = openEnvelope(session.keys().record, recordBinding(session.vaultId, KIND, row.id), row.envelope);
    if (!opened.ok) return err({ type: 'ReadingsDayTampered', id: row.id, cause: opened.error });
    const chunk = decodeDayChunk(opened.value);
    return chunk.ok ? chunk : err({ type: 'ReadingsDayUnreadable', id: row.id, cause: chunk.error });
  }

  /** `known` is the catalogue when the caller has just checked it (a commit), saving a second count. */
  async function readChunks(series: SeriesId, wanted: readonly number[], known?: Catalogue): Promise<{ chunks: DayChunk[]; failures: ReadingsError[] }> {
    // Only the days that exist: a year imported into an empty vault reads nothing. While a
    // chunk the catalogue cannot place (damaged) exists, every wanted day is read, so that the
    // damaged one is reported and never written over.
    const catalogueNow = known ?? (await currentCatalogue());
    const present = catalogueNow.days.get(series) ?? new Set<number>();
    const days = catalogueNow.damaged > 0 ? wanted : wanted.filter((day) => present.has(day));
    if (days.length === 0) return { chunks: [], failures: [] };
    const ids = days.map((day) => chunkId(session, series, day));
    const rows = await session.store().readRecords(ids);
    const chunks: DayChunk[] = [];
    const failures: ReadingsError[] = [];
    rows.forEach((row, index) => {
      if (row === undefined) return;
      const opened = openChunk(row);
      if (!opened.ok) failures.push(opened.error);
      // A chunk sealed under this id must be of this day: anything else was moved.
      else if (opened.value.series !== series || opened.value.day !== days[index]) failures.push({ type: 'ReadingsDayUnreadable', id: row.id, cause: { type: 'ChunkMalformed', detail: 'not the day its id names' } });
      else chunks.push(opened.value);
    });
    return { chunks, failures };
  }

  async function saveCatalogue(next: Catalogue): Promise<void> {
    catalogue = next;
    const { count, damaged, days } = next;
    const body = JSON.stringify({ v: 1, count, damaged, series: Object.fromEntries(Array.from(days, ([series, set]) => [series, Array.from(set).sort((a, b) => a - b)])) });
    const envelope = sealEnvelope(session.keys().searchIndex, session.deps.random.bytes(XNONCE_BYTES), catalogueBinding(session), utf8(body));
    // Derived and local: losing it costs a rebuild, never data.
    await session.store().writeDerived(CATALOGUE, envelope);
  }

  function parseCatalogue(bytes: Uint8Array): Catalogue | null {
    try {
      const body = JSON.parse(fromUtf8(bytes)) as { v?: unknown; count?: unknown; damaged?: unknown; series?: unknown };
      if (body.v !== 1 || typeof body.count !== 'number' || typeof body.series !== 'object' || body.series === null) return null;
      if (typeof body.damaged !== 'number' || !Number.isSafeInteger(body.damaged) || body.damaged < 0) return null;
      const days = new Map<SeriesId, Set<number>>();
      for (const [series, list] of Object.entries(body.series as Record<string, unknown>)) {
        if (!isSeriesId(series) || !Array.isArray(list) || !list.every((day) => Number.isSafeInteger(day) && (day as number) >= 0)) return null;
        days.set(series, new Set(list as number[]));
      }
      return { count: body.count, damaged: body.damaged, days };
    } catch {
      return null;
    }
  }

  /** Every chunk opened once, to learn which days exist (after a restore, a sync, another tab). */
  async function rebuildCatalogue(count: number): Promise<Catalogue> {
    const rows = await session.store().listRecords(KIND);
    const days = new Map<SeriesId, Set<number>>();
    let damaged = 0;
    for (const row of rows) {
      const opened = openChunk(row);
      if (!opened.ok) {
        damaged++;
        continue;
      }
      let set = days.get(opened.value.series);
      if (set === undefined) days.set(opened.value.series, (set = new Set()));
      set.add(opened.value.day);
    }
    const rebuilt = { count, damaged, days };
    await saveCatalogue(rebuilt);
    return rebuilt;
  }

  /** The catalogue as it is now: the one in memory, the saved one, or rebuilt when neither fits. */
  async function currentCatalogue(): Promise<Catalogue> {
    const count = await session.store().countRecords(KIND);
    if (catalogue !== null && catalogue.count === count) return catalogue;
    const sealed = await session.store().readDerived(CATALOGUE);
    const opened = sealed === undefined ? undefined : openEnvelope(session.keys().searchIndex, catalogueBinding(session), sealed);
    const parsed = opened?.ok === true ? parseCatalogue(opened.value) : null;
    if (parsed !== null && parsed.count === count) {
      catalogue = parsed;
      return parsed;
    }
    return rebuildCatalogue(count);
  }

  async function daysOf(series: SeriesId): Promise<number[]> {
    return Array.from((await currentCatalogue()).days.get(series) ?? []).sort((a, b) => a - b);
  }

  /** Seals `chunks` as records with their change-log entries, in one transaction. */
  async function writeChunks(chunks: readonly DayChunk[]): Promise<Result<void, ReadingsError>> {
    // Stamps first (a clock error stops everything before a write); each day is then encoded and
    // sealed as the store takes it, overlapping the database's work on the previous ones.
    const stamps: HlcStamp[] = [];
    for (let index = 0; index < chunks.length; index++) {
      const hlc = session.stamp();
      if (!hlc.ok) return hlc;
      stamps.push(hlc.value);
    }
    const last = stamps.at(-1);
    if (last === undefined) return ok(undefined);
    function* rows() {
      for (const [index, chunk] of chunks.entries()) {
        yield sealRows(session, KIND, chunkId(session, chunk.series, chunk.day) as RecordId, encodeDayChunk(chunk), stamps[index] as HlcStamp, 'put');
      }
    }
    const clock = session.sealClock(last);
    const written = await session.store().writeRecords(rows(), clock);
    if (!written.ok) return written;
    if (clock !== undefined) session.clockSaved(last);
    return ok(undefined);
  }

  /** Merges `planned` with what is stored now and lands it, as the profile's only writer. */
  async function land(planned: readonly DayChunk[]): Promise<Result<void, ReadingsError>> {
    if (planned.length === 0) return ok(undefined);
    const written = await session.exclusive(async (): Promise<Result<void, ReadingsError>> => {
      // Known before the write, so that the write can extend it instead of forcing a rebuild.
      const before = await currentCatalogue();
      const merged: DayChunk[] = [];
      const bySeries = new Map<SeriesId, DayChunk[]>();
      for (const chunk of planned) bySeries.set(chunk.series, [...(bySeries.get(chunk.series) ?? []), chunk]);
      for (const [series, chunks] of bySeries) {
        const current = await readChunks(series, chunks.map((chunk) => chunk.day), before);
        // A damaged day is not overwritten: the patient keeps the evidence, and the import says why.
        const firstFailure = current.failures[0];
        if (firstFailure !== undefined) return err(firstFailure);
        const byDay = new Map(current.chunks.map((chunk) => [chunk.day, chunk]));
        for (const chunk of chunks) {
          const stored = byDay.get(chunk.day);
          merged.push(stored === undefined ? chunk : mergeDayChunks(stored, chunk));
        }
      }
      const result = await writeChunks(merged);
      if (!result.ok) return result;
      const count = await session.store().countRecords(KIND);
      const known = before.days;
      const newDays = merged.filter((chunk) => known.get(chunk.series)?.has(chunk.day) !== true).length;
      if (before.count + newDays !== count) {
        // Someone else wrote meanwhile (a sync, another tab): the next read rebuilds it.
        catalogue = null;
        return ok(undefined);
      }
      for (const chunk of merged) {
        let set = known.get(chunk.series);
        if (set === undefined) known.set(chunk.series, (set = new Set()));
        set.add(chunk.day);
      }
      await saveCatalogue({ count, damaged: before.damaged, days: known });
      return ok(undefined);
    });
    if (written.ok) session.announceChange([KIND]);
    return written;
  }

  return {
    chunkId: (series: SeriesId, day: number) => chunkId(session, series, day),
    days: daysOf,
    /** How many day-chunks did not open (altered outside Carnet): reports and exports say so. */
    damaged: async () => (await currentCatalogue()).damaged,
    /** The readings of `series` with time in [start, end), sorted by time. */
    async load(series: SeriesId, start: number, end: number): Promise<LoadedReadings> {
      const wanted: number[] = [];
      for (let day = dayOf(start); day <= dayOf(end - 1); day++) wanted.push(day);
      const { chunks, failures } = await readChunks(series, wanted);
      const readings: Reading[] = [];
      for (const chunk of chunks) {
        for (const entry of chunk.entries) {
          const time = entry.reading.time;
          if (!entry.deleted && time >= start && time < end) readings.push(entry.reading);
        }
      }
      return { readings, failures };
    },
    /** The time of the latest reading of `series`, or null. */
    async latest(series: SeriesId): Promise<number | null> {
      const known = await daysOf(series);
      for (let index = known.length - 1; index >= 0; index--) {
        const { chunks } = await readChunks(series, [known[index] as number]);
        const entries = chunks[0]?.entries.filter((entry) => !entry.deleted) ?? [];
        const last = entries[entries.length - 1];
        if (last !== undefined) return last.reading.time;
      }
      return null;
    },
    /** What importing `parsed` would add, per series, without writing anything. */
    async preview(parsed: ParsedReadings): Promise<Result<ImportPreview, ReadingsError>> {
      const plans: ReadingsPlan[] = [];
      for (const part of parsed.series) {
        const stored = await readChunks(part.series, daysToRead(part.readings));
        const firstFailure = stored.failures[0];
        if (firstFailure !== undefined) return err(firstFailure);
        plans.push(planReadings(part.series, stored.chunks, part.readings));
      }
      return ok({ parsed, plans });
    },
    /** Lands a preview: every day it touches, or none. */
    commit: (preview: ImportPreview) => land(preview.plans.flatMap((plan) => plan.chunks)),
    /** One reading typed by the patient. */
    async add(series: SeriesId, reading: Reading): Promise<Result<void, ReadingsError>> {
      if (!isPlausible(series, reading)) return err({ type: 'ReadingImplausible' });
      return land([{ series, day: dayOf(reading.time), entries: [{ reading, deleted: false }] }]);
    },
    /** Deletes one reading for good: a tombstone, so a later import or sync never brings it back. */
    remove: (series: SeriesId, reading: Reading) => land([{ series, day: dayOf(reading.time), entries: [{ reading, deleted: true }] }]),
    /** Every series with at least one day stored. */
    async seriesPresent(): Promise<SeriesId[]> {
      const present: SeriesId[] = [];
      for (const series of SERIES_IDS) if ((await daysOf(series)).length > 0) present.push(series);
      return present;
    },
  };
}

export type ReadingsStore = ReturnType<typeof createReadings>;

