/**
 * Readings as HL7 FHIR R4 (4.0.1) Observations, one per reading, in a `collection` Bundle written
 * as a stream of JSON text. https://hl7.org/fhir/R4/observation.html
 *
 * Codes. Body weight is LOINC 29463-7 under the vital-signs category. Glucose is coded by where it
 * was measured and on which scale, since LOINC makes the specimen and the property (mass or moles
 * per volume) part of the code: 2339-0 "Glucose [Mass/volume] in Blood" and 15074-8
 * "Glucose [Moles/volume] in Blood" for strips and manual entries; for sensor readings (continuous
 * and scanned: a Libre scan reads the same interstitial sensor) 99504-3 "Glucose [Mass/volume] in
 * Interstitial fluid" and 105272-9 "Glucose [Moles/volume] in Interstitial fluid", the codes of
 * HL7's Continuous Glucose Monitoring IG (hl7.fhir.uv.cgm 1.0.0, "CGM Sensor Reading" profiles).
 * Checked against that IG's published examples and the LOINC displays quoted in public FHIR code.
 * Unsure: 105272-9 is recent (the IG's 2025 ballot still listed codes of its range as awaiting
 * publication), so an older terminology server may not know it.
 * Manual entries are assumed to be blood (a meter), which is what a patient types in.
 *
 * No profile is claimed: the vital-signs and CGM profiles require a `subject`, and the export is
 * the patient's own file, with no Patient resource to point at.
 *
 * Ids are deterministic (the same vault exports the same Bundle) and name the reading by what
 * makes it one in series.ts: its series, time and source.
 *
 * What must stay true: every chunk concatenated is exactly JSON.stringify of readingsToFhirBundle
 * for the same input, and no empty string or empty array is written (FHIR JSON forbids them).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../bytes.ts';
import { sourceKey, SERIES, type Reading, type SeriesId } from '../readings/series.ts';
import { fhirString, LOINC_URL, type FhirCodeableConcept, type FhirCoding } from './fhir-documents.ts';

export const UCUM_URL = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

export const LOINC_BODY_WEIGHT = { code: '29463-7', display: 'Body weight' } as const;
export const LOINC_GLUCOSE = {
  bloodMass: { code: '2339-0', display: 'Glucose [Mass/volume] in Blood' },
  bloodMoles: { code: '15074-8', display: 'Glucose [Moles/volume] in Blood' },
  interstitialMass: { code: '99504-3', display: 'Glucose [Mass/volume] in Interstitial fluid' },
  interstitialMoles: { code: '105272-9', display: 'Glucose [Moles/volume] in Interstitial fluid' },
} as const;

export interface FhirQuantity {
  readonly value: number;
  readonly comparator?: '<' | '>';
  readonly unit: string;
  readonly system: typeof UCUM_URL;
  readonly code: string;
}

export interface FhirObservation {
  readonly resourceType: 'Observation';
  readonly id: string;
  readonly status: 'final';
  readonly category: readonly FhirCodeableConcept[];
  readonly code: FhirCodeableConcept;
  readonly effectiveDateTime: string;
  readonly valueQuantity: FhirQuantity;
  readonly interpretation?: readonly FhirCodeableConcept[];
  readonly device?: { readonly display: string };
}

export interface FhirObservationBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'collection';
  readonly timestamp?: string;
  readonly entry?: readonly { readonly fullUrl: string; readonly resource: FhirObservation }[];
}

/** One series and its readings, as a vault's day-chunks give them. */
export interface SeriesReadings {
  readonly series: SeriesId;
  readonly readings: Iterable<Reading>;
}

/** The last instant FHIR's four-digit years can write. */
const INSTANT_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const CATEGORY: { readonly [S in SeriesId]: FhirCodeableConcept } = {
  weight: { coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'vital-signs', display: 'Vital Signs' }] },
  glucose: { coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'laboratory', display: 'Laboratory' }] },
};

/**
 * A sensor's "Low" or "High": off the instrument's scale. Not L or H, which would be a clinical
 * judgement against a reference range that the device never made.
 */
const OFF_SCALE: { readonly below: FhirCodeableConcept; readonly above: FhirCodeableConcept } = {
  below: { coding: [{ system: INTERPRETATION_SYSTEM, code: '<', display: 'Off scale low' }] },
  above: { coding: [{ system: INTERPRETATION_SYSTEM, code: '>', display: 'Off scale high' }] },
};

function loincOf(series: SeriesId, reading: Reading): { readonly code: string; readonly display: string } {
  if (series === 'weight') return LOINC_BODY_WEIGHT;
  const sensor = reading.kind === 'continuous' || reading.kind === 'scan';
  const moles = reading.unit === 'mmol/L';
  if (sensor) return moles ? LOINC_GLUCOSE.interstitialMoles : LOINC_GLUCOSE.interstitialMass;
  return moles ? LOINC_GLUCOSE.bloodMoles : LOINC_GLUCOSE.bloodMass;
}

function deviceDisplay(reading: Reading): string | undefined {
  const { device, serial } = reading.source;
  return fhirString([device, serial].filter((part) => part !== null).join(' '));
}

/**
 * Ids of readings as UUIDs version 8 (RFC 9562 §5.8): the reading's time in milliseconds in the
 * first 48 bits, as in version 7, so the ids sort by time; the other 74 free bits from SHA-256 of
 * the series and the source. Unique by construction: two readings with the same series, time and
 * source are the same reading (series.ts), and hashing once per source, not once per reading,
 * keeps a year of CGM fast. The prefix "carnet-reading" separates these names from any other
 * use of the hash: never change it, or every exported id changes.
 */
export function createReadingIds(): (series: SeriesId, reading: Reading) => string {
  /** The last 20 hex digits of the id (version and variant set), per series and source. */
  const tails = new Map<string, string>();
  return (series, reading) => {
    if (!(Number.isSafeInteger(reading.time) && reading.time >= 0 && reading.time <= INSTANT_MAX)) {
      throw new RangeError('createReadingIds: time must be whole milliseconds from 1970 to 9999');
    }
    const name = JSON.stringify(['carnet-reading', series, sourceKey(reading.source)]);
    let tail = tails.get(name);
    if (tail === undefined) {
      const bits = sha256(utf8(name)).slice(0, 10);
      bits[0] = 0x80 | ((bits[0] as number) & 0x0f); // version 8
      bits[2] = 0x80 | ((bits[2] as number) & 0x3f); // variant 10
      tail = toHex(bits);
      tails.set(name, tail);
    }
    const time = reading.time.toString(16).padStart(12, '0');
    return `${time.slice(0, 8)}-${time.slice(8)}-${tail.slice(0, 4)}-${tail.slice(4, 8)}-${tail.slice(8)}`;
  };
}

/** One reading as an Observation; pass one `ids` for a whole export, so sources are hashed once. */
export function readingToObservation(series: SeriesId, reading: Reading, ids: (series: SeriesId, reading: Reading) => string = createReadingIds()): FhirObservation {
  const unit = SERIES[series].units.find((candidate) => candidate.label === reading.unit);
  if (unit === undefined) throw new Error(`readingToObservation: ${reading.unit} is not a unit of ${series}`);
  const loinc = loincOf(series, reading);
  const coding: FhirCoding = { system: LOINC_URL, code: loinc.code, display: loinc.display };
  const comparator = reading.bound === 'below' ? '<' : reading.bound === 'above' ? '>' : undefined;
  const device = deviceDisplay(reading);
  return {
    resourceType: 'Observation',
    id: ids(series, reading),
    status: 'final',
    category: [CATEGORY[series]],
    code: { coding: [coding], text: loinc.display },
    effectiveDateTime: new Date(reading.time).toISOString(),
    valueQuantity: { value: reading.value, ...(comparator === undefined ? {} : { comparator }), unit: unit.label, system: UCUM_URL, code: unit.ucum },
    ...(reading.bound === null ? {} : { interpretation: [OFF_SCALE[reading.bound]] }),
    ...(device === undefined ? {} : { device: { display: device } }),
  };
}

function* entriesOf(series: readonly SeriesReadings[]): Generator<{ readonly fullUrl: string; readonly resource: FhirObservation }, void, undefined> {
  const ids = createReadingIds();
  for (const part of series) {
    for (const reading of part.readings) {
      const resource = readingToObservation(part.series, reading, ids);
      yield { fullUrl: `urn:uuid:${resource.id}`, resource };
    }
  }
}

function bundleHead(now: number): { resourceType: 'Bundle'; type: 'collection'; timestamp?: string } {
  const timestamp = Number.isSafeInteger(now) && now >= 0 && now <= INSTANT_MAX ? new Date(now).toISOString() : undefined;
  return { resourceType: 'Bundle', type: 'collection', ...(timestamp === undefined ? {} : { timestamp }) };
}

/** The whole Bundle as one object: for small exports and as the reference the stream is checked against. */
export function readingsToFhirBundle(series: readonly SeriesReadings[], now: number): FhirObservationBundle {
  const entry = [...entriesOf(series)];
  return { ...bundleHead(now), ...(entry.length > 0 ? { entry } : {}) };
}

/**
 * Writes a Bundle as JSON text, one chunk per Observation, from readings handed over in as many
 * parts as the caller likes (a year at a time, read from the vault as it goes): only the
 * Observation being written is held. Each chunk is JSON.stringify's own output, so the stream can
 * never drift from readingsToFhirBundle.
 */
export function createFhirBundleWriter(now: number) {
  const head = JSON.stringify(bundleHead(now));
  const ids = createReadingIds();
  // The head without its closing brace; `entry` is opened only once there is one (no empty array).
  let separator = `${head.slice(0, -1)},"entry":[`;
  let any = false;
  return {
    *write(part: SeriesReadings): Generator<string, void, undefined> {
      for (const reading of part.readings) {
        const resource = readingToObservation(part.series, reading, ids);
        yield separator + JSON.stringify({ fullUrl: `urn:uuid:${resource.id}`, resource });
        separator = ',';
        any = true;
      }
    },
    close(): string {
      return any ? ']}' : head;
    },
  };
}

/** The same Bundle as JSON text, one chunk per Observation. */
export function* readingsToFhirBundleJson(series: readonly SeriesReadings[], now: number): Generator<string, void, undefined> {
  const writer = createFhirBundleWriter(now);
  for (const part of series) yield* writer.write(part);
  yield writer.close();
}
