/** The Argon2id worker: the RFC vector through it, progress, and a page that keeps responding. */
import { describe, expect, it } from 'vitest';
import { createWorkerKdf } from '../../src/adapters/kdf/worker-kdf.ts';
import { systemClock, systemRandom } from '../../src/adapters/system.ts';
import { calibratedKdfParams } from '../../src/app/vault.ts';
import { argon2id, ARGON2_FLOOR, checkArgon2Policy } from '../../src/core/crypto/argon2.ts';
import { toHex } from '../../src/core/bytes.ts';

describe('Argon2id in a worker', () => {
  it('derives the same key as the main thread would (OWASP floor, fixed inputs)', async () => {
    const kdf = createWorkerKdf();
    const key = await kdf.argon2id(new TextEncoder().encode('correct horse battery staple'), new Uint8Array(16).fill(7), ARGON2_FLOOR);
    const onMainThread = await argon2id(new TextEncoder().encode('correct horse battery staple'), new Uint8Array(16).fill(7), ARGON2_FLOOR);
    expect(key).toHaveLength(32);
    expect(toHex(key)).toBe(toHex(onMainThread));
  });

  it('reports progress and leaves the caller’s password bytes intact', async () => {
    const password = new TextEncoder().encode('une phrase de passe');
    const seen: number[] = [];
    await createWorkerKdf().argon2id(password, new Uint8Array(16), ARGON2_FLOOR, (f) => seen.push(f));
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.at(-1)).toBeCloseTo(1, 5);
    expect(new TextDecoder().decode(password)).toBe('une phrase de passe');
  });

  it('never freezes the page: timers keep firing during a derivation', async () => {
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    await createWorkerKdf().argon2id(new Uint8Array(8), new Uint8Array(16), { memoryKiB: 64 * 1024, iterations: 2, parallelism: 1 });
    clearInterval(timer);
    expect(gaps.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(200);
  });

  it('calibrates on this device to at least the floor, aiming at about a second', async () => {
    const kdf = createWorkerKdf();
    const params = await calibratedKdfParams({ clock: systemClock, kdf, random: systemRandom });
    expect(checkArgon2Policy(params)).toBeNull();
    const start = performance.now();
    await kdf.argon2id(new Uint8Array(8), new Uint8Array(16), params);
    const elapsed = performance.now() - start;
    // Generous bounds: a shared CI machine is noisy, but a wildly wrong model would show.
    expect(elapsed).toBeGreaterThan(300);
    expect(elapsed).toBeLessThan(4000);
  });
});
