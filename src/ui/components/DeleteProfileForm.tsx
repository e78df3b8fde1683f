/**
 * Deleting a profile after typing its name. Offered in Settings for an open vault, and on the
 * unlock screen for a vault whose passphrase is lost: clearing the site's data would do the same,
 * so asking for the passphrase here would protect nothing and only trap the patient.
 */
import { createSignal, Show } from 'solid-js';
import { deleteProfile } from '../../app/profiles.ts';
import type { ProfileEntry } from '../../core/ports.ts';
import { MaybeAlert } from './Alert.tsx';
import { useApp } from '../context.tsx';
import { createTask, logUnexpected } from '../task.ts';

export function DeleteProfileForm(props: { profile: ProfileEntry; headingLevel: 'h2' | 'h3' }) {
  const { t, vault, router } = useApp();
  const [typed, setTyped] = createSignal('');
  const task = createTask();
  // The button waits for the exact name; deleteProfile checks it again.
  const matches = () => typed().trim() === props.profile.label;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (vault.session()?.profile.id === props.profile.id) vault.lock();
    const deleted = await task.run(null, () => deleteProfile(vault.deps, props.profile.id, typed()));
    if (deleted === null) return;
    // The profile is gone whatever happens next; the list, if unreadable now, says so when shown.
    await vault.refreshProfiles().catch(logUnexpected);
    router.navigate({ name: 'welcome' }, { replace: true });
  }

  return (
    <form class="stack danger-zone" onSubmit={(event) => void submit(event)} aria-labelledby="delete-title">
      <Show when={props.headingLevel === 'h2'} fallback={<h3 id="delete-title">{t().settings.deleteTitle}</h3>}>
        <h2 id="delete-title">{t().settings.deleteTitle}</h2>
      </Show>
      <p>{t().settings.deleteIntro}</p>
      <div class="field">
        <label for="delete-confirm">{t().settings.deleteConfirm(props.profile.label)}</label>
        <input id="delete-confirm" autocomplete="off" value={typed()} onInput={(event) => setTyped(event.currentTarget.value)} />
      </div>
      <MaybeAlert tone="error" message={task.error()} />
      <div class="actions">
        <button type="submit" class="danger" disabled={!matches() || task.busy()}>
          {t().settings.deleteSubmit}
        </button>
      </div>
    </form>
  );
}
