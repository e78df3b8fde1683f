/**
 * The medical record: add files (picker, camera, drag and drop anywhere on the page, paste, and
 * what was shared to the app while it was locked), search, browse, and download it all.
 */
import { createEffect, createMemo, createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import type { FileRef } from '../../core/records/document.ts';
import { useApp } from '../context.tsx';
import { DocumentBrowser } from '../components/DocumentBrowser.tsx';
import { ExportSection } from '../components/ExportSection.tsx';
import { InboxOffer } from '../components/InboxOffer.tsx';
import { createImportQueue, ImportQueueView } from '../documents/ImportQueue.tsx';
import { libraryOf } from '../library.ts';
import { Heading } from './Heading.tsx';

const ACCEPT = 'application/pdf,image/jpeg,image/png,image/webp,image/tiff,text/plain,text/xml,application/xml,.pdf,.jpg,.jpeg,.png,.webp,.tif,.tiff,.txt,.xml,*/*';

/** Files dragged from the desktop, not text or a link dragged within the page. */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') === true;
}

export default function Documents(props: { session: VaultSession }) {
  const { t } = useApp();
  const view = libraryOf(props.session);
  const library = () => view.library;
  const [loaded] = createResource(() => view.ready.then(() => true));
  const queue = createImportQueue(library);
  const [query, setQuery] = createSignal('');
  const [dragging, setDragging] = createSignal(false);

  const live = createMemo(() => {
    view.version();
    return library().all().filter((document) => document.data.trashedAt === null);
  });
  const trashed = createMemo(() => {
    view.version();
    return library().all().length - live().length;
  });
  const hits = createMemo(() => {
    view.version();
    const text = query().trim();
    if (text === '') return null;
    return new Map(library().search(text).map((hit) => [hit.id, { terms: hit.terms }]));
  });

  const read = async (file: FileRef) => {
    const blob = await library().readFile(file);
    return blob.ok ? blob.value : null;
  };

  /** pdf.js comes up while the patient chooses a file (the picker is open, a file is on its way). */
  const warm = () => void props.session.deps.analysers.warm();

  // Drag and drop anywhere on the page, and paste, while this screen is shown.
  let depth = 0;
  const onDragEnter = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (depth === 0) warm();
    depth += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    setDragging(false);
    queue.add([...(event.dataTransfer?.files ?? [])]);
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    queue.add(files);
  };
  onMount(() => {
    document.addEventListener('dragenter', onDragEnter);
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
    document.addEventListener('paste', onPaste);
  });
  onCleanup(() => {
    document.removeEventListener('dragenter', onDragEnter);
    document.removeEventListener('dragover', onDragOver);
    document.removeEventListener('dragleave', onDragLeave);
    document.removeEventListener('drop', onDrop);
    document.removeEventListener('paste', onPaste);
  });

  // User Timing for `npm run bench`: the first frame in which the list's first rows (or its empty
  // state) are in the page.
  createEffect(() => {
    if (loaded() !== true) return;
    const look = () => {
      if (document.querySelector('.browser-slot, .browser-empty') !== null) performance.mark('carnet:documents-first-screen');
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });

  const pick = (event: Event & { currentTarget: HTMLInputElement }) => {
    queue.add([...(event.currentTarget.files ?? [])]);
    event.currentTarget.value = '';
  };

  return (
    <section aria-labelledby="page-title" class="documents">
      <Heading>{t().documents.title}</Heading>
      <p class="lead">{t().documents.intro}</p>
      <Show when={dragging()}>
        <div class="drop-overlay" aria-hidden="true">
          <p>{t().documents.dropHere}</p>
        </div>
      </Show>
      <InboxOffer
        session={props.session}
        onFile={async (file) => {
          return library().importFile(file, {
            confirmDuplicate: async (existing) => window.confirm(t().documents.duplicateQuestion(existing.data.title)),
          });
        }}
      />
      <section class="card add-documents" aria-labelledby="add-title">
        <h2 id="add-title">{t().documents.add}</h2>
        <div class="actions">
          <label class="button file-button" onClick={warm}>
            {t().documents.add}
            <input type="file" multiple accept={ACCEPT} class="visually-hidden" data-testid="file-picker" onChange={pick} />
          </label>
          <label class="button secondary file-button">
            {t().documents.camera}
            <input type="file" accept="image/*" capture="environment" class="visually-hidden" onChange={pick} />
          </label>
        </div>
        <p class="hint">{t().documents.dropHint}</p>
        <p class="hint">{t().documents.accepted}</p>
      </section>
      <ImportQueueView queue={queue} />
      <div class="documents-toolbar">
        <div class="field search-field">
          <label for="document-search">{t().documents.searchLabel}</label>
          <input id="document-search" type="search" autocomplete="off" value={query()} onInput={(event) => setQuery(event.currentTarget.value)} aria-describedby="document-search-hint" />
          <span id="document-search-hint" class="hint">{t().documents.searchHint}</span>
        </div>
        <a class="trash-link" href="#/trash">{t().documents.trashLink(trashed())}</a>
      </div>
      <Show when={view.version() >= 0 && library().failures().length > 0}>
        <p class="alert alert-error">{t().documents.damaged(library().failures().length)}</p>
      </Show>
      <Show when={loaded()} fallback={<p>{t().app.loading}</p>}>
        <DocumentBrowser
          documents={live()}
          read={read}
          hits={hits()}
          onOpen={(id) => {
            location.hash = `#/documents/${id}`;
          }}
          emptyMessage={hits() === null ? t().documents.empty : t().documents.noMatch}
        />
      </Show>
      <ExportSection session={props.session} documents={() => (view.version(), library().all())} />
    </section>
  );
}
