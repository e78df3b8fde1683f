/**
 * Any other CSV, read through a column mapping the patient chooses: which column holds the time
 * and in which form, which holds the value, in which unit and of which kind. csvColumns offers
 * the headers and a few rows to choose from; parseMappedCsv checks the mapping against the
 * file's own headers before reading a row, so a mapping remembered for another file (the app
 * keys them by header line) cannot read the wrong column: a mapping that does not fit gives
 * NeedsMapping again, with the file's headers (checkMapping says what is wrong with it).
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import { isSeriesId, READING_KINDS, unitOf, type ReadingKind, type SeriesId, type UnitLabel } from '../series.ts';
import { err, type Result } from '../../result.ts';
import { createCollector, createSourceCache, isBlankText, parseDecimal } from './collect.ts';
import { createCsvCursor, detectSeparator, readCsvRows, type CsvCursor, type CsvSeparator } from './csv.ts';
import { createRowTimeReader, type DateOrder } from './local-time.ts';

export const CSV_TIME_FORMATS = ['iso', 'dmy', 'mdy', 'ymd', 'unix-s', 'unix-ms'] as const;
export type CsvTimeFormat = (typeof CSV_TIME_FORMATS)[number];

export interface ColumnMapping {
  readonly series: SeriesId;
  /** A header, as written in the header line. */
  readonly timeColumn: string;
  /**
   * `iso` (2025-03-30T08:15:00, with or without an offset), `dmy` / `mdy` / `ymd` (any of `-` `/`
   * `.`, an optional time), or seconds / milliseconds since 1970. Times without an offset are the
   * patient's wall clock.
   */
  readonly timeFormat: CsvTimeFormat;
  readonly valueColumn: string;
  readonly unit: UnitLabel;
  readonly kind: ReadingKind;
  /** 1-based line of the headers. */
  readonly headerLine: number;
}

export interface CsvColumns {
  readonly headers: readonly string[];
  readonly separator: CsvSeparator;
  readonly headerLine: number;
  /** Up to five rows after the headers, for the patient to recognise the columns. */
  readonly samples: readonly (readonly string[])[];
}

/** What checkMapping finds wrong with a mapping for a file. */
export type MappingProblem =
  | 'header-line' // no row starts on that line
  | 'time-column' // not among the headers
  | 'value-column'
  | 'same-column' // time and value are one column
  | 'unit' // not a unit of the series
  | 'kind' // weight is only ever `manual`
  | 'time-format'
  | 'series';

/** How many rows are looked at to find the header line. */
const SNIFF_ROWS = 30;
const SAMPLE_ROWS = 5;

/**
 * The header line is the first row with the number of fields most rows have (at least two): a
 * title or a "Name: …" line above it has fewer. The patient can still choose another line. A file
 * with no such row gives no headers.
 */
export function csvColumns(text: string): CsvColumns {
  const separator = detectSeparator(text);
  const rows = readCsvRows(text, separator, SNIFF_ROWS);
  const frequencies = new Map<number, number>();
  for (const row of rows) frequencies.set(row.fields.length, (frequencies.get(row.fields.length) ?? 0) + 1);
  let width = 0;
  let best = 0;
  for (const [count, frequency] of frequencies) {
    if (count >= 2 && (frequency > best || (frequency === best && count > width))) {
      width = count;
      best = frequency;
    }
  }
  const header = rows.findIndex((row) => row.fields.length === width);
  const headerRow = rows[header];
  if (headerRow === undefined) return { headers: [], separator, headerLine: 0, samples: [] };
  return {
    headers: headerRow.fields.map((field) => field.trim()),
    separator,
    headerLine: headerRow.line,
    samples: rows.slice(header + 1, header + 1 + SAMPLE_ROWS).map((row) => row.fields),
  };
}

/** The headers on the mapping's header line, or null when no row starts there. */
function headersAt(text: string, headerLine: number): { headers: string[]; cursor: CsvCursor } | null {
  const cursor = createCsvCursor(text, detectSeparator(text));
  while (cursor.next() && cursor.line <= headerLine) {
    if (cursor.line === headerLine) return { headers: Array.from({ length: cursor.fieldCount }, (_, index) => cursor.field(index).trim()), cursor };
  }
  return null;
}

/** Everything wrong with `mapping` for this file; empty when it can be used. */
export function checkMapping(text: string, mapping: ColumnMapping): MappingProblem[] {
  return mappingProblems(mapping, headersAt(text, mapping.headerLine)?.headers ?? null);
}

function mappingProblems(mapping: ColumnMapping, headers: readonly string[] | null): MappingProblem[] {
  const problems: MappingProblem[] = [];
  if (!isSeriesId(mapping.series)) return ['series'];
  if (!(CSV_TIME_FORMATS as readonly string[]).includes(mapping.timeFormat)) problems.push('time-format');
  if (unitOf(mapping.series, mapping.unit) === undefined) problems.push('unit');
  if (!(READING_KINDS as readonly string[]).includes(mapping.kind) || (mapping.series === 'weight' && mapping.kind !== 'manual')) problems.push('kind');
  if (headers === null) problems.push('header-line');
  else {
    if (!headers.includes(mapping.timeColumn.trim())) problems.push('time-column');
    if (!headers.includes(mapping.valueColumn.trim())) problems.push('value-column');
    if (mapping.timeColumn.trim() === mapping.valueColumn.trim()) problems.push('same-column');
  }
  return problems;
}

const DATE_ORDERS: Readonly<Record<'iso' | 'dmy' | 'mdy' | 'ymd', DateOrder>> = { iso: 'ymd', dmy: 'dmy', mdy: 'mdy', ymd: 'ymd' };

export function parseMappedCsv(text: string, mapping: ColumnMapping, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const found = headersAt(text, mapping.headerLine);
  if (found === null || mappingProblems(mapping, found.headers).length > 0) {
    const columns = csvColumns(text);
    return err({ type: 'NeedsMapping', headers: columns.headers, separator: columns.separator, headerLine: columns.headerLine });
  }
  const { headers, cursor } = found;
  const timeIndex = headers.indexOf(mapping.timeColumn.trim());
  const valueIndex = headers.indexOf(mapping.valueColumn.trim());
  const width = headers.length;

  const collector = createCollector('csv');
  const format = mapping.timeFormat;
  const times = format === 'unix-s' || format === 'unix-ms' ? null : createRowTimeReader(options.timeZone, DATE_ORDERS[format], false);
  const source = createSourceCache('csv')(null, null);
  while (cursor.next()) {
    const line = cursor.line;
    if (cursor.isEmpty()) continue;
    if (cursor.broken || cursor.fieldCount < width) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    const timeText = cursor.field(timeIndex);
    let time: number;
    let ambiguous = false;
    if (times === null) {
      const count = parseDecimal(timeText);
      time = Math.round(format === 'unix-s' ? count * 1000 : count);
      if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) {
        collector.skip(line, 'bad-time', timeText);
        continue;
      }
    } else {
      time = times.read(timeText, 0);
      if (times.problem !== null) {
        collector.skip(line, times.problem, timeText);
        continue;
      }
      ambiguous = times.ambiguous;
    }
    const valueText = cursor.field(valueIndex);
    const value = parseDecimal(valueText);
    if (Number.isNaN(value)) {
      collector.skip(line, 'bad-value', valueText);
      continue;
    }
    collector.add(mapping.series, { time, value, unit: mapping.unit, kind: mapping.kind, bound: null, source }, line, ambiguous);
  }
  return collector.finish();
}
