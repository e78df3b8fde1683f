/**
 * Argon2id (RFC 9106) through @noble/hashes, and the vault's policy around it.
 *
 * The wrapper accepts any parameters, so the RFC's own test vector (m = 32 KiB) runs through it;
 * the floor (OWASP's m = 19 MiB, t = 2, p = 1) is vault policy, enforced when a keyring is created
 * or read, never by the wrapper. Calibration aims at about one second on the device that creates
 * the vault, because the cost an attacker pays per guess is exactly what the patient pays once.
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';

export interface Argon2Params {
  /** Memory in KiB (RFC 9106 "m"). */
  readonly memoryKiB: number;
  /** Passes over memory (RFC 9106 "t"). */
  readonly iterations: number;
  /** Lanes (RFC 9106 "p"). */
  readonly parallelism: number;
}

export interface Argon2Options {
  /** Output length in bytes; 32 for a wrap key. */
  readonly outputBytes?: number;
  /** RFC 9106 "K", the optional secret; used only by the RFC's vector here. */
  readonly secret?: Uint8Array;
  /** RFC 9106 "X", the optional associated data; used only by the RFC's vector here. */
  readonly associatedData?: Uint8Array;
  /** Called with a fraction from 0 to 1 as memory passes complete. */
  readonly onProgress?: (fraction: number) => void;
}

export function argon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  options: Argon2Options = {},
): Promise<Uint8Array> {
  return argon2idAsync(password, salt, {
    m: params.memoryKiB,
    t: params.iterations,
    p: params.parallelism,
    dkLen: options.outputBytes ?? 32,
    ...(options.secret === undefined ? {} : { key: options.secret }),
    ...(options.associatedData === undefined ? {} : { personalization: options.associatedData }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    // Yield to the event loop every few milliseconds so progress messages get out of the worker.
    asyncTick: 16,
  });
}

/** OWASP Password Storage Cheat Sheet's minimum for Argon2id. Never go below it. */
export const ARGON2_FLOOR: Argon2Params = { memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 };

/** Ceilings keep a vault openable on a modest phone; a keyring above them is refused as hostile. */
export const ARGON2_MAX_MEMORY_KIB = 1024 * 1024;
export const ARGON2_MAX_ITERATIONS = 64;
export const ARGON2_CALIBRATION_MAX_MEMORY_KIB = 128 * 1024;
export const ARGON2_CALIBRATION_MAX_ITERATIONS = 8;

export type Argon2PolicyError = { readonly type: 'KdfBelowFloor' } | { readonly type: 'KdfAboveCeiling' };

export function checkArgon2Policy(params: Argon2Params): Argon2PolicyError | null {
  if (params.parallelism !== 1) return { type: 'KdfAboveCeiling' };
  if (params.memoryKiB < ARGON2_FLOOR.memoryKiB || params.iterations < ARGON2_FLOOR.iterations) return { type: 'KdfBelowFloor' };
  if (params.memoryKiB > ARGON2_MAX_MEMORY_KIB || params.iterations > ARGON2_MAX_ITERATIONS) return { type: 'KdfAboveCeiling' };
  return null;
}

export interface CalibrationDeps {
  /** Milliseconds from any origin; injected so tests can make the device look fast or slow. */
  readonly now: () => number;
  /** Runs one derivation with the given parameters (in a worker, in the app). */
  readonly run: (params: Argon2Params) => Promise<void>;
}

/**
 * Measures one derivation at the floor and scales the work to reach `targetMs`, spending it on
 * memory first (what makes GPUs expensive) up to the calibration ceiling, then on passes.
 * Argon2's cost is close to linear in memory × passes, which is all the model assumes.
 */
export async function calibrateArgon2(deps: CalibrationDeps, targetMs = 1000): Promise<Argon2Params> {
  const start = deps.now();
  await deps.run(ARGON2_FLOOR);
  const elapsed = Math.max(deps.now() - start, 1);
  const floorWork = ARGON2_FLOOR.memoryKiB * ARGON2_FLOOR.iterations;
  const targetWork = (floorWork * targetMs) / elapsed;
  if (targetWork <= floorWork) return ARGON2_FLOOR;

  const iterationsAtFloor = ARGON2_FLOOR.iterations;
  const memoryWanted = targetWork / iterationsAtFloor;
  const memoryKiB = Math.max(
    ARGON2_FLOOR.memoryKiB,
    Math.min(ARGON2_CALIBRATION_MAX_MEMORY_KIB, Math.floor(memoryWanted / 1024) * 1024),
  );
  const iterations = Math.max(
    iterationsAtFloor,
    Math.min(ARGON2_CALIBRATION_MAX_ITERATIONS, Math.floor(targetWork / memoryKiB)),
  );
  return { memoryKiB, iterations, parallelism: 1 };
}

/** The stronger of two parameter sets, so re-calibrating on a slower device never weakens a vault. */
export function strongerArgon2(a: Argon2Params, b: Argon2Params): Argon2Params {
  return a.memoryKiB * a.iterations >= b.memoryKiB * b.iterations ? a : b;
}
