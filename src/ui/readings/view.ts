/**
 * One readings store per open vault, shared by the readings screens, with the patient's reading
 * settings: refreshed when another tab writes readings, dropped with every decrypted view at lock.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createReadings, type ReadingsStore } from '../../app/readings.ts';
import { DEFAULT_READINGS_SETTINGS, loadReadingsSettings, saveReadingsSettings, type ReadingsSettings } from '../../app/readings-settings.ts';
import type { VaultSession } from '../../app/session.ts';

export interface ReadingsView {
  readonly store: ReadingsStore;
  /** Bumped whenever readings change, here or in another tab: read it to reload. */
  readonly version: Accessor<number>;
  readonly changed: () => void;
  readonly settings: Accessor<ReadingsSettings>;
  readonly updateSettings: (next: Partial<ReadingsSettings>) => Promise<void>;
  /** Resolves once the settings are read. */
  readonly ready: Promise<void>;
}

const views = new WeakMap<VaultSession, ReadingsView>();

export function readingsOf(session: VaultSession): ReadingsView {
  const existing = views.get(session);
  if (existing !== undefined) return existing;
  const store = createReadings(session);
  const [version, setVersion] = createRoot(() => createSignal(0));
  const [settings, setSettings] = createRoot(() => createSignal<ReadingsSettings>(DEFAULT_READINGS_SETTINGS));
  const changed = () => setVersion((value) => value + 1);
  session.onMessage((message) => {
    if (message.type === 'changed' && message.kinds.includes('series-chunk')) changed();
  });
  const ready = loadReadingsSettings(session).then((loaded) => {
    setSettings(loaded);
  });
  const view: ReadingsView = {
    store,
    version,
    changed,
    settings,
    async updateSettings(next) {
      const merged = { ...settings(), ...next };
      setSettings(merged);
      if (!session.isLocked()) await saveReadingsSettings(session, merged);
    },
    ready,
  };
  views.set(session, view);
  session.onLock(() => views.delete(session));
  return view;
}
