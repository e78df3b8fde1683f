/**
 * The weight trend against values computed here by hand from the definitions: pounds by the
 * international pound (0.45359237 kg), days from Intl one weighing at a time, the moving average as
 * the mean of the daily means of the 7 calendar days ending on each day, and the WHO BMI table.
 */
import { describe, expect, it } from 'vitest';
import { parsePeriod, type Period } from '../../../src/core/readings/report.ts';
import type { Reading, UnitLabel } from '../../../src/core/readings/series.ts';
import { bmiClass, weightTrend, type BmiClass } from '../../../src/core/readings/weight.ts';

const HOUR = 3_600_000;
const LB = 0.45359237;

function weighing(time: number, value: number, unit: UnitLabel = 'kg'): Reading {
  return { time, value, unit, kind: 'manual', bound: null, source: { importer: 'withings', device: 'Body+', serial: null } };
}

function period(first: string, last: string, timeZone: string): Period {
  const result = parsePeriod(first, last, timeZone);
  if (!result.ok) throw new Error(result.error.type);
  return result.value;
}

function localDate(time: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
}

const kgOf = (r: Reading) => (r.unit === 'lb' ? r.value * LB : r.value);
const average = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('weightTrend', () => {
  const zone = 'Europe/Paris';
  const span = period('2025-03-20', '2025-04-05', zone);
  // Local mornings and evenings, some days twice, some in pounds, gaps of several days, the spring
  // clock change on 30 March, and two weighings before the period that feed its first averages.
  const at = (day: string, hour: number) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00${day >= '2025-03-30' ? '+02:00' : '+01:00'}`);
  const readings = [
    weighing(at('2025-03-15', 7), 81.0),
    weighing(at('2025-03-18', 7), 178.6, 'lb'),
    weighing(at('2025-03-20', 7), 80.4),
    weighing(at('2025-03-20', 22), 81.2),
    weighing(at('2025-03-21', 7), 177.0, 'lb'),
    weighing(at('2025-03-24', 7), 80.1),
    weighing(Date.parse('2025-03-30T00:00:00+01:00'), 79.9), // local midnight on the day of the change
    weighing(at('2025-03-30', 23), 80.6),
    weighing(at('2025-03-31', 7), 79.5),
    weighing(at('2025-04-05', 23), 175.5, 'lb'),
    weighing(at('2025-04-06', 7), 70.0), // the day after the period
  ].toReversed(); // in no particular order

  it('gives the weighings of the period in kg, by time', () => {
    const trend = weightTrend(readings, span, zone, null);
    const inside = readings.filter((r) => r.time >= span.start && r.time < span.end).sort((a, b) => a.time - b.time);
    expect(trend.points.map((p) => p.time)).toEqual(inside.map((r) => r.time));
    trend.points.forEach((point, i) => expect(point.kg).toBeCloseTo(kgOf(inside[i] as Reading), 12));
    expect(trend.points.find((p) => p.reading.unit === 'lb')?.kg).toBeCloseTo(177.0 * LB, 12);
  });

  it('averages the daily means of the last 7 local days with data', () => {
    const trend = weightTrend(readings, span, zone, null);
    const byDay = new Map<string, number[]>();
    for (const r of readings) byDay.set(localDate(r.time, zone), [...(byDay.get(localDate(r.time, zone)) ?? []), kgOf(r)]);
    const dailyMean = new Map([...byDay].map(([day, values]) => [day, average(values)]));
    const inPeriod = [...dailyMean.keys()].filter((day) => day >= '2025-03-20' && day <= '2025-04-05').sort();
    expect(trend.days.map((d) => d.date)).toEqual(inPeriod);
    for (const day of trend.days) {
      const window = [...dailyMean.keys()].filter((other) => {
        const distance = (Date.parse(day.date) - Date.parse(other)) / (24 * HOUR);
        return distance >= 0 && distance <= 6;
      });
      expect(day.meanKg, day.date).toBeCloseTo(dailyMean.get(day.date) as number, 12);
      expect(day.averageKg, day.date).toBeCloseTo(average(window.map((d) => dailyMean.get(d) as number)), 12);
      expect(day.daysAveraged, day.date).toBe(window.length);
    }
    // By hand: on 20 March the window runs from 14 to 20 March, where 15, 18 and 20 March have data.
    const first = trend.days[0];
    expect(first?.daysAveraged).toBe(3);
    expect(first?.averageKg).toBeCloseTo((81.0 + 178.6 * LB + (80.4 + 81.2) / 2) / 3, 12);
    // 30 March: midnight and 23:00 are the same local day although it has 23 hours.
    expect(trend.days.find((d) => d.date === '2025-03-30')?.meanKg).toBeCloseTo((79.9 + 80.6) / 2, 12);
    expect(trend.days.find((d) => d.date === '2025-03-30')?.start).toBe(Date.UTC(2025, 2, 29, 23));
    // 5 April: its window runs from 30 March, so 30 and 31 March count with it.
    expect(trend.days.at(-1)).toMatchObject({ date: '2025-04-05', daysAveraged: 3 });
  });

  it('change, minimum and maximum over the period', () => {
    const trend = weightTrend(readings, span, zone, null);
    expect(trend.changeKg).toBeCloseTo(175.5 * LB - 80.4, 12);
    expect(trend.min?.kg).toBe(79.5);
    expect(trend.max?.kg).toBe(81.2);
  });

  it('BMI of the latest weighing when the height is known', () => {
    const trend = weightTrend(readings, span, zone, 1.78);
    const latest = 175.5 * LB;
    expect(trend.bmi).toEqual({ value: Math.round((latest / 1.78 ** 2) * 10) / 10, class: 'preObesity', time: at('2025-04-05', 23) });
    expect(trend.bmi?.value).toBe(25.1);
    expect(weightTrend(readings, span, zone, null).bmi).toBeNull();
  });

  it('refuses a height in centimetres', () => {
    expect(() => weightTrend(readings, span, zone, 178)).toThrow(RangeError);
  });

  it('an empty period: no points, no change, no BMI', () => {
    const trend = weightTrend(readings, period('2024-01-01', '2024-01-31', zone), zone, 1.78);
    expect(trend).toMatchObject({ points: [], days: [], changeKg: null, min: null, max: null, bmi: null });
    const single = weightTrend([weighing(at('2025-03-24', 7), 80.1)], span, zone, 1.78);
    expect(single.changeKg).toBeNull();
    expect(single.min).toBe(single.max);
  });
});

describe('bmiClass (WHO, one decimal as the table is written)', () => {
  const table: [number, BmiClass][] = [
    [16.0, 'underweight'],
    [18.4, 'underweight'],
    [18.44, 'underweight'],
    [18.46, 'normal'], // shown as 18.5
    [18.5, 'normal'],
    [24.9, 'normal'],
    [24.94, 'normal'],
    [24.96, 'preObesity'], // shown as 25.0, never called normal
    [25.0, 'preObesity'],
    [29.9, 'preObesity'],
    [30.0, 'obesity1'],
    [34.9, 'obesity1'],
    [35.0, 'obesity2'],
    [39.9, 'obesity2'],
    [40.0, 'obesity3'],
    [55.2, 'obesity3'],
  ];
  it.each(table)('%s is %s', (bmi, expected) => {
    expect(bmiClass(bmi)).toBe(expected);
  });
});
