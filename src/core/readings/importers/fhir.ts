/**
 * FHIR R4 Observations (hl7.org/fhir/R4/observation.html): one Observation, a Bundle of them
 * (collection, searchset, transaction or any other type: only `entry[].resource` is read), or a
 * JSON array of resources. Body weight and glucose become readings; every other Observation is
 * counted in `ignored` by its code's text or display, other resources by their type.
 *
 * The meaning is the code's, read from LOINC (`http://loinc.org`, or the ANS's French LOINC
 * table TRE_A04, which uses the same codes):
 *   body weight 29463-7, 3141-9, in kg, g or [lb_av];
 *   glucose in blood, serum or plasma 2339-0, 2345-7, 15074-8, 14749-6, 14743-9, 41653-7 → blood;
 *   glucose in interstitial fluid 99504-3, 105272-9 (CGM) → continuous; in mg/dL or mmol/L.
 * meta.profile is never used to decide what an Observation is. The ANS "Mesures de santé"
 * glucose example (tests/fixtures/ans-mesures) claims the glycaemia profile and holds 92 mg/dL,
 * but its code is 4548-4, haemoglobin A1c in %. Taking it as glucose would mean trusting a URL over
 * the one element FHIR gives meaning to, and a resource that contradicts its own profile is not
 * valid against it: it is reported as not understood (ignored under its code) rather than guessed.
 *
 * The time is effectiveDateTime, effectiveInstant or effectivePeriod.start, else `issued`. A date
 * without a time (FHIR allows "2022-11-06") is the patient's local midnight that day.
 * Each entry's "line" is its 1-based position (the resource, or its place in the bundle or array).
 */
import type { ImportOptions, ParsedReadings, ReadingsFileError } from '../parsed.ts';
import type { ReadingKind, ReadingSource, SeriesId, UnitLabel } from '../series.ts';
import type { Result } from '../../result.ts';
import { createCollector, createSourceCache, isObject, parseJsonFile, roundDecimals, sourceText, type ReadingsCollector } from './collect.ts';
import { createRowTimeReader, type RowTimeReader } from './local-time.ts';

const LOINC_SYSTEMS = new Set(['http://loinc.org', 'https://mos.esante.gouv.fr/NOS/TRE_A04-Loinc/FHIR/TRE-A04-Loinc']);

const CODES: ReadonlyMap<string, { readonly series: SeriesId; readonly kind: ReadingKind }> = new Map([
  ['29463-7', { series: 'weight', kind: 'manual' }], // Body weight
  ['3141-9', { series: 'weight', kind: 'manual' }], // Body weight Measured
  ['2339-0', { series: 'glucose', kind: 'blood' }], // Glucose [Mass/volume] in Blood
  ['2345-7', { series: 'glucose', kind: 'blood' }], // Glucose [Mass/volume] in Serum or Plasma
  ['15074-8', { series: 'glucose', kind: 'blood' }], // Glucose [Moles/volume] in Blood
  ['14749-6', { series: 'glucose', kind: 'blood' }], // Glucose [Moles/volume] in Serum or Plasma
  ['14743-9', { series: 'glucose', kind: 'blood' }], // Glucose [Moles/volume] in Capillary blood by Glucometer
  ['41653-7', { series: 'glucose', kind: 'blood' }], // Glucose [Mass/volume] in Capillary blood by Glucometer
  ['99504-3', { series: 'glucose', kind: 'continuous' }], // Glucose [Mass/volume] in Interstitial fluid
  ['105272-9', { series: 'glucose', kind: 'continuous' }], // Glucose [Moles/volume] in Interstitial fluid
]);

/** UCUM codes (and the unit texts seen beside them) to a series unit, with a factor for grams. */
const UNITS: ReadonlyMap<string, { readonly unit: UnitLabel; readonly factor: number }> = new Map([
  ['kg', { unit: 'kg', factor: 1 }],
  ['g', { unit: 'kg', factor: 0.001 }],
  ['[lb_av]', { unit: 'lb', factor: 1 }],
  ['lb', { unit: 'lb', factor: 1 }],
  ['lbs', { unit: 'lb', factor: 1 }],
  ['mg/dl', { unit: 'mg/dL', factor: 1 }],
  ['mmol/l', { unit: 'mmol/L', factor: 1 }],
]);

const UNIT_SERIES: Readonly<Record<UnitLabel, SeriesId>> = { kg: 'weight', lb: 'weight', 'mg/dL': 'glucose', 'mmol/L': 'glucose' };

export function parseFhirObservations(text: string, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  return parseJsonFile(text, looksLikeFhir, (value) => fhirToReadings(value, options));
}

/** An Observation, a Bundle, or an array of resources. */
export function looksLikeFhir(value: unknown): value is object {
  if (Array.isArray(value)) return value.length > 0 && value.slice(0, 20).every((item) => isObject(item) && typeof item['resourceType'] === 'string');
  return isObject(value) && (value['resourceType'] === 'Observation' || value['resourceType'] === 'Bundle');
}

export function fhirToReadings(value: unknown, options: ImportOptions): Result<ParsedReadings, ReadingsFileError> {
  const resources: unknown[] = Array.isArray(value)
    ? value
    : isObject(value) && value['resourceType'] === 'Bundle'
      ? (Array.isArray(value['entry']) ? value['entry'] : []).map((entry: unknown) => (isObject(entry) ? entry['resource'] : undefined))
      : [value];
  const collector = createCollector('fhir');
  // FHIR dates are year first; a date-only value is allowed.
  const times = createRowTimeReader(options.timeZone, 'ymd', false);
  const sourceOf = createSourceCache('fhir');
  resources.forEach((resource, index) => readResource(resource, index + 1, collector, times, sourceOf));
  return collector.finish();
}

function codings(concept: unknown): Record<string, unknown>[] {
  return isObject(concept) && Array.isArray(concept['coding']) ? concept['coding'].filter(isObject) : [];
}

function nonBlank(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** What an Observation's code is called, for `ignored`: its text, else a display, else a code. */
function codeName(concept: unknown): string {
  const all = codings(concept);
  return (
    (isObject(concept) ? nonBlank(concept['text']) : null) ??
    all.map((coding) => nonBlank(coding['display'])).find((name) => name !== null) ??
    all.map((coding) => nonBlank(coding['code'])).find((name) => name !== null) ??
    'Observation'
  );
}

function readResource(
  resource: unknown,
  line: number,
  collector: ReadingsCollector,
  times: RowTimeReader,
  sourceOf: (device: string | null, serial: string | null) => ReadingSource,
): void {
  // A bundle entry may carry only a request or a response (transactions): nothing to read.
  if (resource === undefined) return;
  if (!isObject(resource) || typeof resource['resourceType'] !== 'string') {
    collector.skip(line, 'malformed', JSON.stringify(resource) ?? '');
    return;
  }
  if (resource['resourceType'] !== 'Observation') {
    collector.ignore(resource['resourceType']);
    return;
  }
  const status = resource['status'];
  if (status === 'entered-in-error' || status === 'cancelled') {
    collector.ignore(`${codeName(resource['code'])} (${status})`);
    return;
  }
  const known = codings(resource['code'])
    .filter((coding) => typeof coding['system'] === 'string' && LOINC_SYSTEMS.has(coding['system']))
    .map((coding) => CODES.get(String(coding['code'])))
    .find((meaning) => meaning !== undefined);
  if (known === undefined) {
    collector.ignore(codeName(resource['code']));
    return;
  }
  const effective = resource['effectiveDateTime'] ?? resource['effectiveInstant'] ?? (isObject(resource['effectivePeriod']) ? resource['effectivePeriod']['start'] : undefined) ?? resource['issued'];
  const timeText = typeof effective === 'string' ? effective : '';
  const time = times.read(timeText, 0);
  if (times.problem !== null) {
    collector.skip(line, times.problem, timeText);
    return;
  }
  const quantity = resource['valueQuantity'];
  const amount = isObject(quantity) ? quantity['value'] : undefined;
  const number = typeof amount === 'number' && Number.isFinite(amount) ? amount : Number.NaN;
  if (Number.isNaN(number)) {
    collector.skip(line, 'bad-value', amount === undefined ? '' : String(amount));
    return;
  }
  const unitCode = isObject(quantity) ? (nonBlank(quantity['code']) ?? nonBlank(quantity['unit'])) : null;
  const unit = unitCode === null ? undefined : UNITS.get(unitCode.toLowerCase());
  if (unit === undefined || UNIT_SERIES[unit.unit] !== known.series) {
    collector.skip(line, 'unknown-unit', unitCode ?? '');
    return;
  }
  const device = isObject(resource['device']) ? sourceText(nonBlank(resource['device']['display']) ?? undefined) : null;
  const value = roundDecimals(number * unit.factor);
  collector.add(known.series, { time, value, unit: unit.unit, kind: known.kind, bound: null, source: sourceOf(device, null) }, line, times.ambiguous);
}
