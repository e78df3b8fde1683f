/**
 * Unlocking a profile with its passphrase (with the key derivation's progress) or with its
 * recovery key, after which a new passphrase is required; and, when both are lost, deleting it.
 */
import { createResource, createSignal, Show } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { DeleteProfileForm } from '../components/DeleteProfileForm.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
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
  const [progress, setProgress] = createSignal<VaultProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (progress() !== null) return;
    setError(null);
    setProgress({ phase: 'deriving', fraction: 0 });
    const onProgress = (next: VaultProgress) => {
      // User Timing marks let `npm run bench` time unlock-to-first-screen without the KDF.
      if (next.phase === 'opening' && progress()?.phase !== 'opening') performance.mark('carnet:unlock-derived');
      setProgress(next);
    };
    const withRecovery = mode() === 'recovery';
    // Loaded on first use: the lock screen itself needs none of the vault's cryptography.
    const result = await import('../../app/vault.ts')
      .then(({ unlockVault, unlockWithRecoveryKey }) =>
        withRecovery
          ? unlockWithRecoveryKey(vault.deps, props.profileId, recoveryKey())
          : unlockVault(vault.deps, props.profileId, passphrase(), onProgress),
      )
      .catch(() => null);
    setProgress(null);
    if (result === null) setError(t().errors.unexpected);
    else if (!result.ok) setError(describeError(t(), result.error));
    else {
      setPassphrase('');
      setRecoveryKey('');
      vault.open(result.value);
      router.navigate({ name: withRecovery ? 'new-passphrase' : 'vault' }, { replace: true });
    }
  }

  async function withPasskey() {
    if (progress() !== null) return;
    setError(null);
    setProgress({ phase: 'opening' });
    const result = await import('../../app/vault.ts')
      .then(({ unlockWithPasskey }) => unlockWithPasskey(vault.deps, props.profileId))
      .catch(() => null);
    setProgress(null);
    if (result === null) setError(t().errors.unexpected);
    else if (!result.ok) setError(describeError(t(), result.error));
    else {
      vault.open(result.value);
      router.navigate({ name: 'vault' }, { replace: true });
    }
  }

  function switchMode() {
    setError(null);
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
            <form class="stack unlock-form" onSubmit={(event) => void submit(event)} aria-busy={progress() !== null}>
              <Show
                when={mode() === 'recovery'}
                fallback={
                  <PassphraseInput
                    label={t().unlock.passphrase}
                    value={passphrase()}
                    onInput={setPassphrase}
                    autocomplete="current-password"
                    describedBy="unlock-error"
                    invalid={error() !== null}
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
                    aria-invalid={error() !== null ? 'true' : undefined}
                  />
                </div>
              </Show>
              <MaybeAlert tone="error" message={error()} id="unlock-error" />
              <VaultProgressBar progress={progress()} labels={{ calibrating: t().unlock.deriving, deriving: t().unlock.deriving, opening: t().unlock.opening }} />
              <div class="actions">
                <button type="submit" disabled={progress() !== null || (mode() === 'passphrase' ? passphrase() : recoveryKey()) === ''}>
                  {mode() === 'passphrase' ? t().unlock.submit : t().recovery.unlockSubmit}
                </button>
                <Show when={passkey() === true && mode() === 'passphrase'}>
                  <button type="button" class="secondary" onClick={() => void withPasskey()} disabled={progress() !== null}>
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
