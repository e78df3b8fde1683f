/**
 * Nightscout entries, as its API v1 returns them (`/api/v1/entries.json`) and as people save them:
 * a JSON array, usually newest first. `type: "sgv"` is a sensor glucose value (`sgv`, mg/dL,
 * sometimes a string) → continuous; `mbg` a meter blood glucose (`mbg`) → blood; `cal` and any
 * other type are counted in `ignored`.
 *
 * Values below 39 are not glucose but Dexcom status codes passed through by the uploader (5 "?NC"
 * sensor not calibrated, 9 and 10 deviations, 12 bad RF…; Nightscout's own errorcodes plugin reads
 * `mgdl < 39` so): skipped as `status-code`. 39 itself is how Dexcom Share and the uploaders
 * write "LOW", a real reading below the 40 mg/dL limit, so it is kept as a bound.
 *
 * Times are absolute: `date` (ms since 1970; Loop writes fractions of a millisecond, rounded
 * here), else `dateString` with its offset. Two uploaders sending one sensor value seconds apart
 * are counted once (near-duplicates.ts). Each entry's "line" is its 1-based index in the array.
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import type { Result } from '../../result.ts';
import { createCollector, createSourceCache, isObject, parseDecimal, parseJsonFile, roundDecimals, shorten, sourceText } from './collect.ts';
import { createDateTimeFields, naiveOf, scanDateTime, type DateTimeFields } from './local-time.ts';

/** Dexcom's lowest reading; Share writes 39 for "LOW". */
const DEXCOM_LOW = 40;
const LOW_CODE = 39;

export function parseNightscout(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  return parseJsonFile(text, looksLikeNightscout, (value) => nightscoutToReadings(value, options));
}

/** An array whose first entries look like Nightscout entries (a `type` or an `sgv`, and a date). */
export function looksLikeNightscout(value: unknown): value is unknown[] {
  if (!Array.isArray(value)) return false;
  return value
    .slice(0, 20)
    .some((entry) => isObject(entry) && !('resourceType' in entry) && (typeof entry['type'] === 'string' || 'sgv' in entry) && ('date' in entry || 'dateString' in entry));
}

export function nightscoutToReadings(entries: readonly unknown[], _options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  const collector = createCollector('nightscout');
  const sourceOf = createSourceCache('nightscout');
  const fields = createDateTimeFields();
  entries.forEach((entry, index) => {
    const line = index + 1;
    if (!isObject(entry)) {
      collector.skip(line, 'malformed', typeof entry === 'string' ? entry : JSON.stringify(entry) ?? '');
      return;
    }
    const type = typeof entry['type'] === 'string' ? entry['type'] : 'sgv' in entry ? 'sgv' : '';
    if (type !== 'sgv' && type !== 'mbg') {
      collector.ignore(type === '' ? '(no type)' : type);
      return;
    }
    const raw = entry[type];
    const value = typeof raw === 'number' ? (Number.isFinite(raw) ? roundDecimals(raw) : Number.NaN) : typeof raw === 'string' ? parseDecimal(raw) : Number.NaN;
    const time = entryTime(entry, fields);
    if (Number.isNaN(time)) {
      collector.skip(line, 'bad-time', String(entry['dateString'] ?? entry['date'] ?? ''));
      return;
    }
    if (Number.isNaN(value)) {
      collector.skip(line, 'bad-value', raw === undefined ? '' : String(raw));
      return;
    }
    if (type === 'sgv' && value < LOW_CODE) {
      const direction = typeof entry['direction'] === 'string' ? ` ${entry['direction']}` : '';
      collector.skip(line, 'status-code', shorten(`${value}${direction}`));
      return;
    }
    const low = type === 'sgv' && value === LOW_CODE;
    const device = typeof entry['device'] === 'string' ? sourceText(entry['device']) : null;
    collector.add(
      'glucose',
      { time, value: low ? DEXCOM_LOW : value, unit: 'mg/dL', kind: type === 'sgv' ? 'continuous' : 'blood', bound: low ? 'below' : null, source: sourceOf(device, null) },
      line,
      false,
    );
  });
  return collector.finish();
}

/** An entry's `date` (milliseconds, as a number or a numeric string) when it is a time JavaScript can hold; NaN otherwise. */
export function entryMillis(entry: Record<string, unknown>): number {
  const date = entry['date'];
  const millis = typeof date === 'number' ? date : typeof date === 'string' && date.trim() !== '' ? Number(date) : Number.NaN;
  return Number.isFinite(millis) && Math.abs(millis) <= 8.64e15 ? millis : Number.NaN;
}

/** `date` rounded to a whole millisecond, else `dateString` when it carries an offset; NaN otherwise. */
function entryTime(entry: Record<string, unknown>, fields: DateTimeFields): number {
  const millis = entryMillis(entry);
  if (!Number.isNaN(millis)) return Math.round(millis);
  const text = entry['dateString'];
  if (typeof text !== 'string' || !scanDateTime(text, fields) || !fields.yearFirst || Number.isNaN(fields.offsetMinutes)) return Number.NaN;
  const naive = naiveOf(fields, 'ymd');
  return Number.isNaN(naive) ? naive : naive - fields.offsetMinutes * 60_000;
}
