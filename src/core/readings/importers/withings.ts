/**
 * Withings' weight file, `weight.csv` in the "Download my data" archive of Health Mate:
 * "Date","Weight (kg)","Fat mass (kg)","Bone mass (kg)","Muscle mass (kg)","Hydration (kg)",
 * "Comments", every field quoted, newest first, dates `YYYY-MM-DD HH:MM:SS` on the scale's wall
 * clock. Accounts set to pounds write "Weight (lb)"; older exports have fewer columns ("Fat mass",
 * "Lean mass"), a 12-hour clock ("2016-05-31 6:36 AM") and the account's language ("Gewicht (kg)",
 * "2014-02-13 6:04 Uhr"). See tests/fixtures/PROVENANCE.md (withings/) for what was documented
 * and what is assumed.
 *
 * Only the weight is kept. The body-composition columns are counted in `ignored` by their header
 * when a row fills them, so the preview says they were not imported. A scale reading is a spot
 * measurement: kind `manual` (series.ts has no weight-specific kind).
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import { err, type Result } from '../../result.ts';
import { createCollector, createSourceCache, foldHeader, isBlankText, parseDecimal } from './collect.ts';
import { createCsvCursor, detectSeparator, type CsvCursor } from './csv.ts';
import { createRowTimeReader, voteDayOrder } from './local-time.ts';

const DATE = ['date', 'datum', 'fecha', 'data'];
/** "Weight (kg)", "Gewicht (lb)", "Poids (kg)"…: the weight header, its unit in brackets. */
const WEIGHT = /^(weight|gewicht|poids|peso) \((kg|lb)\)$/;
const COMMENTS = ['comments', 'kommentare', 'commentaires', 'comentarios', 'commenti', 'opmerkingen'];

interface Columns {
  readonly count: number;
  readonly date: number;
  readonly weight: number;
  readonly unit: 'kg' | 'lb';
  /** The other measurement columns, by index, with their header as written. */
  readonly others: readonly { readonly index: number; readonly header: string }[];
}

function readColumns(cursor: CsvCursor): Columns | null {
  const raw = Array.from({ length: cursor.fieldCount }, (_, index) => cursor.field(index).trim());
  const headers = raw.map(foldHeader);
  const match = WEIGHT.exec(headers[1] ?? '');
  // Withings' layout: the date first, the weight second, the comments last.
  if (!DATE.includes(headers[0] ?? '') || match === null || !COMMENTS.includes(headers[headers.length - 1] ?? '')) return null;
  const others = raw.flatMap((header, index) => (index > 1 && index < raw.length - 1 ? [{ index, header }] : []));
  return { count: headers.length, date: 0, weight: 1, unit: match[2] === 'lb' ? 'lb' : 'kg', others };
}

export function parseWithings(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const separator = detectSeparator(text);
  const cursor = createCsvCursor(text, separator);
  const columns = cursor.next() ? readColumns(cursor) : null;
  if (columns === null) return err({ type: 'UnknownFormat' });

  const prepass = createCsvCursor(text, separator);
  prepass.next();
  const order = voteDayOrder(() => (prepass.next() ? prepass.field(columns.date) : undefined));
  const collector = createCollector('withings');
  const times = createRowTimeReader(options.timeZone, order, true);
  const source = createSourceCache('withings')(null, null);
  while (cursor.next()) {
    const line = cursor.line;
    if (cursor.isEmpty()) continue;
    if (cursor.broken || cursor.fieldCount < columns.count) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    for (const { index, header } of columns.others) if (cursor.field(index).trim() !== '') collector.ignore(header);
    const timeText = cursor.field(columns.date);
    const time = times.read(timeText, 0);
    if (times.problem !== null) {
      collector.skip(line, times.problem, timeText);
      continue;
    }
    const valueText = cursor.field(columns.weight);
    const value = parseDecimal(valueText);
    if (Number.isNaN(value)) {
      collector.skip(line, 'bad-value', valueText);
      continue;
    }
    collector.add('weight', { time, value, unit: columns.unit, kind: 'manual', bound: null, source }, line, times.ambiguous);
  }
  return collector.finish();
}
