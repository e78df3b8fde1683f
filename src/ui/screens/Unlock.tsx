/** Unlocking a profile with its passphrase, with the key derivation's progress. */
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
  const [passphrase, setPassphrase] = createSignal('');
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
    // Loaded on first use: the lock screen itself needs none of the vault's cryptography.
    const result = await import('../../app/vault.ts')
      .then(({ unlockVault }) => unlockVault(vault.deps, props.profileId, passphrase(), onProgress))
      .catch(() => null);
    setProgress(null);
    if (result === null) setError(t().errors.unexpected);
    else if (!result.ok) setError(describeError(t(), result.error));
    else {
      setPassphrase('');
      vault.open(result.value);
      router.navigate({ name: 'vault' }, { replace: true });
    }
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
            <Heading>{t().unlock.title(entry().label)}</Heading>
            <form class="stack unlock-form" onSubmit={(event) => void submit(event)} aria-busy={progress() !== null}>
              <PassphraseInput
                label={t().unlock.passphrase}
                value={passphrase()}
                onInput={setPassphrase}
                autocomplete="current-password"
                describedBy="unlock-error"
                invalid={error() !== null}
              />
              <MaybeAlert tone="error" message={error()} id="unlock-error" />
              <VaultProgressBar progress={progress()} labels={{ calibrating: t().unlock.deriving, deriving: t().unlock.deriving, opening: t().unlock.opening }} />
              <div class="actions">
                <button type="submit" disabled={progress() !== null || passphrase() === ''}>
                  {t().unlock.submit}
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
