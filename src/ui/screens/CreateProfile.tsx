/**
 * Creating a profile: a label for the lock screen (with the plain warning that it stays
 * readable), a passphrase with its strength, and the Argon2id calibration and derivation shown
 * as progress. Weak passphrases are refused with zxcvbn's reason.
 */
import { createSignal } from 'solid-js';
import { createVault } from '../../app/vault.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { createNewPassphrase, NewPassphraseFields } from '../components/NewPassphraseFields.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { createTask, logUnexpected } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function CreateProfile() {
  const { t, vault, router } = useApp();
  const [label, setLabel] = createSignal('');
  const passphrase = createNewPassphrase();
  const task = createTask();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    // The confirmation field already says they differ, next to it.
    if (!passphrase.matches()) return;
    const created = await task.run({ phase: 'calibrating' }, (onProgress) => createVault(vault.deps, { label: label(), passphrase: passphrase.value(), onProgress }));
    if (created === null) return;
    passphrase.clear();
    vault.open(created.session);
    vault.showRecoveryKit(created.recoveryKey);
    // Created whatever happens next: the recovery kit must be shown.
    await vault.refreshProfiles().catch(logUnexpected);
    router.navigate({ name: 'recovery-kit' }, { replace: true });
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().create.title}</Heading>
      <p class="lead">{t().create.intro}</p>
      <form class="stack" onSubmit={(event) => void submit(event)} aria-busy={task.busy()}>
        <div class="field">
          <label for="profile-label">{t().create.label}</label>
          <input
            id="profile-label"
            name="label"
            autocomplete="off"
            required
            maxlength={60}
            value={label()}
            onInput={(event) => setLabel(event.currentTarget.value)}
            aria-describedby="profile-label-hint"
          />
          <p class="hint warning" id="profile-label-hint">
            {t().create.labelHint}
          </p>
        </div>
        <NewPassphraseFields state={passphrase} label={t().create.passphrase} confirmLabel={t().create.confirm} userInputs={[label()]} />
        <MaybeAlert tone="error" message={task.error()} />
        <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().create.calibrating, deriving: t().create.deriving, opening: t().create.opening }} />
        <div class="actions">
          <button type="submit" disabled={task.busy()}>
            {t().create.submit}
          </button>
          <a href="#/">{t().common.cancel}</a>
        </div>
      </form>
    </section>
  );
}
