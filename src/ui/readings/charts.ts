/**
 * The readings charts, drawn with uPlot (canvas: a year of 5-minute readings is 105,000 points,
 * which SVG nodes could not carry): the ambulatory glucose profile, the zoomable timeline, and the
 * weight trend. Colours come from the page's CSS custom properties, so light and dark themes and
 * a change of theme apply to the canvas too. Every chart has a text summary and a data table next
 * to it (the screens); the canvas itself is hidden from assistive technology.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { AGP_BIN_MINUTES, createZoneCalendar, type AgpBin } from '../../core/readings/report.ts';
import { MGDL_PER_MMOLL, type Reading } from '../../core/readings/series.ts';
import { BAND_LIMITS } from '../../core/readings/glucose.ts';

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

/** A reading's value in the unit the patient reads, from whatever unit it was recorded in. */
export function glucoseIn(unit: GlucoseUnit, reading: Pick<Reading, 'value' | 'unit'>): number {
  if (reading.unit === unit) return reading.value;
  return unit === 'mmol/L' ? reading.value / MGDL_PER_MMOLL : reading.value * MGDL_PER_MMOLL;
}

export function fromMgdl(unit: GlucoseUnit, mgdl: number): number {
  return unit === 'mg/dL' ? mgdl : mgdl / MGDL_PER_MMOLL;
}

/** The consensus target range on the patient's scale (70–180 mg/dL, 3.9–10.0 mmol/L). */
export function targetRange(unit: GlucoseUnit): [number, number] {
  return [BAND_LIMITS[unit].low, BAND_LIMITS[unit].high];
}

/**
 * Resolves CSS custom properties to colours the canvas understands (light-dark() included): every
 * probe is placed before any is read, so the page's style is computed once, not once per colour.
 */
function cssColors<K extends string>(host: Element, properties: Record<K, string>): Record<K, string> {
  const probes = Object.entries<string>(properties).map(([key, property]) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${property})`;
    probe.style.display = 'none';
    host.append(probe);
    return [key, probe] as const;
  });
  const colors = Object.fromEntries(probes.map(([key, probe]) => [key, getComputedStyle(probe).color])) as Record<K, string>;
  for (const [, probe] of probes) probe.remove();
  return colors;
}

function withAlpha(color: string, alpha: number): string {
  const match = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(color);
  return match === null ? color : `rgba(${match[1]}, ${match[2]}, ${match[3]}, ${alpha})`;
}

interface Palette {
  text: string;
  grid: string;
  line: string;
  band: string;
  target: string;
  other: string;
}

function paletteOf(host: Element): Palette {
  const colors = cssColors(host, { text: '--text', border: '--border', primary: '--primary', success: '--success', accent: '--accent' });
  return { text: colors.text, grid: withAlpha(colors.border, 0.6), line: colors.primary, band: colors.primary, target: colors.success, other: colors.accent };
}

function axis(palette: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { stroke: palette.text, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid, width: 1 }, ...extra };
}

/** Shades the target range behind the series. */
function targetBand(low: number, high: number, color: () => string): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u) => {
        const { ctx, bbox } = u;
        const top = u.valToPos(high, 'y', true);
        const bottom = u.valToPos(low, 'y', true);
        ctx.save();
        ctx.fillStyle = color();
        ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
        ctx.restore();
      },
    },
  };
}

/**
 * uPlot reads dates through the browser's local getters; this hands it a Date whose local fields
 * show the patient's wall clock. uPlot's own tzDate parses a locale string per call, which cost a
 * year's timeline more than its drawing; the zone offset here is cached per hour.
 */
function zonedDates(timeZone: string): (seconds: number) => Date {
  let dates = zonedDatesByZone.get(timeZone);
  if (dates === undefined) {
    const calendar = createZoneCalendar(timeZone);
    dates = (seconds) => {
      const shifted = seconds * 1000 + calendar.offsetAt(seconds * 1000);
      return new Date(shifted + new Date(shifted).getTimezoneOffset() * 60_000);
    };
    zonedDatesByZone.set(timeZone, dates);
  }
  return dates;
}

/** One per zone the patient has chosen, kept: its formatter and the hours of the ticks drawn so far. */
const zonedDatesByZone = new Map<string, (seconds: number) => Date>();

/** A drawn chart that grows and shrinks with its container, until destroyed. */
function fitted(chart: uPlot, host: HTMLElement, height: number): ChartHandle {
  const observer = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(host.clientWidth));
    if (width !== chart.width) chart.setSize({ width, height });
  });
  observer.observe(host);
  return {
    destroy() {
      observer.disconnect();
      chart.destroy();
    },
  };
}

/**
 * Changes whenever the colours a canvas must use may have changed (the system's light or dark
 * scheme): a chart reads it, with the theme preference, and is drawn again.
 */
export function createSchemeWatch(): Accessor<number> {
  const [version, setVersion] = createSignal(0);
  const query = matchMedia('(prefers-color-scheme: dark)');
  const changed = () => setVersion((value) => value + 1);
  query.addEventListener('change', changed);
  onCleanup(() => query.removeEventListener('change', changed));
  return version;
}

export interface ChartHandle {
  destroy(): void;
}

/** The AGP: median line, 25–75 and 5–95 bands, by local time of day, on the target range. */
export function drawAgp(host: HTMLElement, bins: readonly (AgpBin | null)[], unit: GlucoseUnit, labels: { median: string; iqr: string; outer: string }): ChartHandle {
  const palette = paletteOf(host);
  const x = Float64Array.from(bins, (_, index) => (index + 0.5) * AGP_BIN_MINUTES * 60);
  const column = (pick: (bin: AgpBin) => number) => bins.map((bin) => (bin === null ? null : fromMgdl(unit, pick(bin))));
  const data: uPlot.AlignedData = [x, column((b) => b.p5), column((b) => b.p25), column((b) => b.p50), column((b) => b.p75), column((b) => b.p95)];
  const [low, high] = targetRange(unit);
  const height = 280;
  const chart = new uPlot(
    {
      width: Math.max(200, host.clientWidth),
      height,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0, 86_400] }, y: { range: unit === 'mg/dL' ? [40, 350] : [2.2, 19.4] } },
      axes: [
        axis(palette, { values: (_u, splits) => splits.map((s) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:00`), incrs: [3 * 3600, 6 * 3600] }),
        axis(palette, { size: 48 }),
      ],
      series: [
        {},
        { label: labels.outer, stroke: withAlpha(palette.band, 0.5), width: 1, dash: [4, 4] },
        { label: labels.iqr, stroke: withAlpha(palette.band, 0.8), width: 1 },
        { label: labels.median, stroke: palette.line, width: 3 },
        { label: labels.iqr, stroke: withAlpha(palette.band, 0.8), width: 1 },
        { label: labels.outer, stroke: withAlpha(palette.band, 0.5), width: 1, dash: [4, 4] },
      ],
      bands: [
        { series: [5, 1], fill: withAlpha(palette.band, 0.12) },
        { series: [4, 2], fill: withAlpha(palette.band, 0.28) },
      ],
      plugins: [targetBand(low, high, () => withAlpha(palette.target, 0.14))],
    },
    data,
    host,
  );
  return fitted(chart, host, height);
}

/** A sensor silent longer than this is drawn as a gap, not a straight line across it (seconds). */
const GAP_SECONDS = 1_800;

/** The timeline's arrays: continuous readings, where their sensor fell silent, and the others. */
export interface TimelineData {
  /** Seconds and values of the continuous readings, in time order, no nulls. */
  readonly data: [Float64Array, Float64Array];
  /** Each index `i` of `data` whose reading comes more than GAP_SECONDS after reading `i - 1`, ascending. */
  readonly silences: Int32Array;
  /** Scans, strips and manual entries: drawn as dots. */
  readonly others: [number, number][];
}

/**
 * Continuous readings as two typed arrays (seconds, value) and the silences between them, in one
 * pass: a year is ready in a millisecond or two, and each draw then looks at the few silences in
 * view instead of every pair of readings. Others as dots. `readings` are in time order.
 */
export function timelineData(readings: readonly Reading[], unit: GlucoseUnit): TimelineData {
  const xs = new Float64Array(readings.length);
  const ys = new Float64Array(readings.length);
  const silences: number[] = [];
  const others: [number, number][] = [];
  const toMmol = 1 / MGDL_PER_MMOLL;
  let at = 0;
  for (let index = 0; index < readings.length; index++) {
    const reading = readings[index] as Reading;
    const value = reading.unit === unit ? reading.value : unit === 'mmol/L' ? reading.value * toMmol : reading.value * MGDL_PER_MMOLL;
    if (reading.kind === 'continuous') {
      const x = reading.time / 1000;
      if (at > 0 && x - (xs[at - 1] as number) > GAP_SECONDS) silences.push(at);
      xs[at] = x;
      ys[at] = value;
      at++;
    } else others.push([reading.time / 1000, value]);
  }
  return { data: [xs.subarray(0, at), ys.subarray(0, at)], silences: Int32Array.from(silences), others };
}

/** uPlot's `gaps` hook: a gap (canvas pixels) over each silence between the readings drawn. */
export function timelineGaps(silences: Int32Array): (u: uPlot, series: number, first: number, last: number, gaps: uPlot.Series.Gaps) => uPlot.Series.Gaps {
  return (u, _series, first, last, gaps) => {
    const xs = u.data[0];
    const out = [...gaps];
    for (const index of silencesIn(silences, first, last)) {
      out.push([Math.round(u.valToPos(xs[index - 1] as number, 'x', true)) + 1, Math.round(u.valToPos(xs[index] as number, 'x', true)) - 1]);
    }
    return out;
  };
}

/** The silences (TimelineData) between readings `first` and `last`, both drawn: those in [first + 1, last]. */
export function silencesIn(silences: Int32Array, first: number, last: number): Int32Array {
  return silences.subarray(lowerBound(silences, first + 1), lowerBound(silences, last + 1));
}

/** The first position in ascending `values` holding `value` or more. */
function lowerBound(values: Int32Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The zoomable timeline: drag across it (or use the buttons the screen gives) to zoom into a span;
 * scans, strips and manual entries as dots over the sensor's line.
 */
export function drawTimeline(
  host: HTMLElement,
  readings: readonly Reading[],
  unit: GlucoseUnit,
  timeZone: string,
  label: string,
  onZoom?: (range: [number, number]) => void,
): ChartHandle & { zoom(range: [number, number] | null): void } {
  const palette = paletteOf(host);
  const { data, silences, others } = timelineData(readings, unit);
  const [low, high] = targetRange(unit);
  const height = 260;
  const dots: uPlot.Plugin = {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        ctx.save();
        ctx.fillStyle = palette.other;
        for (const [time, value] of others) {
          const cx = u.valToPos(time, 'x', true);
          const cy = u.valToPos(value, 'y', true);
          if (cx < u.bbox.left || cx > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.arc(cx, cy, 2.5 * devicePixelRatio, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      },
    },
  };
  const xs = data[0];
  const first = xs.length > 0 ? (xs[0] as number) : 0;
  const last = xs.length > 0 ? (xs[xs.length - 1] as number) : 1;
  const chart = new uPlot(
    {
      width: Math.max(200, host.clientWidth),
      height,
      tzDate: zonedDates(timeZone),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
      scales: { x: { time: true }, y: { range: unit === 'mg/dL' ? [40, 400] : [2.2, 22.2] } },
      axes: [axis(palette), axis(palette, { size: 48 })],
      // Width 1: a fractional width makes Chromium antialias 105,000 segments, five times slower (measured).
      series: [{}, { label, stroke: palette.line, width: 1, spanGaps: false, gaps: timelineGaps(silences), points: { show: false } }],
      plugins: [targetBand(low, high, () => withAlpha(palette.target, 0.14)), dots],
      hooks: {
        setScale: [
          (u, key) => {
            if (key === 'x' && onZoom !== undefined) onZoom([u.scales.x?.min ?? first, u.scales.x?.max ?? last]);
          },
        ],
      },
    },
    data,
    host,
  );
  return {
    ...fitted(chart, host, height),
    zoom(range) {
      chart.setScale('x', range === null ? { min: first, max: last } : { min: range[0], max: range[1] });
    },
  };
}

/** Weighings as dots, the 7-day average as a line. */
export function drawWeight(
  host: HTMLElement,
  points: readonly { time: number; value: number }[],
  average: readonly { time: number; value: number }[],
  timeZone: string,
  labels: { weighings: string; average: string },
): ChartHandle {
  const palette = paletteOf(host);
  const times = Array.from(new Set([...points.map((p) => p.time), ...average.map((p) => p.time)])).sort((a, b) => a - b);
  const index = new Map(times.map((time, at) => [time, at]));
  const weighings: (number | null)[] = times.map(() => null);
  const averages: (number | null)[] = times.map(() => null);
  for (const point of points) weighings[index.get(point.time) as number] = point.value;
  for (const point of average) averages[index.get(point.time) as number] = point.value;
  const height = 260;
  const chart = new uPlot(
    {
      width: Math.max(200, host.clientWidth),
      height,
      tzDate: zonedDates(timeZone),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true } },
      axes: [axis(palette), axis(palette, { size: 56 })],
      series: [
        {},
        { label: labels.weighings, stroke: palette.other, width: 0, points: { show: true, size: 6, fill: palette.other } },
        { label: labels.average, stroke: palette.line, width: 2.5, spanGaps: true, points: { show: false } },
      ],
    },
    [times.map((time) => time / 1000), weighings, averages],
    host,
  );
  return fitted(chart, host, height);
}
