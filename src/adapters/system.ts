/** The browser's clock, random source and Web Locks, behind core's ports. */
import type { Clock, Digest, LockManager, RandomSource } from '../core/ports.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** crypto.getRandomValues fills at most 65,536 bytes per call. */
export const systemRandom: RandomSource = {
  bytes(length: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 65536) {
      crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
    }
    return out;
  },
};

/** WebCrypto copies its input when called, so the caller may reuse the buffer at once. */
export const webDigest: Digest = async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

export const webLocks: LockManager = {
  withLock: (name, task) => navigator.locks.request(name, { mode: 'exclusive' }, task),
  tryLock: async (name, task) => navigator.locks.request(name, { mode: 'exclusive', ifAvailable: true }, async (lock) => (lock === null ? null : task())),
};
