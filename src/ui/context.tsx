/** One context for everything the screens share: words, preferences, route, PWA and vault. */
import { createContext, useContext, type JSX } from 'solid-js';
import type { Dictionary } from './i18n/i18n.ts';
import type { Preferences } from './preferences.ts';
import type { Pwa } from './pwa.ts';
import type { Router } from './router.ts';
import type { VaultState } from './vault-state.ts';

interface AppContext {
  readonly t: () => Dictionary;
  readonly preferences: Preferences;
  readonly router: Router;
  readonly pwa: Pwa;
  readonly vault: VaultState;
}

const Context = createContext<AppContext>();

export function AppProvider(props: { value: AppContext; children: JSX.Element }) {
  return <Context.Provider value={props.value}>{props.children}</Context.Provider>;
}

export function useApp(): AppContext {
  const context = useContext(Context);
  if (context === undefined) throw new Error('useApp outside AppProvider');
  return context;
}
