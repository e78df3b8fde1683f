/**
 * One document library per open vault, shared by the documents screens: loaded at the first
 * visit, refreshed when another tab changes records, dropped with every decrypted view at lock.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createDocumentLibrary, type DocumentLibrary } from '../app/documents.ts';
import type { VaultSession } from '../app/session.ts';

export interface LibraryView {
  readonly library: DocumentLibrary;
  /** Bumped on every change: read it to track the library reactively. */
  readonly version: Accessor<number>;
  /** Resolves once the documents are loaded (the search index may still be catching up). */
  readonly ready: Promise<void>;
}

const views = new WeakMap<VaultSession, LibraryView>();

export function libraryOf(session: VaultSession): LibraryView {
  const existing = views.get(session);
  if (existing !== undefined) return existing;
  const library = createDocumentLibrary(session);
  const [version, setVersion] = createRoot(() => createSignal(0));
  library.subscribe(() => setVersion((value) => value + 1));
  session.onMessage((message) => {
    if (message.type === 'changed' && message.kinds.includes('document')) void library.reload();
  });
  const ready = library.open().then(() => {
    // Documents whose 30 days in the trash are over go now, quietly: the patient was told.
    void library.emptyExpiredTrash();
  });
  const view: LibraryView = { library, version, ready };
  views.set(session, view);
  session.onLock(() => views.delete(session));
  return view;
}
