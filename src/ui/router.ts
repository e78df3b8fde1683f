/**
 * Hash routes (DESIGN.md §8): the static app works from any host, and a share link's key stays in
 * the fragment, which browsers never send to a server.
 */
import { createSignal, onCleanup } from 'solid-js';

export type Route =
  | { readonly name: 'welcome' }
  | { readonly name: 'unlock'; readonly profileId: string }
  | { readonly name: 'create' }
  | { readonly name: 'vault' }
  | { readonly name: 'documents' }
  | { readonly name: 'document'; readonly id: string }
  | { readonly name: 'trash' }
  | { readonly name: 'readings'; readonly section: 'glucose' | 'weight' | 'add' }
  /** Screens that read their own sub-path (`#/agenda/month/2026-11` gives `rest` ['month', '2026-11']). */
  | { readonly name: SectionName; readonly rest: readonly string[] }
  | { readonly name: 'settings' }
  | { readonly name: 'about' }
  | { readonly name: 'recovery-kit' }
  | { readonly name: 'new-passphrase' }
  | { readonly name: 'restore' }
  /** Where the service worker sends the patient after a share (`?count=…&profile=…` or `?status=…`). */
  | { readonly name: 'share-received'; readonly query: string }
  | { readonly name: 'not-found'; readonly path: string };

export const SECTIONS = ['profile', 'emergency', 'agenda', 'prevention'] as const;
export type SectionName = (typeof SECTIONS)[number];

function isSection(name: string | undefined): name is SectionName {
  return (SECTIONS as readonly string[]).includes(name ?? '');
}

const SIMPLE = ['create', 'vault', 'documents', 'trash', 'settings', 'about', 'recovery-kit', 'new-passphrase', 'restore'] as const;

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const shared = /^\/share-received(?:\?(.*))?$/.exec(path);
  if (shared !== null) return { name: 'share-received', query: shared[1] ?? '' };
  const parts = path.split('/').filter((part) => part !== '');
  const [first, second] = parts;
  if (parts.length === 0) return { name: 'welcome' };
  if (first === 'unlock' && second !== undefined && parts.length === 2) return { name: 'unlock', profileId: decodeURIComponent(second) };
  if (first === 'documents' && second !== undefined && parts.length === 2 && /^[0-9a-f]{32}$/.test(second)) return { name: 'document', id: second };
  if (first === 'readings' && parts.length === 1) return { name: 'readings', section: 'glucose' };
  if (first === 'readings' && parts.length === 2 && (second === 'weight' || second === 'add')) return { name: 'readings', section: second };
  if (isSection(first)) return { name: first, rest: parts.slice(1).map((part) => decodeURIComponent(part)) };
  if (parts.length === 1 && (SIMPLE as readonly string[]).includes(first ?? '')) return { name: first as (typeof SIMPLE)[number] };
  return { name: 'not-found', path };
}

function routeToHash(route: Route): string {
  switch (route.name) {
    case 'welcome':
      return '#/';
    case 'unlock':
      return `#/unlock/${encodeURIComponent(route.profileId)}`;
    case 'document':
      return `#/documents/${route.id}`;
    case 'readings':
      return route.section === 'glucose' ? '#/readings' : `#/readings/${route.section}`;
    case 'profile':
    case 'emergency':
    case 'agenda':
    case 'prevention':
      return ['#', route.name, ...route.rest.map((part) => encodeURIComponent(part))].join('/');
    case 'share-received':
      return `#/share-received${route.query === '' ? '' : `?${route.query}`}`;
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.name}`;
  }
}

export function createRouter(target: Window = window) {
  const [route, setRoute] = createSignal<Route>(parseRoute(target.location.hash));
  // Counts route changes after the first screen, so that focus moves to a new screen's title
  // but the first load leaves the keyboard at the top of the page (skip link first).
  let changes = 0;
  const onHashChange = () => {
    changes += 1;
    setRoute(parseRoute(target.location.hash));
  };
  target.addEventListener('hashchange', onHashChange);
  onCleanup(() => target.removeEventListener('hashchange', onHashChange));
  return {
    route,
    hasNavigated: () => changes > 0,
    navigate(next: Route, options: { replace?: boolean } = {}) {
      changes += 1;
      const hash = routeToHash(next);
      if (options.replace === true) target.history.replaceState(null, '', hash);
      else if (target.location.hash !== hash) target.history.pushState(null, '', hash);
      setRoute(next);
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
