/**
 * The Apple Health export reader: the fixture written from the documented layout (PROVENANCE.md,
 * apple-health/) read whole, byte by byte and in seeded random splits with the same result; units
 * including HealthKit's `mmol<180.1558800000541>/L`; offsets; metadata; ignored types; a DOCTYPE
 * with entities that are never expanded; truncated, broken and foreign files; the zip directory;
 * and the bounded memory of a long file of other records.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  appleUnit,
  createAppleHealthParser,
  decodeAttribute,
  MAX_CONSTRUCT,
  parseAppleDate,
  parseAppleHealthXml,
  type AppleHealthError,
  type AppleHealthParsed,
} from '../../../src/core/readings/importers/apple-health.ts';
import { dataOffset, findExportEntry, listEntries, locateDirectory, looksLikeZip, ZIP_TAIL_BYTES, type ZipEntry } from '../../../src/core/readings/importers/apple-health-zip.ts';
import type { Result } from '../../../src/core/result.ts';
import { readAppleHealthExport, type AppleHealthProgress } from '../../../src/app/apple-health.ts';

const fixture = (path: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/apple-health/${path}`, import.meta.url)));
const EXPORT = fixture('export.xml');
const utf8 = (text: string) => new TextEncoder().encode(text);
const utc = (y: number, mo: number, d: number, h: number, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);

function readOk(result: Result<AppleHealthParsed, AppleHealthError>): AppleHealthParsed {
  if (!result.ok) throw new Error(`expected readings, got ${JSON.stringify(result.error).slice(0, 300)}`);
  return result.value;
}

function failure(result: Result<AppleHealthParsed, AppleHealthError>): AppleHealthError {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

function inPieces(bytes: Uint8Array, sizes: (index: number) => number): Result<AppleHealthParsed, AppleHealthError> {
  const parser = createAppleHealthParser();
  let at = 0;
  for (let index = 0; at < bytes.length; index++) {
    const size = Math.max(1, sizes(index));
    parser.feed(bytes.slice(at, at + size));
    at += size;
  }
  return parser.end();
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="fr_FR">\n <ExportDate value="2026-11-20 21:04:12 +0100"/>\n';
const record = (type: string, unit: string, value: string, start = '2024-01-09 12:30:00 +0100', source = 'Santé', children = '') =>
  ` <Record type="${type}" sourceName="${source}" sourceVersion="17.3" unit="${unit}" creationDate="${start}" startDate="${start}" endDate="${start}" value="${value}"${children === '' ? '/>' : `>\n${children} </Record>`}\n`;
const GLUCOSE = 'HKQuantityTypeIdentifierBloodGlucose';
const MASS = 'HKQuantityTypeIdentifierBodyMass';
const doc = (...records: string[]) => utf8(`${HEAD}${records.join('')}</HealthData>\n`);

describe('the fixture export.xml', () => {
  const parsed = readOk(parseAppleHealthXml(EXPORT));

  it('keeps the weights with their units, offsets and sources', () => {
    const weight = parsed.parsed.series.find((item) => item.series === 'weight');
    expect(weight?.units).toEqual(['kg', 'lb']);
    expect(weight?.readings.map((reading) => [reading.time, reading.value, reading.unit, reading.kind, reading.source.device])).toEqual([
      [utc(2019, 5, 1, 6), 72.4, 'kg', 'manual', 'Withings'],
      [utc(2019, 11, 3, 6, 40), 71.85, 'kg', 'manual', 'Withings'],
      [utc(2023, 2, 11, 0, 15), 158.2, 'lb', 'manual', 'Marie’s iPhone'],
    ]);
    expect(weight?.readings[0]?.source).toEqual({ importer: 'apple-health', device: 'Withings', serial: null });
  });

  it('keeps the glucose in mg/dL, mmol/L and HealthKit’s mmol<180.15…>/L, with a clamped value as a bound', () => {
    const glucose = parsed.parsed.series.find((item) => item.series === 'glucose');
    expect(glucose?.units).toEqual(['mg/dL', 'mmol/L']);
    expect(glucose?.readings.map((reading) => [reading.time, reading.value, reading.unit, reading.kind, reading.bound, reading.source.device])).toEqual([
      [utc(2024, 1, 9, 11, 30), 104, 'mg/dL', 'blood', null, 'Contour Diabetes'],
      [utc(2024, 1, 9, 13, 30), 151, 'mg/dL', 'blood', null, 'Contour Diabetes'],
      [utc(2024, 1, 10, 6, 5), 5.4, 'mmol/L', 'blood', null, 'Santé'],
      [utc(2024, 1, 11, 6, 8), 6.1, 'mmol/L', 'blood', null, 'Glucomètre'],
      [utc(2024, 1, 12, 2, 2), 20, 'mg/dL', 'blood', 'below', 'Glucomètre'],
    ]);
  });

  it('says which records it skipped, by their ordinal, and why', () => {
    expect(parsed.parsed.skipped.map((row) => [row.line, row.reason, row.detail])).toEqual([
      [5, 'unknown-unit', 'BodyMass: unit="st"'],
      [6, 'bad-time', '2024-03-02 08:00:00'],
      [12, 'unknown-unit', 'BloodGlucose: unit="g/L"'],
      [13, 'bad-value', 'n/a mg/dL'],
    ]);
    expect(parsed.records).toBe(19);
    expect(parsed.incomplete).toBeNull();
  });

  it('counts every other record type, and the records of a correlation only once', () => {
    expect(parsed.parsed.ignored).toEqual({
      HKQuantityTypeIdentifierHeight: 1,
      HKQuantityTypeIdentifierHeartRate: 2,
      HKQuantityTypeIdentifierStepCount: 1,
      HKQuantityTypeIdentifierBloodPressureSystolic: 1,
      HKQuantityTypeIdentifierBloodPressureDiastolic: 1,
      HKCategoryTypeIdentifierSleepAnalysis: 1,
      HKCorrelationTypeIdentifierBloodPressure: 1,
      Workout: 1,
      ActivitySummary: 1,
    });
    expect(parsed.parsed.format).toBe('apple-health');
  });

  it('reads the same fed byte by byte', () => {
    expect(inPieces(EXPORT, () => 1)).toEqual(parseAppleHealthXml(EXPORT));
  });

  it('reads the same whatever the chunk boundaries (seeded random splits)', () => {
    const whole = parseAppleHealthXml(EXPORT);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        expect(inPieces(EXPORT, (index) => sizes[index % sizes.length] as number)).toEqual(whole);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});

describe('units, dates and values', () => {
  it('knows kg and lb for weight, mg/dL, mmol/L and the annotated mmol for glucose, nothing else', () => {
    expect(appleUnit('weight', 'kg')).toBe('kg');
    expect(appleUnit('weight', 'lb')).toBe('lb');
    expect(appleUnit('weight', 'g')).toBeNull();
    expect(appleUnit('weight', 'mg/dL')).toBeNull();
    expect(appleUnit('glucose', 'mg/dL')).toBe('mg/dL');
    expect(appleUnit('glucose', 'mmol/L')).toBe('mmol/L');
    expect(appleUnit('glucose', 'mmol<180.1558800000541>/L')).toBe('mmol/L');
    expect(appleUnit('glucose', 'mmol<180.15588>/L')).toBe('mmol/L');
    // Another molar mass is another substance.
    expect(appleUnit('glucose', 'mmol<342.3>/L')).toBeNull();
    expect(appleUnit('glucose', 'mg/dl ')).toBeNull();
    expect(appleUnit('glucose', 'kg')).toBeNull();
  });

  it('reads dates with their own offset, whatever the patient’s zone', () => {
    expect(parseAppleDate('2019-05-01 08:00:00 +0200')).toBe(utc(2019, 5, 1, 6));
    expect(parseAppleDate('2023-02-10 19:15:00 -0500')).toBe(utc(2023, 2, 11, 0, 15));
    expect(parseAppleDate('2024-06-01 12:00:00 +0545')).toBe(utc(2024, 6, 1, 6, 15));
    expect(parseAppleDate('2024-06-01 12:00:00 +0000')).toBe(utc(2024, 6, 1, 12));
    for (const bad of ['2024-02-30 12:00:00 +0100', '2024-06-01 12:00:00', '2024-06-01T12:00:00Z', '2024-06-01 24:00:00 +0100', '2024-06-01 12:00:00 +1500', '']) {
      expect(parseAppleDate(bad), bad).toBeNaN();
    }
  });

  it('decodes XML’s five entities and character references, and refuses any other, and "<"', () => {
    expect(decodeAttribute('a<b')).toBeNull();
    expect(decodeAttribute('mmol&lt;180.1558800000541&gt;/L')).toBe('mmol<180.1558800000541>/L');
    expect(decodeAttribute('A &amp; B &quot;x&quot; &apos;y&apos; &#233;&#x2019;')).toBe('A & B "x" \'y\' é’');
    expect(decodeAttribute('&bomb;')).toBeNull();
    expect(decodeAttribute('a & b')).toBeNull();
    expect(decodeAttribute('&#0;')).toBeNull();
  });

  it('reads a glucose record in each unit, and refuses an unknown one with its reason', () => {
    const parsed = readOk(
      parseAppleHealthXml(
        doc(
          record(GLUCOSE, 'mg/dL', '95', '2024-01-09 07:00:00 +0100'),
          record(GLUCOSE, 'mmol&lt;180.1558800000541&gt;/L', '5.27', '2024-01-09 08:00:00 +0100'),
          record(GLUCOSE, 'mmol/L', '6', '2024-01-09 09:00:00 +0100'),
          record(GLUCOSE, 'mmol&lt;180.1558800000541&gt;/dL', '6', '2024-01-09 10:00:00 +0100'),
          record(GLUCOSE, '', '6', '2024-01-09 11:00:00 +0100'),
        ),
      ),
    );
    expect(parsed.parsed.series[0]?.readings.map((reading) => [reading.value, reading.unit])).toEqual([
      [95, 'mg/dL'],
      [5.27, 'mmol/L'],
      [6, 'mmol/L'],
    ]);
    expect(parsed.parsed.skipped.map((row) => [row.line, row.reason, row.detail])).toEqual([
      [4, 'unknown-unit', 'BloodGlucose: unit="mmol<180.1558800000541>/dL"'],
      [5, 'unknown-unit', 'BloodGlucose: unit=""'],
    ]);
  });

  it('marks a value clamped to the upper bound as above it, and leaves other metadata alone', () => {
    const children = '  <MetadataEntry key="HKQuantityClampedToUpperBound" value="1"/>\n  <MetadataEntry key="HKBloodGlucoseMealTime" value="2"/>\n';
    const parsed = readOk(parseAppleHealthXml(doc(record(GLUCOSE, 'mg/dL', '600', undefined, 'Meter', children))));
    expect(parsed.parsed.series[0]?.readings[0]).toMatchObject({ value: 600, bound: 'above', kind: 'blood' });
  });

  it('refuses implausible values as the other importers do', () => {
    const parsed = readOk(parseAppleHealthXml(doc(record(MASS, 'kg', '0', '2024-01-01 08:00:00 +0100'), record(MASS, 'kg', '70', '2024-01-02 08:00:00 +0100'))));
    expect(parsed.parsed.skipped).toEqual([{ line: 1, reason: 'implausible', detail: '0 kg' }]);
  });
});

describe('what is not an export, or not all of one', () => {
  it('says an empty file is empty', () => {
    expect(failure(parseAppleHealthXml(new Uint8Array()))).toEqual({ type: 'EmptyFile' });
  });

  it('says another XML file, a CSV or binary bytes are not an Apple Health export, at the first element', () => {
    for (const text of ['<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>', 'Date,Weight (kg)\n2024-01-01,70\n', '\u0000\u0001PNG', '<html><body>hi</body></html>']) {
      expect(failure(parseAppleHealthXml(utf8(text))), text).toEqual({ type: 'NotAppleHealth' });
    }
    const parser = createAppleHealthParser();
    parser.feed(utf8('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'));
    // Known before the rest of the file is read, so the caller stops reading.
    expect(parser.failure).toEqual({ type: 'NotAppleHealth' });
  });

  it('keeps the readings of a truncated file, says so, and adds a broken row so that storing needs a yes', () => {
    const cut = EXPORT.slice(0, new TextDecoder().decode(EXPORT).indexOf('<Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Glucomètre" sourceVersion="2.0" unit="mmol/L"') + 40);
    const parsed = readOk(parseAppleHealthXml(cut));
    expect(parsed.incomplete).toEqual({ type: 'Truncated' });
    expect(parsed.parsed.series.map((item) => [item.series, item.readings.length])).toEqual([
      ['glucose', 3],
      ['weight', 3],
    ]);
    // The 10th record is the one cut short.
    expect(parsed.parsed.skipped.at(-1)).toEqual({ line: 10, reason: 'malformed', detail: '</HealthData>' });
  });

  it('reports a file cut before any reading as truncated with nothing to keep', () => {
    const error = failure(parseAppleHealthXml(utf8(`${HEAD} <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W"`)));
    expect(error).toMatchObject({ type: 'NoReadings', incomplete: { type: 'Truncated' } });
  });

  it('stops at markup that breaks midway and keeps what came before', () => {
    const broken = utf8(`${HEAD}${record(MASS, 'kg', '70', '2024-01-02 08:00:00 +0100')} <Record type="x" value="1"\n${record(MASS, 'kg', '71', '2024-01-03 08:00:00 +0100')}</HealthData>`);
    const parsed = readOk(parseAppleHealthXml(broken));
    // A tag never closed before the next one starts: read up to there.
    expect(parsed.incomplete).toEqual({ type: 'Malformed', problem: { kind: 'broken-tag', name: 'Record' } });
    expect(parsed.parsed.series[0]?.readings.map((reading) => reading.value)).toEqual([70]);
    const crossed = readOk(parseAppleHealthXml(utf8(`${HEAD}${record(MASS, 'kg', '70', '2024-01-02 08:00:00 +0100')} <Workout workoutActivityType="x"></Record></HealthData>`)));
    expect(crossed.incomplete).toEqual({ type: 'Malformed', problem: { kind: 'crossed', closing: 'Record', open: 'Workout' } });
  });

  it('refuses a tag longer than the bound instead of buffering it', () => {
    const parser = createAppleHealthParser();
    parser.feed(utf8(`${HEAD} <Record type="HKQuantityTypeIdentifierHeartRate" device="`));
    const filler = new Uint8Array(256 * 1024).fill(0x61);
    for (let sent = 0; sent <= MAX_CONSTRUCT; sent += filler.length) parser.feed(filler);
    expect(parser.finished).toBe(true);
    const error = failure(parser.end());
    expect(error).toMatchObject({ type: 'NoReadings', incomplete: { type: 'Malformed', problem: { kind: 'tag-too-long', limit: MAX_CONSTRUCT } } });
  });
});

describe('the DOCTYPE', () => {
  const withDoctype = (subset: string, body: string) => utf8(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n${subset}\n]>\n<HealthData locale="en_US">\n${body}</HealthData>\n`);

  it('is skipped, with comments, quoted ">" and "]" inside it', () => {
    const subset = '<!-- HealthKit Export Version: 14 ]> -->\n<!ELEMENT HealthData (Record*)>\n<!ATTLIST Record unit CDATA "a]>b">\n<?pi ]> ?>';
    const parsed = readOk(parseAppleHealthXml(withDoctype(subset, record(MASS, 'kg', '70.5'))));
    expect(parsed.parsed.series[0]?.readings[0]).toMatchObject({ value: 70.5, unit: 'kg' });
  });

  it('never expands a declared entity: a billion-laughs subset costs nothing and its references refuse the record', () => {
    const laughs = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, index) => `<!ENTITY lol${index + 1} "${`&lol${index === 0 ? '' : index};`.repeat(10)}">`)].join('\n');
    const body = record(MASS, 'kg', '70', '2024-01-02 08:00:00 +0100', '&lol9;') + record(MASS, '&unit;', '71', '2024-01-03 08:00:00 +0100') + record(MASS, 'kg', '72', '2024-01-04 08:00:00 +0100');
    const parsed = readOk(parseAppleHealthXml(withDoctype(`${laughs}\n<!ENTITY unit "kg">\n<!ENTITY ext SYSTEM "file:///etc/passwd">`, body)));
    expect(parsed.parsed.series[0]?.readings.map((reading) => [reading.value, reading.source.device])).toEqual([[72, 'Santé']]);
    expect(parsed.parsed.skipped.map((row) => [row.line, row.reason, row.detail])).toEqual([
      [1, 'malformed', 'BodyMass: &lol9;'],
      [2, 'malformed', 'BodyMass: &unit;'],
    ]);
    expect(JSON.stringify(parsed)).not.toContain('lollol');
  });

  it('is refused after the root element', () => {
    const parsed = readOk(parseAppleHealthXml(utf8(`${HEAD}${record(MASS, 'kg', '70')}<!DOCTYPE x [<!ENTITY a "b">]>\n</HealthData>`)));
    expect(parsed.incomplete).toEqual({ type: 'Malformed', problem: { kind: 'declaration' } });
  });
});

describe('memory', () => {
  it('keeps its state bounded through a long stream of other records', () => {
    const parser = createAppleHealthParser();
    parser.feed(utf8(HEAD));
    const heartRate = utf8(
      Array.from({ length: 200 }, (_, index) => record('HKQuantityTypeIdentifierHeartRate', 'count/min', String(60 + (index % 40)), '2024-05-01 10:15:00 +0200', 'Apple Watch', '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n')).join(''),
    );
    // 200 MB of heart rates in odd-sized chunks; the heap must not follow.
    const step = 65_537;
    const before = process.memoryUsage().heapUsed;
    for (let sent = 0; sent < 200 * 1024 * 1024; sent += heartRate.length) for (let at = 0; at < heartRate.length; at += step) parser.feed(heartRate.subarray(at, at + step));
    parser.feed(utf8(record(MASS, 'kg', '70', '2024-01-02 08:00:00 +0100')));
    parser.feed(utf8('</HealthData>\n'));
    const grown = process.memoryUsage().heapUsed - before;
    const parsed = readOk(parser.end());
    expect(parsed.parsed.ignored.HKQuantityTypeIdentifierHeartRate).toBeGreaterThan(400_000);
    expect(parsed.parsed.series[0]?.readings).toHaveLength(1);
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  it('bounds the names it counts, however many types a file invents', () => {
    const parsed = readOk(parseAppleHealthXml(doc(...Array.from({ length: 1500 }, (_, index) => record(`HKType${index}`, 'count', '1')), record(MASS, 'kg', '70'))));
    expect(Object.keys(parsed.parsed.ignored)).toHaveLength(1001);
    expect(parsed.parsed.ignored['(other)']).toBe(500);
  });
});

describe('export.zip', () => {
  const ZIP = fixture('export.zip');

  function exportOf(zip: Uint8Array): ZipEntry {
    const location = locateDirectory(zip.subarray(Math.max(0, zip.length - ZIP_TAIL_BYTES)), zip.length);
    if (!location.ok || location.value.kind !== 'directory') throw new Error(JSON.stringify(location));
    const entries = listEntries(zip.subarray(location.value.offset, location.value.offset + location.value.size));
    if (!entries.ok) throw new Error(JSON.stringify(entries.error));
    const entry = findExportEntry(entries.value);
    if (!entry.ok) throw new Error(JSON.stringify(entry.error));
    return entry.value;
  }

  async function inflated(zip: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
    const start = dataOffset(entry, zip.subarray(entry.localHeaderOffset, entry.localHeaderOffset + 30));
    if (!start.ok) throw new Error(JSON.stringify(start.error));
    const data = zip.slice(start.value, start.value + entry.compressedSize);
    if (entry.method === 0) return data;
    return new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
  }

  it('finds apple_health_export/export.xml by the directory, among export_cda.xml, routes and ECGs', async () => {
    expect(looksLikeZip(ZIP)).toBe(true);
    expect(looksLikeZip(EXPORT)).toBe(false);
    const entry = exportOf(ZIP);
    expect(entry.name).toBe('apple_health_export/export.xml');
    expect(await inflated(ZIP, entry)).toEqual(EXPORT);
  });

  it('reads entries written with a data descriptor (sizes after the data), as streaming zippers write them', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    const cda = new ZipPassThrough('apple_health_export/export_cda.xml');
    zip.add(cda);
    cda.push(strToU8('<ClinicalDocument/>'), true);
    const xml = new ZipDeflate('apple_health_export/export.xml', { level: 6 });
    zip.add(xml);
    xml.push(EXPORT.subarray(0, 5000));
    xml.push(EXPORT.subarray(5000), true);
    zip.end();
    const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    chunks.reduce((at, chunk) => (bytes.set(chunk, at), at + chunk.length), 0);
    const entry = exportOf(bytes);
    expect(await inflated(bytes, entry)).toEqual(EXPORT);
  });

  it('says when the archive holds no export.xml, is cut short, or is encrypted', () => {
    const other = zipSync({ 'apple_health_export/export_cda.xml': strToU8('<ClinicalDocument/>'), 'photos/a.jpg': new Uint8Array(10) });
    const location = locateDirectory(other, other.length);
    if (!location.ok || location.value.kind !== 'directory') throw new Error('no directory');
    const entries = listEntries(other.subarray(location.value.offset, location.value.offset + location.value.size));
    expect(entries.ok && findExportEntry(entries.value)).toEqual({ ok: false, error: { type: 'ZipWithoutExport' } });
    expect(locateDirectory(ZIP.subarray(0, ZIP.length - 30), ZIP.length - 30)).toMatchObject({ ok: false, error: { type: 'ZipUnreadable' } });
    const encrypted: ZipEntry = { name: 'apple_health_export/export.xml', method: 8, encrypted: true, compressedSize: 1, uncompressedSize: 1, localHeaderOffset: 0 };
    expect(findExportEntry([encrypted])).toEqual({ ok: false, error: { type: 'ZipUnsupported', detail: 'encrypted' } });
  });
});

describe('reading a file (src/app/apple-health.ts, on Node’s Blob and DecompressionStream)', () => {
  it('reads export.zip and export.xml to the same readings, with progress in bytes up to the size read', async () => {
    const zip = fixture('export.zip');
    const progress: AppleHealthProgress[] = [];
    const fromZip = await readAppleHealthExport(new Blob([zip]), { onProgress: (step) => progress.push(step) });
    const fromXml = await readAppleHealthExport(new Blob([EXPORT]));
    expect(fromZip).toEqual(parseAppleHealthXml(EXPORT));
    expect(fromXml).toEqual(fromZip);
    expect(progress.at(-1)?.read).toBe(progress.at(-1)?.total);
    expect(progress.at(-1)?.total).toBeLessThan(zip.length);
  });

  it('says what is wrong with a zip without export.xml, a cut zip, an empty file and another file', async () => {
    const other = zipSync({ 'apple_health_export/export_cda.xml': strToU8('<ClinicalDocument/>') });
    expect(await readAppleHealthExport(new Blob([other]))).toEqual({ ok: false, error: { type: 'ZipWithoutExport' } });
    const zip = fixture('export.zip');
    expect(await readAppleHealthExport(new Blob([zip.slice(0, zip.length - 100)]))).toMatchObject({ ok: false, error: { type: 'ZipUnreadable' } });
    expect(await readAppleHealthExport(new Blob([]))).toEqual({ ok: false, error: { type: 'EmptyFile' } });
    expect(await readAppleHealthExport(new Blob(['Date,Weight (kg)\n2024-01-01,70\n']))).toEqual({ ok: false, error: { type: 'NotAppleHealth' } });
  });

  it('stops reading at once when cancelled', async () => {
    const controller = new AbortController();
    const result = await readAppleHealthExport(new Blob([EXPORT]), { signal: controller.signal, onProgress: () => controller.abort() });
    expect(result).toEqual({ ok: false, error: { type: 'AppleHealthCancelled' } });
    expect(await readAppleHealthExport(new Blob([EXPORT]), { signal: controller.signal })).toEqual({ ok: false, error: { type: 'AppleHealthCancelled' } });
  });
});
