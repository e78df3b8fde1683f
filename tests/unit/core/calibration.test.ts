/** Argon2id calibration with an injected timer: a faster device gets stronger parameters. */
import { describe, expect, it } from 'vitest';
import {
  ARGON2_CALIBRATION_MAX_ITERATIONS,
  ARGON2_CALIBRATION_MAX_MEMORY_KIB,
  ARGON2_FLOOR,
  calibrateArgon2,
  checkArgon2Policy,
  strongerArgon2,
  type Argon2Params,
} from '../../../src/core/crypto/argon2.ts';

/** A fake device on which one derivation at the floor takes `floorMs`. */
function device(floorMs: number) {
  let time = 0;
  const runs: Argon2Params[] = [];
  return {
    runs,
    deps: {
      now: () => time,
      run: async (params: Argon2Params) => {
        runs.push(params);
        time += (floorMs * params.memoryKiB * params.iterations) / (ARGON2_FLOOR.memoryKiB * ARGON2_FLOOR.iterations);
      },
    },
  };
}

const work = (p: Argon2Params) => p.memoryKiB * p.iterations;

describe('calibrateArgon2', () => {
  it('measures once, at the floor', async () => {
    const fake = device(250);
    await calibrateArgon2(fake.deps);
    expect(fake.runs).toEqual([ARGON2_FLOOR]);
  });

  it('gives a faster timer larger parameters', async () => {
    const slow = await calibrateArgon2(device(500).deps);
    const fast = await calibrateArgon2(device(100).deps);
    expect(work(fast)).toBeGreaterThan(work(slow));
    expect(fast.memoryKiB).toBeGreaterThanOrEqual(slow.memoryKiB);
  });

  it('aims at about the target duration when within the ceilings', async () => {
    const params = await calibrateArgon2(device(250).deps, 1000);
    const predicted = (250 * work(params)) / work(ARGON2_FLOOR);
    expect(predicted).toBeGreaterThan(850);
    expect(predicted).toBeLessThanOrEqual(1000);
    expect(params.memoryKiB % 1024).toBe(0);
  });

  it('never goes below the floor on a slow device', async () => {
    expect(await calibrateArgon2(device(3000).deps)).toEqual(ARGON2_FLOOR);
    expect(await calibrateArgon2(device(1000).deps)).toEqual(ARGON2_FLOOR);
  });

  it('spends memory first, then passes, and stays within the calibration ceilings', async () => {
    const params = await calibrateArgon2(device(5).deps);
    expect(params.memoryKiB).toBe(ARGON2_CALIBRATION_MAX_MEMORY_KIB);
    expect(params.iterations).toBe(ARGON2_CALIBRATION_MAX_ITERATIONS);
    expect(checkArgon2Policy(params)).toBeNull();
  });

  it('survives a timer that does not move', async () => {
    const params = await calibrateArgon2({ now: () => 42, run: async () => {} });
    expect(checkArgon2Policy(params)).toBeNull();
  });

  it('keeps the stronger of two parameter sets when re-calibrating', () => {
    const strong = { memoryKiB: 65536, iterations: 3, parallelism: 1 };
    expect(strongerArgon2(strong, ARGON2_FLOOR)).toBe(strong);
    expect(strongerArgon2(ARGON2_FLOOR, strong)).toBe(strong);
  });
});
