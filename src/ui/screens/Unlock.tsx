/**
 * Unlocking a profile with its passphrase (with the key derivation's progress) or with its
 * recovery key, after which a new passphrase is required; and, when both are lost, deleting it.
 */
import { createResource, lazy, Show, Suspense } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import { getProfile } from '../../app/profiles.ts';
import type { VaultSession } from '../../app/session.ts';
import type { UnlockError } from '../../app/vault.ts';
import type { Result } from '../../core/result.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { DeleteProfileForm } from '../components/DeleteProfileForm.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { createSecret, SecretInput, SecretModeButton } from '../components/SecretInput.tsx';
import { useApp } from '../context.tsx';
import { createTask } from '../task.ts';
import { loadFeatureWords } from '../i18n/i18n.ts';
import { Heading } from './Heading.tsx';

/** Only for a profile whose card the patient put on the lock screen: its words and QR encoder load then. */
const LockScreenCard = lazy(() => loadFeatureWords().then(() => import('../profile/LockScreenCard.tsx')));

export default function Unlock(props: { profileId: string }) {
  const { t, vault, router } = useApp();
  const [profile] = createResource(() => props.profileId, (id) => getProfile(vault.deps, id));
  // Passkeys are offered only when this profile has one and this browser can use it.
  const [passkey] = createResource(
    () => props.profileId,
    async (id) => (await (await import('../../app/vault.ts')).unlockMethods(vault.deps, id)).includes('passkey'),
  );
  const secret = createSecret();
  const task = createTask();

  /** Opens the vault; the use cases (and their ciphers) load on first use, not with the lock screen. */
  async function open(start: VaultProgress, next: 'vault' | 'new-passphrase', unlock: (app: typeof import('../../app/vault.ts'), onProgress: (progress: VaultProgress) => void) => Promise<Result<VaultSession, UnlockError>>) {
    // While the key is derived (about a second), the screens an unlock leads to are fetched.
    void import('./VaultHome.tsx');
    void import('./Documents.tsx');
    const session = await task.run(start, async (onProgress) => unlock(await import('../../app/vault.ts'), onProgress));
    if (session === null) return;
    secret.clear();
    vault.open(session);
    const wanted = vault.takeWanted(props.profileId);
    router.navigate(next === 'vault' && wanted !== null ? wanted : { name: next }, { replace: true });
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (secret.mode() === 'recovery') {
      void open({ phase: 'opening' }, 'new-passphrase', (app) => app.unlockWithRecoveryKey(vault.deps, props.profileId, secret.value()));
      return;
    }
    void open({ phase: 'deriving', fraction: 0 }, 'vault', (app, onProgress) =>
      app.unlockVault(vault.deps, props.profileId, secret.value(), (next) => {
        // User Timing marks let `npm run bench` time unlock-to-first-screen without the KDF.
        if (next.phase === 'opening' && task.progress()?.phase !== 'opening') performance.mark('carnet:unlock-derived');
        onProgress(next);
      }),
    );
  }

  const withPasskey = () => open({ phase: 'opening' }, 'vault', (app) => app.unlockWithPasskey(vault.deps, props.profileId));

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
            <Heading>{secret.mode() === 'passphrase' ? t().unlock.title(entry().label) : t().recovery.unlockTitle(entry().label)}</Heading>
            <form class="stack unlock-form" onSubmit={submit} aria-busy={task.busy()}>
              <SecretInput state={secret} describedBy="unlock-error" invalid={task.error() !== null} />
              <MaybeAlert tone="error" message={task.error()} id="unlock-error" />
              <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().unlock.deriving, deriving: t().unlock.deriving, opening: t().unlock.opening }} />
              <div class="actions">
                <button type="submit" disabled={task.busy() || secret.value() === ''}>
                  {secret.mode() === 'passphrase' ? t().unlock.submit : t().recovery.unlockSubmit}
                </button>
                <Show when={passkey() === true && secret.mode() === 'passphrase'}>
                  <button type="button" class="secondary" onClick={() => void withPasskey()} disabled={task.busy()}>
                    {t().passkeys.unlock}
                  </button>
                </Show>
                <SecretModeButton state={secret} onSwitch={() => task.setError(null)} />
                <a href="#/">{t().unlock.back}</a>
              </div>
            </form>
            <Show when={entry().emergencyCard}>
              {(text) => (
                <Suspense>
                  <LockScreenCard text={text()} />
                </Suspense>
              )}
            </Show>
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
