/**
 * Unlocking a profile with its passphrase (with the key derivation's progress) or with its
 * recovery key, after which a new passphrase is required; and, when both are lost, deleting it.
 */
import { createResource, createSignal, Show } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import type { VaultSession } from '../../app/session.ts';
import type { UnlockError } from '../../app/vault.ts';
import type { Result } from '../../core/result.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { DeleteProfileForm } from '../components/DeleteProfileForm.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function Unlock(props: { profileId: string }) {
  const { t, vault, router } = useApp();
  const [profile] = createResource(() => props.profileId, (id) => vault.deps.registry.get(id));
  // Passkeys are offered only when this profile has one and this browser can use it.
  const [passkey] = createResource(
    () => props.profileId,
    async (id) => (await vault.deps.passkeys.isAvailable()) && (await import('../../app/vault.ts')).unlockMethods(vault.deps, id).then((methods) => methods.includes('passkey')),
  );
  const [passphrase, setPassphrase] = createSignal('');
  const [mode, setMode] = createSignal<'passphrase' | 'recovery'>('passphrase');
  const [recoveryKey, setRecoveryKey] = createSignal('');
  const task = createTask();

  /** Opens the vault; the use cases (and their ciphers) load on first use, not with the lock screen. */
  async function open(start: VaultProgress, next: 'vault' | 'new-passphrase', unlock: (app: typeof import('../../app/vault.ts'), onProgress: (progress: VaultProgress) => void) => Promise<Result<VaultSession, UnlockError>>) {
    const session = await task.run(start, async (onProgress) => unlock(await import('../../app/vault.ts'), onProgress));
    if (session === null) return;
    setPassphrase('');
    setRecoveryKey('');
    vault.open(session);
    router.navigate({ name: next }, { replace: true });
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (mode() === 'recovery') {
      void open({ phase: 'opening' }, 'new-passphrase', (app) => app.unlockWithRecoveryKey(vault.deps, props.profileId, recoveryKey()));
      return;
    }
    void open({ phase: 'deriving', fraction: 0 }, 'vault', (app, onProgress) =>
      app.unlockVault(vault.deps, props.profileId, passphrase(), (next) => {
        // User Timing marks let `npm run bench` time unlock-to-first-screen without the KDF.
        if (next.phase === 'opening' && task.progress()?.phase !== 'opening') performance.mark('carnet:unlock-derived');
        onProgress(next);
      }),
    );
  }

  const withPasskey = () => open({ phase: 'opening' }, 'vault', (app) => app.unlockWithPasskey(vault.deps, props.profileId));

  function switchMode() {
    task.setError(null);
    setMode(mode() === 'passphrase' ? 'recovery' : 'passphrase');
  }

  return (
    <Show when={!profile.loading} fallback={<p>{t().app.loading}</p>}>
      <Show
        when={profile()}
        fallback={
          <section aria-labelledby="page-title">
            <Heading>{t().errors.ProfileNotFound}</Heading>
            <p><a href="#/">{t().unlock.back}</a></p>
          </section>
        }
      >
        {(entry) => (
          <section aria-labelledby="page-title">
            <Heading>{mode() === 'passphrase' ? t().unlock.title(entry().label) : t().recovery.unlockTitle(entry().label)}</Heading>
            <form class="stack unlock-form" onSubmit={submit} aria-busy={task.busy()}>
              <Show
                when={mode() === 'recovery'}
                fallback={
                  <PassphraseInput
                    label={t().unlock.passphrase}
                    value={passphrase()}
                    onInput={setPassphrase}
                    autocomplete="current-password"
                    describedBy="unlock-error"
                    invalid={task.error() !== null}
                  />
                }
              >
                <div class="field">
                  <label for="recovery-key">{t().recovery.keyLabel}</label>
                  <input
                    id="recovery-key"
                    class="recovery-input"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck={false}
                    value={recoveryKey()}
                    onInput={(event) => setRecoveryKey(event.currentTarget.value)}
                    aria-describedby="unlock-error"
                    aria-invalid={task.error() !== null ? 'true' : undefined}
                  />
                </div>
              </Show>
              <MaybeAlert tone="error" message={task.error()} id="unlock-error" />
              <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().unlock.deriving, deriving: t().unlock.deriving, opening: t().unlock.opening }} />
              <div class="actions">
                <button type="submit" disabled={task.busy() || (mode() === 'passphrase' ? passphrase() : recoveryKey()) === ''}>
                  {mode() === 'passphrase' ? t().unlock.submit : t().recovery.unlockSubmit}
                </button>
                <Show when={passkey() === true && mode() === 'passphrase'}>
                  <button type="button" class="secondary" onClick={() => void withPasskey()} disabled={task.busy()}>
                    {t().passkeys.unlock}
                  </button>
                </Show>
                <button type="button" class="secondary" onClick={switchMode}>
                  {mode() === 'passphrase' ? t().recovery.useKey : t().recovery.usePassphrase}
                </button>
                <a href="#/">{t().unlock.back}</a>
              </div>
            </form>
            <details class="forgotten">
              <summary>{t().unlock.forgotten}</summary>
              <p>{t().unlock.forgottenIntro}</p>
              <DeleteProfileForm profile={entry()} headingLevel="h2" />
            </details>
          </section>
        )}
      </Show>
    </Show>
  );
}
