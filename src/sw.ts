/**
 * Carnet's service worker (vite-plugin-pwa injectManifest). It precaches the built app so Carnet
 * starts with the network cut, and serves the app shell for every navigation (routes are hash
 * routes, so "/" is the only page). It never holds keys or decrypted data, and never caches an
 * API response.
 *
 * It is also the Web Share Target of the installed app (the manifest's `share_target`): a file
 * shared to Carnet arrives here as a POST, is sealed at once to the inbox public key of the
 * profile unlocked last (src/adapters/inbox-writer.ts, docs/format.md §7.1), and the patient is
 * sent to a screen saying so. Sealing needs no vault key: the worker can write to the inbox but
 * never read it, and nothing shared waits in plaintext.
 *
 * An update waits: the new worker activates only when the page asks (SKIP_WAITING, sent when the
 * patient presses "Reload"), so no tab is ever reloaded under a patient's feet.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { createDexieRegistry } from './adapters/db/registry.ts';
import { dexieVaultStores } from './adapters/db/vault-db.ts';
import { parseSharedForm, receiveShare, SHARE_TARGET_PATH, shareOutcomePath, type ShareOutcome } from './adapters/inbox-writer.ts';
import { systemClock, systemRandom, webLocks } from './adapters/system.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// NavigationRoute answers GET navigations only (workbox matches a route's method), so the
// share target's POST below is never swallowed by the app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

let registry: ReturnType<typeof createDexieRegistry> | undefined;

async function receive(request: Request): Promise<ShareOutcome> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch (error) {
    console.warn('carnet: unreadable share', error);
    return { status: 'error', error: { type: 'FileUnreadable' } };
  }
  registry ??= createDexieRegistry();
  return receiveShare({ registry, stores: dexieVaultStores, locks: webLocks, random: systemRandom, clock: systemClock }, parseSharedForm(form));
}

/** Open windows of the app refresh their inbox (an unlocked tab offers the new item at once). */
async function announceArrival(): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
    // oxlint-disable-next-line unicorn/require-post-message-target-origin -- Client.postMessage has no target origin: a client is same-origin by definition
    client.postMessage({ type: 'carnet:inbox-arrived' });
  }
}

registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname === SHARE_TARGET_PATH,
  async ({ request }) => {
    let outcome: ShareOutcome;
    try {
      outcome = await receive(request);
    } catch (error) {
      // A bug or a storage failure nobody typed: the patient is told it failed, never left on a blank page.
      console.error('carnet: share target failed', error);
      outcome = { status: 'error', error: { type: 'StoreUnavailable', detail: String(error) } };
    }
    if (outcome.status === 'error') console.warn('carnet: share not received', outcome.error);
    // A window that misses the message finds the item at its next unlock all the same.
    if (outcome.status === 'received') await announceArrival().catch(() => {});
    // 303: the browser follows with a GET, so a reload of the result page never posts the files again.
    return Response.redirect(new URL(shareOutcomePath(outcome), self.location.origin).href, 303);
  },
  'POST',
);

// The very first install takes control at once (there is no older version to protect); later
// versions wait for the patient.
self.addEventListener('install', () => {
  if (self.registration.active === null) void self.skipWaiting();
});
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
