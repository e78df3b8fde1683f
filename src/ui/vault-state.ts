/**
 * The app's one store for the vault: which profiles exist, which one is open, and what the open
 * one still asks of the patient (a recovery kit to confirm, a new passphrase after using the
 * recovery key). Screens read it through context; they never hold a session of their own, so
 * locking (here, by auto-lock, or in another tab) clears every view at once.
 */
import { createSignal } from 'solid-js';
import type { ProfileEntry } from '../core/ports.ts';
import type { VaultDeps } from '../app/deps.ts';
import { listProfiles, sweepOrphanDatabases } from '../app/profiles.ts';
import type { VaultSession } from '../app/session.ts';
import type { Route } from './router.ts';

export function createVaultState(deps: VaultDeps) {
  const [session, setSession] = createSignal<VaultSession | null>(null);
  const [profiles, setProfiles] = createSignal<ProfileEntry[] | null>(null);
  /** A recovery key to show once, held in memory only until it is confirmed or the vault locks. */
  const [recoveryKit, setRecoveryKit] = createSignal<string | null>(null);
  const [passphraseReset, setPassphraseReset] = createSignal(false);
  /** Bumped whenever records change, here or in another tab: views refetch on it. */
  const [revision, setRevision] = createSignal(0);
  /** A vault screen asked for while locked (a link, a reload, a lock): shown after the unlock. */
  let wanted: { route: Route; profileId: string | null } | null = null;
  /** The profile that locked last in this tab: a screen left by a lock belongs to it. */
  let lastLocked: string | null = null;

  let swept = false;
  async function refreshProfiles(): Promise<void> {
    // Once per page: databases an interrupted creation or restore left behind go.
    if (!swept) {
      swept = true;
      await sweepOrphanDatabases(deps).catch((error: unknown) => console.warn('carnet: could not sweep unregistered databases', error));
    }
    setProfiles(await listProfiles(deps));
  }

  return {
    deps,
    session,
    profiles,
    refreshProfiles,
    recoveryKit,
    showRecoveryKit: (key: string) => setRecoveryKit(key),
    recoveryKitDone: () => setRecoveryKit(null),
    revision,
    /** True while a vault opened with the recovery key has no new passphrase yet. */
    mustResetPassphrase: () => session()?.openedWith === 'recovery' && !passphraseReset(),
    passphraseWasReset: () => setPassphraseReset(true),
    /** The session's profile as the registry has it now (a rename shows at once). */
    profileOf(open: VaultSession): ProfileEntry {
      return profiles()?.find((entry) => entry.id === open.profile.id) ?? open.profile;
    },
    open(next: VaultSession) {
      session()?.lock();
      lastLocked = null;
      setPassphraseReset(false);
      next.onMessage((message) => {
        if (message.type === 'changed') setRevision((value) => value + 1);
      });
      next.onLock(() => {
        if (session() !== next) return;
        // Read by the screen that reacts to the lock (App), to return there after the unlock.
        lastLocked = next.profile.id;
        setSession(null);
        setRecoveryKit(null);
      });
      setSession(next);
    },
    /**
     * Remembers a vault screen asked for while locked. Left by a lock, it belongs to the profile
     * that locked; reached by a link or a reload, to whichever profile is unlocked next.
     */
    wantAfterUnlock(route: Route) {
      wanted = { route, profileId: lastLocked };
      lastLocked = null;
    },
    /** The screen to show after unlocking `profileId`, once: the one asked for while locked, if any. */
    takeWanted(profileId: string): Route | null {
      const taken = wanted;
      wanted = null;
      return taken !== null && (taken.profileId === null || taken.profileId === profileId) ? taken.route : null;
    },
    /** Records changed in this tab: refresh the views here too. */
    changed: () => setRevision((value) => value + 1),
    lock() {
      session()?.lock();
    },
  };
}

export type VaultState = ReturnType<typeof createVaultState>;
