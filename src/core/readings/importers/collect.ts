/**
 * What every importer does the same way: refuse impossible values (series.ts isPlausible), keep
 * the line of each reading so a dropped duplicate can be reported where it is, sort each series by
 * time, drop near-duplicates, and hand back either the readings or NoReadings with every reason.
 * Also the small readers of values and names that several importers share.
 */
import type { DeviceNote, ParsedReadings, ParsedSeries, ReadingsFileError, ReadingsFormat, SkippedRow, SkipReason } from '../parsed.ts';
import { isPlausible, SERIES_IDS, type Reading, type ReadingSource, type SeriesId, type UnitLabel } from '../series.ts';
import { err, ok, type Result } from '../../result.ts';
import { stripBom, type CsvCursor } from './csv.ts';
import { dropNearDuplicates, timeOrder } from './near-duplicates.ts';

export interface ReadingsCollector {
  /** A reading read from `line`; refused as implausible when no device could have measured it. */
  add(series: SeriesId, reading: Reading, line: number, ambiguousTime: boolean): void;
  /** `device`: what was wrong with a device's record (Bluetooth), for the screen to word. */
  skip(line: number, reason: SkipReason, detail: string, device?: DeviceNote): void;
  /** A row or value that is not a reading Carnet keeps, counted by what the file calls it. */
  ignore(name: string, count?: number): void;
  finish(): Result<ParsedReadings, ReadingsFileError>;
}

const MAX_DETAIL = 80;
const MAX_NAME = 60;
/** Different names counted in `ignored`; past them, the rest are counted under OTHER_NAMES. */
export const MAX_IGNORED_NAMES = 1000;
export const OTHER_NAMES = '(other)';

/** Bounded, so that a hostile file cannot put megabytes into a preview. */
export function shorten(text: string, max = MAX_DETAIL): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

export function createCollector(format: ReadingsFormat): ReadingsCollector {
  const readings = new Map<SeriesId, Reading[]>();
  const lines = new Map<SeriesId, number[]>();
  const skipped: SkippedRow[] = [];
  const ignored = new Map<string, number>();
  let ambiguousTimes = 0;
  return {
    add(series, reading, line, ambiguousTime) {
      if (!isPlausible(series, reading)) {
        skipped.push({ line, reason: 'implausible', detail: `${reading.value} ${reading.unit}` });
        return;
      }
      let list = readings.get(series);
      let at = lines.get(series);
      if (list === undefined || at === undefined) {
        readings.set(series, (list = []));
        lines.set(series, (at = []));
      }
      list.push(reading);
      at.push(line);
      if (ambiguousTime) ambiguousTimes++;
    },
    skip(line, reason, detail, device) {
      skipped.push(device === undefined ? { line, reason, detail: shorten(detail) } : { line, reason, detail: shorten(detail), device });
    },
    ignore(name, count = 1) {
      const named = shorten(name, MAX_NAME) || '(none)';
      // Bounded like every detail: a hostile file of a million row types counts the rest as one.
      const key = ignored.has(named) || ignored.size < MAX_IGNORED_NAMES ? named : OTHER_NAMES;
      ignored.set(key, (ignored.get(key) ?? 0) + count);
    },
    finish() {
      const series: ParsedSeries[] = [];
      for (const id of SERIES_IDS) {
        const list = readings.get(id);
        const at = lines.get(id);
        if (list === undefined || at === undefined) continue;
        const order = timeOrder(list);
        const sorted = order === null ? list : order.map((index) => list[index] as Reading);
        const sortedLines = order === null ? at : order.map((index) => at[index] as number);
        const { kept, duplicates, sameTime } = dropNearDuplicates(sorted);
        for (const { index, of } of duplicates) {
          const reading = sorted[index] as Reading;
          skipped.push({ line: sortedLines[index] as number, reason: 'duplicate', detail: `${reading.value} ${reading.unit}`, kept: { line: sortedLines[of] as number } });
        }
        for (const { index, of } of sameTime) {
          const reading = sorted[index] as Reading;
          const first = sorted[of] as Reading;
          skipped.push({ line: sortedLines[index] as number, reason: 'same-time', detail: `${reading.value} ${reading.unit}`, kept: { line: sortedLines[of] as number, holds: { value: first.value, unit: first.unit } } });
        }
        const units: UnitLabel[] = [];
        for (const reading of kept) if (!units.includes(reading.unit)) units.push(reading.unit);
        series.push({ series: id, readings: kept, units });
      }
      skipped.sort((a, b) => a.line - b.line);
      // fromEntries defines own properties: a row type called "__proto__" stays a name.
      const counts: Record<string, number> = Object.fromEntries(ignored);
      if (series.length === 0) return err({ type: 'NoReadings', format, skipped, ignored: counts });
      return ok({ format, series, skipped, ignored: counts, ambiguousTimes });
    },
  };
}

const MAX_DECIMALS = 1e6;
/** Digits a double holds exactly; longer numbers go through Number(). */
const EXACT_DIGITS = 15;

/**
 * A number as written: `5.6`, and `5,6` (a decimal comma: a comma inside one field can be nothing
 * else, as no export writes thousands separators in these values). At most 6 decimals are kept,
 * as the day-chunk stores them (series.ts). NaN for anything else (`12 mg`, `1e3`, `0x10`, ``).
 * Read digit by digit: one division of two exact integers is the correctly rounded value, the
 * same as Number() gives, without a regular expression and a copy per row.
 */
export function parseDecimal(text: string): number {
  return parseDecimalIn(text, 0, text.length);
}

/** parseDecimal of text[from, to): a field read where it lies in a CSV text, without cutting it out. */
export function parseDecimalIn(text: string, from: number, to: number): number {
  let start = from;
  let end = to;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  let pos = start;
  const sign = text.charCodeAt(pos);
  if (sign === 0x2b || sign === 0x2d) pos++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; pos < end; pos++) {
    const code = text.charCodeAt(pos);
    if (code >= 0x30 && code <= 0x39) {
      mantissa = mantissa * 10 + code - 0x30;
      digits++;
      if (decimals >= 0) decimals++;
    } else if ((code === 0x2e || code === 0x2c) && decimals < 0) decimals = 0;
    else return Number.NaN;
  }
  if (digits === 0) return Number.NaN;
  let value: number;
  if (digits <= EXACT_DIGITS) value = decimals > 0 ? mantissa / 10 ** decimals : mantissa;
  else value = Number(text.slice(sign === 0x2b || sign === 0x2d ? start + 1 : start, end).replace(',', '.'));
  return roundDecimals(sign === 0x2d ? -value : value);
}

/** A value with at most 6 decimals (series.ts: "at most 6 decimals are kept"). */
export function roundDecimals(value: number): number {
  const rounded = Math.round(value * MAX_DECIMALS) / MAX_DECIMALS;
  return rounded === value ? value : rounded;
}

const MAX_SOURCE_TEXT = 120;

/** A device name or serial as the file writes it: trimmed, bounded, null when empty. */
export function sourceText(text: string | undefined): string | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed.slice(0, MAX_SOURCE_TEXT);
}

/**
 * One source object per device and serial, so that a year of readings shares a handful: the
 * day-chunk writer and the plan key sources by object.
 */
export function createSourceCache(importer: string): (device: string | null, serial: string | null) => ReadingSource {
  const cache = new Map<string | null, Map<string | null, ReadingSource>>();
  let last: ReadingSource | null = null;
  return (device, serial) => {
    if (last !== null && last.device === device && last.serial === serial) return last;
    let bySerial = cache.get(device);
    if (bySerial === undefined) cache.set(device, (bySerial = new Map()));
    let source = bySerial.get(serial);
    if (source === undefined) bySerial.set(serial, (source = { importer, device, serial }));
    last = source;
    return source;
  };
}

/**
 * Each CSV row's source, from its device and serial columns (-1: none). While they repeat, the
 * previous row's source is reused without cutting the fields out of the text: a year of rows
 * from one sensor costs one object.
 */
export function createRowSources(importer: string, deviceColumn: number, serialColumn: number): (cursor: CsvCursor) => ReadingSource {
  const sourceOf = createSourceCache(importer);
  let device = '';
  let serial = '';
  let last: ReadingSource | null = null;
  return (cursor) => {
    if (last !== null && cursor.fieldEquals(deviceColumn, device) && cursor.fieldEquals(serialColumn, serial)) return last;
    device = cursor.field(deviceColumn);
    serial = cursor.field(serialColumn);
    last = sourceOf(sourceText(device), sourceText(serial));
    return last;
  };
}

/** A header as compared: lower case, accents and typographic apostrophes folded, spaces collapsed. */
export function foldHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2019\u2018`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Nothing but a BOM and whitespace. */
export function isBlankText(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x20 && code !== 0xfeff) return false;
  }
  return true;
}

const UNIT_SUFFIX = /[\s([]*(mg\/dl|mmol\/l)[)\]]?$/;

/** The glucose unit a folded header ends with (`… mg/dL`, `… (mmol/L)`), or null. */
export function glucoseUnitOf(folded: string): 'mg/dL' | 'mmol/L' | null {
  const match = UNIT_SUFFIX.exec(folded);
  if (match === null) return null;
  return match[1] === 'mg/dl' ? 'mg/dL' : 'mmol/L';
}

/** A JSON value as read from a file (a byte-order mark allowed), or null when it is not JSON. */
export function readJsonText(text: string): Result<unknown, null> {
  try {
    return ok(JSON.parse(stripBom(text)));
  } catch {
    return err(null);
  }
}

/**
 * A JSON importer on its own (tests, and a caller that knows the file's kind): blank is
 * EmptyFile, anything that is not JSON of the expected shape is UnknownFormat.
 */
export function parseJsonFile<T>(
  text: string,
  looksRight: (value: unknown) => value is T,
  toReadings: (value: T) => Result<ParsedReadings, ReadingsFileError>,
): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const json = readJsonText(text);
  return json.ok && looksRight(json.value) ? toReadings(json.value) : err({ type: 'UnknownFormat' });
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
