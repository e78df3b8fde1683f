/** After the recovery key opened the vault: a new passphrase, before anything else. */
import { createSignal } from 'solid-js';
import type { PassphraseStrength } from '../../app/passphrase-strength.ts';
import { resetPassphrase } from '../../app/vault.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { StrengthMeter } from '../components/StrengthMeter.tsx';
import { useApp } from '../context.tsx';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function NewPassphrase() {
  const { t, vault, router } = useApp();
  const [next, setNext] = createSignal('');
  const [confirmation, setConfirmation] = createSignal('');
  const [strength, setStrength] = createSignal<PassphraseStrength | null>(null);
  const task = createTask();
  const label = () => {
    const session = vault.session();
    return session === null ? '' : vault.profileOf(session).label;
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const session = vault.session();
    if (session === null) return;
    if (next() !== confirmation()) {
      task.setError(t().create.mismatch);
      return;
    }
    const done = await task.run({ phase: 'calibrating' }, (onProgress) => resetPassphrase(session, next(), onProgress));
    if (done === null) return;
    setNext('');
    setConfirmation('');
    vault.passphraseWasReset();
    router.navigate({ name: 'vault' }, { replace: true });
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().recovery.newPassphraseTitle}</Heading>
      <p class="lead">{t().recovery.newPassphraseIntro}</p>
      <form class="stack" onSubmit={(event) => void submit(event)} aria-busy={task.busy()}>
        <p class="hint" id="new-passphrase-hint">{t().create.passphraseHint}</p>
        <PassphraseInput
          label={t().settings.newPassphrase}
          value={next()}
          onInput={setNext}
          autocomplete="new-password"
          describedBy="new-passphrase-hint reset-strength"
          invalid={strength() !== null && strength()?.acceptable !== true}
        />
        <StrengthMeter passphrase={next()} userInputs={[label()]} id="reset-strength" onResult={setStrength} />
        <PassphraseInput label={t().settings.confirmPassphrase} value={confirmation()} onInput={setConfirmation} autocomplete="new-password" />
        <MaybeAlert tone="error" message={task.error()} />
        <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().create.calibrating, deriving: t().create.deriving, opening: t().create.deriving }} />
        <div class="actions">
          <button type="submit" disabled={task.busy()}>
            {t().recovery.newPassphraseSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}
