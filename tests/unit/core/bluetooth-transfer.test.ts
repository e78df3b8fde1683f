/**
 * One transfer from a meter or a scale assembled into the readings the preview shows: the
 * fixture meter's records with their context, notifications arriving split, out of order and
 * repeated, a sequence number going backwards, a transfer cut short, and the bad values of
 * tests/fixtures/bluetooth/malformed.json each left out with its reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGlucoseTransfer, createWeightTransfer } from '../../../src/core/readings/bluetooth/transfer.ts';
import type { ParsedReadings } from '../../../src/core/readings/parsed.ts';
import type { Result } from '../../../src/core/result.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bluetooth/${name}`, import.meta.url), 'utf8'));
const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const meter = fixture('glucose-meter.json');
const scale = fixture('weight-scale.json');
const device = meter.device as { id: string; name: string };
const timeZone = 'Europe/Paris';

interface FixtureRecord {
  sequence: number;
  measurement: string;
  context?: string;
  expect: { value: number; unit: string; kind: string; bound: string | null; utc: string } | null;
}
const records = meter.records as FixtureRecord[];

function parsedOf(result: Result<ParsedReadings, unknown>): ParsedReadings {
  if (!result.ok) throw new Error(`no readings: ${JSON.stringify(result.error)}`);
  return result.value;
}

function replay(order: FixtureRecord[], previousSequence: number | null = null) {
  const transfer = createGlucoseTransfer({ device, timeZone, previousSequence });
  for (const record of order) {
    transfer.measurement(bytes(record.measurement));
    if (record.context !== undefined) transfer.context(bytes(record.context));
  }
  return transfer;
}

describe('a glucose transfer', () => {
  it('turns the fixture meter into readings, with context and control solution counted apart', () => {
    const outcome = replay(records).finish(true);
    const parsed = parsedOf(outcome.parsed);
    const expected = records.filter((record) => record.expect !== null).map((record) => ({
      time: Date.parse(record.expect?.utc ?? ''),
      value: record.expect?.value,
      unit: record.expect?.unit,
      kind: record.expect?.kind,
      bound: record.expect?.bound,
      source: { importer: 'bluetooth', device: device.name, serial: device.id },
    }));
    expect(parsed.format).toBe('bluetooth');
    expect(parsed.series).toEqual([{ series: 'glucose', readings: expected, units: ['mg/dL', 'mmol/L'] }]);
    expect(parsed.skipped).toEqual([]);
    expect(parsed.ignored).toEqual({ 'control solution': 1, carbohydrates: 1, meal: 1 });
    expect(outcome).toMatchObject({ records: 7, lastSequence: 7, wentBack: null });
  });

  it('matches a context to its measurement whatever the order, and keeps a repeated record once', () => {
    const transfer = createGlucoseTransfer({ device, timeZone, previousSequence: null });
    const [one, two, three, four] = records as [FixtureRecord, FixtureRecord, FixtureRecord, FixtureRecord];
    // The context first, then the records out of order, one of them twice.
    transfer.context(bytes(four.context ?? ''));
    transfer.measurement(bytes(three.measurement));
    transfer.measurement(bytes(four.measurement));
    transfer.measurement(bytes(one.measurement));
    transfer.measurement(bytes(two.measurement));
    transfer.measurement(bytes(one.measurement));
    const outcome = transfer.finish(true);
    const parsed = parsedOf(outcome.parsed);
    expect(parsed.series[0]?.readings.map((reading) => reading.value)).toEqual([110, 142, 5.6, 98]);
    expect(parsed.skipped).toEqual([{ line: 6, reason: 'duplicate', detail: '#1', device: { type: 'sent-again', record: 'measurement', changed: false } }]);
    expect(parsed.ignored).toEqual({ carbohydrates: 1, meal: 1 });
    expect(outcome.lastSequence).toBe(4);
  });

  it('reports a sequence number reused for different content, and a context without its measurement', () => {
    const transfer = createGlucoseTransfer({ device, timeZone, previousSequence: null });
    transfer.measurement(bytes(records[0]?.measurement ?? ''));
    transfer.measurement(bytes('020100ea070b14072d0078b011'));
    transfer.context(bytes('02090001'));
    transfer.context(bytes('02010001'));
    const parsed = parsedOf(transfer.finish(true).parsed);
    expect(parsed.series[0]?.readings.map((reading) => reading.value)).toEqual([110]);
    expect(parsed.skipped).toEqual([
      { line: 2, reason: 'malformed', detail: '#1', device: { type: 'sent-again', record: 'measurement', changed: true } },
      { line: 3, reason: 'malformed', detail: '#9', device: { type: 'context-alone' } },
      { line: 4, reason: 'malformed', detail: '#1', device: { type: 'context-unannounced' } },
    ]);
  });

  it('reports a sequence number at or below the last one kept, and still offers the records', () => {
    const outcome = replay(records.slice(0, 3), 40).finish(true);
    expect(outcome.wentBack).toEqual({ previous: 40, received: 1 });
    expect(parsedOf(outcome.parsed).series[0]?.readings).toHaveLength(3);
    // The meter's count restarted: what it sent last is what the next transfer starts after.
    expect(outcome.lastSequence).toBe(3);
    expect(replay(records.slice(4, 6), 4).finish(true)).toMatchObject({ wentBack: null, lastSequence: 6 });
    // Asked for everything (a meter that cannot filter): the old records are expected; only a
    // highest record below the last one kept says the count went back.
    expect(replay(records.slice(0, 6), 4).finish(true, 'all')).toMatchObject({ wentBack: null, lastSequence: 6 });
    expect(replay(records.slice(0, 3), 40).finish(true, 'all').wentBack).toEqual({ previous: 40, received: 1 });
  });

  it('remembers only the unbroken run of a transfer cut short', () => {
    const [one, two, , four] = records as [FixtureRecord, FixtureRecord, FixtureRecord, FixtureRecord];
    const cut = replay([one, two, four]).finish(false);
    expect(cut.lastSequence).toBe(2);
    expect(parsedOf(cut.parsed).series[0]?.readings).toHaveLength(3);
    expect(replay([one, two, four]).finish(true).lastSequence).toBe(4);
    expect(createGlucoseTransfer({ device, timeZone, previousSequence: 12 }).finish(false)).toMatchObject({ lastSequence: 12, records: 0, parsed: { ok: false, error: { type: 'NoReadings' } } });
    // After `previous` = 1, record 2 lost in transit and 4 arriving: the run stops at 1, so the next
    // transfer asks again from 2 (not from 5, which would lose 2 and 3 for good).
    expect(replay([four], 1).finish(false).lastSequence).toBe(1);
    expect(replay([two, four], 1).finish(false).lastSequence).toBe(2);
  });

  it('leaves out each bad value with its reason, and keeps the good ones', () => {
    const bad = fixture('malformed.json');
    const transfer = createGlucoseTransfer({ device, timeZone, previousSequence: null });
    transfer.measurement(bytes(records[0]?.measurement ?? ''));
    for (const entry of bad.cases) if (entry.characteristic === '0x2A18') transfer.measurement(bytes(entry.hex));
    for (const entry of bad.values) transfer.measurement(bytes(entry.hex));
    const parsed = parsedOf(transfer.finish(true).parsed);
    expect(parsed.series[0]?.readings.map((reading) => reading.value)).toEqual([110]);
    const glucoseCases = bad.cases.filter((entry: { characteristic: string }) => entry.characteristic === '0x2A18');
    expect(parsed.skipped.map((row) => row.reason)).toEqual([...glucoseCases.map(() => 'malformed'), ...bad.values.map((entry: { skip: string }) => entry.skip)]);
    // The detail is the record as sent; what was wrong with it is a note the screen words.
    expect(parsed.skipped[0]?.detail).toMatch(/^020100ea070b[0-9a-f]{10}$/);
    expect(parsed.skipped[0]?.device).toEqual({ type: 'undecodable', record: 'measurement', problem: 'cut-short' });
    expect(parsed.skipped[2]?.device).toEqual({ type: 'undecodable', record: 'measurement', problem: 'reserved-flags' });
    // No words of ours in any detail: a record's number (with its date when that is what failed) or its bytes.
    for (const row of parsed.skipped) expect(row.detail).toMatch(row.device === undefined ? /^#\d+: \d+-\d\d-\d\d \d\d:\d\d:\d\d$/ : /^(#\d+|[0-9a-f]+…?)$/);
    expect(parsed.skipped.filter((row) => row.device === undefined).map((row) => row.reason)).toEqual(['bad-time', 'bad-time']);
    expect(parsed.skipped.find((row) => row.detail === '#17')?.device).toEqual({ type: 'device-status', statuses: ['sample-size-insufficient'] });
  });

  it('refuses a value no meter can measure, and reads the autumn hour as its first instant', () => {
    const transfer = createGlucoseTransfer({ device, timeZone, previousSequence: null });
    transfer.measurement(bytes('020100ea070b14072d00010011')); // 1 × 10^0 kg/L = 100,000 mg/dL
    transfer.measurement(bytes('020200ea070a19021e006eb011')); // 2026-10-25 02:30, twice in Paris
    transfer.measurement(bytes('020300ea07031d021e006eb011')); // 2026-03-29 02:30, never in Paris
    const parsed = parsedOf(transfer.finish(true).parsed);
    expect(parsed.series[0]?.readings.map((reading) => new Date(reading.time).toISOString())).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(parsed.ambiguousTimes).toBe(1);
    expect(parsed.skipped.map((row) => row.reason)).toEqual(['implausible', 'nonexistent-time']);
  });
});

describe('a weight transfer', () => {
  const received = Date.UTC(2026, 10, 23, 6, 30);

  it('turns the fixture scale into kg and lb readings, counting BMI and height apart', () => {
    const transfer = createWeightTransfer({ device: scale.device, timeZone, user: null });
    for (const entry of scale.measurements) transfer.measurement(bytes(entry.hex), received);
    const outcome = transfer.finish();
    const parsed = parsedOf(outcome.parsed);
    const readings = parsed.series[0]?.readings ?? [];
    expect(parsed.series[0]?.series).toBe('weight');
    expect(readings.map((reading) => [new Date(reading.time).toISOString(), reading.value, reading.unit])).toEqual([
      ['2026-11-21T06:12:30.000Z', 72.35, 'kg'],
      ['2026-11-22T06:20:00.000Z', 160.4, 'lb'],
      ['2026-11-23T06:05:00.000Z', 158.6, 'lb'],
      // No time stamp: weighed when it arrived (the second one is a near-duplicate of the first).
      ['2026-11-23T06:30:00.000Z', 72.5, 'kg'],
    ]);
    expect(parsed.skipped.map((row) => [row.line, row.reason])).toEqual([
      [5, 'status-code'],
      [6, 'same-time'],
    ]);
    expect(parsed.ignored).toEqual({ BMI: 2, height: 2 });
    expect(transfer.users()).toEqual([1, 2]);
    expect(outcome.records).toBe(5);
  });

  it('keeps only the chosen user of a shared scale', () => {
    const transfer = createWeightTransfer({ device: scale.device, timeZone, user: 2 });
    scale.measurements.forEach((entry: { hex: string }, index: number) => transfer.measurement(bytes(entry.hex), received + index * 60_000));
    const parsed = parsedOf(transfer.finish().parsed);
    // User 1's weigh-in and the guest's (user 0xFF, "unknown user") are not the patient's.
    expect(parsed.series[0]?.readings.map((reading) => reading.value)).toEqual([160.4, 158.6, 72.5]);
    expect(parsed.ignored['other user of the scale']).toBe(2);
  });

  it('leaves out truncated and reserved-flag weigh-ins', () => {
    const transfer = createWeightTransfer({ device: scale.device, timeZone, user: null });
    for (const entry of fixture('malformed.json').cases) if (entry.characteristic === '0x2A9D') transfer.measurement(bytes(entry.hex), received);
    const outcome = transfer.finish();
    expect(outcome.parsed).toMatchObject({ ok: false, error: { type: 'NoReadings', format: 'bluetooth' } });
    expect(!outcome.parsed.ok && outcome.parsed.error.type === 'NoReadings' && outcome.parsed.error.skipped.map((row) => row.reason)).toEqual(['malformed', 'malformed', 'malformed']);
  });
});
