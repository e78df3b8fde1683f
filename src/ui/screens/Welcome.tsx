/** The lock screen: the profiles on this device, by label only, and the way to create one. */
import { For, onMount, Show } from 'solid-js';
import { ok } from '../../core/result.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { formatDate } from '../format.ts';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function Welcome() {
  const { t, vault, preferences } = useApp();
  // If the list cannot be read (IndexedDB blocked, say), the screen says so rather than "Loading…" forever.
  const task = createTask();
  onMount(() => void task.run(null, async () => ok(await vault.refreshProfiles())));
  return (
    <section aria-labelledby="page-title">
      <Heading>{t().welcome.title}</Heading>
      <p class="lead">{t().welcome.intro}</p>
      <h2>{t().welcome.profilesTitle}</h2>
      <MaybeAlert tone="error" message={task.error()} />
      <Show when={vault.profiles()} fallback={<Show when={task.error() === null}><p>{t().app.loading}</p></Show>}>
        {(profiles) => (
          <Show when={profiles().length > 0} fallback={<p>{t().welcome.noProfiles}</p>}>
            <ul class="profile-list">
              <For each={profiles()}>
                {(profile) => (
                  <li>
                    <a
                      class="profile-card"
                      href={`#/unlock/${encodeURIComponent(profile.id)}`}
                      aria-label={t().welcome.open(profile.label)}
                    >
                      <span class="profile-initial" aria-hidden="true">
                        {[...profile.label][0]?.toUpperCase()}
                      </span>
                      <span>
                        <strong>{profile.label}</strong>
                        <span class="muted">{t().welcome.createdOn(formatDate(profile.createdAt, preferences.language(), preferences.timeZone()))}</span>
                      </span>
                    </a>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <p class="actions">
        <a class="button" href="#/create">
          {t().welcome.create}
        </a>
        <a href="#/restore">{t().backup.restoreLink}</a>
      </p>
    </section>
  );
}
