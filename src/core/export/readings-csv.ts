/**
 * One series of readings as CSV (RFC 4180: comma-separated, CRLF line ends, fields holding a
 * comma, quote or line break quoted, quotes doubled), one header line, one row per reading:
 *
 *   time,local_time,value,unit,kind,bound,importer,device,serial
 *
 * `time` is ISO 8601 in UTC, the instant itself; `local_time` is the same instant on the patient's
 * clock with its offset (`2025-10-26T02:30:00.000+01:00`), since a local time alone is ambiguous in
 * the hour a clock is set back. `value` and `unit` are as recorded, never converted.
 *
 * Written as a generator of lines: a year of 5-minute readings is 105,000 rows, and the caller
 * hands each line on (to a zip stream or a Blob) without this module holding the file.
 *
 * What must stay true: no text field starts with a character a spreadsheet reads as a formula
 * (see spreadsheetSafe).
 */
import { createZoneCalendar } from '../readings/report.ts';
import type { Reading } from '../readings/series.ts';

export const READINGS_CSV_COLUMNS = ['time', 'local_time', 'value', 'unit', 'kind', 'bound', 'importer', 'device', 'serial'] as const;

const CRLF = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;
/**
 * A leading `=`, `+`, `-` or `@` makes Excel, LibreOffice and Sheets evaluate the cell as a
 * formula (OWASP "CSV injection"), and tab and carriage return do in some of them. A device name
 * or serial comes from an imported file, which anyone could have written: `=HYPERLINK(…)` in it
 * must reach the patient's spreadsheet as text, not as a link that sends their data away.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text field a spreadsheet shows as text: a leading formula character is escaped with `'`. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A field as RFC 4180 writes it. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function textField(text: string | null): string {
  return text === null ? '' : csvField(spreadsheetSafe(text));
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** `offset` (ms) as ISO 8601 writes it: `+01:00`, `-07:00`, `+05:45`; seconds only when a zone had them (before 1900). */
function offsetText(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const seconds = Math.abs(offset) / 1000;
  const text = `${sign}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}`;
  return seconds % 60 === 0 ? text : `${text}:${twoDigits(seconds % 60)}`;
}

/** The instant on a clock `offset` ms ahead of UTC, in ISO 8601 with that offset. */
export function localIsoTime(time: number, offset: number): string {
  return new Date(time + offset).toISOString().slice(0, -1) + offsetText(offset);
}

/** The lines of the CSV of `readings` (in the order given), each ending in CRLF, the header first. */
export function* readingsToCsv(readings: Iterable<Reading>, timeZone: string, options: { readonly header?: boolean } = {}): Generator<string, void, undefined> {
  const calendar = createZoneCalendar(timeZone);
  if (options.header !== false) yield READINGS_CSV_COLUMNS.join(',') + CRLF;
  for (const reading of readings) {
    const row = [
      new Date(reading.time).toISOString(),
      localIsoTime(reading.time, calendar.offsetAt(reading.time)),
      String(reading.value),
      textField(reading.unit),
      textField(reading.kind),
      textField(reading.bound),
      textField(reading.source.importer),
      textField(reading.source.device),
      textField(reading.source.serial),
    ];
    yield row.join(',') + CRLF;
  }
}
