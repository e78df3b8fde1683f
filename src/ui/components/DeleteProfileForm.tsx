/**
 * Deleting a profile after typing its name. Offered in Settings for an open vault, and on the
 * unlock screen for a vault whose passphrase is lost: clearing the site's data would do the same,
 * so asking for the passphrase here would protect nothing and only trap the patient.
 */
import { createSignal } from 'solid-js';
import { deleteProfile } from '../../app/profiles.ts';
import type { ProfileEntry } from '../../core/ports.ts';
import { MaybeAlert } from './Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';

export function DeleteProfileForm(props: { profile: ProfileEntry; headingLevel: 'h2' | 'h3' }) {
  const { t, vault, router } = useApp();
  const [typed, setTyped] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const matches = () => typed().trim() === props.profile.label;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!matches()) {
      setError(t().errors.ConfirmationMismatch);
      return;
    }
    if (vault.session()?.profile.id === props.profile.id) vault.lock();
    const result = await deleteProfile(vault.deps, props.profile.id, typed());
    if (!result.ok) setError(describeError(t(), result.error));
    else {
      await vault.refreshProfiles();
      router.navigate({ name: 'welcome' }, { replace: true });
    }
  }

  const Heading = (headingProps: { children: string }) =>
    props.headingLevel === 'h2' ? <h2 id="delete-title">{headingProps.children}</h2> : <h3 id="delete-title">{headingProps.children}</h3>;

  return (
    <form class="stack danger-zone" onSubmit={(event) => void submit(event)} aria-labelledby="delete-title">
      <Heading>{t().settings.deleteTitle}</Heading>
      <p>{t().settings.deleteIntro}</p>
      <div class="field">
        <label for="delete-confirm">{t().settings.deleteConfirm(props.profile.label)}</label>
        <input id="delete-confirm" autocomplete="off" value={typed()} onInput={(event) => setTyped(event.currentTarget.value)} />
      </div>
      <MaybeAlert tone="error" message={error()} />
      <div class="actions">
        <button type="submit" class="danger" disabled={!matches()}>
          {t().settings.deleteSubmit}
        </button>
      </div>
    </form>
  );
}
