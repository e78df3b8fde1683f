/**
 * Series day-chunks (docs/format.md §5.4): the documented bytes, what a reader refuses, and the
 * merge laws sync relies on (union, commutative, associative, idempotent), as properties.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes, utf8 } from '../../../src/core/bytes.ts';
import { asVaultId, asVaultKey, deriveVaultKeys } from '../../../src/core/crypto/keys.ts';
import { chunksOf, DAY_MS, entryKey, decimalOf, decodeDayChunk, encodeDayChunk, liveReadings, mergeDayChunks, type ChunkEntry, type DayChunk } from '../../../src/core/readings/day-chunk.ts';
import { daysToRead, NEAR_DUPLICATE_MS, planReadings } from '../../../src/core/readings/plan.ts';
import type { Reading, ReadingSource } from '../../../src/core/readings/series.ts';
import { seq, vector } from '../vectors.ts';

const DAY = 20454;
const START = DAY * DAY_MS;
const dexcom: ReadingSource = { importer: 'dexcom-clarity', device: 'iOS G7', serial: '111111111111' };
const manual: ReadingSource = { importer: 'manual', device: null, serial: null };

const reading = (offset: number, value: number, more: Partial<Reading> = {}): Reading => ({
  time: START + offset,
  value,
  unit: 'mg/dL',
  kind: 'continuous',
  bound: null,
  source: dexcom,
  ...more,
});

const documented: DayChunk = {
  series: 'glucose',
  day: DAY,
  entries: [
    { reading: reading(285_000, 120), deleted: false },
    { reading: reading(585_000, 40, { bound: 'below' }), deleted: false },
    { reading: reading(43_200_000, 5.6, { unit: 'mmol/L', kind: 'blood', source: manual }), deleted: false },
    { reading: reading(46_800_000, 7.2, { unit: 'mmol/L', kind: 'manual', source: manual }), deleted: true },
  ],
};

describe('the documented day-chunk', () => {
  it('has the documented id, computed from the spec', () => {
    const keys = deriveVaultKeys(asVaultKey(seq(0, 32)), asVaultId(seq(0xa0, 16)));
    const id = hmac(sha256, keys.nameMac, utf8(`carnet/v1/series-chunk/glucose/${DAY}`)).subarray(0, 16);
    expect(hex(id)).toBe(vector('series-chunk-id'));
  });

  it('encodes to the documented bytes and reads them back', () => {
    const bytes = encodeDayChunk(documented);
    expect(hex(bytes)).toBe(vector('series-chunk'));
    const decoded = decodeDayChunk(bytes);
    expect(decoded.ok && decoded.value).toEqual(documented);
  });

  it('is the layout written by hand from §5.4', () => {
    const bytes = hexToBytes(vector('series-chunk'));
    const view = new DataView(bytes.buffer);
    expect([view.getUint8(0), view.getUint8(1), view.getUint32(2), view.getUint16(6)]).toEqual([1, 1, DAY, 2]);
    const firstSource = new TextDecoder().decode(bytes.subarray(10, 10 + view.getUint16(8)));
    expect(firstSource).toBe('["dexcom-clarity","iOS G7","111111111111"]');
    const entries = bytes.length - 13 * 4;
    // The third entry: 12:00, source 1 (manual), mmol/L, blood, 56 × 10^-1.
    const third = new DataView(bytes.buffer, entries + 26, 13);
    expect([third.getUint32(0), third.getUint16(4), third.getUint8(6), third.getUint8(7), third.getInt32(8), third.getInt8(12)]).toEqual([43_200_000, 1, 2, 2, 56, 1]);
  });

  it('keeps 10.0 mmol/L as 10.0 mmol/L', () => {
    const chunk: DayChunk = { series: 'glucose', day: DAY, entries: [{ reading: reading(0, 10.0, { unit: 'mmol/L' }), deleted: false }] };
    const decoded = decodeDayChunk(encodeDayChunk(chunk));
    expect(decoded.ok && decoded.value.entries[0]?.reading).toMatchObject({ value: 10, unit: 'mmol/L' });
  });

  it('stores decimals exactly as written', () => {
    for (const value of [5.6, 0.1, 4.56789, 72.45, 180, 13.9, 96.123456]) expect(decimalOf(value).mantissa / 10 ** decimalOf(value).exponent).toBe(value);
  });
});

describe('a damaged or forged chunk', () => {
  const good = encodeDayChunk(documented);
  const edited = (edit: (bytes: Uint8Array, view: DataView) => void) => {
    const bytes = good.slice();
    edit(bytes, new DataView(bytes.buffer));
    return decodeDayChunk(bytes);
  };
  const entry = (index: number) => good.length - 13 * (4 - index);

  it.each([
    ['an unknown version', (b: Uint8Array) => (b[0] = 2), 'ChunkVersionUnsupported'],
    ['an unknown series', (b: Uint8Array) => (b[1] = 9), 'ChunkMalformed'],
    ['entries out of order', (_: Uint8Array, v: DataView) => v.setUint32(entry(1), 1000), 'ChunkMalformed'],
    ['a time past the day', (_: Uint8Array, v: DataView) => v.setUint32(entry(3), DAY_MS), 'ChunkMalformed'],
    ['a source out of the table', (_: Uint8Array, v: DataView) => v.setUint16(entry(0) + 4, 7), 'ChunkMalformed'],
    ['an unknown unit', (b: Uint8Array) => (b[entry(0) + 6] = 3), 'ChunkMalformed'],
    ['reserved flag bits', (b: Uint8Array) => (b[entry(0) + 7] = 0x10), 'ChunkMalformed'],
    ['a bad exponent', (b: Uint8Array) => (b[entry(0) + 12] = 7), 'ChunkMalformed'],
    ['a count larger than the entries', (_: Uint8Array, v: DataView) => v.setUint32(entry(0) - 4, 5), 'ChunkMalformed'],
  ])('refuses %s', (_name, edit, type) => {
    const decoded = edited(edit);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.type).toBe(type);
  });

  it('refuses a truncated chunk at every length', () => {
    for (let length = 0; length < good.length; length++) expect(decodeDayChunk(good.subarray(0, length)).ok).toBe(false);
  });
});

const sources = [dexcom, manual, { importer: 'nightscout', device: 'xDrip', serial: null }] as const;
const entryArbitrary: fc.Arbitrary<ChunkEntry> = fc.record({
  offset: fc.integer({ min: 0, max: 40 }).map((minute) => minute * 60_000),
  value: fc.integer({ min: 40, max: 400 }),
  source: fc.constantFrom(...sources),
  kind: fc.constantFrom('continuous', 'scan', 'blood', 'manual' as const),
  deleted: fc.boolean(),
}).map(({ offset, value, source, kind, deleted }) => ({ reading: reading(offset, value, { source, kind }), deleted }));
const chunkArbitrary = fc.array(entryArbitrary, { maxLength: 30 }).map((entries) => mergeDayChunks({ series: 'glucose', day: DAY, entries: [] }, { series: 'glucose', day: DAY, entries }));
const same = (a: DayChunk, b: DayChunk) => equalBytes(encodeDayChunk(a), encodeDayChunk(b));

describe('merging replicas of a day', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(chunkArbitrary, chunkArbitrary, chunkArbitrary, (a, b, c) => {
        expect(same(mergeDayChunks(a, b), mergeDayChunks(b, a))).toBe(true);
        expect(same(mergeDayChunks(mergeDayChunks(a, b), c), mergeDayChunks(a, mergeDayChunks(b, c)))).toBe(true);
        expect(same(mergeDayChunks(a, a), a)).toBe(true);
      }),
    );
  });

  it('keeps every reading of both sides (a union keyed by time, source and kind, never last-writer-wins)', () => {
    fc.assert(
      fc.property(chunkArbitrary, chunkArbitrary, (a, b) => {
        const merged = mergeDayChunks(a, b);
        const keys = new Set(merged.entries.map((entry) => entryKey(entry.reading)));
        for (const entry of [...a.entries, ...b.entries]) expect(keys.has(entryKey(entry.reading))).toBe(true);
      }),
    );
  });

  it('never brings back a deleted reading', () => {
    fc.assert(
      fc.property(chunkArbitrary, chunkArbitrary, (a, b) => {
        const merged = mergeDayChunks(a, b);
        for (const entry of a.entries.filter((item) => item.deleted)) {
          const found = merged.entries.find((item) => item.reading.time === entry.reading.time && item.reading.source === entry.reading.source && item.reading.kind === entry.reading.kind);
          expect(found?.deleted).toBe(true);
        }
      }),
    );
  });

  it('round-trips any merged chunk through its bytes', () => {
    fc.assert(
      fc.property(chunkArbitrary, (chunk) => {
        const decoded = decodeDayChunk(encodeDayChunk(chunk));
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(same(decoded.value, chunk)).toBe(true);
      }),
    );
  });
});

describe('planning an import', () => {
  const day = (readings: Reading[]) => chunksOf('glucose', readings);
  const stored = [reading(0, 100), reading(300_000, 110), reading(600_000, 120)];

  it('adds nothing when the same readings come again', () => {
    const plan = planReadings('glucose', day(stored), stored);
    expect([plan.added, plan.alreadyStored, plan.nearDuplicates]).toEqual([0, 3, 0]);
    expect(plan.range).toBeNull();
  });

  it('counts once a value a second uploader sent seconds later', () => {
    const other: ReadingSource = { importer: 'nightscout', device: 'com.dexcom.G6', serial: null };
    const incoming = [reading(1_500, 100, { source: other }), reading(301_000, 111, { source: other }), reading(NEAR_DUPLICATE_MS + 600_000, 120, { source: other })];
    const plan = planReadings('glucose', day(stored), incoming);
    // 100 at +1.5 s is the same reading; 111 is another value; 120 at +30 s is outside the window.
    expect([plan.added, plan.nearDuplicates]).toEqual([2, 1]);
  });

  it('does not bring back what the patient deleted', () => {
    const [first] = day(stored);
    const deleted = mergeDayChunks(first as DayChunk, { series: 'glucose', day: DAY, entries: [{ reading: stored[0] as Reading, deleted: true }] });
    const plan = planReadings('glucose', [deleted], stored);
    expect(plan.added).toBe(0);
    expect(liveReadings(plan.chunks[0] ?? deleted)).toHaveLength(2);
  });

  it('merges new readings into the stored day, and is idempotent when replayed', () => {
    const incoming = [reading(900_000, 130), reading(DAY_MS + 60_000, 140)];
    const plan = planReadings('glucose', day(stored), incoming);
    expect(plan.added).toBe(2);
    expect(plan.chunks.map((chunk) => [chunk.day, liveReadings(chunk).length])).toEqual([
      [DAY, 4],
      [DAY + 1, 1],
    ]);
    const again = planReadings('glucose', plan.chunks, incoming);
    expect(again.added).toBe(0);
  });

  it('reads each day with its neighbours', () => {
    expect(daysToRead([reading(0, 100), reading(DAY_MS * 3, 100)])).toEqual([DAY - 1, DAY, DAY + 1, DAY + 2, DAY + 3, DAY + 4]);
  });

  it('is idempotent for any import replayed (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArbitrary.map((entry) => entry.reading), { maxLength: 40 }), (readings) => {
        const unique = liveReadings(chunksOf('glucose', readings)[0] ?? { series: 'glucose', day: DAY, entries: [] });
        const first = planReadings('glucose', [], unique);
        const second = planReadings('glucose', first.chunks, unique);
        expect(second.added).toBe(0);
      }),
    );
  });
});

describe('one minute, one device, two kinds', () => {
  it('keeps a scan and the sensor reading of the same minute as two readings', () => {
    const pair = [reading(60_000, 100), reading(60_000, 104, { kind: 'scan' })];
    const plan = planReadings('glucose', [], pair);
    expect(plan.added).toBe(2);
    expect(liveReadings(plan.chunks[0] as DayChunk)).toEqual(pair);
  });
});
