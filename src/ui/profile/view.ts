/**
 * One health-profile store per open vault, shared by the profile, emergency, prevention and
 * weight screens: a version that moves whenever entries change here or in another tab, dropped
 * with every decrypted view at lock. A change made here also rewrites the lock-screen copy of the
 * emergency card when the patient turned it on, so it never lags behind the profile.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createHealthProfile, refreshLockScreenCard, type HealthProfileStore } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import { logUnexpected } from '../task.ts';
import { profileContext } from './context.ts';

export interface ProfileView {
  readonly store: HealthProfileStore;
  /** Bumped whenever entries change: read it to reload. */
  readonly version: Accessor<number>;
  /** After a write in this tab: reload, and refresh the lock-screen card. */
  readonly changed: () => void;
}

const views = new WeakMap<VaultSession, ProfileView>();

export function profileOf(session: VaultSession): ProfileView {
  const existing = views.get(session);
  if (existing !== undefined) return existing;
  const [version, setVersion] = createRoot(() => createSignal(0));
  const bump = () => setVersion((value) => value + 1);
  // The tab that wrote refreshes the card; the others only reload.
  session.onMessage((message) => {
    if (message.type === 'changed' && message.kinds.includes('profile')) bump();
  });
  const zone = () => profileContext()?.timeZone();
  const view: ProfileView = {
    store: createHealthProfile(session, zone),
    version,
    changed() {
      bump();
      const context = profileContext();
      if (context === null || session.isLocked()) return;
      refreshLockScreenCard(session, context.labels(), context.timeZone()).catch((failure: unknown) => {
        if (!session.isLocked()) logUnexpected(failure);
      });
    },
  };
  views.set(session, view);
  session.onLock(() => views.delete(session));
  return view;
}
