/**
 * The value types Bluetooth health characteristics are built from, read from untrusted bytes:
 * little-endian integers (Core Specification, Vol 3 Part G, "all multi-octet fields are
 * little-endian"), the IEEE 11073-20601 SFLOAT (16 bits: 4-bit signed exponent, 12-bit signed
 * mantissa) and FLOAT (32 bits: 8-bit exponent, 24-bit mantissa) with their special values, and
 * the GATT Specification Supplement's Date Time (uint16 year, then month, day, hours, minutes,
 * seconds as uint8; 0 in year, month or day means "not known").
 *
 * What must stay true: a value is exactly mantissa × 10^exponent, never rounded through a binary
 * power; a special value (NaN, NRes, ±INFINITY, reserved) is never read as a number; reading past
 * the end is a typed failure, never `undefined` coerced to 0.
 */

export type IeeeSpecial = 'nan' | 'nres' | 'positive-infinity' | 'negative-infinity' | 'reserved';

/** An 11073 number: `mantissa × 10^exponent`, or one of the special values. */
export type IeeeNumber =
  | { readonly kind: 'number'; readonly mantissa: number; readonly exponent: number }
  | { readonly kind: 'special'; readonly special: IeeeSpecial };

/** SFLOAT special mantissas (exponent 0), IEEE 11073-20601 §F.8 (as the GSS "medfloat16" repeats). */
const SFLOAT_SPECIALS: ReadonlyMap<number, IeeeSpecial> = new Map([
  [0x07ff, 'nan'],
  [0x0800, 'nres'],
  [0x07fe, 'positive-infinity'],
  [0x0802, 'negative-infinity'],
  [0x0801, 'reserved'],
]);

/** FLOAT special mantissas (exponent 0), IEEE 11073-20601 §F.6 ("medfloat32"). */
const FLOAT_SPECIALS: ReadonlyMap<number, IeeeSpecial> = new Map([
  [0x7fffff, 'nan'],
  [0x800000, 'nres'],
  [0x7ffffe, 'positive-infinity'],
  [0x800002, 'negative-infinity'],
  [0x800001, 'reserved'],
]);

function signed(value: number, bits: number): number {
  return value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
}

/** A 16-bit SFLOAT as the wire carries it (already assembled from its two little-endian bytes). */
export function sfloatOf(raw: number): IeeeNumber {
  const special = SFLOAT_SPECIALS.get(raw & 0xffff);
  if (special !== undefined) return { kind: 'special', special };
  return { kind: 'number', mantissa: signed(raw & 0x0fff, 12), exponent: signed((raw >> 12) & 0x0f, 4) };
}

/** A 32-bit FLOAT as the wire carries it. */
export function floatOf(raw: number): IeeeNumber {
  const value = raw >>> 0;
  const special = FLOAT_SPECIALS.get(value);
  if (special !== undefined) return { kind: 'special', special };
  return { kind: 'number', mantissa: signed(value & 0xffffff, 24), exponent: signed(value >>> 24, 8) };
}

/**
 * `mantissa × 10^(exponent + shift)` as the nearest double: a multiplication by an exact power of
 * ten, or one division by one (correctly rounded), so 0.0056 mol/L is exactly 5.6 mmol/L.
 */
export function scaledValue(value: { readonly mantissa: number; readonly exponent: number }, shift = 0): number {
  const power = value.exponent + shift;
  return power >= 0 ? value.mantissa * 10 ** power : value.mantissa / 10 ** -power;
}

/** A Date Time field: each part as sent; 0 in year, month or day means the device does not know. */
export interface GattDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export const DATE_TIME_BYTES = 7;

export type GattReadFailure = { readonly type: 'Truncated'; readonly field: string; readonly offset: number; readonly length: number };

/** Why a characteristic value was refused. */
export type GattDecodeError =
  | GattReadFailure
  /** A reserved flag bit is set: the layout may hold fields this decoder does not know. */
  | { readonly type: 'ReservedFlags'; readonly flags: number }
  /** More bytes than the flags announce. */
  | { readonly type: 'TrailingBytes'; readonly extra: number };

/**
 * Reads fields in order from one characteristic value. The first read past the end records which
 * field was cut and every later read returns 0, so a decoder reads its whole layout and checks
 * `failure()` once, at the end.
 */
export function createGattReader(bytes: Uint8Array) {
  let offset = 0;
  let failure: GattReadFailure | null = null;
  function take(field: string, size: number): number {
    if (failure !== null) return -1;
    if (offset + size > bytes.length) {
      failure = { type: 'Truncated', field, offset, length: bytes.length };
      return -1;
    }
    const at = offset;
    offset += size;
    return at;
  }
  const byte = (index: number) => bytes[index] as number;
  return {
    uint8(field: string): number {
      const at = take(field, 1);
      return at < 0 ? 0 : byte(at);
    },
    uint16(field: string): number {
      const at = take(field, 2);
      return at < 0 ? 0 : byte(at) | (byte(at + 1) << 8);
    },
    sint16(field: string): number {
      const at = take(field, 2);
      return at < 0 ? 0 : signed(byte(at) | (byte(at + 1) << 8), 16);
    },
    sfloat(field: string): IeeeNumber {
      const at = take(field, 2);
      return sfloatOf(at < 0 ? 0 : byte(at) | (byte(at + 1) << 8));
    },
    dateTime(field: string): GattDateTime {
      const at = take(field, DATE_TIME_BYTES);
      if (at < 0) return { year: 0, month: 0, day: 0, hours: 0, minutes: 0, seconds: 0 };
      return { year: byte(at) | (byte(at + 1) << 8), month: byte(at + 2), day: byte(at + 3), hours: byte(at + 4), minutes: byte(at + 5), seconds: byte(at + 6) };
    },
    failure: (): GattReadFailure | null => failure,
    /** Bytes left after the fields read so far. */
    remaining: () => bytes.length - offset,
  };
}
