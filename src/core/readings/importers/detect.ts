/**
 * Which importer reads a file, from its content alone: the name a patient's browser gives a
 * download ("export (3).csv") says nothing. JSON is Nightscout entries or FHIR; a CSV is
 * LibreView, Clarity or Withings by its headers; any other CSV needs a column mapping, and its
 * headers are handed back for the patient to map (mapped-csv.ts). Anything else is UnknownFormat.
 *
 * Each CSV importer answers UnknownFormat after reading one or two rows when the headers are not
 * its own, so trying them in turn costs nothing on a large file.
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import { err, type Result } from '../../result.ts';
import { isBlankText, readJsonText } from './collect.ts';
import { parseDexcomClarity } from './dexcom.ts';
import { fhirToReadings, looksLikeFhir } from './fhir.ts';
import { parseLibreView } from './libreview.ts';
import { csvColumns } from './mapped-csv.ts';
import { looksLikeNightscout, nightscoutToReadings } from './nightscout.ts';
import { parseWithings } from './withings.ts';

const CSV_IMPORTERS = [parseLibreView, parseDexcomClarity, parseWithings] as const;

/** How much of the start is checked for signs of a binary file or markup. */
const SNIFF_CHARS = 4096;

export function parseReadingsFile(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (isBlankText(text)) return err({ type: 'EmptyFile' });
  const start = firstSignificant(text);
  const first = text[start];
  if (first === '{' || first === '[') {
    const json = readJsonText(text);
    // A file that opens with a bracket but is not JSON may still be a CSV ("[mg/dL],time"…).
    if (json.ok) return jsonToReadings(json.value, options);
  }
  if (first === '<' || text.slice(0, SNIFF_CHARS).includes('\u0000')) return err({ type: 'UnknownFormat' });
  for (const parse of CSV_IMPORTERS) {
    const result = parse(text, options);
    if (result.ok || result.error.type !== 'UnknownFormat') return result;
  }
  const { headers, separator, headerLine } = csvColumns(text);
  if (headers.length < 2) return err({ type: 'UnknownFormat' });
  return err({ type: 'NeedsMapping', headers, separator, headerLine });
}

function firstSignificant(text: string): number {
  let index = 0;
  while (index < text.length && (text.charCodeAt(index) <= 0x20 || text.charCodeAt(index) === 0xfeff)) index++;
  return index;
}

/** JSON.parse's throw, turned into a value at the boundary. */
function jsonToReadings(value: unknown, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  if (looksLikeNightscout(value)) return nightscoutToReadings(value, options);
  if (looksLikeFhir(value)) return fhirToReadings(value, options);
  return err({ type: 'UnknownFormat' });
}
