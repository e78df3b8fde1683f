/**
 * Auto-lock (DESIGN.md §3, §4): the open vault locks after a period without input (5 minutes
 * unless the patient chose otherwise), when the device sleeps, and when the page is frozen in the
 * background. Activity is shared between the tabs of a profile, so a tab left in the background
 * does not time out while the patient works in another; and a lock in any tab locks them all.
 */
import { createEffect, onCleanup } from 'solid-js';
import type { VaultSession } from '../app/session.ts';
import type { PreferenceStorage } from './preferences.ts';

export const AUTO_LOCK_CHOICES_MINUTES = [1, 2, 5, 10, 15, 30] as const;
export const DEFAULT_AUTO_LOCK_SECONDS = 5 * 60;
/** A timer that fired this late means the page was suspended: the device slept. Hidden tabs are
 *  throttled to one timer a minute at most, so anything longer is not throttling. */
const SLEEP_GAP_MS = 90_000;
const TICK_MS = 1000;
/** Other tabs are told of activity at most this often (and well within the lock delay). */
const ANNOUNCE_EVERY_MS = 5000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;

const key = (profileId: string) => `carnet.autoLockSeconds.${profileId}`;

/** The delay for a profile, in seconds. Stored per profile on this device; any positive value is honoured. */
export function autoLockSeconds(storage: PreferenceStorage, profileId: string): number {
  let stored: string | null = null;
  try {
    stored = storage.getItem(key(profileId));
  } catch {
    // Storage disabled: the default applies.
  }
  const seconds = stored === null ? Number.NaN : Number(stored);
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 24 * 3600 ? seconds : DEFAULT_AUTO_LOCK_SECONDS;
}

export function setAutoLockSeconds(storage: PreferenceStorage, profileId: string, seconds: number): void {
  try {
    storage.setItem(key(profileId), String(seconds));
  } catch {
    // As above.
  }
}

/** Watches one open session and locks it when it should. Call inside a reactive owner. */
export function watchForAutoLock(session: () => VaultSession | null, storage: PreferenceStorage, target: Window = window): void {
  createEffect(() => {
    const open = session();
    if (open === null) return;
    const delayMs = () => autoLockSeconds(storage, open.profile.id) * 1000;
    let lastActive = Date.now();
    let lastAnnounced = 0;
    let lastTick = Date.now();

    const onActivity = () => {
      const now = Date.now();
      lastActive = now;
      if (now - lastAnnounced >= Math.min(ANNOUNCE_EVERY_MS, delayMs() / 4)) {
        lastAnnounced = now;
        open.announceActivity(now);
      }
    };
    const unsubscribe = open.onMessage((message) => {
      if (message.type === 'active') lastActive = Math.max(lastActive, message.at);
    });
    const timer = target.setInterval(() => {
      const now = Date.now();
      const slept = now - lastTick > SLEEP_GAP_MS;
      lastTick = now;
      if (slept || now - lastActive >= delayMs()) open.lock();
    }, TICK_MS);
    const onFreeze = () => open.lock();

    for (const name of ACTIVITY_EVENTS) target.addEventListener(name, onActivity, { passive: true, capture: true });
    target.document.addEventListener('freeze', onFreeze);
    const stop = () => {
      target.clearInterval(timer);
      unsubscribe();
      for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, onActivity, { capture: true });
      target.document.removeEventListener('freeze', onFreeze);
    };
    const stopOnLock = open.onLock(stop);
    onCleanup(() => {
      stopOnLock();
      stop();
    });
  });
}
