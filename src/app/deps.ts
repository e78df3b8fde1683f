/** Everything the use cases need from the platform, passed in rather than imported. */
import type { Analysers } from '../adapters/analysers.ts';
import type { Argon2Params } from '../core/crypto/argon2.ts';
import type {
  ChunkCipherFactory,
  Clock,
  Digest,
  KdfRunner,
  LockManager,
  PasskeyAuthenticator,
  ProfileChannelFactory,
  ProfileRegistry,
  RandomSource,
  VaultStoreFactory,
} from '../core/ports.ts';

export interface VaultDeps {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly kdf: KdfRunner;
  readonly registry: ProfileRegistry;
  readonly stores: VaultStoreFactory;
  readonly locks: LockManager;
  readonly chunkCipher: ChunkCipherFactory;
  /** SHA-256 of each file chunk, for the keyed content MAC (format.md §6.1). */
  readonly digest: Digest;
  /** Free space as the browser counts it: an import larger than this is refused before writing. */
  readonly storageEstimate: () => Promise<{ readonly usage: number | null; readonly quota: number | null }>;
  /** Reading PDFs and images at import (text, thumbnails); loaded on first use. */
  readonly analysers: Analysers;
  /** Messages between the tabs of one profile (lock, activity, changes). */
  readonly channels: ProfileChannelFactory;
  /** WebAuthn passkeys with PRF, where the browser has them. */
  readonly passkeys: PasskeyAuthenticator;
  /**
   * Argon2id parameters for a new passphrase wrap. In the app: calibrated on this device
   * (`calibratedKdfParams`); browser tests pass the floor to stay fast.
   */
  readonly kdfParams: () => Promise<Argon2Params>;
}

export type VaultProgress =
  | { readonly phase: 'calibrating' }
  | { readonly phase: 'deriving'; readonly fraction: number }
  | { readonly phase: 'opening' };

export type ProgressListener = (progress: VaultProgress) => void;
