/** The hybrid logical clock under a stuttering, a regressing and a jumping wall clock. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareHlc,
  encodeHlc,
  HLC_MAX_COUNTER,
  initialHlc,
  parseHlc,
  receiveHlc,
  tickHlc,
  type DeviceId,
  type Hlc,
} from '../../../src/core/records/hlc.ts';

const A = 'aaaaaaaaaaaaaaaa' as DeviceId;
const B = 'bbbbbbbbbbbbbbbb' as DeviceId;

function run(clock: readonly number[], device = A): Hlc[] {
  let last = initialHlc(device);
  const out: Hlc[] = [];
  for (const now of clock) {
    const next = tickHlc(last, now);
    if (!next.ok) throw new Error(next.error.type);
    out.push(next.value);
    last = next.value;
  }
  return out;
}

function strictlyIncreasing(stamps: readonly Hlc[]): boolean {
  return stamps.every((stamp, i) => i === 0 || compareHlc(stamps[i - 1] as Hlc, stamp) < 0);
}

describe('HLC', () => {
  it('follows a normal clock with counter 0', () => {
    expect(run([1000, 1001, 1005]).map((h) => [h.millis, h.counter])).toEqual([[1000, 0], [1001, 0], [1005, 0]]);
  });

  it('counts up when the clock stutters', () => {
    expect(run([1000, 1000, 1000, 1001]).map((h) => [h.millis, h.counter])).toEqual([[1000, 0], [1000, 1], [1000, 2], [1001, 0]]);
  });

  it('stays ahead when the clock goes back (NTP correction)', () => {
    const stamps = run([5000, 5001, 3000, 3001, 5001, 6000]);
    expect(strictlyIncreasing(stamps)).toBe(true);
    expect(stamps.map((h) => h.millis)).toEqual([5000, 5001, 5001, 5001, 5001, 6000]);
  });

  it('moves logical time on when the counter is exhausted', () => {
    const stuck = Array.from({ length: HLC_MAX_COUNTER + 3 }, () => 1000);
    const stamps = run(stuck);
    expect(strictlyIncreasing(stamps)).toBe(true);
    expect(stamps.at(-1)).toMatchObject({ millis: 1001, counter: 1 });
  });

  it('is strictly monotonic whatever the wall clock does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 44 }), { minLength: 1, maxLength: 300 }), (clock) => {
        expect(strictlyIncreasing(run(clock))).toBe(true);
      }),
    );
  });

  it('orders stamps as their hex strings order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(A, B), fc.constantFrom(A, B),
        (m1, c1, m2, c2, d1, d2) => {
          const x = { millis: m1, counter: c1, deviceId: d1 };
          const y = { millis: m2, counter: c2, deviceId: d2 };
          const byString = encodeHlc(x) < encodeHlc(y) ? -1 : encodeHlc(x) > encodeHlc(y) ? 1 : 0;
          expect(byString).toBe(Math.sign(compareHlc(x, y)));
          expect(parseHlc(encodeHlc(x))).toEqual({ ok: true, value: x });
        },
      ),
    );
  });

  it('sorts after a received stamp, and ties break by device id', () => {
    const mine = run([1000])[0] as Hlc;
    const remote: Hlc = { millis: 2000, counter: 7, deviceId: B };
    const merged = receiveHlc(mine, remote, 1500);
    expect(merged).toEqual({ ok: true, value: { millis: 2000, counter: 8, deviceId: A } });
    expect(compareHlc({ millis: 1, counter: 0, deviceId: A }, { millis: 1, counter: 0, deviceId: B })).toBeLessThan(0);
  });

  it('refuses a remote stamp far ahead of the wall clock', () => {
    const remote: Hlc = { millis: 10 * 60 * 1000 + 1000, counter: 0, deviceId: B };
    expect(receiveHlc(initialHlc(A), remote, 1000)).toMatchObject({ ok: false, error: { type: 'HlcRemoteAhead' } });
  });

  it('refuses a wall clock outside 48 bits or not a whole number', () => {
    expect(tickHlc(initialHlc(A), -1)).toMatchObject({ ok: false, error: { type: 'HlcClockOutOfRange' } });
    expect(tickHlc(initialHlc(A), 2 ** 48)).toMatchObject({ ok: false, error: { type: 'HlcClockOutOfRange' } });
    expect(tickHlc(initialHlc(A), 1.5)).toMatchObject({ ok: false, error: { type: 'HlcClockOutOfRange' } });
  });

  it('refuses malformed stamps', () => {
    for (const bad of ['', '018bcfe568000005001122334455667', '018BCFE5680000050011223344556677', 'zz8bcfe5680000050011223344556677']) {
      expect(parseHlc(bad)).toEqual({ ok: false, error: { type: 'HlcMalformed' } });
    }
  });
});
