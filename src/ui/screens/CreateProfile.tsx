/**
 * Creating a profile: a label for the lock screen (with the plain warning that it stays
 * readable), a passphrase with its strength, and the Argon2id calibration and derivation shown
 * as progress. Weak passphrases are refused with zxcvbn's reason.
 */
import { createSignal } from 'solid-js';
import type { PassphraseStrength } from '../../app/passphrase-strength.ts';
import { createVault } from '../../app/vault.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { StrengthMeter } from '../components/StrengthMeter.tsx';
import { useApp } from '../context.tsx';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function CreateProfile() {
  const { t, vault, router } = useApp();
  const [label, setLabel] = createSignal('');
  const [passphrase, setPassphrase] = createSignal('');
  const [confirmation, setConfirmation] = createSignal('');
  const [strength, setStrength] = createSignal<PassphraseStrength | null>(null);
  const task = createTask();

  const mismatch = () => confirmation() !== '' && confirmation() !== passphrase();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (passphrase() !== confirmation()) {
      task.setError(t().create.mismatch);
      return;
    }
    const created = await task.run({ phase: 'calibrating' }, (onProgress) => createVault(vault.deps, { label: label(), passphrase: passphrase(), onProgress }));
    if (created === null) return;
    setPassphrase('');
    setConfirmation('');
    vault.open(created.session);
    vault.showRecoveryKit(created.recoveryKey);
    await vault.refreshProfiles();
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
        <p class="hint" id="passphrase-hint">
          {t().create.passphraseHint}
        </p>
        <PassphraseInput
          label={t().create.passphrase}
          value={passphrase()}
          onInput={setPassphrase}
          autocomplete="new-password"
          describedBy="passphrase-hint passphrase-strength"
          invalid={strength() !== null && strength()?.acceptable !== true}
        />
        <StrengthMeter passphrase={passphrase()} userInputs={[label()]} id="passphrase-strength" onResult={setStrength} />
        <PassphraseInput
          label={t().create.confirm}
          value={confirmation()}
          onInput={setConfirmation}
          autocomplete="new-password"
          describedBy="confirm-mismatch"
          invalid={mismatch()}
        />
        <MaybeAlert tone="error" message={mismatch() ? t().create.mismatch : null} id="confirm-mismatch" />
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
