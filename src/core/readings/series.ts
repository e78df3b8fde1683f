/**
 * The readings Carnet keeps as time series (DESIGN.md §4, docs/format.md §9.3): glucose and
 * weight today. A series is a definition, not plumbing: its units (each with a stable one-byte
 * code stored in day-chunks), the LOINC code it exports under, and the values no device can
 * produce. Blood pressure or heart rate is one more entry in SERIES.
 *
 * A reading keeps the value and unit it was recorded in. Converting 10.0 mmol/L to 180.16 mg/dL
 * and back would move it out of the consensus target range it belongs to, so classification
 * (glucose.ts) always happens in the recorded unit.
 */

export const SERIES_IDS = ['glucose', 'weight'] as const;
export type SeriesId = (typeof SERIES_IDS)[number];

export function isSeriesId(text: string): text is SeriesId {
  return (SERIES_IDS as readonly string[]).includes(text);
}

export interface UnitDefinition {
  /** Stored in every reading of a day-chunk: part of the format, never renumbered. */
  readonly code: number;
  /** UCUM, as FHIR exports it. */
  readonly ucum: string;
  /** As shown to the patient. */
  readonly label: string;
  /** Multiply a value in this unit to get it in the series' canonical unit. */
  readonly toCanonical: number;
  /** Decimals worth showing. */
  readonly decimals: number;
}

export interface SeriesDefinition {
  readonly id: SeriesId;
  /** Stored in every day-chunk: part of the format, never renumbered. */
  readonly code: number;
  /** LOINC code and display of the observation, for FHIR export. */
  readonly loinc: { readonly code: string; readonly display: string };
  readonly units: readonly UnitDefinition[];
  /** The unit every comparison across units is made in (the first of `units`). */
  readonly canonical: UnitDefinition;
  /** Values outside this range (canonical unit, inclusive) are impossible and refused at import. */
  readonly plausible: { readonly min: number; readonly max: number };
}

/** mg/dL per mmol/L for glucose (molar mass 180.16 g/mol), as the consensus reports use it. */
export const MGDL_PER_MMOLL = 18.016;
/** Kilograms in a pound (exact, by definition). */
export const KG_PER_LB = 0.45359237;

const MGDL: UnitDefinition = { code: 1, ucum: 'mg/dL', label: 'mg/dL', toCanonical: 1, decimals: 0 };
const MMOLL: UnitDefinition = { code: 2, ucum: 'mmol/L', label: 'mmol/L', toCanonical: MGDL_PER_MMOLL, decimals: 1 };
const KG: UnitDefinition = { code: 1, ucum: 'kg', label: 'kg', toCanonical: 1, decimals: 1 };
const LB: UnitDefinition = { code: 2, ucum: '[lb_av]', label: 'lb', toCanonical: KG_PER_LB, decimals: 1 };

export const SERIES: { readonly [K in SeriesId]: SeriesDefinition } = {
  glucose: {
    id: 'glucose',
    code: 1,
    loinc: { code: '2339-0', display: 'Glucose [Mass/volume] in Blood' },
    units: [MGDL, MMOLL],
    canonical: MGDL,
    // Meters and sensors report 20 to 500 mg/dL at most; 0 or 2,000 is a fault, not a reading.
    plausible: { min: 10, max: 1000 },
  },
  weight: {
    id: 'weight',
    code: 2,
    loinc: { code: '29463-7', display: 'Body weight' },
    units: [KG, LB],
    canonical: KG,
    plausible: { min: 0.5, max: 650 },
  },
};

export type UnitLabel = 'mg/dL' | 'mmol/L' | 'kg' | 'lb';

export function unitOf(series: SeriesId, label: string): UnitDefinition | undefined {
  return SERIES[series].units.find((unit) => unit.label === label);
}

export function unitByCode(series: SeriesId, code: number): UnitDefinition | undefined {
  return SERIES[series].units.find((unit) => unit.code === code);
}

/** A value in `from` expressed in `to` (unrounded). */
export function convert(series: SeriesId, value: number, from: string, to: string): number {
  const source = unitOf(series, from);
  const target = unitOf(series, to);
  if (source === undefined || target === undefined) throw new Error(`unknown unit for ${series}: ${from} or ${to}`);
  return from === to ? value : (value * source.toCanonical) / target.toCanonical;
}

/** How a glucose value was obtained. Only `continuous` readings make the AGP. */
export const READING_KINDS = ['continuous', 'scan', 'blood', 'manual'] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

/** Where a reading came from: the importer, and the device and serial when the file says. */
export interface ReadingSource {
  /** e.g. `libreview`, `dexcom-clarity`, `nightscout`, `withings`, `fhir`, `csv`, `manual`. */
  readonly importer: string;
  readonly device: string | null;
  readonly serial: string | null;
}

/**
 * A sensor's "Low"/"High": the true value is beyond the device's range; `value` holds the bound
 * (e.g. 40 mg/dL with `below`).
 */
export type ReadingBound = 'below' | 'above' | null;

export interface Reading {
  /** UTC milliseconds, whole. */
  readonly time: number;
  /** As recorded, in `unit`; at most 6 decimals are kept. */
  readonly value: number;
  readonly unit: UnitLabel;
  readonly kind: ReadingKind;
  readonly bound: ReadingBound;
  readonly source: ReadingSource;
}

/** The value in the series' canonical unit (mg/dL, kg). */
export function canonicalValue(series: SeriesId, reading: Pick<Reading, 'value' | 'unit'>): number {
  return convert(series, reading.value, reading.unit, SERIES[series].canonical.label);
}

/** Whether a value could have come from a device (canonical bounds, inclusive). */
export function isPlausible(series: SeriesId, reading: Pick<Reading, 'value' | 'unit'>): boolean {
  const value = canonicalValue(series, reading);
  const { min, max } = SERIES[series].plausible;
  return Number.isFinite(value) && value >= min && value <= max;
}

/** A stable text key of a source: readings are the same when time, series and this agree. */
export function sourceKey(source: ReadingSource): string {
  return JSON.stringify([source.importer, source.device, source.serial]);
}
