/**
 * The readings importers on the real sample files as they are (tests/fixtures, PROVENANCE.md),
 * with every count worked out a second way in the test from the raw text, then on synthetic files
 * for what the samples do not hold: French and English headers, mmol/L, Low/High, the autumn
 * hour and the spring gap in Europe/Paris, each kind of bad row with its line, FHIR bundles,
 * mapped CSVs, detection by content, and a year of CGM.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal, parseDecimalIn } from '../../../src/core/readings/importers/collect.ts';
import { parseReadingsFile } from '../../../src/core/readings/importers/detect.ts';
import { parseDexcomClarity } from '../../../src/core/readings/importers/dexcom.ts';
import { parseFhirObservations } from '../../../src/core/readings/importers/fhir.ts';
import { parseLibreView } from '../../../src/core/readings/importers/libreview.ts';
import { checkMapping, csvColumns, parseMappedCsv, type ColumnMapping } from '../../../src/core/readings/importers/mapped-csv.ts';
import { dropNearDuplicates } from '../../../src/core/readings/importers/near-duplicates.ts';
import { parseNightscout } from '../../../src/core/readings/importers/nightscout.ts';
import { parseWithings } from '../../../src/core/readings/importers/withings.ts';
import type { ParsedReadings, ReadingsFileError, SkippedRow } from '../../../src/core/readings/parsed.ts';
import { isPlausible, type Reading, type SeriesId } from '../../../src/core/readings/series.ts';
import type { Result } from '../../../src/core/result.ts';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const PARIS = { timeZone: 'Europe/Paris' };
const utc = (y: number, mo: number, d: number, h: number, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);

function parsed(result: Result<ParsedReadings, ReadingsFileError>): ParsedReadings {
  if (!result.ok) throw new Error(`expected readings, got ${JSON.stringify(result.error).slice(0, 300)}`);
  return result.value;
}

function failure(result: Result<ParsedReadings, ReadingsFileError>): ReadingsFileError {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

function readingsOf(value: ParsedReadings, series: SeriesId = 'glucose'): readonly Reading[] {
  return value.series.find((item) => item.series === series)?.readings ?? [];
}

const skips = (value: ParsedReadings | { skipped: readonly SkippedRow[] }) => value.skipped.map((row) => [row.line, row.reason, row.detail]);
const isSorted = (readings: readonly Reading[]) => readings.every((reading, index) => index === 0 || (readings[index - 1] as Reading).time <= reading.time);

describe('LibreView sample (FreeStyle LibreLink, mmol/L, 2 preamble lines)', () => {
  const text = fixture('libreview/sample_libreview.csv');
  const records = text.split('\n').slice(2).filter((line) => line !== '').map((line) => line.split(','));
  const byType = (type: string) => records.filter((fields) => fields[3] === type);
  const result = parsed(parseLibreView(text, PARIS));
  const readings = readingsOf(result);

  it('holds what PROVENANCE.md says, counted with a plain split', () => {
    expect(records).toHaveLength(3615);
    expect([0, 1, 4, 5, 6].map((type) => byType(String(type)).length)).toEqual([2349, 760, 148, 88, 270]);
  });

  it('takes every historic record as continuous and every scan once', () => {
    // LibreLink wrote 11 scans twice, same minute and value: counted once.
    const distinctScans = new Set(byType('1').map((fields) => `${fields[2]}|${fields[5]}`)).size;
    expect(distinctScans).toBe(749);
    // And twice it wrote two scans with different values in one minute: the vault keys a reading
    // by time, source and kind, so the second of each is reported, not merged away unseen.
    const scanMinutes = new Set(byType('1').map((fields) => fields[2])).size;
    expect(scanMinutes).toBe(747);
    expect(readings.filter((reading) => reading.kind === 'continuous')).toHaveLength(2349);
    expect(readings.filter((reading) => reading.kind === 'scan')).toHaveLength(scanMinutes);
    expect(readings).toHaveLength(2349 + 747);
    const lines = text.split('\n');
    expect(result.skipped.filter((row) => row.reason === 'duplicate')).toHaveLength(760 - distinctScans);
    expect(result.skipped.filter((row) => row.reason === 'same-time')).toHaveLength(distinctScans - scanMinutes);
    expect(result.skipped.every((row) => lines[row.line - 1]?.split(',')[3] === '1')).toBe(true);
    // Each says which line was kept instead: a scan of the same minute, and for a second value, what it holds.
    for (const row of result.skipped) {
      const mine = lines[row.line - 1]?.split(',') ?? [];
      const kept = lines[(row.kept?.line ?? 0) - 1]?.split(',') ?? [];
      expect([kept[2], kept[3]]).toEqual([mine[2], '1']);
      expect(row.kept?.line).toBeLessThan(row.line);
      if (row.reason === 'duplicate') expect(row.kept).toEqual({ line: row.kept?.line });
      else expect(row.kept?.holds).toEqual({ value: parseDecimal(kept[5] ?? ''), unit: 'mmol/L' });
    }
  });

  it('counts insulin, food and notes as not imported, by name', () => {
    expect(result.ignored).toEqual({ insulin: 148, food: 88, notes: 270 });
    expect(result.format).toBe('libreview');
    expect(result.series.map((item) => [item.series, item.units])).toEqual([['glucose', ['mmol/L']]]);
    expect(result.ambiguousTimes).toBe(0);
  });

  it('reads times as Paris wall clock, values as written, sorted, with the device and serial', () => {
    expect(readings[0]).toEqual({
      time: utc(2025, 9, 1, 19, 58), // 01-09-2025 21:58, CEST
      value: 4.3,
      unit: 'mmol/L',
      kind: 'continuous',
      bound: null,
      source: { importer: 'libreview', device: 'FreeStyle LibreLink', serial: '758d93d8-ff6a-4e0a-a62c-f31e5814c296' },
    });
    expect(isSorted(readings)).toBe(true);
    const values = readings.map((reading) => reading.value);
    expect([Math.min(...values), Math.max(...values)]).toEqual([2.2, 22.1]);
    // One source object for the whole file.
    expect(new Set(readings.map((reading) => reading.source)).size).toBe(1);
  });

  it('reports a duplicate scan on its own line, naming the line it repeats', () => {
    const lines = text.split('\n');
    const first = result.skipped[0] as SkippedRow;
    expect(lines[first.line - 1]).toBe(lines[first.line - 2]);
    expect(first.detail).toBe('8.9 mmol/L');
    expect(first.kept).toEqual({ line: first.line - 1 });
  });
});

describe('Dexcom Clarity sample (German, `;`, every field quoted, \\r\\r\\n)', () => {
  const text = fixture('dexcom/dexcom_clarity_example.csv');
  const lines = text.split('\n').map((line) => line.replace(/\r+$/, '')).filter((line) => line !== '');
  const egv = lines.filter((line) => line.split(';')[2] === '"EGV"');
  const metadata = lines.slice(1).filter((line) => line.split(';')[1] === '""');
  const result = parsed(parseDexcomClarity(text, PARIS));
  const readings = readingsOf(result);

  it('holds 288 EGV rows and 21 metadata rows, as PROVENANCE.md says', () => {
    expect([egv.length, metadata.length]).toEqual([288, 21]);
  });

  it('takes every EGV as a continuous mg/dL reading and nothing else', () => {
    expect(readings).toHaveLength(288);
    expect(readings.every((reading) => reading.kind === 'continuous' && reading.unit === 'mg/dL' && reading.bound === null)).toBe(true);
    expect(result.skipped).toEqual([]);
    const values = readings.map((reading) => reading.value);
    expect([Math.min(...values), Math.max(...values)]).toEqual([91, 189]);
  });

  it('counts the patient and alert rows as not imported, by their event type', () => {
    expect(result.ignored).toEqual({ Vorname: 1, Nachname: 1, Geburtsdatum: 1, Gerät: 2, Sensor: 2, Warnung: 14 });
    expect(Object.values(result.ignored).reduce((sum, count) => sum + count, 0)).toBe(metadata.length);
  });

  it('reads local times in Paris, with the source device and transmitter', () => {
    expect(readings[0]).toEqual({
      time: utc(2025, 12, 31, 23, 4, 45), // 2026-01-01T00:04:45 CET
      value: 113,
      unit: 'mg/dL',
      kind: 'continuous',
      bound: null,
      source: { importer: 'dexcom-clarity', device: 'iOS G7', serial: '111111111111' },
    });
    expect(readings[287]?.time).toBe(utc(2026, 1, 1, 22, 59, 43));
    expect(isSorted(readings)).toBe(true);
  });

  it('reports a download cut inside its last row as malformed, on line 310', () => {
    const cut = text.slice(0, text.lastIndexOf('"109"') + 3);
    const partial = parsed(parseDexcomClarity(cut, PARIS));
    expect(readingsOf(partial)).toHaveLength(287);
    expect(skips(partial)).toEqual([[310, 'malformed', '"309";"2026-01-01T23:59:43";"EGV";"";"";"";"iOS G7";"10']]);
  });
});

describe('Nightscout entries', () => {
  it('takes the 18 readings of example.json and skips its 12 status codes', () => {
    const text = fixture('nightscout/example.json');
    const entries = JSON.parse(text) as { sgv: string; date: number; dateString: string }[];
    const result = parsed(parseNightscout(text, PARIS));
    const readings = readingsOf(result);
    expect(entries.filter((entry) => Number(entry.sgv) >= 40)).toHaveLength(18);
    expect(readings).toHaveLength(18);
    expect(result.skipped).toHaveLength(12);
    expect(result.skipped.every((row) => row.reason === 'status-code' && row.detail === '5 NOT COMPUTABLE')).toBe(true);
    expect(readings.every((reading) => reading.value >= 169 && reading.value <= 179 && reading.source.device === 'dexcom')).toBe(true);
    expect(readings[0]?.time).toBe(Date.parse('2014-07-19T02:34:15.000-07:00'));
    expect(isSorted(readings)).toBe(true);
  });

  it('counts each sensor value of captured-loop-entries.json once though two uploaders sent it', () => {
    const text = fixture('nightscout/captured-loop-entries.json');
    const entries = JSON.parse(text) as { sgv: number; date: number; device: string }[];
    expect(entries).toHaveLength(288);
    // Worked out another way: each "Dexcom G6 SERIAL" entry that has a com.dexcom.G6 entry of the
    // same value within 30 s is the same reading sent twice.
    const app = entries.filter((entry) => entry.device === 'com.dexcom.G6');
    const loop = entries.filter((entry) => entry.device === 'Dexcom G6 SERIAL');
    const paired = loop.filter((entry) => app.some((other) => other.sgv === entry.sgv && Math.abs(other.date - entry.date) < 30_000));
    expect([app.length, loop.length, paired.length]).toEqual([191, 97, 51]);

    const result = parsed(parseNightscout(text, PARIS));
    const readings = readingsOf(result);
    expect(readings).toHaveLength(288 - paired.length);
    expect(readings).toHaveLength(237);
    expect(result.skipped.filter((row) => row.reason === 'duplicate')).toHaveLength(51);
    expect(readings.every((reading) => Number.isInteger(reading.time))).toBe(true);
    expect(readings.filter((reading) => reading.time === Math.round(1778284500105.5488))).toHaveLength(1);
    expect(isSorted(readings)).toBe(true);
  });

  it('reads mbg as blood, 39 as LOW, dateString when there is no date, and ignores the rest', () => {
    const entries = [
      { type: 'sgv', sgv: 39, date: utc(2025, 1, 1, 8), device: 'share2' },
      { type: 'mbg', mbg: 112, dateString: '2025-01-01T09:00:00+01:00', device: 'meter' },
      { type: 'cal', slope: 900, date: utc(2025, 1, 1, 8) },
      { type: 'sgv', sgv: 'abc', date: utc(2025, 1, 1, 9) },
      { type: 'sgv', sgv: 120, dateString: '2025-01-01 10:00' },
      { type: 'sgv', sgv: 0, date: utc(2025, 1, 1, 10) },
      { type: 'sgv', sgv: 2000, date: utc(2025, 1, 1, 11) },
      'not an entry',
    ];
    const result = parsed(parseNightscout(JSON.stringify(entries), PARIS));
    expect(readingsOf(result).map((reading) => [reading.time, reading.value, reading.kind, reading.bound, reading.source.device])).toEqual([
      [utc(2025, 1, 1, 8), 40, 'continuous', 'below', 'share2'],
      [utc(2025, 1, 1, 8), 112, 'blood', null, 'meter'],
    ]);
    expect(result.ignored).toEqual({ cal: 1 });
    expect(skips(result)).toEqual([
      [4, 'bad-value', 'abc'],
      [5, 'bad-time', '2025-01-01 10:00'],
      [6, 'status-code', '0'],
      [7, 'implausible', '2000 mg/dL'],
      [8, 'malformed', 'not an entry'],
    ]);
  });
});

describe('ANS "Mesures de santé" FHIR examples', () => {
  it('gives one 96 kg body weight on 6 November 2022 (a date without a time: local midnight)', () => {
    const result = parsed(parseFhirObservations(fixture('ans-mesures/Observation-ExampleMesFrObservationBodyWeight001.json'), PARIS));
    expect(result.series.map((item) => [item.series, item.units])).toEqual([['weight', ['kg']]]);
    expect(readingsOf(result, 'weight')).toEqual([
      { time: utc(2022, 11, 5, 23), value: 96, unit: 'kg', kind: 'manual', bound: null, source: { importer: 'fhir', device: null, serial: null } },
    ]);
  });

  it('reports the glucose example as not understood: its code is HbA1c (4548-4) whatever its profile says', () => {
    // Decision (fhir.ts): the code carries an Observation's meaning; meta.profile is a claim this
    // resource does not meet. A 92 mg/dL "HbA1c" is not guessed into a glucose reading.
    const text = fixture('ans-mesures/Observation-ExampleMesObservationGlucose001.json');
    expect(text).toContain('mesures-observation-glucose');
    expect(failure(parseFhirObservations(text, PARIS))).toEqual({ type: 'NoReadings', format: 'fhir', skipped: [], ignored: { '4548-4': 1 } });
  });

  it('finds nothing to import in the IPS minimal bundle, and says what it held', () => {
    const error = failure(parseReadingsFile(fixture('fhir/bundle-minimal.json'), PARIS));
    expect(error.type === 'NoReadings' && error.ignored).toEqual({
      Composition: 1,
      Patient: 1,
      Practitioner: 1,
      Organization: 1,
      Condition: 1,
      MedicationStatement: 1,
      Medication: 1,
      AllergyIntolerance: 1,
    });
  });
});

describe('Withings weight.csv (written from the documented layout)', () => {
  const text = fixture('withings/weight.csv');
  const rows = text.trim().split('\n').slice(1).map((line) => line.split('","').map((field) => field.replace(/^"|"$/g, '')));
  const result = parsed(parseWithings(text, PARIS));
  const readings = readingsOf(result, 'weight');

  it('takes every row with a real weight, in kg, oldest first', () => {
    expect(rows).toHaveLength(21);
    expect(rows.filter((fields) => fields[1] === '')).toHaveLength(1);
    expect(rows.filter((fields) => fields[1] === '0')).toHaveLength(1);
    expect(readings).toHaveLength(19);
    expect(readings[0]).toEqual({ time: utc(2025, 3, 1, 9, 26, 44), value: 73.6, unit: 'kg', kind: 'manual', bound: null, source: { importer: 'withings', device: null, serial: null } });
    expect(readings[18]?.value).toBe(71.85);
    expect(isSorted(readings)).toBe(true);
  });

  it('skips the empty weight and the weight of 0 on their lines', () => {
    expect(skips(result)).toEqual([
      [7, 'bad-value', ''],
      [10, 'implausible', '0 kg'],
    ]);
  });

  it('says the body-composition values were not imported', () => {
    const filled = rows.filter((fields) => fields[2] !== '').length;
    expect(filled).toBe(18);
    expect(result.ignored).toEqual({ 'Fat mass (kg)': filled, 'Bone mass (kg)': filled, 'Muscle mass (kg)': filled, 'Hydration (kg)': filled });
  });

  it('reads the pound variant, the older 12-hour layout and a German export', () => {
    const pounds = parsed(parseWithings('"Date","Weight (lb)","Fat mass (lb)","Comments"\n"2025-03-20 07:12:41","158.4","32.2",""\n', PARIS));
    expect(readingsOf(pounds, 'weight').map((reading) => [reading.value, reading.unit])).toEqual([[158.4, 'lb']]);
    const older = parsed(parseWithings('"Date","Weight (kg)","Fat mass (kg)","Lean mass (kg)","Comments"\n"2016-05-31 6:36 AM","62.77","8.37","54.4",""\n"2016-05-30 10:28 PM","63.82","8.39","55.43",""\n', PARIS));
    expect(readingsOf(older, 'weight').map((reading) => reading.time)).toEqual([utc(2016, 5, 30, 20, 28), utc(2016, 5, 31, 4, 36)]);
    const german = parsed(parseWithings('"Date","Gewicht (kg)","Fettmasse (kg)","Fettfreier Anteil (kg)","Kommentare"\n"2014-02-13 6:04 Uhr","94.34","26.81","68.43",""\n', PARIS));
    expect(readingsOf(german, 'weight').map((reading) => [reading.time, reading.value])).toEqual([[utc(2014, 2, 13, 5, 4), 94.34]]);
  });

  it('settles the autumn hour in a newest-first file, and refuses 900 kg', () => {
    const file = ['"Date","Weight (kg)","Comments"', '"2025-10-26 03:05:00","70.0",""', '"2025-10-26 02:40:00","70.1",""', '"2025-10-26 02:10:00","70.2",""', '"2025-10-26 02:50:00","70.3",""', '"2025-10-26 01:50:00","900",""'].join('\n');
    const autumn = parsed(parseWithings(file, PARIS));
    // Newest first: the first 02:xx rows are winter time, the one after going forward is summer time.
    expect(readingsOf(autumn, 'weight').map((reading) => [reading.time, reading.value])).toEqual([
      [utc(2025, 10, 26, 0, 50), 70.3],
      [utc(2025, 10, 26, 1, 10), 70.2],
      [utc(2025, 10, 26, 1, 40), 70.1],
      [utc(2025, 10, 26, 2, 5), 70],
    ]);
    expect(autumn.ambiguousTimes).toBe(3);
    expect(skips(autumn)).toEqual([[6, 'implausible', '900 kg']]);
  });
});

const LIBRE_HEADER_EN =
  'Device,Serial Number,Device Timestamp,Record Type,Historic Glucose mg/dL,Scan Glucose mg/dL,Non-numeric Rapid-Acting Insulin,Rapid-Acting Insulin (units),Non-numeric Food,Carbohydrates (grams),Carbohydrates (servings),Non-numeric Long-Acting Insulin,Long-Acting Insulin Value (units),Notes,Strip Glucose mg/dL,Ketone mmol/L,Meal Insulin (units),Correction Insulin (units),User Change Insulin (units)';

/** A LibreView row: record type, time, and the value in the historic, scan or strip column. */
function libreRow(type: number, time: string, value = '', separator = ','): string {
  const fields = ['FreeStyle Libre 3', 'SN1', time, String(type), type === 0 ? value : '', type === 1 ? value : '', '', '', '', '', '', '', '', '', type === 2 ? value : '', '', '', '', ''];
  return fields.join(separator);
}

describe('LibreView, synthetic', () => {
  it('reads headers first (no title line), strips as blood, and LO/HI as the Libre limits', () => {
    const text = [LIBRE_HEADER_EN, libreRow(0, '01-03-2025 08:00', 'LO'), libreRow(0, '01-03-2025 08:15', 'HI'), libreRow(2, '01-03-2025 08:20', '95'), libreRow(3, '01-03-2025 08:30'), libreRow(9, '01-03-2025 08:30')].join('\r\n');
    const result = parsed(parseLibreView(text, PARIS));
    expect(readingsOf(result).map((reading) => [reading.value, reading.kind, reading.bound])).toEqual([
      [40, 'continuous', 'below'],
      [500, 'continuous', 'above'],
      [95, 'blood', null],
    ]);
    expect(result.ignored).toEqual({ ketone: 1, 'type 9': 1 });
  });

  it('reads the French export: `;`, decimal commas, mmol/L, LO/HI at 2.2 and 27.8', () => {
    const header =
      "Appareil;Numéro de série;Horodatage de l'appareil;Type d'enregistrement;Historique de la glycémie mmol/L;Numérisation de la glycémie mmol/L;Insuline à action rapide sans valeur numérique;Insuline à action rapide (unités);Alimentation sans valeur numérique;Glucides (grammes);Glucides (portions);Insuline à action longue sans valeur numérique;Insuline à action longue (unités);Remarques;Glycémie par bandelette mmol/L;Cétone mmol/L;Insuline repas (unités);Correction insuline (unités);Insuline modifiée par l'utilisateur (unités)";
    const text = ['Données de glycémie;Généré le;12-10-2025 17:37 UTC;Généré par;Patient;;;;;;;;;;;;;;', header, libreRow(0, '12-10-2025 08:00', '5,6', ';'), libreRow(1, '12-10-2025 08:05', 'LO', ';'), libreRow(1, '12-10-2025 08:06', 'HI', ';'), libreRow(2, '12-10-2025 08:10', '6,25', ';')].join('\n');
    const result = parsed(parseLibreView(text, PARIS));
    expect(readingsOf(result).map((reading) => [reading.time, reading.value, reading.unit, reading.kind, reading.bound])).toEqual([
      [utc(2025, 10, 12, 6), 5.6, 'mmol/L', 'continuous', null],
      [utc(2025, 10, 12, 6, 5), 2.2, 'mmol/L', 'scan', 'below'],
      [utc(2025, 10, 12, 6, 6), 27.8, 'mmol/L', 'scan', 'above'],
      [utc(2025, 10, 12, 6, 10), 6.25, 'mmol/L', 'blood', null],
    ]);
  });

  it('reads the other French header wording by the same keywords', () => {
    const header = "Appareil,Numéro de série,Horodatage de l’appareil,Type d’enregistrement,Historique du glucose mg/dL,Glucose par scan mg/dL,Glucose par bandelette mg/dL";
    const text = [header, 'Libre,SN,01-03-2025 08:00,0,100,,', 'Libre,SN,01-03-2025 08:05,1,,110,', 'Libre,SN,01-03-2025 08:10,2,,,120'].join('\n');
    expect(readingsOf(parsed(parseLibreView(text, PARIS))).map((reading) => reading.kind)).toEqual(['continuous', 'scan', 'blood']);
  });

  it('tells month-first from day-first dates, and reads year-first and `/` dates', () => {
    const monthFirst = [LIBRE_HEADER_EN, libreRow(0, '02-01-2025 23:50', '100'), libreRow(0, '02-02-2025 00:05', '101')].join('\n');
    expect(readingsOf(parsed(parseLibreView(monthFirst, PARIS))).map((reading) => reading.time)).toEqual([utc(2025, 2, 1, 22, 50), utc(2025, 2, 1, 23, 5)]);
    const usHours = [LIBRE_HEADER_EN, libreRow(0, '12/31/2025 11:00 PM', '100')].join('\n');
    expect(readingsOf(parsed(parseLibreView(usHours, PARIS)))[0]?.time).toBe(utc(2025, 12, 31, 22));
    const yearFirst = [LIBRE_HEADER_EN, libreRow(0, '2025/03/01 08:00', '100')].join('\n');
    expect(readingsOf(parsed(parseLibreView(yearFirst, PARIS)))[0]?.time).toBe(utc(2025, 3, 1, 7));
  });

  it('settles the autumn hour per record type, in row order', () => {
    const day = '26-10-2025';
    const historic = ['01:45', '02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45', '03:00'].map((time, index) => libreRow(0, `${day} ${time}`, String(100 + index)));
    const scans = ['02:10', '02:40', '02:05'].map((time, index) => libreRow(1, `${day} ${time}`, String(150 + index)));
    const result = parsed(parseLibreView([LIBRE_HEADER_EN, ...historic, ...scans].join('\n'), PARIS));
    const readings = readingsOf(result);
    expect(readings.filter((reading) => reading.kind === 'continuous').map((reading) => (reading.time - utc(2025, 10, 25, 23, 45)) / 60_000)).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135]);
    expect(readings.filter((reading) => reading.kind === 'scan').map((reading) => [reading.time, reading.value])).toEqual([
      [utc(2025, 10, 26, 0, 10), 150],
      [utc(2025, 10, 26, 0, 40), 151],
      [utc(2025, 10, 26, 1, 5), 152],
    ]);
    expect(result.ambiguousTimes).toBe(11);
  });

  it('skips the spring hour as not existing, on its lines', () => {
    const rows = ['01:45', '02:00', '02:15', '03:00'].map((time, index) => libreRow(0, `30-03-2025 ${time}`, String(100 + index)));
    const result = parsed(parseLibreView([LIBRE_HEADER_EN, ...rows].join('\n'), PARIS));
    expect(readingsOf(result).map((reading) => reading.time)).toEqual([utc(2025, 3, 30, 0, 45), utc(2025, 3, 30, 1)]);
    expect(skips(result)).toEqual([
      [3, 'nonexistent-time', '30-03-2025 02:00'],
      [4, 'nonexistent-time', '30-03-2025 02:15'],
    ]);
  });

  it('reports each broken row with its line and keeps the rest', () => {
    const text = [
      'Glucose Data,Generated on,01-03-2025 10:00 UTC,Generated by,x,,,,,,,,,,,,,,',
      LIBRE_HEADER_EN,
      libreRow(0, '01-03-2025 08:00', '100'),
      '',
      libreRow(0, '32-03-2025 08:15', '100'),
      libreRow(0, 'yesterday', '100'),
      libreRow(0, '01-03-2025 08:30', 'abc'),
      libreRow(0, '01-03-2025 08:45', ''),
      libreRow(0, '01-03-2025 09:00', '0'),
      libreRow(0, '01-03-2025 09:15', '2000'),
      libreRow(0, '01-03-2025 09:30', '120').split(',').slice(0, 10).join(','),
      libreRow(0, '01-03-2025 09:45', '100').replace('100', '"10'),
      ',,,,,,,,,,,,,,,,,,',
      libreRow(0, '01-03-2025 10:00', '130'),
    ].join('\n');
    const result = parsed(parseLibreView(text, PARIS));
    expect(readingsOf(result).map((reading) => reading.value)).toEqual([100, 130]);
    expect(skips(result).map(([line, reason]) => [line, reason])).toEqual([
      [5, 'bad-time'],
      [6, 'bad-time'],
      [7, 'bad-value'],
      [8, 'bad-value'],
      [9, 'implausible'],
      [10, 'implausible'],
      [11, 'malformed'],
      [12, 'malformed'],
    ]);
    expect(result.skipped[4]?.detail).toBe('0 mg/dL');
  });

  it('answers NoReadings with the reasons when nothing is usable, and UnknownFormat for other CSVs', () => {
    const error = failure(parseLibreView([LIBRE_HEADER_EN, libreRow(0, '01-03-2025 08:00', '0'), libreRow(4, '01-03-2025 08:00')].join('\n'), PARIS));
    expect(error).toEqual({ type: 'NoReadings', format: 'libreview', skipped: [{ line: 2, reason: 'implausible', detail: '0 mg/dL' }], ignored: { insulin: 1 } });
    expect(failure(parseLibreView('Date,Glucose\n2025-01-01,100', PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseLibreView(' \n\uFEFF', PARIS))).toEqual({ type: 'EmptyFile' });
  });
});

const CLARITY_EN =
  'Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min),Transmitter Time (Long Integer),Transmitter ID';

function clarityRow(index: number, time: string, type: string, value = '', separator = ','): string {
  return [String(index), time, type, '', '', '', 'Android G6', value, '', '', '', '', String(index * 300), '8AM1EY'].join(separator);
}

describe('Dexcom Clarity, synthetic', () => {
  it('reads the English export: metadata rows, Low/High as 40/400, other events ignored', () => {
    const text = [
      CLARITY_EN,
      '1,,FirstName,,Max,,,,,,,,,',
      '2,,LastName,,Mustermann,,,,,,,,,',
      '3,,Device,,,Dexcom G6 Mobile App,Android G6,,,,,,,',
      '4,,Alert,High,,,Android G6,250,,,,,,',
      clarityRow(5, '2025-03-01T08:00:00', 'EGV', '105'),
      clarityRow(6, '2025-03-01T08:05:00', 'EGV', 'Low'),
      clarityRow(7, '2025-03-01T08:10:00', 'EGV', 'High'),
      clarityRow(8, '2025-03-01T08:11:00', 'Calibration', '110'),
      clarityRow(9, '2025-03-01T08:12:00', 'Insulin'),
      clarityRow(10, '2025-03-01T08:13:00', 'Carbs'),
      clarityRow(11, '2025-03-01T08:14:00', 'Exercise'),
    ].join('\r\n');
    const result = parsed(parseDexcomClarity(text, PARIS));
    expect(readingsOf(result).map((reading) => [reading.time, reading.value, reading.bound, reading.source.device, reading.source.serial])).toEqual([
      [utc(2025, 3, 1, 7), 105, null, 'Android G6', '8AM1EY'],
      [utc(2025, 3, 1, 7, 5), 40, 'below', 'Android G6', '8AM1EY'],
      [utc(2025, 3, 1, 7, 10), 400, 'above', 'Android G6', '8AM1EY'],
    ]);
    expect(result.ignored).toEqual({ FirstName: 1, LastName: 1, Device: 1, Alert: 1, Calibration: 1, Insulin: 1, Carbs: 1, Exercise: 1 });
    expect(result.skipped).toEqual([]);
  });

  it('reads mmol/L, with Low/High at 2.2 and 22.2', () => {
    const text = [CLARITY_EN.replace('Glucose Value (mg/dL)', 'Glucose Value (mmol/L)').replace('(mg/dL/min)', '(mmol/L/min)'), clarityRow(1, '2025-03-01T08:00:00', 'EGV', '5.6'), clarityRow(2, '2025-03-01T08:05:00', 'EGV', 'Low'), clarityRow(3, '2025-03-01T08:10:00', 'EGV', 'High')].join('\n');
    const result = parsed(parseDexcomClarity(text, PARIS));
    expect(readingsOf(result).map((reading) => [reading.value, reading.unit, reading.bound])).toEqual([
      [5.6, 'mmol/L', null],
      [2.2, 'mmol/L', 'below'],
      [22.2, 'mmol/L', 'above'],
    ]);
    expect(result.series[0]?.units).toEqual(['mmol/L']);
  });

  it('reads a French export by the bracketed pattern and Clarity’s column order, with Bas/Élevé', () => {
    const header = ['Index', 'Horodatage (AAAA-MM-JJThh:mm:ss)', "Type d'événement", "Sous-type d'événement", 'Informations patient', "Informations sur l'appareil", "ID de l'appareil source", 'Valeur du glucose (mg/dL)', "Valeur d'insuline (u)", 'Valeur des glucides (grammes)', 'Durée (hh:mm:ss)', 'Vitesse de variation du glucose (mg/dL/min)', "Heure de l'émetteur (entier long)", "ID de l'émetteur"];
    const text = [header.join(';'), '1;;Prénom;;Marie;;;;;;;;', clarityRow(2, '2025-03-01T08:00:00', 'EGV', '98', ';'), clarityRow(3, '2025-03-01T08:05:00', 'EGV', 'Bas', ';'), clarityRow(4, '2025-03-01T08:10:00', 'EGV', 'Élevé', ';')].join('\n');
    const result = parsed(parseDexcomClarity(text, PARIS));
    expect(readingsOf(result).map((reading) => [reading.value, reading.bound, reading.source.device, reading.source.serial])).toEqual([
      [98, null, 'Android G6', '8AM1EY'],
      [40, 'below', 'Android G6', '8AM1EY'],
      [400, 'above', 'Android G6', '8AM1EY'],
    ]);
    expect(result.ignored).toEqual({ Prénom: 1 });
  });

  it('settles the autumn hour by row order and skips the spring hour', () => {
    const autumn = ['01:55', '02:00', '02:30', '02:55', '02:00', '02:30', '02:55', '03:00'].map((time, index) => clarityRow(index + 1, `2025-10-26T${time}:00`, 'EGV', String(100 + index)));
    const result = parsed(parseDexcomClarity([CLARITY_EN, ...autumn].join('\n'), PARIS));
    expect(readingsOf(result).map((reading) => (reading.time - utc(2025, 10, 25, 23, 55)) / 60_000)).toEqual([0, 5, 35, 60, 65, 95, 120, 125]);
    expect(result.ambiguousTimes).toBe(6);
    const spring = ['01:55', '02:00', '02:55', '03:00'].map((time, index) => clarityRow(index + 1, `2025-03-30T${time}:00`, 'EGV', String(100 + index)));
    const gap = parsed(parseDexcomClarity([CLARITY_EN, ...spring].join('\n'), PARIS));
    expect(readingsOf(gap)).toHaveLength(2);
    expect(skips(gap)).toEqual([
      [3, 'nonexistent-time', '2025-03-30T02:00:00'],
      [4, 'nonexistent-time', '2025-03-30T02:55:00'],
    ]);
  });

  it('reports bad rows with their lines', () => {
    const text = [
      CLARITY_EN,
      clarityRow(1, '2025-03-01T08:00:00', 'EGV', '105'),
      clarityRow(2, '01-03-2025 08:05', 'EGV', '106'),
      clarityRow(3, '2025-03-01T08:10:00', 'EGV', '1 05'),
      clarityRow(4, '2025-03-01T08:15:00', 'EGV', '0'),
      clarityRow(5, '2025-03-01T08:20:00', 'EGV', '107').split(',').slice(0, 9).join(','),
      clarityRow(6, '2025-03-01T08:25:00', 'EGV', '105'),
    ].join('\n');
    const result = parsed(parseDexcomClarity(text, PARIS));
    expect(skips(result)).toEqual([
      [3, 'bad-time', '01-03-2025 08:05'],
      [4, 'bad-value', '1 05'],
      [5, 'implausible', '0 mg/dL'],
      [6, 'malformed', '5,2025-03-01T08:20:00,EGV,,,,Android G6,107,'],
    ]);
    expect(readingsOf(result)).toHaveLength(2);
  });
});

describe('FHIR, synthetic', () => {
  const observation = (code: string, value: unknown, more: Record<string, unknown> = {}) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code, display: `LOINC ${code}` }] },
    effectiveDateTime: '2025-03-01T08:00:00+01:00',
    valueQuantity: value,
    ...more,
  });

  it('reads a searchset bundle of weights and glucose in every unit, and names what it ignores', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: observation('29463-7', { value: 72400, unit: 'g', system: 'http://unitsofmeasure.org', code: 'g' }) },
        { resource: observation('3141-9', { value: 160.2, unit: 'lb', system: 'http://unitsofmeasure.org', code: '[lb_av]' }, { effectiveDateTime: undefined, effectivePeriod: { start: '2025-03-02T08:00:00Z' } }) },
        { resource: observation('15074-8', { value: 5.4, unit: 'mmol/L', code: 'mmol/L' }, { device: { display: 'Contour Next One' } }) },
        { resource: observation('99504-3', { value: 142, unit: 'mg/dL', code: 'mg/dL' }, { effectiveDateTime: undefined, issued: '2025-03-03T08:00:00.000+01:00' }) },
        { resource: observation('85354-9', undefined, { code: { text: 'Blood pressure panel', coding: [{ system: 'http://loinc.org', code: '85354-9' }] } }) },
        { resource: observation('2339-0', { value: 100, code: 'mg/dL' }, { status: 'entered-in-error' }) },
        { resource: { resourceType: 'Patient', id: 'p' } },
        { resource: observation('2339-0', { value: 100, code: '%' }) },
        { resource: observation('2339-0', { code: 'mg/dL' }) },
        { resource: observation('2339-0', { value: 100, code: 'mg/dL' }, { effectiveDateTime: '2025-03' }) },
        { search: { mode: 'outcome' } },
      ],
    };
    const result = parsed(parseFhirObservations(JSON.stringify(bundle), PARIS));
    expect(readingsOf(result, 'weight').map((reading) => [reading.time, reading.value, reading.unit])).toEqual([
      [utc(2025, 3, 1, 7), 72.4, 'kg'],
      [utc(2025, 3, 2, 8), 160.2, 'lb'],
    ]);
    expect(readingsOf(result, 'glucose').map((reading) => [reading.time, reading.value, reading.unit, reading.kind, reading.source.device])).toEqual([
      [utc(2025, 3, 1, 7), 5.4, 'mmol/L', 'blood', 'Contour Next One'],
      [utc(2025, 3, 3, 7), 142, 'mg/dL', 'continuous', null],
    ]);
    expect(result.ignored).toEqual({ 'Blood pressure panel': 1, 'LOINC 2339-0 (entered-in-error)': 1, Patient: 1 });
    expect(skips(result)).toEqual([
      [8, 'unknown-unit', '%'],
      [9, 'bad-value', ''],
      [10, 'bad-time', '2025-03'],
    ]);
  });

  it('reads a plain array of Observations', () => {
    const text = JSON.stringify([observation('2339-0', { value: 98, code: 'mg/dL' }), observation('29463-7', { value: 0, code: 'kg' })]);
    const result = parsed(parseReadingsFile(text, PARIS));
    expect(result.format).toBe('fhir');
    expect(readingsOf(result).map((reading) => reading.value)).toEqual([98]);
    expect(skips(result)).toEqual([[2, 'implausible', '0 kg']]);
  });
});

describe('mapped CSV', () => {
  const text = ['Export from MyMeter', 'Date;Heure;Glycémie (mmol/L);Note', '01/03/2025 08:00;x;5,6;', '02/03/2025 08:00;x;6,1;after', '03/03/2025;x;abc;', '31/02/2025 08:00;x;5,0;'].join('\r\n');
  const mapping: ColumnMapping = { series: 'glucose', timeColumn: 'Date', timeFormat: 'dmy', valueColumn: 'Glycémie (mmol/L)', unit: 'mmol/L', kind: 'blood', headerLine: 2 };

  it('offers the headers of the line most rows agree with, and sample rows', () => {
    expect(csvColumns(text)).toEqual({
      headers: ['Date', 'Heure', 'Glycémie (mmol/L)', 'Note'],
      separator: ';',
      headerLine: 2,
      samples: [
        ['01/03/2025 08:00', 'x', '5,6', ''],
        ['02/03/2025 08:00', 'x', '6,1', 'after'],
        ['03/03/2025', 'x', 'abc', ''],
        ['31/02/2025 08:00', 'x', '5,0', ''],
      ],
    });
  });

  it('reads rows through the mapping, with decimal commas and their problems by line', () => {
    const result = parsed(parseMappedCsv(text, mapping, PARIS));
    expect(result.format).toBe('csv');
    expect(readingsOf(result).map((reading) => [reading.time, reading.value, reading.unit, reading.kind, reading.source])).toEqual([
      [utc(2025, 3, 1, 7), 5.6, 'mmol/L', 'blood', { importer: 'csv', device: null, serial: null }],
      [utc(2025, 3, 2, 7), 6.1, 'mmol/L', 'blood', { importer: 'csv', device: null, serial: null }],
    ]);
    expect(skips(result)).toEqual([
      [5, 'bad-value', 'abc'],
      [6, 'bad-time', '31/02/2025 08:00'],
    ]);
  });

  it('reads Unix seconds and milliseconds, and ISO times with an offset', () => {
    const seconds = 'time,kg\n1740816000,72.5\n';
    expect(readingsOf(parsed(parseMappedCsv(seconds, { ...mapping, series: 'weight', timeColumn: 'time', timeFormat: 'unix-s', valueColumn: 'kg', unit: 'kg', kind: 'manual', headerLine: 1 }, PARIS)), 'weight')[0]?.time).toBe(1740816000_000);
    const millis = 'time,v\n1740816000123,100\n';
    expect(readingsOf(parsed(parseMappedCsv(millis, { ...mapping, timeColumn: 'time', timeFormat: 'unix-ms', valueColumn: 'v', unit: 'mg/dL', headerLine: 1 }, PARIS)))[0]?.time).toBe(1740816000123);
    const iso = 'when,v\n2025-03-01T08:00:00-05:00,100\n2025-03-01 08:00,101\n';
    expect(readingsOf(parsed(parseMappedCsv(iso, { ...mapping, timeColumn: 'when', timeFormat: 'iso', valueColumn: 'v', unit: 'mg/dL', headerLine: 1 }, PARIS))).map((reading) => reading.time)).toEqual([utc(2025, 3, 1, 7), utc(2025, 3, 1, 13)]);
  });

  it('answers NeedsMapping, with the file’s headers, when the mapping does not fit the file', () => {
    const wrong = { ...mapping, valueColumn: 'Glucose' };
    expect(failure(parseMappedCsv(text, wrong, PARIS))).toEqual({ type: 'NeedsMapping', headers: ['Date', 'Heure', 'Glycémie (mmol/L)', 'Note'], separator: ';', headerLine: 2 });
    expect(checkMapping(text, wrong)).toEqual(['value-column']);
    expect(checkMapping(text, { ...mapping, headerLine: 9 })).toEqual(['header-line']);
    expect(checkMapping(text, { ...mapping, unit: 'kg' })).toEqual(['unit']);
    expect(checkMapping(text, { ...mapping, series: 'weight', unit: 'kg' })).toEqual(['kind']);
    expect(checkMapping(text, { ...mapping, valueColumn: 'Date' })).toEqual(['same-column']);
    expect(checkMapping(text, mapping)).toEqual([]);
  });
});

describe('detection by content', () => {
  it('recognises every sample file whatever its name', () => {
    const formats = [
      ['libreview/sample_libreview.csv', 'libreview'],
      ['dexcom/dexcom_clarity_example.csv', 'dexcom-clarity'],
      ['nightscout/example.json', 'nightscout'],
      ['nightscout/captured-loop-entries.json', 'nightscout'],
      ['ans-mesures/Observation-ExampleMesFrObservationBodyWeight001.json', 'fhir'],
      ['withings/weight.csv', 'withings'],
    ] as const;
    for (const [path, format] of formats) expect(parsed(parseReadingsFile(fixture(path), PARIS)).format, path).toBe(format);
  });

  it('offers an unknown CSV for mapping, with its headers', () => {
    expect(failure(parseReadingsFile('Name: Test\nZeitstempel,CGM-Glukosewert (mg/dl)\n01.08.2026 10:00,"110,0"\n', PARIS))).toEqual({
      type: 'NeedsMapping',
      headers: ['Zeitstempel', 'CGM-Glukosewert (mg/dl)'],
      separator: ',',
      headerLine: 2,
    });
    expect(failure(parseReadingsFile('time\tvalue\n2025-01-01 10:00\t100\n', PARIS))).toEqual({ type: 'NeedsMapping', headers: ['time', 'value'], separator: '\t', headerLine: 1 });
  });

  it('answers UnknownFormat for what no importer reads and no mapping could', () => {
    expect(failure(parseReadingsFile(fixture('cda/VAC_2023.01.xml'), PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseReadingsFile('{"hello": "world"}', PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseReadingsFile('[]', PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseReadingsFile('%PDF-1.7\n\u0000\u0001binary', PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseReadingsFile('just a line of prose\nand another', PARIS))).toEqual({ type: 'UnknownFormat' });
    expect(failure(parseReadingsFile('\uFEFF  \r\n', PARIS))).toEqual({ type: 'EmptyFile' });
    // Brackets that are not JSON: still a CSV to map.
    expect(failure(parseReadingsFile('[time],[mg/dL]\n1,2\n', PARIS)).type).toBe('NeedsMapping');
  });
});

describe('hostile and damaged files', () => {
  it('counts at most 1,000 different row types by name, whatever the importer, and the rest as "(other)"', () => {
    const entries = [{ type: 'sgv', sgv: 100, date: 0 }, ...Array.from({ length: 1_500 }, (_, index) => ({ type: `kind-${index}`, date: 0 }))];
    const ignored = parsed(parseNightscout(JSON.stringify(entries), PARIS)).ignored;
    expect(Object.keys(ignored)).toHaveLength(1_001);
    expect(ignored['(other)']).toBe(500);
    expect(ignored['kind-999']).toBe(1);
  });

  it('counts row types named like Object properties as plain names', () => {
    const libre = parsed(parseLibreView([LIBRE_HEADER_EN, libreRow(0, '01-03-2025 08:00', '100'), libreRow(0, '01-03-2025 08:00').replace(',0,', ',__proto__,'), libreRow(0, '01-03-2025 08:00').replace(',0,', ',constructor,')].join('\n'), PARIS));
    expect(libre.ignored).toEqual(Object.fromEntries([['type __proto__', 1], ['type constructor', 1]]));
    const nightscout = parsed(parseNightscout(JSON.stringify([{ type: 'sgv', sgv: 100, date: 0 }, { type: '__proto__', date: 0 }, { type: 'toString', date: 0 }]), PARIS));
    expect(Object.keys(nightscout.ignored).sort()).toEqual(['__proto__', 'toString']);
    expect(Object.getPrototypeOf(nightscout.ignored)).toBe(Object.prototype);
  });

  it('never throws on a sample cut short or spliced with noise, and keeps only sorted, possible readings (seeded)', () => {
    const samples = ['libreview/sample_libreview.csv', 'dexcom/dexcom_clarity_example.csv', 'nightscout/example.json', 'withings/weight.csv'].map(fixture);
    const noise = fc.string({ unit: fc.constantFrom('"', ',', ';', '\n', '\r', '\u0000', '{', '[', '9', '-', ':', 'T', ' ', 'é'), maxLength: 20 });
    fc.assert(
      fc.property(fc.constantFrom(...samples.keys()), fc.nat(), fc.nat(), noise, (which, cutAt, spliceAt, junk) => {
        const sample = samples[which] as string;
        const cut = sample.slice(0, cutAt % (sample.length + 1));
        const at = spliceAt % (cut.length + 1);
        const result = parseReadingsFile(cut.slice(0, at) + junk + cut.slice(at), PARIS);
        if (!result.ok) return true;
        return result.value.series.every((item) => isSorted(item.readings) && item.readings.every((reading) => Number.isInteger(reading.time) && isPlausible(item.series, reading)));
      }),
      { seed: 20250330, numRuns: 150 },
    );
  });
});

describe('near-duplicates', () => {
  const reading = (time: number, value: number, device: string, more: Partial<Reading> = {}): Reading => ({
    time,
    value,
    unit: 'mg/dL',
    kind: 'continuous',
    bound: null,
    source: { importer: 'nightscout', device, serial: null },
    ...more,
  });

  it('keeps the earliest of one value sent by two uploaders seconds apart, whatever the order given', () => {
    const later = reading(1_001_500, 120, 'loop');
    const earlier = reading(1_000_000, 120, 'app');
    expect(dropNearDuplicates([later, earlier])).toEqual({ kept: [earlier], duplicates: [{ index: 0, of: 1 }], sameTime: [] });
  });

  it('keeps readings 30 s apart or more, of another kind, unit, bound or value', () => {
    const base = reading(0, 120, 'a');
    const others = [
      reading(30_000, 120, 'b'),
      reading(1_000, 121, 'b'),
      reading(1_000, 120, 'b', { kind: 'scan' }),
      reading(1_000, 120, 'b', { bound: 'above' }),
      reading(1_000, 120, 'b', { unit: 'mmol/L' }),
    ];
    expect(dropNearDuplicates([base, ...others]).duplicates).toEqual([]);
  });

  it('compares each reading with the last one kept, so a slow drift is not swallowed', () => {
    const chain = [reading(0, 100, 'a'), reading(20_000, 100, 'a'), reading(40_000, 100, 'a')];
    expect(dropNearDuplicates(chain)).toEqual({ kept: [chain[0], chain[2]], duplicates: [{ index: 1, of: 0 }], sameTime: [] });
  });
});

describe('values', () => {
  it('reads decimals as written, with a point or a comma, and nothing else', () => {
    expect(['4.3', ' 5,6 ', '-1.5', '+2', '.5', '7.', '100', '0.1234567'].map(parseDecimal)).toEqual([4.3, 5.6, -1.5, 2, 0.5, 7, 100, 0.123457]);
    for (const text of ['', ' ', 'abc', '1e3', '0x10', '1,2,3', '1.2.3', '12 mg', 'Infinity', '-', '.']) expect(parseDecimal(text), text).toBeNaN();
  });

  it('reads a value where it lies in a row, and nothing after it', () => {
    const row = 'EGV,12,5;7.25 ,x';
    expect([parseDecimalIn(row, 4, 6), parseDecimalIn(row, 4, 8), parseDecimalIn(row, 9, 14), parseDecimalIn(row, 9, 16), parseDecimalIn(row, 3, 3)]).toEqual([12, 12.5, 7.25, Number.NaN, Number.NaN]);
  });

  it('gives what Number() gives, for any decimal written with up to six places (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (mantissa, places, comma) => {
        const digits = String(mantissa).padStart(places + 1, '0');
        const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
        return parseDecimal(comma ? text.replace('.', ',') : text) === Number(text);
      }),
    );
  });
});

describe('a year of CGM', () => {
  it('reads 105,120 LibreView rows (5-minute readings, Libre 3) in one pass', () => {
    const lines = ['Glucose Data,Generated on,01-01-2026 00:00 UTC,Generated by,Test,,,,,,,,,,,,,,', LIBRE_HEADER_EN];
    // Wall-clock times every 5 minutes through 2025, written as a phone would: the spring hour is
    // absent and the autumn hour appears twice.
    const start = Date.UTC(2025, 0, 1);
    const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (let index = 0; index < 105_120; index++) {
      const parts = Object.fromEntries(paris.formatToParts(start + index * 300_000 - 3_600_000).map((part) => [part.type, part.value]));
      lines.push(`FreeStyle Libre 3,0f6c2a9e-5b1d-4c8e-9a7f-3d2e1b0c9a8f,${parts.day}-${parts.month}-${parts.year} ${parts.hour}:${parts.minute},0,${60 + (index % 200)},,,,,,,,,,,,,,`);
    }
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(8_000_000);
    const result = parsed(parseLibreView(text, PARIS));
    const readings = readingsOf(result);
    expect(readings).toHaveLength(105_120);
    expect(result.skipped).toEqual([]);
    expect(result.ambiguousTimes).toBe(24);
    expect(readings.every((reading, index) => reading.time === start - 3_600_000 + index * 300_000)).toBe(true);
  });
});
