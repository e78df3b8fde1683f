/**
 * Files being added: each with its own progress and outcome, the whole batch with an overall bar
 * and one Cancel that stops the file under way and drops those waiting. A file whose content is
 * already in the vault waits for the patient's answer before it lands.
 */
import { createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { Document, DocumentError, DocumentLibrary } from '../../app/documents.ts';
import type { RecordId } from '../../core/records/record.ts';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { formatBytes } from '../format.ts';
import { logUnexpected } from '../task.ts';
import { ProgressBar } from '../components/ProgressBar.tsx';

type ItemState =
  | { readonly phase: 'waiting' }
  | { readonly phase: 'importing'; readonly fraction: number }
  | { readonly phase: 'duplicate'; readonly title: string }
  | { readonly phase: 'done'; readonly id: RecordId }
  | { readonly phase: 'failed'; readonly message: string };

interface Item {
  readonly key: number;
  readonly name: string;
  readonly size: number;
  state: ItemState;
}

export function createImportQueue(library: () => DocumentLibrary) {
  const { t } = useApp();
  const [items, setItems] = createStore<Item[]>([]);
  const [running, setRunning] = createSignal(false);
  let pending: { key: number; file: File }[] = [];
  let controller: AbortController | null = null;
  let nextKey = 0;
  const answers = new Map<number, (add: boolean) => void>();

  const update = (key: number, state: ItemState) =>
    setItems(
      (item) => item.key === key,
      produce((item) => {
        item.state = state;
      }),
    );

  async function drain(): Promise<void> {
    if (running()) return;
    setRunning(true);
    try {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const { key, file } = next;
        controller = new AbortController();
        update(key, { phase: 'importing', fraction: 0 });
        let result: Awaited<ReturnType<DocumentLibrary['importFile']>>;
        try {
          result = await library().importFile(file, {
            signal: controller.signal,
            onProgress: (progress) => update(key, { phase: 'importing', fraction: progress.total === 0 ? 1 : progress.done / progress.total }),
            confirmDuplicate: (existing: Document) =>
              new Promise<boolean>((resolve) => {
                update(key, { phase: 'duplicate', title: existing.data.title });
                answers.set(key, resolve);
              }),
          });
        } catch (error) {
          logUnexpected(error);
          update(key, { phase: 'failed', message: t().errors.unexpected });
          continue;
        }
        update(key, result.ok ? { phase: 'done', id: result.value } : { phase: 'failed', message: describeError(t(), result.error as DocumentError) });
      }
    } finally {
      controller = null;
      setRunning(false);
    }
  }

  function cancel() {
    for (const { key } of pending) update(key, { phase: 'failed', message: t().errors.ImportCancelled });
    pending = [];
    for (const [key, resolve] of answers) {
      answers.delete(key);
      resolve(false);
    }
    controller?.abort();
  }
  // Leaving the screen (or locking, which leaves it) stops the import: a question left waiting
  // would hold the import's lock and a decrypted title.
  onCleanup(cancel);

  return {
    items: () => items,
    running,
    add(files: readonly File[]) {
      if (files.length === 0) return;
      const added = files.map((file) => ({ key: nextKey++, file }));
      setItems(produce((list) => list.push(...added.map(({ key, file }) => ({ key, name: file.name, size: file.size, state: { phase: 'waiting' } as ItemState })))));
      pending.push(...added);
      void drain();
    },
    answer(key: number, add: boolean) {
      const resolve = answers.get(key);
      answers.delete(key);
      if (add) update(key, { phase: 'importing', fraction: 1 });
      resolve?.(add);
    },
    cancel,
    clear() {
      setItems((list) => list.filter((item) => item.state.phase !== 'done' && item.state.phase !== 'failed'));
    },
  };
}

export type ImportQueue = ReturnType<typeof createImportQueue>;

export function ImportQueueView(props: { queue: ImportQueue }) {
  const { t, preferences } = useApp();
  const items = () => props.queue.items();
  const finished = () => items().filter((item) => item.state.phase === 'done' || item.state.phase === 'failed').length;
  const overall = () => {
    const total = items().reduce((sum, item) => sum + item.size, 0);
    const done = items().reduce((sum, item) => {
      const state = item.state;
      if (state.phase === 'done' || state.phase === 'failed') return sum + item.size;
      if (state.phase === 'importing') return sum + item.size * state.fraction;
      return sum;
    }, 0);
    return total === 0 ? 1 : done / total;
  };
  return (
    <Show when={items().length > 0}>
      <section class="card import-queue" aria-labelledby="import-queue-title">
        <h2 id="import-queue-title">{t().documents.queueTitle}</h2>
        <ProgressBar label={t().documents.overall(finished(), items().length)} fraction={overall()} />
        <ul class="import-items">
          <For each={items()}>
            {(item) => (
              <li class={`import-item import-${item.state.phase}`}>
                <span class="import-name">{item.name}</span>
                <span class="hint">{formatBytes(item.size, preferences.language())}</span>
                <Switch>
                  <Match when={item.state.phase === 'waiting'}>
                    <span class="hint">{t().documents.waiting}</span>
                  </Match>
                  <Match when={item.state.phase === 'importing'}>
                    <ProgressBar label={t().documents.importing} fraction={item.state.phase === 'importing' ? item.state.fraction : null} />
                  </Match>
                  <Match when={item.state.phase === 'duplicate' && item.state} keyed>
                    {(state) => (
                      <div class="import-question" role="group" aria-labelledby={`import-question-${item.key}`}>
                        <p id={`import-question-${item.key}`}>{t().documents.duplicateQuestion(state.title)}</p>
                        <div class="actions">
                          {/* The import waits for this answer: the keyboard goes to it at once. */}
                          <button type="button" ref={(button) => queueMicrotask(() => button.focus())} onClick={() => props.queue.answer(item.key, true)}>
                            {t().documents.duplicateAdd}
                          </button>
                          <button type="button" class="secondary" onClick={() => props.queue.answer(item.key, false)}>{t().documents.duplicateSkip}</button>
                        </div>
                      </div>
                    )}
                  </Match>
                  <Match when={item.state.phase === 'done' && item.state} keyed>
                    {(state) => <a href={`#/documents/${state.id}`}>{t().documents.imported}</a>}
                  </Match>
                  <Match when={item.state.phase === 'failed' && item.state} keyed>
                    {(state) => <p class="alert alert-error" role="alert">{state.message}</p>}
                  </Match>
                </Switch>
              </li>
            )}
          </For>
        </ul>
        <div class="actions">
          <Show when={props.queue.running()} fallback={<button type="button" class="secondary" onClick={() => props.queue.clear()}>{t().documents.clearDone}</button>}>
            <button type="button" class="secondary" onClick={() => props.queue.cancel()}>{t().documents.cancelAll}</button>
          </Show>
        </div>
      </section>
    </Show>
  );
}
