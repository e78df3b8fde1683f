/**
 * One health-profile store per open vault, shared by the profile, emergency and prevention
 * screens: a version that moves whenever entries change here or in another tab, dropped with
 * every decrypted view at lock.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createHealthProfile, type HealthProfileStore } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';

export interface ProfileView {
  readonly store: HealthProfileStore;
  /** Bumped whenever entries change: read it to reload. */
  readonly version: Accessor<number>;
  readonly changed: () => void;
}

const views = new WeakMap<VaultSession, ProfileView>();

export function profileOf(session: VaultSession): ProfileView {
  const existing = views.get(session);
  if (existing !== undefined) return existing;
  const [version, setVersion] = createRoot(() => createSignal(0));
  const changed = () => setVersion((value) => value + 1);
  session.onMessage((message) => {
    if (message.type === 'changed' && message.kinds.includes('profile')) changed();
  });
  const view: ProfileView = { store: createHealthProfile(session), version, changed };
  views.set(session, view);
  session.onLock(() => views.delete(session));
  return view;
}
