/**
 * Dexcom Clarity's CSV export ("Export" in Clarity, one file per patient). Fourteen columns in a
 * fixed order, named in the account's language: Index, Timestamp (YYYY-MM-DDThh:mm:ss), Event
 * Type, Event Subtype, Patient Info, Device Info, Source Device ID, Glucose Value (mg/dL),
 * Insulin Value, Carb Value, Duration, Glucose Rate of Change, Transmitter Time, Transmitter ID.
 * The first rows describe the patient and the alert settings (FirstName, LastName, Device,
 * Alert…), then come the events. Only `EGV` rows (estimated glucose values, every 5 minutes;
 * German keeps `EGV`) are readings; the rest is counted in `ignored` by its event type.
 *
 * Columns are found by what does not change with the language: the timestamp's bracketed pattern
 * ("(YYYY-MM-DDThh:mm:ss)", German "(JJJJ-MM-TTThh:mm:ss)", French "(AAAA-MM-JJThh:mm:ss)") and
 * the glucose unit in brackets ("Glukosewert (mg/dL)"); the event type, source device and
 * transmitter columns by name in English and German (both seen in real exports: the fixture and
 * public parsers), else by their place in Clarity's order. The French, Spanish, Italian and Dutch
 * words below (column names, "Bas"/"Élevé", "Bajo"/"Alto"…) are our best knowledge, not copied
 * from a seen export; the column order and the bracketed parts do not depend on them.
 *
 * "Low" and "High" (and their translations) are values beyond the sensor's range: below 40 and
 * above 400 mg/dL (2.2 and 22.2 mmol/L) on G6 and G7; the reading keeps that limit as a bound.
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import type { ReadingBound } from '../series.ts';
import { err, type Result } from '../../result.ts';
import { createCollector, createRowSources, foldHeader, glucoseUnitOf, isBlankText, parseDecimalIn } from './collect.ts';
import { createCsvCursor, detectSeparator, type CsvCursor } from './csv.ts';
import { createRowTimeReader } from './local-time.ts';

/** "(YYYY-MM-DDThh:mm:ss)" in any language: four letters, two, two, T, hh:mm:ss. */
const TIMESTAMP = /\(\p{L}{4}-\p{L}{2}-\p{L}{2}t\p{L}{2}:\p{L}{2}:\p{L}{2}\)/u;
const EVENT_TYPE = ['event type', 'ereignisart', 'ereignistyp', "type d'evenement", 'tipo de evento', 'tipo di evento', 'gebeurtenistype'];
const SOURCE_DEVICE = ['source device id', 'quellgerat-id', 'quellengerat-id'];
const TRANSMITTER = ['transmitter id', 'transmitter-id'];
/** Clarity's column order, for names not listed above. */
const PLACE = { eventType: 2, sourceDevice: 6, glucose: 7, transmitter: 13 } as const;

/** Localised "Low" / "High" as Clarity writes them, folded (foldHeader). */
const LOW = new Set(['low', 'niedrig', 'bas', 'bajo', 'basso', 'laag']);
const HIGH = new Set(['high', 'hoch', 'eleve', 'haut', 'alto', 'hoog']);
const DEXCOM_LIMITS = { 'mg/dL': { low: 40, high: 400 }, 'mmol/L': { low: 2.2, high: 22.2 } } as const;

interface Columns {
  readonly count: number;
  readonly timestamp: number;
  readonly eventType: number;
  readonly glucose: number;
  readonly unit: 'mg/dL' | 'mmol/L';
  readonly sourceDevice: number;
  readonly transmitter: number;
}

function readColumns(cursor: CsvCursor): Columns | null {
  const headers = Array.from({ length: cursor.fieldCount }, (_, index) => foldHeader(cursor.field(index)));
  const timestamp = headers.findIndex((header) => TIMESTAMP.test(header));
  // The glucose value is the first column ending in a glucose unit; the rate of change ends in "/min".
  const glucose = headers.findIndex((header) => glucoseUnitOf(header) !== null);
  const unit = glucose < 0 ? null : glucoseUnitOf(headers[glucose] as string);
  if (timestamp < 0 || unit === null) return null;
  const byName = (names: readonly string[], place: number) => {
    const index = headers.findIndex((header) => names.includes(header));
    return index >= 0 ? index : place < headers.length && timestamp === 1 && glucose === PLACE.glucose ? place : -1;
  };
  const eventType = byName(EVENT_TYPE, PLACE.eventType);
  if (eventType < 0) return null;
  return {
    count: headers.length,
    timestamp,
    eventType,
    glucose,
    unit,
    sourceDevice: byName(SOURCE_DEVICE, PLACE.sourceDevice),
    transmitter: byName(TRANSMITTER, PLACE.transmitter),
  };
}

export function parseDexcomClarity(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const cursor = createCsvCursor(text, detectSeparator(text));
  const columns = cursor.next() ? readColumns(cursor) : null;
  if (columns === null) return err({ type: 'UnknownFormat' });

  const collector = createCollector('dexcom-clarity');
  // Clarity writes ISO dates, year first: nothing to guess.
  const times = createRowTimeReader(options.timeZone, 'ymd', true);
  const sourceOf = createRowSources('dexcom-clarity', columns.sourceDevice, columns.transmitter);
  const limits = DEXCOM_LIMITS[columns.unit];
  while (cursor.next()) {
    const line = cursor.line;
    if (cursor.isEmpty()) continue;
    if (cursor.broken) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    // Almost every row is a bare `EGV`, compared where it lies; only another spelling is cut out.
    const eventType = cursor.fieldEquals(columns.eventType, 'EGV') ? 'EGV' : cursor.field(columns.eventType).trim();
    if (eventType.toUpperCase() !== 'EGV') {
      // Patient details and alert settings have one field fewer than the header: not readings, not broken.
      collector.ignore(eventType === '' ? '(no event type)' : eventType);
      continue;
    }
    if (cursor.fieldCount < columns.count) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    const time = times.read(cursor.text, 0, cursor.start(columns.timestamp), cursor.end(columns.timestamp));
    if (times.problem !== null) {
      collector.skip(line, times.problem, cursor.field(columns.timestamp));
      continue;
    }
    let value = parseDecimalIn(cursor.text, cursor.start(columns.glucose), cursor.end(columns.glucose));
    let bound: ReadingBound = null;
    if (Number.isNaN(value)) {
      const valueText = cursor.field(columns.glucose).trim();
      const word = foldHeader(valueText);
      if (LOW.has(word)) {
        value = limits.low;
        bound = 'below';
      } else if (HIGH.has(word)) {
        value = limits.high;
        bound = 'above';
      } else {
        collector.skip(line, 'bad-value', valueText);
        continue;
      }
    }
    const source = sourceOf(cursor);
    collector.add('glucose', { time, value, unit: columns.unit, kind: 'continuous', bound, source }, line, times.ambiguous);
  }
  return collector.finish();
}
