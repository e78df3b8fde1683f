/** After the recovery key opened the vault: a new passphrase, before anything else. */
import { createSignal } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import type { PassphraseStrength } from '../../app/passphrase-strength.ts';
import { resetPassphrase } from '../../app/vault.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { StrengthMeter } from '../components/StrengthMeter.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { Heading } from './Heading.tsx';

export default function NewPassphrase() {
  const { t, vault, router } = useApp();
  const [next, setNext] = createSignal('');
  const [confirmation, setConfirmation] = createSignal('');
  const [strength, setStrength] = createSignal<PassphraseStrength | null>(null);
  const [progress, setProgress] = createSignal<VaultProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const label = () => {
    const session = vault.session();
    return session === null ? '' : vault.profileOf(session).label;
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const session = vault.session();
    if (session === null || progress() !== null) return;
    setError(null);
    if (next() !== confirmation()) {
      setError(t().create.mismatch);
      return;
    }
    setProgress({ phase: 'calibrating' });
    const result = await resetPassphrase(session, next(), setProgress).catch(() => null);
    setProgress(null);
    if (result === null) setError(t().errors.unexpected);
    else if (!result.ok) setError(describeError(t(), result.error));
    else {
      setNext('');
      setConfirmation('');
      vault.passphraseWasReset();
      router.navigate({ name: 'vault' }, { replace: true });
    }
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().recovery.newPassphraseTitle}</Heading>
      <p class="lead">{t().recovery.newPassphraseIntro}</p>
      <form class="stack" onSubmit={(event) => void submit(event)} aria-busy={progress() !== null}>
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
        <MaybeAlert tone="error" message={error()} />
        <VaultProgressBar progress={progress()} labels={{ calibrating: t().create.calibrating, deriving: t().create.deriving, opening: t().create.deriving }} />
        <div class="actions">
          <button type="submit" disabled={progress() !== null}>
            {t().recovery.newPassphraseSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}
