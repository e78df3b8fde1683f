/** Passkeys of the open vault: listed, added (with the passphrase), removed. Hidden without support. */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { addPasskey, listPasskeys, passkeysAvailable, removePasskey } from '../../app/vault.ts';
import { useApp } from '../context.tsx';
import { formatDate } from '../format.ts';
import { createTask } from '../task.ts';
import { MaybeAlert } from './Alert.tsx';
import { PassphraseInput } from './PassphraseInput.tsx';
import { ProgressBar } from './ProgressBar.tsx';

export function PasskeysSection(props: { session: VaultSession }) {
  const { t, vault, preferences } = useApp();
  const [available] = createResource(() => passkeysAvailable(vault.deps));
  const [passkeys, { refetch }] = createResource(() => vault.revision() + 1, () => listPasskeys(props.session));
  const [name, setName] = createSignal('');
  const [passphrase, setPassphrase] = createSignal('');
  /** Adding (the browser's prompt, then a key derivation) shows progress; removing is quick. */
  const task = createTask<'adding'>();
  const [done, setDone] = createSignal<string | null>(null);

  async function add(event: SubmitEvent) {
    event.preventDefault();
    setDone(null);
    const chosen = name().trim() || t().passkeys.unnamed;
    const added = await task.run('adding', () =>
      addPasskey(props.session, { passphrase: passphrase(), name: chosen, accountName: t().passkeys.accountName(vault.profileOf(props.session).label) }),
    );
    if (added === null) return;
    setPassphrase('');
    setName('');
    setDone(t().passkeys.addedDone);
    await refetch();
  }

  async function remove(wrapId: string) {
    setDone(null);
    const removed = await task.run(null, () => removePasskey(props.session, wrapId));
    if (removed === null) return;
    setDone(t().passkeys.removed);
    await refetch();
  }

  return (
    <Show when={available() === true}>
      <section class="stack" aria-labelledby="passkeys-title">
        <h3 id="passkeys-title">{t().passkeys.title}</h3>
        <p class="hint">{t().passkeys.intro}</p>
        <Show when={(passkeys() ?? []).length > 0} fallback={<p>{t().passkeys.none}</p>}>
          <ul class="passkey-list">
            <For each={passkeys()}>
              {(passkey) => (
                <li>
                  <span>
                    <strong>{passkey.name || t().passkeys.unnamed}</strong>
                    <Show when={passkey.addedAt}>
                      {(at) => <span class="muted">{t().passkeys.added(formatDate(at(), preferences.language(), preferences.timeZone()))}</span>}
                    </Show>
                  </span>
                  <button type="button" class="secondary" onClick={() => void remove(passkey.wrapId)}>
                    {t().passkeys.remove(passkey.name || t().passkeys.unnamed)}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <form class="stack" onSubmit={(event) => void add(event)} aria-busy={task.progress() === 'adding'}>
          <div class="field">
            <label for="passkey-name">{t().passkeys.name}</label>
            <input id="passkey-name" maxlength={60} placeholder={t().passkeys.namePlaceholder} value={name()} onInput={(event) => setName(event.currentTarget.value)} />
          </div>
          <PassphraseInput label={t().settings.currentPassphrase} value={passphrase()} onInput={setPassphrase} autocomplete="current-password" name="passkey-passphrase" />
          <Show when={task.progress() === 'adding'}>
            <ProgressBar label={t().passkeys.adding} fraction={null} />
          </Show>
          <MaybeAlert tone="error" message={task.error()} />
          <MaybeAlert tone="success" message={done()} />
          <div class="actions">
            <button type="submit" disabled={task.busy() || passphrase() === ''}>
              {t().passkeys.add}
            </button>
          </div>
        </form>
      </section>
    </Show>
  );
}
