/** The real adapters, wired once for the app (tests wire their own). */
import { broadcastChannels } from '../adapters/channel.ts';
import { createAesGcmChunkCipher } from '../adapters/crypto/aes-gcm.ts';
import { webAuthnPasskeys } from '../adapters/passkeys.ts';
import { createDexieRegistry } from '../adapters/db/registry.ts';
import { dexieVaultStores } from '../adapters/db/vault-db.ts';
import { createWorkerKdf } from '../adapters/kdf/worker-kdf.ts';
import { readStorageState } from '../adapters/storage-manager.ts';
import { systemClock, systemRandom, webDigest, webLocks } from '../adapters/system.ts';
import { lazyAnalysers } from '../adapters/analysers.ts';
import type { VaultDeps } from '../app/deps.ts';

export function createPlatform(): VaultDeps {
  const kdf = createWorkerKdf();
  return {
    clock: systemClock,
    random: systemRandom,
    kdf,
    registry: createDexieRegistry(),
    stores: dexieVaultStores,
    locks: webLocks,
    chunkCipher: createAesGcmChunkCipher,
    digest: webDigest,
    storageEstimate: readStorageState,
    analysers: lazyAnalysers,
    channels: broadcastChannels,
    passkeys: webAuthnPasskeys,
    // The vault use cases (and their ciphers) load on first use, not with the lock screen.
    kdfParams: async () => (await import('../app/vault.ts')).calibratedKdfParams({ clock: systemClock, kdf, random: systemRandom }),
  };
}
