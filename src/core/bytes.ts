/**
 * Byte helpers shared by every format: UTF-8, hex, base64url, big-endian integers, the
 * length-prefixed encoding used for associated data, and a bounds-checked reader for parsing
 * untrusted layouts. Layouts themselves are in docs/format.md.
 */
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from '@noble/ciphers/utils.js';

export { concatBytes, equalBytes };

// The Encoding Standard's codecs exist in every runtime Carnet runs in (page, workers, Node), and
// noble relies on them too; the core is compiled without platform types, so they are declared here.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

// One encoder and one decoder for every call (they hold no state between calls that do not
// stream): making them anew cost microseconds per envelope, thousands of times in an import.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
/** Malformed UTF-8 becomes U+FFFD, as TextDecoder does by default. */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex only, so that one value has one spelling. */
export function parseHex(text: string): Uint8Array | null {
  return HEX.test(text) ? hexToBytes(text) : null;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Map([...B64URL].map((char, index) => [char, index]));

/** RFC 4648 §5 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += B64URL[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Strict inverse of toBase64Url: no padding, no whitespace, no non-canonical trailing bits. */
export function parseBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const char of text) {
    const index = B64URL_INDEX.get(char);
    if (index === undefined) return null;
    value = (value << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

export function u32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u32 out of range: ${value}`);
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

export function u16be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`u16 out of range: ${value}`);
  return new Uint8Array([value >>> 8, value & 0xff]);
}

/**
 * Length-prefixed concatenation: each part as u32 big-endian length then bytes. Used for every
 * associated data and MAC input, so that ("ab","c") and ("a","bc") can never collide.
 */
export function lengthPrefixed(...parts: readonly Uint8Array[]): Uint8Array {
  // Written in place: every sealed record builds one of these for its associated data.
  let size = 0;
  for (const part of parts) size += 4 + part.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    if (part.length > 0xffffffff) throw new RangeError(`u32 out of range: ${part.length}`);
    view.setUint32(at, part.length);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/** Sequential reader over untrusted bytes; every read is bounds-checked. */
export class ByteReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(length: number): Uint8Array | null {
    if (length < 0 || this.offset + length > this.bytes.length) return null;
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number | null {
    const b = this.take(1);
    return b === null ? null : (b[0] as number);
  }

  u16(): number | null {
    const b = this.take(2);
    return b === null ? null : ((b[0] as number) << 8) | (b[1] as number);
  }

  u32(): number | null {
    const b = this.take(4);
    return b === null ? null : (((b[0] as number) << 24) >>> 0) + ((b[1] as number) << 16) + ((b[2] as number) << 8) + (b[3] as number);
  }
}
