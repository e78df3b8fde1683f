/** Passkeys of the open vault: listed, added (with the passphrase), removed. Hidden without support. */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import type { VaultSession } from '../../app/session.ts';
import { addPasskey, listPasskeys, removePasskey } from '../../app/vault.ts';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { formatDate } from '../format.ts';
import { MaybeAlert } from './Alert.tsx';
import { PassphraseInput } from './PassphraseInput.tsx';
import { ProgressBar } from './ProgressBar.tsx';

export function PasskeysSection(props: { session: VaultSession }) {
  const { t, vault, preferences } = useApp();
  const [available] = createResource(() => vault.deps.passkeys.isAvailable());
  const [passkeys, { refetch }] = createResource(() => vault.revision() + 1, () => listPasskeys(props.session));
  const [name, setName] = createSignal('');
  const [passphrase, setPassphrase] = createSignal('');
  const [busy, setBusy] = createSignal<VaultProgress | null>(null);
  const [message, setMessage] = createSignal<{ tone: 'error' | 'success'; text: string } | null>(null);

  async function add(event: SubmitEvent) {
    event.preventDefault();
    if (busy() !== null) return;
    setMessage(null);
    setBusy({ phase: 'opening' });
    const chosen = name().trim() || t().passkeys.unnamed;
    const result = await addPasskey(props.session, { passphrase: passphrase(), name: chosen, accountName: t().passkeys.accountName(vault.profileOf(props.session).label) }).catch(() => null);
    setBusy(null);
    if (result === null) setMessage({ tone: 'error', text: t().errors.unexpected });
    else if (!result.ok) setMessage({ tone: 'error', text: describeError(t(), result.error) });
    else {
      setPassphrase('');
      setName('');
      setMessage({ tone: 'success', text: t().passkeys.addedDone });
      await refetch();
    }
  }

  async function remove(wrapId: string) {
    setMessage(null);
    const result = await removePasskey(props.session, wrapId);
    if (!result.ok) setMessage({ tone: 'error', text: describeError(t(), result.error) });
    else {
      setMessage({ tone: 'success', text: t().passkeys.removed });
      await refetch();
    }
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
        <form class="stack" onSubmit={(event) => void add(event)} aria-busy={busy() !== null}>
          <div class="field">
            <label for="passkey-name">{t().passkeys.name}</label>
            <input id="passkey-name" maxlength={60} placeholder={t().passkeys.namePlaceholder} value={name()} onInput={(event) => setName(event.currentTarget.value)} />
          </div>
          <PassphraseInput label={t().settings.currentPassphrase} value={passphrase()} onInput={setPassphrase} autocomplete="current-password" name="passkey-passphrase" />
          <Show when={busy() !== null}>
            <ProgressBar label={t().passkeys.adding} fraction={null} />
          </Show>
          <MaybeAlert tone={message()?.tone ?? 'success'} message={message()?.text ?? null} />
          <div class="actions">
            <button type="submit" disabled={busy() !== null || passphrase() === ''}>
              {t().passkeys.add}
            </button>
          </div>
        </form>
      </section>
    </Show>
  );
}
