/**
 * LibreView's "Glucose Data" export (FreeStyle Libre readers and the LibreLink app): a CSV with
 * a title line ("Glucose Data,Generated on,…") then the headers, or the headers first. One row
 * per record; the record type says which column holds the value:
 *
 *   0 historic (the sensor's automatic reading, every 15 min on Libre 1/2, 5 on Libre 3) → continuous
 *   1 scan → scan, 2 strip (a blood test on the reader) → blood
 *   3 ketone, 4 insulin, 5 food, 6 notes → not readings Carnet keeps, counted in `ignored`
 *
 * The unit is in the glucose headers ("Historic Glucose mmol/L"); times are the device's wall
 * clock, `dd-mm-yyyy HH:MM` outside the US (also `mm-dd-yyyy`, `yyyy-mm-dd`, `/`), read in the
 * patient's zone. Rows come grouped by record type, each group in time order, so the autumn hour
 * is settled per record type.
 *
 * Headers are matched by meaning, not by exact text, because LibreView writes them in the
 * account's language. English: the fixture (tests/fixtures/libreview). French, as LibreView writes
 * them ("Appareil", "Numéro de série", "Horodatage de l'appareil", "Type d'enregistrement",
 * "Historique de la glycémie mg/dL", "Numérisation de la glycémie mg/dL", "Glycémie par bandelette
 * mg/dL"): a schema validating a real French export in a public repository, found through the
 * code index; the variants "Historique du glucose", "Glucose par scan", "Glucose par bandelette"
 * are matched by the same keywords. German ("Gerätezeitstempel", "Aufzeichnungstyp",
 * "Glukosewert-Verlauf mg/dL"): a public parser of German exports.
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import type { ReadingBound, ReadingKind } from '../series.ts';
import { err, type Result } from '../../result.ts';
import { createCollector, createRowSources, foldHeader, glucoseUnitOf, isBlankText, parseDecimalIn } from './collect.ts';
import { createCsvCursor, detectSeparator, type CsvCursor } from './csv.ts';
import { createRowTimeReader, voteDayOrder } from './local-time.ts';

const TIMESTAMP = ['device timestamp', "horodatage de l'appareil", 'geratezeitstempel'];
const RECORD_TYPE = ['record type', "type d'enregistrement", 'aufzeichnungstyp'];
const DEVICE = ['device', 'appareil', 'gerat'];
const SERIAL = ['serial number', 'numero de serie', 'seriennummer'];
const GLUCOSE = /gluc|glyc|gluk/;
const HISTORIC = /histor|verlauf/;
const SCAN = /scan|numeris/;
const STRIP = /strip|bandelette|streifen/;

/** Record types that are not glucose readings, by a name the preview can show. */
const OTHER_RECORDS: ReadonlyMap<string, string> = new Map([
  ['3', 'ketone'],
  ['4', 'insulin'],
  ['5', 'food'],
  ['6', 'notes'],
]);

/**
 * "LO" and "HI": the FreeStyle Libre reader and app show these outside the sensor's range,
 * below 40 mg/dL (2.2 mmol/L) and above 500 mg/dL (27.8 mmol/L); the reading keeps the limit.
 */
const LIBRE_LIMITS = { 'mg/dL': { low: 40, high: 500 }, 'mmol/L': { low: 2.2, high: 27.8 } } as const;

interface GlucoseColumn {
  readonly index: number;
  readonly unit: 'mg/dL' | 'mmol/L';
}

interface Columns {
  readonly count: number;
  readonly device: number;
  readonly serial: number;
  readonly timestamp: number;
  readonly recordType: number;
  /** By record type 0, 1, 2. */
  readonly glucose: readonly (GlucoseColumn | null)[];
}

function readColumns(cursor: CsvCursor): Columns | null {
  const headers = Array.from({ length: cursor.fieldCount }, (_, index) => foldHeader(cursor.field(index)));
  const timestamp = headers.findIndex((header) => TIMESTAMP.includes(header));
  const recordType = headers.findIndex((header) => RECORD_TYPE.includes(header));
  const glucose: (GlucoseColumn | null)[] = [null, null, null];
  headers.forEach((header, index) => {
    const unit = glucoseUnitOf(header);
    if (unit === null || !GLUCOSE.test(header)) return;
    const type = HISTORIC.test(header) ? 0 : SCAN.test(header) ? 1 : STRIP.test(header) ? 2 : -1;
    if (type >= 0 && glucose[type] === null) glucose[type] = { index, unit };
  });
  if (timestamp < 0 || recordType < 0 || glucose.every((column) => column === null)) return null;
  return {
    count: headers.length,
    device: headers.findIndex((header) => DEVICE.includes(header)),
    serial: headers.findIndex((header) => SERIAL.includes(header)),
    timestamp,
    recordType,
    glucose,
  };
}

const KINDS: readonly ReadingKind[] = ['continuous', 'scan', 'blood'];

const KEPT_TYPES = ['0', '1', '2'] as const;

/**
 * 0, 1 or 2 for the record types read (historic, scan, strip), -1 for any other. The usual bare
 * digit is compared where it lies; only another spelling (padded) is cut out and trimmed.
 */
function keptRecordType(cursor: CsvCursor, column: number): number {
  const bare = KEPT_TYPES.findIndex((digit) => cursor.fieldEquals(column, digit));
  return bare >= 0 ? bare : KEPT_TYPES.indexOf(cursor.field(column).trim() as (typeof KEPT_TYPES)[number]);
}

export function parseLibreView(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const separator = detectSeparator(text);
  const cursor = createCsvCursor(text, separator);
  let columns: Columns | null = null;
  let headerRows = 0;
  while (columns === null && headerRows < 2 && cursor.next()) {
    headerRows++;
    columns = readColumns(cursor);
  }
  if (columns === null) return err({ type: 'UnknownFormat' });
  const found = columns;

  const prepass = createCsvCursor(text, separator);
  for (let row = 0; row < headerRows; row++) prepass.next();
  const order = voteDayOrder(() => (prepass.next() ? prepass.field(found.timestamp) : undefined));

  const collector = createCollector('libreview');
  const times = createRowTimeReader(options.timeZone, order, true);
  const sourceOf = createRowSources('libreview', found.device, found.serial);
  while (cursor.next()) {
    const line = cursor.line;
    if (cursor.isEmpty()) continue;
    if (cursor.broken || cursor.fieldCount < found.count) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    const typeIndex = keptRecordType(cursor, found.recordType);
    if (typeIndex < 0) {
      const type = cursor.field(found.recordType).trim();
      if (type === '') collector.skip(line, 'malformed', cursor.rowText());
      // An unknown record type by its number: "type 7" reads the same in French and English.
      else collector.ignore(OTHER_RECORDS.get(type) ?? `type ${type}`);
      continue;
    }
    const column = found.glucose[typeIndex];
    if (column === null || column === undefined) {
      collector.skip(line, 'malformed', cursor.rowText());
      continue;
    }
    const time = times.read(cursor.text, typeIndex, cursor.start(found.timestamp), cursor.end(found.timestamp));
    if (times.problem !== null) {
      collector.skip(line, times.problem, cursor.field(found.timestamp));
      continue;
    }
    let value = parseDecimalIn(cursor.text, cursor.start(column.index), cursor.end(column.index));
    let bound: ReadingBound = null;
    if (Number.isNaN(value)) {
      const valueText = cursor.field(column.index).trim();
      const word = valueText.toUpperCase();
      if (word !== 'LO' && word !== 'HI') {
        collector.skip(line, 'bad-value', valueText);
        continue;
      }
      bound = word === 'LO' ? 'below' : 'above';
      value = word === 'LO' ? LIBRE_LIMITS[column.unit].low : LIBRE_LIMITS[column.unit].high;
    }
    const source = sourceOf(cursor);
    collector.add('glucose', { time, value, unit: column.unit, kind: KINDS[typeIndex] as ReadingKind, bound, source }, line, times.ambiguous);
  }
  return collector.finish();
}
