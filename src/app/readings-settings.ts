/**
 * How the patient reads their readings (docs/format.md §9.4): units, height for the BMI, and the
 * column mappings of CSV files no importer knows, remembered by their header line. Sealed, because
 * "mmol/L" or a column called "Glycémie" already says something about a person; local to this
 * device, like a display preference.
 */
import { CSV_TIME_FORMATS, type ColumnMapping } from '../core/readings/importers/mapped-csv.ts';
import { isSeriesId, READING_KINDS, unitOf } from '../core/readings/series.ts';
import { readSealedJson, writeSealedJson, type SealedName } from './derived.ts';
import type { VaultSession } from './session.ts';

export interface ReadingsSettings {
  readonly glucoseUnit: 'mg/dL' | 'mmol/L';
  readonly weightUnit: 'kg' | 'lb';
  /** In centimetres, for the BMI; null when unknown. */
  readonly heightCm: number | null;
  /** By header line (the headers joined with the separator), the mapping last used. */
  readonly mappings: Readonly<Record<string, ColumnMapping>>;
}

export const DEFAULT_READINGS_SETTINGS: ReadingsSettings = { glucoseUnit: 'mg/dL', weightUnit: 'kg', heightCm: null, mappings: {} };
const NAME = 'readings-settings';
const MAX_MAPPINGS = 50;

const STORED: SealedName = { name: NAME, id: 'readings' };

function parseMapping(value: unknown): ColumnMapping | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const text = (item: unknown) => typeof item === 'string' && item.length > 0 && item.length <= 200;
  if (typeof m['series'] !== 'string' || !isSeriesId(m['series']) || !text(m['timeColumn']) || !text(m['valueColumn'])) return null;
  if (!(CSV_TIME_FORMATS as readonly unknown[]).includes(m['timeFormat']) || !(READING_KINDS as readonly unknown[]).includes(m['kind'])) return null;
  if (typeof m['unit'] !== 'string' || unitOf(m['series'], m['unit']) === undefined || !Number.isSafeInteger(m['headerLine'])) return null;
  return m as unknown as ColumnMapping;
}

/** A stored settings object, each field checked; anything odd falls back to its default. */
export function parseReadingsSettings(json: unknown): ReadingsSettings {
  if (typeof json !== 'object' || json === null) return DEFAULT_READINGS_SETTINGS;
  const body = json as Record<string, unknown>;
  const mappings: Record<string, ColumnMapping> = {};
  if (typeof body['mappings'] === 'object' && body['mappings'] !== null) {
    for (const [key, value] of Object.entries(body['mappings'] as Record<string, unknown>).slice(0, MAX_MAPPINGS)) {
      const mapping = parseMapping(value);
      if (mapping !== null && key.length <= 4000) mappings[key] = mapping;
    }
  }
  const height = body['heightCm'];
  return {
    glucoseUnit: body['glucoseUnit'] === 'mmol/L' ? 'mmol/L' : 'mg/dL',
    weightUnit: body['weightUnit'] === 'lb' ? 'lb' : 'kg',
    heightCm: typeof height === 'number' && height >= 40 && height <= 260 ? height : null,
    mappings,
  };
}

export async function loadReadingsSettings(session: VaultSession): Promise<ReadingsSettings> {
  const stored = await readSealedJson(session, STORED);
  return stored.status === 'read' ? parseReadingsSettings(stored.value) : DEFAULT_READINGS_SETTINGS;
}

export async function saveReadingsSettings(session: VaultSession, settings: ReadingsSettings): Promise<void> {
  const entries = Object.entries(settings.mappings);
  // The most recent mappings are kept (insertion order: a re-used one is moved to the end).
  const kept = Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_MAPPINGS)));
  await writeSealedJson(session, STORED, { v: 1, ...settings, mappings: kept });
}
