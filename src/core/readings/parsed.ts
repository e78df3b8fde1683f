/**
 * What a readings importer hands back before anything is stored: the readings it understood, per
 * series, and an account of every row it did not take and why, with its line number, so the
 * preview can say it plainly (issue 6: "say clearly what is not understood rather than guessing").
 */
import type { IeeeSpecial } from './bluetooth/gatt-values.ts';
import type { SensorStatus } from './bluetooth/glucose-measurement.ts';
import type { Reading, SeriesId, UnitLabel } from './series.ts';

export const READINGS_FORMATS = ['libreview', 'dexcom-clarity', 'nightscout', 'withings', 'fhir', 'csv', 'apple-health', 'bluetooth'] as const;
export type ReadingsFormat = (typeof READINGS_FORMATS)[number];

export type SkipReason =
  /** Fewer fields than the header, an unclosed quote, a row cut short. */
  | 'malformed'
  /** A date or time that cannot be read. */
  | 'bad-time'
  /** A value that is not a number. */
  | 'bad-value'
  /** Outside what any device measures (glucose 0 or 2,000 mg/dL, weight 0 or 900 kg). */
  | 'implausible'
  /** A device's status or error code in place of a value (Nightscout values below 40 mg/dL). */
  | 'status-code'
  /** A local time that does not exist (the spring-forward hour in the patient's time zone). */
  | 'nonexistent-time'
  /** A unit the importer does not know. */
  | 'unknown-unit'
  /** The same reading twice in the file (same time and source, or two uploaders seconds apart). */
  | 'duplicate'
  /**
   * Another value at the very time, from the same device and of the same kind, as a reading kept
   * (two scans written in the same minute): only one can be stored, the first.
   */
  | 'same-time';

/** Reasons that mean a row was broken, not merely refused: leaving such rows behind needs a yes. */
export const BROKEN_REASONS: readonly SkipReason[] = ['malformed', 'bad-time', 'bad-value', 'unknown-unit', 'nonexistent-time'];

export interface SkippedRow {
  /** 1-based line of the file (for JSON: the 1-based entry index). */
  readonly line: number;
  readonly reason: SkipReason;
  /** The offending text, shortened, for the preview: data, never words (the screen words the rest). */
  readonly detail: string;
  /**
   * For a duplicate or a second value at the same time: the line of the reading kept instead, and
   * for a second value, what that line holds.
   */
  readonly kept?: { readonly line: number; readonly holds?: { readonly value: number; readonly unit: UnitLabel } };
  /** For a device's record (Bluetooth): what was wrong with it; the detail then holds its number (#12) or its bytes. */
  readonly device?: DeviceNote;
}

/** What was wrong with a record a device sent, for the screen to say in the patient's language. */
export type DeviceNote =
  /** The bytes do not decode: cut short, reserved flag bits set, or more bytes than announced. */
  | { readonly type: 'undecodable'; readonly record: DeviceRecord; readonly problem: 'cut-short' | 'reserved-flags' | 'extra-bytes' }
  /** A record number sent twice: with the same bytes (kept once) or with other bytes (neither trusted). */
  | { readonly type: 'sent-again'; readonly record: DeviceRecord; readonly changed: boolean }
  /** A measurement context with no measurement of its number, or whose measurement announces none. */
  | { readonly type: 'context-alone' }
  | { readonly type: 'context-unannounced' }
  /** No value at all (a glucose record without concentration, a weight of 0xFFFF), with the statuses the device set. */
  | { readonly type: 'no-value'; readonly statuses: readonly SensorStatus[] }
  | { readonly type: 'reserved-sample-type' }
  /** The device flags the value itself as not to be trusted. */
  | { readonly type: 'device-status'; readonly statuses: readonly SensorStatus[] }
  | { readonly type: 'clock-fault' }
  /** A special value in place of a number (NaN, NRes, ±infinity, reserved). */
  | { readonly type: 'special-value'; readonly value: IeeeSpecial };

export type DeviceRecord = 'measurement' | 'context';

export interface ParsedSeries {
  readonly series: SeriesId;
  /** Sorted by time. */
  readonly readings: readonly Reading[];
  /** The units the file used for this series. */
  readonly units: readonly UnitLabel[];
}

export interface ParsedReadings {
  readonly format: ReadingsFormat;
  readonly series: readonly ParsedSeries[];
  readonly skipped: readonly SkippedRow[];
  /**
   * Rows that are not readings Carnet keeps (insulin, food, notes, alerts, other observation
   * types), counted by what the file calls them: shown as "not imported", never silently lost.
   */
  readonly ignored: Readonly<Record<string, number>>;
  /**
   * Local times that occurred twice (the autumn hour), resolved by the order of the rows; the
   * preview says how many.
   */
  readonly ambiguousTimes: number;
}

export type ReadingsFileError =
  /** Not a file any importer recognises (and not a CSV a mapping could read). */
  | { readonly type: 'UnknownFormat' }
  | { readonly type: 'EmptyFile' }
  /** Recognised, but with no reading in it; `skipped` says why each row was refused. */
  | { readonly type: 'NoReadings'; readonly format: ReadingsFormat; readonly skipped: readonly SkippedRow[]; readonly ignored: Readonly<Record<string, number>> }
  /** A CSV no importer knows: the patient maps its columns (the headers are offered). */
  | { readonly type: 'NeedsMapping'; readonly headers: readonly string[]; readonly separator: string; readonly headerLine: number };

export interface ImportOptions {
  /** IANA time zone the patient lives in, for files whose times carry no offset. */
  readonly timeZone: string;
}
