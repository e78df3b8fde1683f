/**
 * The glucose report against a naive implementation written here from the definitions alone (the
 * consensus thresholds in both units, PERCENTILE.INC by its formula, local time from Intl for each
 * reading), on real sample files, on synthetic mmol/L traces and every band edge, and on the two
 * clock changes of 2025 in Paris.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createZoneCalendar, defaultPeriod, glucoseReport, parsePeriod, type AgpBin, type GlucoseReport, type Period } from '../../../src/core/readings/report.ts';
import type { Reading, ReadingBound, ReadingKind, UnitLabel } from '../../../src/core/readings/series.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SOURCE = { importer: 'test', device: null, serial: null } as const;

function reading(time: number, value: number, unit: UnitLabel = 'mg/dL', kind: ReadingKind = 'continuous', bound: ReadingBound = null): Reading {
  return { time, value, unit, kind, bound, source: SOURCE };
}

function period(first: string, last: string, timeZone: string): Period {
  const result = parsePeriod(first, last, timeZone);
  if (!result.ok) throw new Error(result.error.type);
  return result.value;
}

// --- the naive report ---------------------------------------------------------------------------

type Band = 'veryLow' | 'low' | 'inRange' | 'high' | 'veryHigh';

/** The consensus table as printed (Battelino 2019, table 2), one scale at a time. */
function naiveBand(value: number, unit: UnitLabel): Band {
  if (unit === 'mg/dL') {
    if (value < 54) return 'veryLow';
    if (value >= 54 && value < 70) return 'low';
    if (value >= 70 && value <= 180) return 'inRange';
    if (value > 180 && value <= 250) return 'high';
    return 'veryHigh';
  }
  if (value < 3.0) return 'veryLow';
  if (value >= 3.0 && value < 3.9) return 'low';
  if (value >= 3.9 && value <= 10.0) return 'inRange';
  if (value > 10.0 && value <= 13.9) return 'high';
  return 'veryHigh';
}

function toMgdl(r: Reading): number {
  return r.unit === 'mmol/L' ? r.value * 18.016 : r.value;
}

/** PERCENTILE.INC: h = (n − 1)p, interpolated between floor(h) and ceil(h). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const low = sorted[Math.floor(h)] as number;
  const high = sorted[Math.ceil(h)] as number;
  return low + (h - Math.floor(h)) * (high - low);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function sampleSd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** Local date and minute of the day from Intl, one call per reading. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function naiveLocal(time: number, timeZone: string): { date: string; minute: number } {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(time);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

interface Naive {
  count: number;
  bands: Record<Band, number>;
  mean: number;
  sd: number;
  agp: (null | { count: number; p: number[] })[];
  days: Map<string, Reading[]>;
  intervalMs: number | null;
}

function naiveReport(readings: readonly Reading[], span: Period, timeZone: string): Naive {
  const cgm = readings.filter((r) => r.kind === 'continuous' && r.time >= span.start && r.time < span.end).sort((a, b) => a.time - b.time);
  const bands: Record<Band, number> = { veryLow: 0, low: 0, inRange: 0, high: 0, veryHigh: 0 };
  for (const r of cgm) bands[naiveBand(r.value, r.unit)] += 1;
  const values = cgm.map(toMgdl);
  const bins: number[][] = Array.from({ length: 96 }, () => []);
  const days = new Map<string, Reading[]>();
  for (const r of cgm) {
    const local = naiveLocal(r.time, timeZone);
    bins[Math.floor(local.minute / 15)]?.push(toMgdl(r));
    days.set(local.date, [...(days.get(local.date) ?? []), r]);
  }
  const gaps = cgm.slice(1).map((r, i) => r.time - (cgm[i] as Reading).time).filter((gap) => gap >= 30_000);
  return {
    count: cgm.length,
    bands,
    mean: mean(values),
    sd: sampleSd(values),
    agp: bins.map((bin) => (bin.length === 0 ? null : { count: bin.length, p: [0.05, 0.25, 0.5, 0.75, 0.95].map((p) => percentile(bin, p)) })),
    days,
    intervalMs: gaps.length === 0 ? null : percentile(gaps, 0.5),
  };
}

function percentilesOf(bin: AgpBin): number[] {
  return [bin.p5, bin.p25, bin.p50, bin.p75, bin.p95];
}

/** Everything the report and the naive one both compute, compared. */
function expectMatchesNaive(report: GlucoseReport, naive: Naive): void {
  expect(report.readingCount).toBe(naive.count);
  for (const band of ['veryLow', 'low', 'inRange', 'high', 'veryHigh'] as const) {
    expect(report.bands[band].count, band).toBe(naive.bands[band]);
    expect(report.bands[band].fraction, band).toBeCloseTo(naive.bands[band] / naive.count, 12);
  }
  expect(report.meanMgdl).toBeCloseTo(naive.mean, 9);
  expect(report.meanMmoll).toBeCloseTo(naive.mean / 18.016, 9);
  expect(report.gmi).toBeCloseTo(3.31 + 0.02392 * naive.mean, 9);
  if (naive.count > 1) {
    expect(report.sdMgdl).toBeCloseTo(naive.sd, 9);
    expect(report.cv).toBeCloseTo(naive.sd / naive.mean, 12);
  }
  expect(report.activity.intervalMs).toBe(naive.intervalMs);
  report.agp.forEach((bin, index) => {
    const expected = naive.agp[index];
    if (expected === null || expected === undefined) {
      expect(bin, `bin ${index}`).toBeNull();
      return;
    }
    expect(bin?.count, `bin ${index}`).toBe(expected.count);
    percentilesOf(bin as AgpBin).forEach((value, k) => expect(value, `bin ${index} p${k}`).toBeCloseTo(expected.p[k] as number, 9));
  });
  const withData = report.days.filter((day) => day.readings.length > 0);
  expect(withData.map((day) => day.date)).toEqual([...naive.days.keys()]);
  for (const day of withData) {
    const expected = naive.days.get(day.date) as Reading[];
    expect(day.readings).toEqual(expected);
    expect(day.meanMgdl).toBeCloseTo(mean(expected.map(toMgdl)), 9);
    expect(day.timeInRange).toBeCloseTo(expected.filter((r) => naiveBand(r.value, r.unit) === 'inRange').length / expected.length, 12);
  }
}

// --- real sample files --------------------------------------------------------------------------

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

/** The EGV rows of the Clarity export: its times are local, and 1 January in Paris is UTC+1. */
function dexcomReadings(): Reading[] {
  return fixture('dexcom/dexcom_clarity_example.csv')
    .split(/\r?\n/)
    .map((line) => line.split(';').map((field) => field.replace(/^"|"$/g, '')))
    .filter((fields) => fields[2] === 'EGV')
    .map((fields) => {
      const [date, time] = (fields[1] as string).split('T') as [string, string];
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
      return { ...reading(Date.UTC(y, mo - 1, d, h, mi, s) - HOUR, Number(fields[7])), source: { importer: 'dexcom-clarity', device: fields[6] ?? null, serial: fields[13] ?? null } };
    });
}

/** Nightscout `sgv` entries; values under 40 mg/dL are the uploader's status codes, not readings. */
function nightscoutReadings(): Reading[] {
  const entries = JSON.parse(fixture('nightscout/example.json')) as { type: string; sgv: string; date: number }[];
  return entries.filter((e) => e.type === 'sgv' && Number(e.sgv) >= 40).map((e) => reading(e.date, Number(e.sgv)));
}

describe('glucoseReport on real exports', () => {
  it('Dexcom Clarity: 288 five-minute readings of one day', () => {
    const readings = dexcomReadings();
    expect(readings).toHaveLength(288);
    const day = period('2026-01-01', '2026-01-01', 'Europe/Paris');
    const report = glucoseReport(readings, day, 'Europe/Paris');
    expectMatchesNaive(report, naiveReport(readings, day, 'Europe/Paris'));
    expect(report.activity).toEqual({ intervalMs: 300_000, present: 288, expected: 288, fraction: 1, daysWithData: 1 });
    expect(report.days).toHaveLength(1);
    expect(report.others).toEqual({ count: 0, readings: [] });
    expect(report.enoughData).toBe(false); // one day, not 14
  });

  it('Dexcom Clarity in its default 14-day period', () => {
    const readings = dexcomReadings();
    const span = defaultPeriod(Math.max(...readings.map((r) => r.time)), 14, 'Europe/Paris');
    expect(new Date(span.end).toISOString()).toBe('2026-01-01T23:00:00.000Z');
    expect(new Date(span.start).toISOString()).toBe('2025-12-18T23:00:00.000Z');
    const report = glucoseReport(readings, span, 'Europe/Paris');
    expectMatchesNaive(report, naiveReport(readings, span, 'Europe/Paris'));
    expect(report.days.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2025, 11, 19 + i)).toISOString().slice(0, 10)));
    expect(report.days.filter((d) => d.readings.length === 0).every((d) => d.meanMgdl === null && d.timeInRange === null)).toBe(true);
    expect(report.activity.daysWithData).toBe(1);
    expect(report.activity.fraction).toBeCloseTo(288 / (14 * 288), 12);
    expect(report.enoughData).toBe(false);
  });

  it('Nightscout: 18 readings before a six-hour gap, in Los Angeles', () => {
    const readings = nightscoutReadings();
    expect(readings).toHaveLength(18);
    const day = period('2014-07-19', '2014-07-19', 'America/Los_Angeles');
    const report = glucoseReport(readings, day, 'America/Los_Angeles');
    expectMatchesNaive(report, naiveReport(readings, day, 'America/Los_Angeles'));
    // 02:34 to 03:59 PDT: bins 10 to 15, the rest empty.
    expect(report.agp.flatMap((bin, i) => (bin === null ? [] : [i]))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(report.bands.inRange.count).toBe(18);
    // The day is over at the last reading plus one interval (03:59:15 + 5 min) as far as anyone knows.
    const latest = Math.max(...readings.map((r) => r.time));
    expect(report.activity.expected).toBe(Math.round((latest + 5 * MINUTE - day.start) / (5 * MINUTE)));
    expect(report.activity.fraction).toBeCloseTo(18 / report.activity.expected, 12);
  });
});

// --- units and band edges -----------------------------------------------------------------------

describe('glucoseReport bands, in the unit recorded', () => {
  const start = Date.UTC(2025, 5, 2, 10);
  const day = period('2025-06-02', '2025-06-02', 'UTC');

  const edges: [number, UnitLabel, Band][] = [
    [53, 'mg/dL', 'veryLow'],
    [54, 'mg/dL', 'low'],
    [69, 'mg/dL', 'low'],
    [70, 'mg/dL', 'inRange'],
    [180, 'mg/dL', 'inRange'],
    [181, 'mg/dL', 'high'],
    [250, 'mg/dL', 'high'],
    [251, 'mg/dL', 'veryHigh'],
    [2.9, 'mmol/L', 'veryLow'],
    [3.0, 'mmol/L', 'low'],
    [3.8, 'mmol/L', 'low'],
    [3.9, 'mmol/L', 'inRange'],
    [10.0, 'mmol/L', 'inRange'],
    [10.1, 'mmol/L', 'high'],
    [13.9, 'mmol/L', 'high'],
    [14.0, 'mmol/L', 'veryHigh'],
  ];

  it.each(edges)('%s %s is %s', (value, unit, band) => {
    const report = glucoseReport([reading(start, value, unit)], day, 'UTC');
    expect(report.bands[band]).toEqual({ count: 1, fraction: 1 });
    expect(naiveBand(value, unit)).toBe(band);
  });

  it('10.0 mmol/L is in range although it is 180.16 mg/dL', () => {
    const report = glucoseReport([reading(start, 10.0, 'mmol/L'), reading(start + 5 * MINUTE, 10.1, 'mmol/L')], day, 'UTC');
    expect(report.bands.inRange.count).toBe(1);
    expect(report.bands.high.count).toBe(1);
    expect(report.meanMgdl).toBeCloseTo(((10.0 + 10.1) / 2) * 18.016, 9);
    expect(report.meanMmoll).toBeCloseTo(10.05, 12);
  });

  it('a whole mmol/L trace matches the naive report', () => {
    const values = [2.8, 3.4, 4.1, 5.5, 6.2, 7.9, 9.95, 10.0, 10.05, 11.3, 13.9, 14.2, 17.0, 5.0, 5.1];
    const readings = values.map((value, i) => reading(start + i * 15 * MINUTE, value, 'mmol/L'));
    const report = glucoseReport(readings, day, 'UTC');
    expectMatchesNaive(report, naiveReport(readings, day, 'UTC'));
    expect(report.activity.intervalMs).toBe(15 * MINUTE); // a Libre's history
    expect(report.meanMmoll).toBeCloseTo(mean(values), 12);
  });

  it('a sensor Low or High counts in the band of its bound, and its bound enters the mean', () => {
    const readings = [
      reading(start, 40, 'mg/dL', 'continuous', 'below'),
      reading(start + 5 * MINUTE, 400, 'mg/dL', 'continuous', 'above'),
      reading(start + 10 * MINUTE, 2.2, 'mmol/L', 'continuous', 'below'),
      reading(start + 15 * MINUTE, 22.2, 'mmol/L', 'continuous', 'above'),
    ];
    const report = glucoseReport(readings, day, 'UTC');
    expect(report.bands.veryLow.count).toBe(2);
    expect(report.bands.veryHigh.count).toBe(2);
    expect(report.meanMgdl).toBeCloseTo((40 + 400 + 2.2 * 18.016 + 22.2 * 18.016) / 4, 9);
  });

  it('scans, strips and manual entries are returned apart and never counted', () => {
    const cgm = [reading(start, 100), reading(start + 5 * MINUTE, 110)];
    const others = [reading(start + MINUTE, 300, 'mg/dL', 'blood'), reading(start + 2 * MINUTE, 2.5, 'mmol/L', 'scan'), reading(start + 3 * MINUTE, 45, 'mg/dL', 'manual')];
    const report = glucoseReport(others.toReversed().concat(cgm), day, 'UTC');
    expect(report.readingCount).toBe(2);
    expect(report.meanMgdl).toBe(105);
    expect(report.bands.inRange).toEqual({ count: 2, fraction: 1 });
    expect(report.others).toEqual({ count: 3, readings: others });
    expect(report.days[0]?.readings).toEqual(cgm);
  });

  it('readings outside the period are left out (end excluded)', () => {
    const report = glucoseReport([reading(day.start - 1, 100), reading(day.start, 120), reading(day.end - 1, 140), reading(day.end, 500)], day, 'UTC');
    expect(report.readingCount).toBe(2);
    expect(report.meanMgdl).toBe(130);
  });

  it('an empty period has no metrics, and nulls rather than zeros', () => {
    const report = glucoseReport([], day, 'UTC');
    expect(report).toMatchObject({ readingCount: 0, meanMgdl: null, meanMmoll: null, sdMgdl: null, cv: null, gmi: null, enoughData: false });
    expect(report.activity).toEqual({ intervalMs: null, present: 0, expected: 0, fraction: null, daysWithData: 0 });
    expect(report.agp.every((bin) => bin === null)).toBe(true);
    expect(report.agp).toHaveLength(96);
  });

  it('the SD is the sample SD (n − 1), and the CV its ratio to the mean', () => {
    const report = glucoseReport([reading(start, 100), reading(start + 5 * MINUTE, 200)], day, 'UTC');
    expect(report.sdMgdl).toBeCloseTo(Math.SQRT2 * 50, 12);
    expect(report.cv).toBeCloseTo((Math.SQRT2 * 50) / 150, 12);
    expect(report.gmi).toBeCloseTo(3.31 + 0.02392 * 150, 12);
  });

  it('the AGP interpolates between closest ranks (PERCENTILE.INC)', () => {
    // 70, 80, 90, 100 in the 10:00 bin: p5 at h = 0.15 → 71.5; p25 at h = 0.75 → 77.5; p95 at h = 2.85 → 98.5.
    const report = glucoseReport([70, 80, 90, 100].map((v, i) => reading(start + i * MINUTE, v)), day, 'UTC');
    const expected = [71.5, 77.5, 85, 92.5, 98.5];
    percentilesOf(report.agp[40] as AgpBin).forEach((value, k) => expect(value).toBeCloseTo(expected[k] as number, 12));
  });

  it('a second uploader seconds apart does not halve the interval', () => {
    // Gaps of 2 s and 298 s alternate: the 2 s ones are set aside.
    const readings = Array.from({ length: 24 }, (_, i) => reading(start + Math.floor(i / 2) * 5 * MINUTE + (i % 2) * 2000, 120));
    const report = glucoseReport(readings, day, 'UTC');
    expect(report.activity.intervalMs).toBe(5 * MINUTE - 2000);
    expect(report.activity.present).toBe(12);
  });

  it('enoughData needs 14 days with the sensor active 70 % of the time', () => {
    const span = period('2025-06-01', '2025-06-14', 'UTC');
    const full = Array.from({ length: 14 * 288 }, (_, i) => reading(span.start + i * 5 * MINUTE + 1000, 120));
    expect(glucoseReport(full, span, 'UTC')).toMatchObject({ activity: { fraction: 1 }, enoughData: true });
    // Every other reading missing from the second week: 75 % present.
    const holed = full.filter((_, i) => i < 7 * 288 || i % 2 === 0);
    const report = glucoseReport(holed, span, 'UTC');
    expect(report.activity.intervalMs).toBe(5 * MINUTE);
    expect(report.activity.fraction).toBeCloseTo(0.75, 3);
    expect(report.enoughData).toBe(true);
    // Three in four missing from the second week: 62.5 %.
    const sparse = full.filter((_, i) => i < 7 * 288 || i % 4 === 0);
    expect(glucoseReport(sparse, span, 'UTC').enoughData).toBe(false);
    expect(glucoseReport(full, period('2025-06-01', '2025-06-13', 'UTC'), 'UTC').enoughData).toBe(false);
  });
});

// --- clock changes ------------------------------------------------------------------------------

/** A reading every 5 minutes over a local day, each worth 100 + its local bin (naively computed). */
function localDayTrace(span: Period, timeZone: string, value: (time: number) => number): Reading[] {
  const readings: Reading[] = [];
  for (let time = span.start; time < span.end; time += 5 * MINUTE) readings.push(reading(time, value(time)));
  expect(new Set(readings.map((r) => naiveLocal(r.time, timeZone).date)).size).toBe(1);
  return readings;
}

describe('glucoseReport across clock changes (Europe/Paris)', () => {
  it('30 March 2025: 23 hours, the 02:00 hour has no bin and 23:55 is in the last', () => {
    const span = period('2025-03-30', '2025-03-30', 'Europe/Paris');
    expect(new Date(span.start).toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(new Date(span.end).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    const readings = localDayTrace(span, 'Europe/Paris', (time) => 100 + Math.floor(naiveLocal(time, 'Europe/Paris').minute / 15));
    expect(readings).toHaveLength(276);
    const report = glucoseReport(readings, span, 'Europe/Paris');
    expectMatchesNaive(report, naiveReport(readings, span, 'Europe/Paris'));
    expect([8, 9, 10, 11].map((bin) => report.agp[bin])).toEqual([null, null, null, null]);
    report.agp.forEach((bin, index) => {
      if (bin !== null) expect(bin).toEqual({ count: 3, p5: 100 + index, p25: 100 + index, p50: 100 + index, p75: 100 + index, p95: 100 + index });
    });
    const last = readings.at(-1) as Reading;
    expect(new Date(last.time).toISOString()).toBe('2025-03-30T21:55:00.000Z'); // 23:55 CEST
    expect(report.agp[95]?.p50).toBe(195);
    expect(report.days).toHaveLength(1);
    expect(report.days[0]).toMatchObject({ date: '2025-03-30', start: span.start, end: span.end });
    expect(report.activity).toMatchObject({ present: 276, expected: 276, fraction: 1 });
  });

  it('26 October 2025: 25 hours, the 02:00 hour twice in the same bins', () => {
    const span = period('2025-10-26', '2025-10-26', 'Europe/Paris');
    expect(span.end - span.start).toBe(25 * HOUR);
    const fallBack = Date.UTC(2025, 9, 26, 1);
    // The first 02:00 hour reads 100, the second 200.
    const readings = localDayTrace(span, 'Europe/Paris', (time) => (time < fallBack ? 100 : 200));
    expect(readings).toHaveLength(300);
    const report = glucoseReport(readings, span, 'Europe/Paris');
    expectMatchesNaive(report, naiveReport(readings, span, 'Europe/Paris'));
    // 100, 100, 100, 200, 200, 200: only the median (h = 2.5) falls between the two hours.
    for (const bin of [8, 9, 10, 11]) expect(report.agp[bin]).toEqual({ count: 6, p5: 100, p25: 100, p50: 150, p75: 200, p95: 200 });
    expect(report.agp[7]).toMatchObject({ count: 3, p50: 100 });
    expect(report.agp[12]).toMatchObject({ count: 3, p50: 200 });
    expect(report.agp[95]).toMatchObject({ count: 3, p50: 200 });
    expect(report.activity).toMatchObject({ present: 300, expected: 300, fraction: 1 });
  });

  it('defaultPeriod ends at the end of the latest reading’s local day, across a clock change', () => {
    const latest = Date.UTC(2025, 2, 30, 21, 55); // 23:55 CEST
    const span = defaultPeriod(latest, 14, 'Europe/Paris');
    expect(new Date(span.start).toISOString()).toBe('2025-03-16T23:00:00.000Z');
    expect(new Date(span.end).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect(span.end - span.start).toBe(14 * DAY - HOUR);
    const long = defaultPeriod(latest, 90, 'Europe/Paris');
    expect(new Date(long.start).toISOString()).toBe('2024-12-30T23:00:00.000Z');
    expect(defaultPeriod(Date.UTC(2025, 2, 30, 22), 30, 'Europe/Paris').end).toBe(Date.UTC(2025, 2, 31, 22)); // 00:00 the next day
  });

  it('a day whose midnight a clock change skips starts when the clock jumps', () => {
    // Chile sets its clocks from 24:00 to 01:00 on 7 September 2025: the day starts at 01:00 (-03).
    const calendar = createZoneCalendar('America/Santiago');
    const day = Date.UTC(2025, 8, 7) / DAY;
    expect(new Date(calendar.startOfDay(day)).toISOString()).toBe('2025-09-07T04:00:00.000Z');
    expect(naiveLocal(calendar.startOfDay(day), 'America/Santiago')).toEqual({ date: '2025-09-07', minute: 60 });
    expect(naiveLocal(calendar.startOfDay(day) - 1000, 'America/Santiago').date).toBe('2025-09-06');
  });
});

describe('parsePeriod', () => {
  it('takes both days whole, in the patient’s zone', () => {
    const span = period('2025-01-01', '2025-01-31', 'Asia/Kolkata');
    expect(new Date(span.start).toISOString()).toBe('2024-12-31T18:30:00.000Z');
    expect(new Date(span.end).toISOString()).toBe('2025-01-31T18:30:00.000Z');
  });

  it('refuses dates that are not, and a last day before the first', () => {
    expect(parsePeriod('2025-02-30', '2025-03-01', 'UTC')).toEqual({ ok: false, error: { type: 'BadDate', which: 'first' } });
    expect(parsePeriod('2025-03-01', '3/4/2025', 'UTC')).toEqual({ ok: false, error: { type: 'BadDate', which: 'last' } });
    expect(parsePeriod('2025-03-02', '2025-03-01', 'UTC')).toEqual({ ok: false, error: { type: 'LastBeforeFirst' } });
  });
});

// --- properties ---------------------------------------------------------------------------------

describe('glucoseReport properties', () => {
  // Zones with a clock change inside the window, one of them by half an hour at a half hour (Lord Howe).
  const windows = [
    { timeZone: 'Europe/Paris', first: '2025-10-25', last: '2025-10-27' },
    { timeZone: 'Europe/Paris', first: '2025-03-29', last: '2025-03-31' },
    { timeZone: 'Australia/Lord_Howe', first: '2025-10-04', last: '2025-10-06' },
    { timeZone: 'America/New_York', first: '2025-11-01', last: '2025-11-03' },
    { timeZone: 'Asia/Kathmandu', first: '2025-06-01', last: '2025-06-03' },
  ];
  const readingArb = fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    mmol: fc.boolean(),
    level: fc.double({ min: 0, max: 1, noNaN: true }),
    kind: fc.constantFrom<ReadingKind>('continuous', 'continuous', 'continuous', 'scan', 'blood'),
  });

  it('agrees with the naive report; percentiles are ordered; band fractions sum to 1', () => {
    fc.assert(
      fc.property(fc.constantFrom(...windows), fc.array(readingArb, { minLength: 1, maxLength: 400 }), (window, drawn) => {
        const span = period(window.first, window.last, window.timeZone);
        const readings = drawn.map((d) => {
          const time = span.start + Math.floor(d.at * (span.end - span.start));
          // One decimal in mmol/L and whole mg/dL, as devices write them.
          const value = d.mmol ? Math.round((2.2 + d.level * 20) * 10) / 10 : Math.round(40 + d.level * 360);
          return reading(time, value, d.mmol ? 'mmol/L' : 'mg/dL', d.kind);
        });
        const report = glucoseReport(readings, span, window.timeZone);
        const naive = naiveReport(readings, span, window.timeZone);
        if (naive.count === 0) return;
        expectMatchesNaive(report, naive);
        const fractions = Object.values(report.bands).reduce((sum, band) => sum + band.fraction, 0);
        expect(fractions).toBeCloseTo(1, 12);
        for (const bin of report.agp) {
          if (bin === null) continue;
          expect(bin.p5 <= bin.p25 && bin.p25 <= bin.p50 && bin.p50 <= bin.p75 && bin.p75 <= bin.p95).toBe(true);
        }
        expect(report.activity.fraction === null || (report.activity.fraction > 0 && report.activity.fraction <= 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('the zone calendar agrees with Intl at every minute around the clock changes', () => {
    for (const window of windows) {
      const calendar = createZoneCalendar(window.timeZone);
      const span = period(window.first, window.last, window.timeZone);
      for (let time = span.start; time < span.end; time += 7 * MINUTE + 13_000) {
        const local = naiveLocal(time, window.timeZone);
        const shifted = time + calendar.offsetAt(time);
        expect(new Date(shifted).toISOString().slice(0, 10)).toBe(local.date);
        expect(Math.floor((shifted % DAY) / MINUTE)).toBe(local.minute);
      }
    }
  });
});

describe('glucoseReport speed', () => {
  it('90 days of 5-minute readings in a few milliseconds', () => {
    const start = Date.UTC(2025, 0, 1);
    const readings = Array.from({ length: 25_920 }, (_, i) => reading(start + i * 5 * MINUTE + (i % 3) * 1000, 60 + ((i * 37) % 250)));
    const span = defaultPeriod((readings.at(-1) as Reading).time, 90, 'Europe/Paris');
    const times: number[] = [];
    for (let run = 0; run < 30; run += 1) {
      const t0 = performance.now();
      glucoseReport(readings, span, 'Europe/Paris');
      times.push(performance.now() - t0);
    }
    const median = times.sort((a, b) => a - b)[15] as number;
    console.log(`glucoseReport, 25,920 readings: ${median.toFixed(1)} ms (median of 30)`);
    // A guard against a regression by an order of magnitude (an Intl call per reading), not a benchmark.
    expect(median).toBeLessThan(60);
  });
});
