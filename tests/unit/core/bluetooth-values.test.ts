/**
 * The IEEE 11073-20601 number types Bluetooth health devices send: SFLOAT and FLOAT, their
 * special values, and exact decimal scaling (the examples are those of 11073-20601's encoding
 * rules as the HL7 PHD guide tabulates them: 0xF014 is 2.0, 0x0B2E is -1234).
 */
import { describe, expect, it } from 'vitest';
import { createGattReader, floatOf, scaledValue, sfloatOf } from '../../../src/core/readings/bluetooth/gatt-values.ts';

describe('SFLOAT', () => {
  it.each([
    [0x0002, 2, 0],
    [0xf014, 20, -1],
    [0xe0c8, 200, -2],
    [0x1002, 2, 1],
    [0x2002, 2, 2],
    [0x04d2, 1234, 0],
    [0x0b2e, -1234, 0],
    [0xb06e, 110, -5],
    [0x77ff, 2047, 7],
    [0x7fff, -1, 7],
    [0x8801, -2047, -8],
  ])('%i is mantissa %i × 10^%i', (raw, mantissa, exponent) => {
    expect(sfloatOf(raw)).toEqual({ kind: 'number', mantissa, exponent });
  });

  it.each([
    [0x07ff, 'nan'],
    [0x0800, 'nres'],
    [0x07fe, 'positive-infinity'],
    [0x0802, 'negative-infinity'],
    [0x0801, 'reserved'],
  ])('%i is the special value %s, never a number', (raw, special) => {
    expect(sfloatOf(raw)).toEqual({ kind: 'special', special });
  });

  it('keeps the special values apart from the same mantissas at another exponent', () => {
    // Only exponent 0 carries the specials: 0x17FF is 2047 × 10^1.
    expect(sfloatOf(0x17ff)).toEqual({ kind: 'number', mantissa: 2047, exponent: 1 });
    expect(sfloatOf(0xf800)).toEqual({ kind: 'number', mantissa: -2048, exponent: -1 });
  });

  it('scales by exact decimal shifts', () => {
    expect(scaledValue({ mantissa: 56, exponent: -4 }, 3)).toBe(5.6);
    expect(scaledValue({ mantissa: 110, exponent: -5 }, 5)).toBe(110);
    expect(scaledValue({ mantissa: 72, exponent: -4 }, 3)).toBe(7.2);
    expect(scaledValue({ mantissa: 3, exponent: -1 })).toBe(0.3);
    expect(scaledValue({ mantissa: 2, exponent: 2 })).toBe(200);
  });
});

describe('FLOAT', () => {
  it.each([
    [0x00000002, 2, 0],
    [0xff000014, 20, -1],
    [0xfe0000c8, 200, -2],
    [0x01000002, 2, 1],
    [0x00fffb2e, -1234, 0],
  ])('%i is mantissa %i × 10^%i', (raw, mantissa, exponent) => {
    expect(floatOf(raw)).toEqual({ kind: 'number', mantissa, exponent });
  });

  it.each([
    [0x007fffff, 'nan'],
    [0x00800000, 'nres'],
    [0x007ffffe, 'positive-infinity'],
    [0x00800002, 'negative-infinity'],
    [0x00800001, 'reserved'],
  ])('%i is the special value %s', (raw, special) => {
    expect(floatOf(raw)).toEqual({ kind: 'special', special });
  });
});

describe('reading fields', () => {
  it('reads little-endian integers, a signed offset and a Date Time', () => {
    const read = createGattReader(Uint8Array.from([0x34, 0x12, 0xe2, 0xff, 0xea, 0x07, 0x0b, 0x14, 0x07, 0x2d, 0x00]));
    expect(read.uint16('a')).toBe(0x1234);
    expect(read.sint16('b')).toBe(-30);
    expect(read.dateTime('c')).toEqual({ year: 2026, month: 11, day: 20, hours: 7, minutes: 45, seconds: 0 });
    expect(read.failure()).toBeNull();
    expect(read.remaining()).toBe(0);
  });

  it('names the first field read past the end, and reads nothing after it', () => {
    const read = createGattReader(Uint8Array.from([0x01, 0x02]));
    read.uint8('flags');
    expect(read.uint16('sequence number')).toBe(0);
    expect(read.uint8('later')).toBe(0);
    expect(read.failure()).toEqual({ type: 'Truncated', field: 'sequence number', offset: 1, length: 2 });
  });
});
