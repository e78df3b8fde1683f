/**
 * The timeline's arrays (charts.ts): continuous readings as two typed arrays in the patient's
 * unit, the silences between them found once, the others as dots, and the silences a zoomed
 * view draws as gaps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading, ReadingSource } from '../../src/core/readings/series.ts';
import { MGDL_PER_MMOLL } from '../../src/core/readings/series.ts';
import type uPlot from 'uplot';
import { drawTimeline, silencesIn, timelineData, timelineGaps } from '../../src/ui/readings/charts.ts';

const sensor: ReadingSource = { importer: 'dexcom-clarity', device: 'G7', serial: 'SERIAL-1' };
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function reading(minutes: number, value: number, kind: Reading['kind'] = 'continuous', unit: Reading['unit'] = 'mg/dL'): Reading {
  return { time: START + minutes * MINUTE, value, unit, kind, bound: null, source: sensor };
}

describe('timelineData', () => {
  it('keeps continuous readings as seconds and values, converts units, and sets the others apart', () => {
    const { data, others } = timelineData([reading(0, 100), reading(5, 5.5, 'continuous', 'mmol/L'), reading(7, 140, 'scan'), reading(10, 120)], 'mg/dL');
    expect(Array.from(data[0])).toEqual([START / 1000, START / 1000 + 300, START / 1000 + 600]);
    expect(Array.from(data[1])).toEqual([100, 5.5 * MGDL_PER_MMOLL, 120]);
    expect(others).toEqual([[START / 1000 + 420, 140]]);
    const inMmol = timelineData([reading(0, 180)], 'mmol/L');
    expect(inMmol.data[1][0]).toBeCloseTo(180 / MGDL_PER_MMOLL, 12);
  });

  it('finds a silence past 30 minutes between continuous readings, not at 30, and not broken by a scan', () => {
    const readings = [reading(0, 100), reading(30, 101), reading(61, 102), reading(70, 150, 'scan'), reading(90, 103), reading(200, 104)];
    // Continuous: 0, 30, 61, 90, 200 minutes; silences before 61 (31 min) and 200 (110 min).
    expect(Array.from(timelineData(readings, 'mg/dL').silences)).toEqual([2, 4]);
    expect(timelineData([], 'mg/dL').silences.length).toBe(0);
  });

  it('finds exactly the pairs of consecutive continuous readings more than 30 minutes apart', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 90 }), { maxLength: 200 }), (steps) => {
        let minutes = 0;
        const readings = steps.map((step) => reading((minutes += step), 100));
        const { data, silences } = timelineData(readings, 'mg/dL');
        const expected: number[] = [];
        for (let index = 1; index < data[0].length; index++) if ((data[0][index] as number) - (data[0][index - 1] as number) > 1_800) expected.push(index);
        expect(Array.from(silences)).toEqual(expected);
      }),
    );
  });
});

describe('silencesIn', () => {
  it('gives the silences a view of readings [first, last] draws: those after first, up to last', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 60 }), fc.integer({ min: 0, max: 310 }), fc.integer({ min: 0, max: 310 }), (list, a, b) => {
        const silences = Int32Array.from(list.sort((x, y) => x - y));
        const [first, last] = a <= b ? [a, b] : [b, a];
        expect(Array.from(silencesIn(silences, first, last))).toEqual(list.filter((index) => index > first && index <= last));
      }),
    );
  });
});

describe('timelineGaps', () => {
  it('adds a gap, in canvas pixels, over each silence in view and none elsewhere', () => {
    const hook = timelineGaps(Int32Array.from([2, 5]));
    // Ten seconds a pixel: readings at 0 s, 10 s, then silent until 5,000 s, and again until 9,000 s.
    const u = { data: [Float64Array.from([0, 10, 5_000, 5_010, 5_020, 9_000])], valToPos: (seconds: number) => seconds / 10 } as unknown as uPlot;
    expect(hook(u, 1, 0, 5, [[100, 120]])).toEqual([
      [100, 120],
      [2, 499],
      [503, 899],
    ]);
    expect(hook(u, 1, 2, 4, [])).toEqual([]);
    expect(hook(u, 1, 1, 2, [])).toEqual([[2, 499]]);
  });
});

describe('drawTimeline', () => {
  it('draws a year of readings with its silences, zooms, and is destroyed without a trace', async () => {
    const host = document.createElement('div');
    host.style.width = '800px';
    document.body.append(host);
    const readings: Reading[] = [];
    for (let minutes = 0; minutes < 365 * 24 * 60; minutes += 5) if (minutes % (14 * 24 * 60) >= 120) readings.push(reading(minutes, 80 + (minutes % 170)));
    const zooms: [number, number][] = [];
    const chart = drawTimeline(host, readings, 'mg/dL', 'Europe/Paris', 'glucose', (range) => zooms.push(range));
    await Promise.resolve();
    expect(host.querySelectorAll('canvas').length).toBe(1);
    chart.zoom([START / 1000, START / 1000 + 86_400]);
    await Promise.resolve();
    expect(zooms.at(-1)).toEqual([START / 1000, START / 1000 + 86_400]);
    chart.destroy();
    expect(host.querySelector('canvas')).toBeNull();
    host.remove();
  });
});
