/** Persistence, usage and quota, what eviction would mean, and what protects against it. */
import { createResource, createSignal, Show } from 'solid-js';
import { readStorageState, requestPersistence } from '../../adapters/storage-manager.ts';
import { useApp } from '../context.tsx';
import { formatBytes } from '../format.ts';
import { Alert } from './Alert.tsx';

export function StorageHealth() {
  const { t, preferences } = useApp();
  const [state, { refetch }] = createResource(readStorageState);
  const [refused, setRefused] = createSignal(false);
  async function ask() {
    setRefused(!(await requestPersistence()));
    await refetch();
  }
  return (
    <section class="card" aria-labelledby="storage-title">
      <h2 id="storage-title">{t().storage.title}</h2>
      <Show when={state()}>
        {(current) => (
          <>
            <Show
              when={current().persisted === true}
              fallback={
                <>
                  <p>{t().storage.notPersisted}</p>
                  <div class="actions">
                    <button type="button" class="secondary" onClick={() => void ask()}>
                      {t().storage.request}
                    </button>
                  </div>
                  <Show when={refused()}>
                    <Alert tone="info">{t().storage.refused}</Alert>
                  </Show>
                </>
              }
            >
              <p>{t().storage.persisted}</p>
            </Show>
            <p>
              {current().usage !== null && current().quota !== null
                ? t().storage.usage(formatBytes(current().usage ?? 0, preferences.language()), formatBytes(current().quota ?? 0, preferences.language()))
                : t().storage.unknown}
            </p>
            <p class="hint">{t().storage.protection}</p>
          </>
        )}
      </Show>
    </section>
  );
}
