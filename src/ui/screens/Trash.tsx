/** The trash: documents kept 30 days before they are destroyed, each restorable until then. */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { TRASH_DAYS } from '../../core/records/document.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { libraryOf } from '../library.ts';
import { Heading } from './Heading.tsx';

const DAY_MS = 86_400_000;

export default function Trash(props: { session: VaultSession }) {
  const { t } = useApp();
  const view = libraryOf(props.session);
  const library = () => view.library;
  const [loaded] = createResource(() => view.ready.then(() => true));
  const [error, setError] = createSignal<string | null>(null);
  const trashed = createMemo(() => {
    view.version();
    return library().all().filter((document) => document.data.trashedAt !== null);
  });
  const daysLeft = (trashedAt: number) => Math.max(1, TRASH_DAYS - Math.floor((Date.now() - trashedAt) / DAY_MS));

  async function run(action: () => Promise<{ ok: true } | { ok: false; error: Parameters<typeof describeError>[1] }>) {
    setError(null);
    const result = await action();
    if (!result.ok) setError(describeError(t(), result.error));
    // The item (and the button pressed) left the list: the keyboard goes back to the title.
    document.getElementById('page-title')?.focus();
  }

  async function emptyAll() {
    if (!window.confirm(t().documents.emptyTrashConfirm)) return;
    for (const document of trashed()) {
      const removed = await library().destroy(document.id);
      if (!removed.ok) {
        setError(describeError(t(), removed.error));
        break;
      }
    }
    window.document.getElementById('page-title')?.focus();
  }

  return (
    <section aria-labelledby="page-title">
      <p><a href="#/documents">{t().documents.back}</a></p>
      <Heading>{t().documents.trashTitle}</Heading>
      <p class="lead">{t().documents.trashIntro}</p>
      <MaybeAlert tone="error" message={error()} />
      <Show when={loaded()} fallback={<p>{t().app.loading}</p>}>
        <Show when={trashed().length > 0} fallback={<p>{t().documents.trashEmpty}</p>}>
          <ul class="trash-list">
            <For each={trashed()}>
              {(document) => (
                <li class="card trash-item">
                  <a href={`#/documents/${document.id}`}>{document.data.title}</a>
                  <span class="hint">{t().documents.trashed(daysLeft(document.data.trashedAt ?? Date.now()))}</span>
                  <div class="actions">
                    <button type="button" class="secondary" onClick={() => void run(() => library().restore(document.id))}>{t().documents.restore}</button>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => {
                        if (window.confirm(t().documents.destroyConfirm)) void run(() => library().destroy(document.id));
                      }}
                    >
                      {t().documents.destroy}
                    </button>
                  </div>
                </li>
              )}
            </For>
          </ul>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void emptyAll()}>{t().documents.emptyTrash}</button>
          </div>
        </Show>
      </Show>
    </section>
  );
}
