/** Entry point: preferences first (so the first paint has the right language and theme), then the app. */
import { render } from 'solid-js/web';
import { App } from './ui/App.tsx';
import { AppProvider } from './ui/context.tsx';
import { dictionaryFor } from './ui/i18n/i18n.ts';
import { createPlatform } from './ui/platform.ts';
import { applyPreferencesToDocument, createPreferences } from './ui/preferences.ts';
import { createPwa } from './ui/pwa.ts';
import { createRouter } from './ui/router.ts';
import { createVaultState } from './ui/vault-state.ts';
import './ui/styles.css';

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
root.textContent = '';

render(() => {
  const preferences = createPreferences();
  applyPreferencesToDocument(preferences);
  const value = {
    t: () => dictionaryFor(preferences.language()),
    preferences,
    router: createRouter(),
    pwa: createPwa(),
    vault: createVaultState(createPlatform()),
  };
  return (
    <AppProvider value={value}>
      <App />
    </AppProvider>
  );
}, root);
