/**
 * The Weight Measurement, Glucose Measurement, Glucose Measurement Context and Record Access
 * Control Point decoders: every flag combination the GATT Specification Supplement defines, built
 * here by an encoder written from the same field tables; the hand-written fixtures of
 * tests/fixtures/bluetooth; and every malformed, truncated or reserved case refused by type.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGlucoseContext, parseGlucoseMeasurement } from '../../../src/core/readings/bluetooth/glucose-measurement.ts';
import { encodeAbort, encodeReportNumber, encodeReportStored, parseRacpResponse } from '../../../src/core/readings/bluetooth/racp.ts';
import { parseWeightMeasurement } from '../../../src/core/readings/bluetooth/weight-measurement.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bluetooth/${name}`, import.meta.url), 'utf8'));
const bytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const hex = (data: Uint8Array) => Array.from(data, (value) => value.toString(16).padStart(2, '0')).join('');
const u16 = (value: number) => [value & 0xff, (value >> 8) & 0xff];
const DATE = [0xea, 0x07, 0x0b, 0x14, 0x07, 0x2d, 0x1e]; // 2026-11-20 07:45:30
const DATE_FIELDS = { year: 2026, month: 11, day: 20, hours: 7, minutes: 45, seconds: 30 };

describe('Weight Measurement (0x2A9D)', () => {
  // Every combination of the four defined flag bits.
  it.each(Array.from({ length: 16 }, (_, flags) => [flags]))('decodes flags 0x%i', (flags) => {
    const imperial = (flags & 1) !== 0;
    const value = [flags, ...u16(14_473)];
    if (flags & 2) value.push(...DATE);
    if (flags & 4) value.push(3);
    if (flags & 8) value.push(...u16(237), ...u16(imperial ? 695 : 1753));
    const decoded = parseWeightMeasurement(Uint8Array.from(value));
    expect(decoded).toEqual({
      ok: true,
      value: {
        flags,
        unit: imperial ? 'lb' : 'kg',
        weight: imperial ? 144.73 : 72.365,
        timeStamp: flags & 2 ? DATE_FIELDS : null,
        userId: flags & 4 ? 3 : null,
        bmi: flags & 8 ? 23.7 : null,
        height: flags & 8 ? (imperial ? 69.5 : 1.753) : null,
      },
    });
    // Every shorter value is truncated, and one byte more is refused.
    for (let length = 0; length < value.length; length++) expect(parseWeightMeasurement(Uint8Array.from(value.slice(0, length)))).toMatchObject({ ok: false, error: { type: 'Truncated' } });
    expect(parseWeightMeasurement(Uint8Array.from([...value, 0]))).toEqual({ ok: false, error: { type: 'TrailingBytes', extra: 1 } });
  });

  it.each([0x10, 0x20, 0x40, 0x80])('refuses reserved flag bit 0x%s', (bit) => {
    expect(parseWeightMeasurement(Uint8Array.from([bit, 0xa4, 0x38]))).toEqual({ ok: false, error: { type: 'ReservedFlags', flags: bit } });
  });

  it('reads resolution steps without binary noise', () => {
    const kg = parseWeightMeasurement(Uint8Array.from([0x00, ...u16(14_014)]));
    const lb = parseWeightMeasurement(Uint8Array.from([0x01, ...u16(16_014)]));
    expect([kg.ok && kg.value.weight, lb.ok && lb.value.weight]).toEqual([70.07, 160.14]);
  });

  it('reads 0xFFFF as "measurement unsuccessful", not as 327.675 kg', () => {
    const decoded = parseWeightMeasurement(bytes('00ffff'));
    expect(decoded.ok && decoded.value.weight).toBeNull();
  });

  it('decodes the fixture scale', () => {
    for (const entry of fixture('weight-scale.json').measurements) {
      const decoded = parseWeightMeasurement(bytes(entry.hex));
      if (!decoded.ok) throw new Error(`${entry.hex}: ${decoded.error.type}`);
      if (entry.expect === null) {
        expect(decoded.value.weight).toBeNull();
        continue;
      }
      expect(decoded.value).toMatchObject({ weight: entry.expect.value, unit: entry.expect.unit, userId: entry.expect.userId, bmi: entry.expect.bmi, height: entry.expect.height });
    }
  });
});

describe('Glucose Measurement (0x2A18)', () => {
  // Every combination of the five defined flag bits.
  it.each(Array.from({ length: 32 }, (_, flags) => [flags]))('decodes flags 0x%i', (flags) => {
    const value = [flags, ...u16(0x1234), ...DATE];
    if (flags & 1) value.push(...u16(-90 & 0xffff));
    if (flags & 2) value.push(...u16(0xb06e), 0x12);
    if (flags & 8) value.push(...u16(0x0821));
    const decoded = parseGlucoseMeasurement(Uint8Array.from(value));
    expect(decoded).toEqual({
      ok: true,
      value: {
        flags,
        sequence: 0x1234,
        baseTime: DATE_FIELDS,
        timeOffset: flags & 1 ? -90 : 0,
        concentration: flags & 2 ? { value: { kind: 'number', mantissa: 110, exponent: -5 }, unit: flags & 4 ? 'mol/L' : 'kg/L', type: 'capillary-plasma', location: 'finger' } : null,
        status: flags & 8 ? ['battery-low', 'result-too-high', 'time-fault'] : [],
        contextFollows: (flags & 16) !== 0,
      },
    });
    for (let length = 0; length < value.length; length++) expect(parseGlucoseMeasurement(Uint8Array.from(value.slice(0, length)))).toMatchObject({ ok: false, error: { type: 'Truncated' } });
    expect(parseGlucoseMeasurement(Uint8Array.from([...value, 0]))).toEqual({ ok: false, error: { type: 'TrailingBytes', extra: 1 } });
  });

  it.each([0x20, 0x40, 0x80])('refuses reserved flag bit 0x%s', (bit) => {
    expect(parseGlucoseMeasurement(Uint8Array.from([bit | 0x02, 1, 0, ...DATE, 0x6e, 0xb0, 0x11]))).toEqual({ ok: false, error: { type: 'ReservedFlags', flags: bit | 0x02 } });
  });

  it('names every type and sample location, and the reserved ones as reserved', () => {
    const types = ['reserved', 'capillary-whole-blood', 'capillary-plasma', 'venous-whole-blood', 'venous-plasma', 'arterial-whole-blood', 'arterial-plasma', 'undetermined-whole-blood', 'undetermined-plasma', 'interstitial-fluid', 'control-solution', 'reserved', 'reserved', 'reserved', 'reserved', 'reserved'];
    const locations = ['reserved', 'finger', 'alternate-site', 'earlobe', 'control-solution', ...Array.from({ length: 10 }, () => 'reserved'), 'not-available'];
    for (let nibble = 0; nibble < 16; nibble++) {
      const asType = parseGlucoseMeasurement(Uint8Array.from([0x02, 1, 0, ...DATE, 0x6e, 0xb0, 0x10 | nibble]));
      const asLocation = parseGlucoseMeasurement(Uint8Array.from([0x02, 1, 0, ...DATE, 0x6e, 0xb0, (nibble << 4) | 1]));
      expect(asType.ok && asType.value.concentration?.type).toBe(types[nibble]);
      expect(asLocation.ok && asLocation.value.concentration?.location).toBe(locations[nibble]);
    }
  });

  it('names every sensor status bit, and bits 12–15 as reserved', () => {
    const decoded = parseGlucoseMeasurement(Uint8Array.from([0x08, 1, 0, ...DATE, 0xff, 0xff]));
    expect(decoded.ok && decoded.value.status).toEqual([
      'battery-low', 'sensor-malfunction', 'sample-size-insufficient', 'strip-insertion-error', 'strip-type-incorrect', 'result-too-high', 'result-too-low',
      'temperature-too-high', 'temperature-too-low', 'read-interrupted', 'general-device-fault', 'time-fault', 'reserved', 'reserved', 'reserved', 'reserved',
    ]);
  });

  it('decodes the fixture meter', () => {
    for (const record of fixture('glucose-meter.json').records) {
      const decoded = parseGlucoseMeasurement(bytes(record.measurement));
      expect(decoded.ok && decoded.value.sequence).toBe(record.sequence);
      expect(decoded.ok && decoded.value.contextFollows).toBe(record.context !== undefined);
    }
  });
});

describe('Glucose Measurement Context (0x2A34)', () => {
  // Every combination of the seven field flags (bit 7, extended flags, is covered below).
  it.each(Array.from({ length: 128 }, (_, flags) => [flags]))('decodes flags 0x%i', (flags) => {
    const value = [flags, ...u16(42)];
    if (flags & 0x01) value.push(2, ...u16(0xd02d));
    if (flags & 0x02) value.push(3);
    if (flags & 0x04) value.push(0x51);
    if (flags & 0x08) value.push(...u16(1800), 60);
    if (flags & 0x10) value.push(1, ...u16(0xd004));
    if (flags & 0x40) value.push(...u16(0xf03f));
    const decoded = parseGlucoseContext(Uint8Array.from(value));
    expect(decoded).toEqual({
      ok: true,
      value: {
        flags,
        sequence: 42,
        carbohydrate: flags & 0x01 ? { id: 'lunch', kg: { kind: 'number', mantissa: 45, exponent: -3 } } : null,
        meal: flags & 0x02 ? 'fasting' : null,
        tester: flags & 0x04 ? 'self' : null,
        health: flags & 0x04 ? 'no-issues' : null,
        exercise: flags & 0x08 ? { seconds: 1800, intensity: 60 } : null,
        medication: flags & 0x10 ? { id: 'rapid-acting-insulin', amount: { kind: 'number', mantissa: 4, exponent: -3 }, unit: flags & 0x20 ? 'L' : 'kg' } : null,
        hba1c: flags & 0x40 ? { kind: 'number', mantissa: 63, exponent: -1 } : null,
      },
    });
    for (let length = 0; length < value.length; length++) expect(parseGlucoseContext(Uint8Array.from(value.slice(0, length)))).toMatchObject({ ok: false, error: { type: 'Truncated' } });
    expect(parseGlucoseContext(Uint8Array.from([...value, 0]))).toEqual({ ok: false, error: { type: 'TrailingBytes', extra: 1 } });
  });

  it('reads an all-clear extended flags byte, and refuses a set one', () => {
    expect(parseGlucoseContext(Uint8Array.from([0x82, 7, 0, 0x00, 1]))).toMatchObject({ ok: true, value: { sequence: 7, meal: 'preprandial' } });
    for (let bit = 0; bit < 8; bit++) expect(parseGlucoseContext(Uint8Array.from([0x82, 7, 0, 1 << bit, 1]))).toEqual({ ok: false, error: { type: 'ReservedFlags', flags: 1 << bit } });
  });

  it('names the meal, tester and health values, reserved ones as reserved', () => {
    const meals = ['reserved', 'preprandial', 'postprandial', 'fasting', 'casual', 'bedtime', 'reserved'];
    meals.forEach((meal, index) => {
      const decoded = parseGlucoseContext(Uint8Array.from([0x02, 1, 0, index]));
      expect(decoded.ok && decoded.value.meal).toBe(meal);
    });
    const decoded = parseGlucoseContext(Uint8Array.from([0x04, 1, 0, 0xf2]));
    expect(decoded.ok && [decoded.value.tester, decoded.value.health]).toEqual(['health-care-professional', 'not-available']);
  });
});

describe('malformed values', () => {
  const parsers: Record<string, (value: Uint8Array) => { ok: boolean; error?: { type: string } }> = {
    '0x2A18': parseGlucoseMeasurement,
    '0x2A9D': parseWeightMeasurement,
    '0x2A34': parseGlucoseContext,
  };
  const cases = fixture('malformed.json').cases as { characteristic: string; hex: string; error: string }[];
  it.each(cases)('$characteristic $hex is refused as $error', ({ characteristic, hex: value, error }) => {
    const parse = parsers[characteristic];
    if (parse === undefined) throw new Error(`no parser for ${characteristic}`);
    expect(parse(bytes(value))).toMatchObject({ ok: false, error: { type: error } });
  });
});

describe('Record Access Control Point (0x2A52)', () => {
  const racp = fixture('glucose-meter.json').racp;

  it('encodes the requests a transfer makes', () => {
    expect(hex(encodeReportStored({ from: 'all' }))).toBe(racp.reportAll);
    expect(hex(encodeReportStored({ from: 'sequence', sequence: 5 }))).toBe(racp.reportFromSequence5);
    expect(hex(encodeReportNumber({ from: 'all' }))).toBe(racp.numberAll);
    expect(hex(encodeReportNumber({ from: 'sequence', sequence: 5 }))).toBe(racp.numberFromSequence5);
    expect(hex(encodeReportStored({ from: 'last' }))).toBe(racp.reportLast);
    expect(hex(encodeAbort())).toBe(racp.abort);
    expect(hex(encodeReportStored({ from: 'sequence', sequence: 0xfffe }))).toBe('010301feff');
    expect(() => encodeReportStored({ from: 'sequence', sequence: 0x10000 })).toThrow(RangeError);
  });

  it('reads the number of stored records', () => {
    expect(parseRacpResponse(bytes(racp.numberResponse7))).toEqual({ ok: true, value: { type: 'number', count: 7 } });
    expect(parseRacpResponse(bytes('0500ffff'))).toEqual({ ok: true, value: { type: 'number', count: 65_535 } });
  });

  it('reads every response code value', () => {
    for (const [value, code] of Object.entries(racp.responseCodes)) {
      const data = bytes(value);
      expect(parseRacpResponse(data)).toEqual({ ok: true, value: { type: 'code', request: data[2], code } });
    }
  });

  const refused = fixture('malformed.json').racp as { hex: string }[];
  it.each(refused)('refuses $hex', ({ hex: value }) => {
    expect(parseRacpResponse(bytes(value))).toMatchObject({ ok: false, error: { type: 'RacpMalformed' } });
  });
});
