/**
 * Hybrid logical clock (Kulkarni et al. 2014), the version stamp of every record write
 * (DESIGN.md §4, docs/format.md §8): 48-bit milliseconds | 16-bit counter | 64-bit device id, all
 * big-endian, so comparing the 16 bytes (or their 32-character hex) compares time.
 *
 * What must stay true: stamps made on one device only ever increase, whatever the wall clock
 * does (stutters, jumps back after an NTP correction, a wrong time zone change). The physical time
 * is a parameter, never read here.
 */
import type { Brand } from '../brand.ts';
import { err, ok, type Result } from '../result.ts';

export type DeviceId = Brand<string, 'DeviceId'>;
/** 32 lowercase hex characters; lexicographic order is time order. */
export type HlcStamp = Brand<string, 'HlcStamp'>;

export interface Hlc {
  readonly millis: number;
  readonly counter: number;
  readonly deviceId: DeviceId;
}

export const HLC_MAX_MILLIS = 2 ** 48 - 1;
export const HLC_MAX_COUNTER = 0xffff;
/** A remote stamp further ahead of our wall clock than this is refused rather than followed. */
export const HLC_MAX_DRIFT_MS = 5 * 60 * 1000;

export type HlcError =
  | { readonly type: 'HlcMalformed' }
  | { readonly type: 'HlcClockOutOfRange'; readonly now: number }
  | { readonly type: 'HlcRemoteAhead'; readonly aheadMs: number };

const DEVICE_ID = /^[0-9a-f]{16}$/;
const STAMP = /^[0-9a-f]{32}$/;

export function parseDeviceId(text: string): DeviceId | null {
  return DEVICE_ID.test(text) ? (text as DeviceId) : null;
}

export function encodeHlc(hlc: Hlc): HlcStamp {
  return (hlc.millis.toString(16).padStart(12, '0') + hlc.counter.toString(16).padStart(4, '0') + hlc.deviceId) as HlcStamp;
}

/** The physical time a stamp carries (UTC milliseconds). */
export function hlcMillis(stamp: HlcStamp): number {
  return Number.parseInt(stamp.slice(0, 12), 16);
}

export function parseHlc(text: string): Result<Hlc, HlcError> {
  if (!STAMP.test(text)) return err({ type: 'HlcMalformed' });
  return ok({
    millis: hlcMillis(text as HlcStamp),
    counter: Number.parseInt(text.slice(12, 16), 16),
    deviceId: text.slice(16) as DeviceId,
  });
}

export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.millis !== b.millis) return a.millis < b.millis ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0;
}

export function initialHlc(deviceId: DeviceId): Hlc {
  return { millis: 0, counter: 0, deviceId };
}

function checkNow(now: number): HlcError | null {
  return Number.isSafeInteger(now) && now >= 0 && now <= HLC_MAX_MILLIS ? null : { type: 'HlcClockOutOfRange', now };
}

/** Advances past `last`; when the counter is exhausted, logical time moves one millisecond on. */
function after(millis: number, counter: number, deviceId: DeviceId): Hlc {
  return counter > HLC_MAX_COUNTER ? { millis: millis + 1, counter: 0, deviceId } : { millis, counter, deviceId };
}

/** The stamp for a local write at wall-clock time `now`. */
export function tickHlc(last: Hlc, now: number): Result<Hlc, HlcError> {
  const bad = checkNow(now);
  if (bad !== null) return err(bad);
  if (now > last.millis) return ok({ millis: now, counter: 0, deviceId: last.deviceId });
  return ok(after(last.millis, last.counter + 1, last.deviceId));
}

/** Folds a stamp seen from another device into our clock, so our next write sorts after it. */
export function receiveHlc(last: Hlc, remote: Hlc, now: number, maxDriftMs = HLC_MAX_DRIFT_MS): Result<Hlc, HlcError> {
  const bad = checkNow(now);
  if (bad !== null) return err(bad);
  if (remote.millis - now > maxDriftMs) return err({ type: 'HlcRemoteAhead', aheadMs: remote.millis - now });
  const millis = Math.max(last.millis, remote.millis, now);
  if (millis === last.millis && millis === remote.millis)
    return ok(after(millis, Math.max(last.counter, remote.counter) + 1, last.deviceId));
  if (millis === last.millis) return ok(after(millis, last.counter + 1, last.deviceId));
  if (millis === remote.millis) return ok(after(millis, remote.counter + 1, last.deviceId));
  return ok({ millis, counter: 0, deviceId: last.deviceId });
}
