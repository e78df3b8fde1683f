/**
 * Carnet's service worker (vite-plugin-pwa injectManifest). It precaches the built app so Carnet
 * starts with the network cut, and serves the app shell for every navigation (routes are hash
 * routes, so "/" is the only page). It never holds keys or decrypted data, and never caches an
 * API response. Later issues add the Web Share Target and the inbox to it.
 *
 * An update waits: the new worker activates only when the page asks (SKIP_WAITING, sent when the
 * patient presses "Reload"), so no tab is ever reloaded under a patient's feet.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

// The very first install takes control at once (there is no older version to protect); later
// versions wait for the patient.
self.addEventListener('install', () => {
  if (self.registration.active === null) void self.skipWaiting();
});
clientsClaim();

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
