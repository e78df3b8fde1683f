/**
 * Files shared to the installed app while the vault was locked (src/sw.ts), offered after unlock:
 * each can be filed in the record (the screen that mounts this decides how, through `onFile`) or
 * discarded after a confirmation. Nothing is shown while the inbox is empty. A share that arrives
 * while this is on screen appears at once (the service worker tells the open windows).
 */
import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { discardInboxItem, listInboxItems, openInboxItem, type InboxItem } from '../../app/inbox.ts';
import type { VaultSession } from '../../app/session.ts';
import { ok, type Result } from '../../core/result.ts';
import { useApp } from '../context.tsx';
import type { ShownError } from '../errors.ts';
import { formatBytes, formatDateTime } from '../format.ts';
import { createTask, logUnexpected } from '../task.ts';
import { MaybeAlert } from './Alert.tsx';

export function InboxOffer(props: { session: VaultSession; onFile: (file: File) => Promise<Result<unknown, ShownError>> }) {
  const { t, preferences, vault } = useApp();
  // A signal rather than a resource: refreshing the list must never suspend the screen around it.
  const [items, setItems] = createSignal<InboxItem[]>([]);
  const [listError, setListError] = createSignal<string | null>(null);
  /** Bumped by the service worker's message and after each action here. */
  const [arrivals, setArrivals] = createSignal(0);
  let latest = 0;
  createEffect(
    on([vault.revision, arrivals], () => {
      const mine = ++latest;
      if (props.session.isLocked()) return;
      listInboxItems(props.session).then(
        (list) => {
          if (mine !== latest) return;
          setItems(list);
          setListError(null);
        },
        (failure: unknown) => {
          if (mine !== latest || props.session.isLocked()) return;
          logUnexpected(failure);
          setListError(t().errors.unexpected);
        },
      );
    }),
  );
  const task = createTask();
  const [done, setDone] = createSignal<string | null>(null);
  /** The item whose discarding waits for the patient's confirmation. */
  const [confirming, setConfirming] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;

  onMount(() => {
    const container = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
    const listener = (event: MessageEvent) => {
      if ((event.data as { type?: unknown } | null)?.type === 'carnet:inbox-arrived') setArrivals((count) => count + 1);
    };
    container?.addEventListener('message', listener);
    onCleanup(() => container?.removeEventListener('message', listener));
  });

  /** The item is gone from this list; the keyboard goes back to the list's title. */
  function removed(id: string) {
    setItems((list) => list.filter((item) => item.id !== id));
    setArrivals((count) => count + 1);
    queueMicrotask(() => heading?.focus());
  }

  async function file(item: Extract<InboxItem, { damaged: false }>) {
    setDone(null);
    setConfirming(null);
    const filed = await task.run(null, async () => {
      const opened = await openInboxItem(props.session, item.id);
      if (!opened.ok) return opened;
      // Refused (a duplicate declined, a malformed CDA…): the item stays, and the reason is shown.
      const stored = await props.onFile(opened.value);
      if (!stored.ok) return stored;
      await discardInboxItem(props.session, item.id);
      return ok(true);
    });
    if (filed === true) {
      setDone(t().inbox.filed(item.name));
      removed(item.id);
    } else if (filed === null) {
      // Filed or discarded meanwhile in another tab: the list catches up.
      setArrivals((count) => count + 1);
    }
  }

  async function discard(item: InboxItem) {
    setDone(null);
    const discarded = await task.run(null, async () => ok(await discardInboxItem(props.session, item.id)));
    setConfirming(null);
    if (discarded === null) return;
    setDone(t().inbox.discarded);
    removed(item.id);
  }

  function keep(id: string) {
    setConfirming(null);
    queueMicrotask(() => document.getElementById(`inbox-discard-${id}`)?.focus());
  }

  const count = () => items().length;

  return (
    <>
      <MaybeAlert tone="error" message={listError()} />
      <Show when={count() === 0}>
        <MaybeAlert tone="success" message={done()} />
      </Show>
      <Show when={count() > 0}>
        <section class="card inbox-offer" aria-labelledby="inbox-title">
          <h2 id="inbox-title" tabindex="-1" ref={(element) => (heading = element)}>
            {t().inbox.offerTitle(count())}
          </h2>
          <p class="hint">{t().inbox.offerIntro}</p>
          <MaybeAlert tone="error" message={task.error()} />
          <MaybeAlert tone="success" message={done()} />
          <ul class="passkey-list">
            <For each={items()}>
              {(item) => (
                <li>
                  <div id={`inbox-item-${item.id}`}>
                    <Show when={!item.damaged && item} fallback={<strong>{t().inbox.damaged}</strong>}>
                      {(ready) => (
                        <>
                          <strong>{ready().name}</strong>
                          <br />
                          <span class="muted">
                            {t().inbox.details(
                              formatBytes(ready().size, preferences.language()),
                              formatDateTime(ready().receivedAt, preferences.language(), preferences.timeZone()),
                            )}
                          </span>
                        </>
                      )}
                    </Show>
                  </div>
                  <Show
                    when={confirming() === item.id}
                    fallback={
                      <div class="actions">
                        <Show when={!item.damaged && item}>
                          {(ready) => (
                            <button type="button" aria-describedby={`inbox-item-${item.id}`} disabled={task.busy()} onClick={() => void file(ready())}>
                              {t().inbox.file}
                            </button>
                          )}
                        </Show>
                        <button
                          type="button"
                          class="secondary"
                          id={`inbox-discard-${item.id}`}
                          aria-describedby={`inbox-item-${item.id}`}
                          disabled={task.busy()}
                          onClick={() => setConfirming(item.id)}
                        >
                          {t().inbox.discard}
                        </button>
                      </div>
                    }
                  >
                    <div role="group" aria-labelledby={`inbox-confirm-${item.id}`}>
                      <p id={`inbox-confirm-${item.id}`}>{item.damaged ? t().inbox.confirmDiscardDamaged : t().inbox.confirmDiscard(item.name)}</p>
                      <div class="actions">
                        <button type="button" class="danger" ref={(element) => queueMicrotask(() => element.focus())} disabled={task.busy()} onClick={() => void discard(item)}>
                          {t().inbox.discard}
                        </button>
                        <button type="button" class="secondary" onClick={() => keep(item.id)}>
                          {t().inbox.keep}
                        </button>
                      </div>
                    </div>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>
    </>
  );
}
