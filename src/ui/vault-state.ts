/**
 * The app's one store for the vault: which profiles exist, which one is open. Screens read it
 * through context; they never hold a session of their own, so locking clears every view at once.
 */
import { createSignal } from 'solid-js';
import type { ProfileEntry } from '../core/ports.ts';
import type { VaultDeps } from '../app/deps.ts';
import { listProfiles } from '../app/profiles.ts';
import type { VaultSession } from '../app/session.ts';

export function createVaultState(deps: VaultDeps) {
  const [session, setSession] = createSignal<VaultSession | null>(null);
  const [profiles, setProfiles] = createSignal<ProfileEntry[] | null>(null);

  async function refreshProfiles(): Promise<void> {
    setProfiles(await listProfiles(deps));
  }

  return {
    deps,
    session,
    profiles,
    refreshProfiles,
    /** The session's profile as the registry has it now (a rename shows at once). */
    profileOf(open: VaultSession): ProfileEntry {
      return profiles()?.find((entry) => entry.id === open.profile.id) ?? open.profile;
    },
    open(next: VaultSession) {
      session()?.lock();
      next.onLock(() => {
        if (session() === next) setSession(null);
      });
      setSession(next);
    },
    lock() {
      session()?.lock();
    },
  };
}

export type VaultState = ReturnType<typeof createVaultState>;
