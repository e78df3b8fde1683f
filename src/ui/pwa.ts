/**
 * Service worker registration through workbox-window, the update prompt and the install button.
 * An update never reloads the page by itself: a form being filled could be lost. The new
 * version waits until the patient presses "Reload" in the tab that shows the prompt.
 */
import { createSignal } from 'solid-js';
import { Workbox } from 'workbox-window';

/** Not in TypeScript's DOM library yet (Chromium only). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export function createPwa(enabled = 'serviceWorker' in navigator && !import.meta.env.DEV) {
  const [updateReady, setUpdateReady] = createSignal(false);
  const [installPrompt, setInstallPrompt] = createSignal<BeforeInstallPromptEvent | null>(null);
  let workbox: Workbox | null = null;
  let reloadRequested = false;

  if (enabled) {
    workbox = new Workbox('/sw.js', { scope: '/', type: 'classic' });
    workbox.addEventListener('waiting', () => setUpdateReady(true));
    workbox.addEventListener('controlling', (event) => {
      if (reloadRequested) window.location.reload();
      // Another tab accepted the update: this one keeps its page and offers to reload too.
      else if (event.isUpdate === true) setUpdateReady(true);
    });
    void workbox.register();
  }

  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    setInstallPrompt(event as BeforeInstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => setInstallPrompt(null));

  return {
    updateReady,
    dismissUpdate: () => setUpdateReady(false),
    applyUpdate() {
      if (workbox === null) return;
      reloadRequested = true;
      workbox.messageSkipWaiting();
    },
    canInstall: () => installPrompt() !== null,
    async install() {
      const prompt = installPrompt();
      if (prompt === null) return;
      await prompt.prompt();
      await prompt.userChoice;
      setInstallPrompt(null);
    },
  };
}

export type Pwa = ReturnType<typeof createPwa>;
