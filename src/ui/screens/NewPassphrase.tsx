/** After the recovery key opened the vault: a new passphrase, before anything else. */
import type { VaultSession } from '../../app/session.ts';
import { resetPassphrase } from '../../app/vault.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { createNewPassphrase, NewPassphraseFields } from '../components/NewPassphraseFields.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function NewPassphrase(props: { session: VaultSession }) {
  const { t, vault, router } = useApp();
  const next = createNewPassphrase();
  const task = createTask();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    // The confirmation field already says they differ, next to it.
    if (!next.matches()) return;
    const done = await task.run({ phase: 'calibrating' }, (onProgress) => resetPassphrase(props.session, next.value(), onProgress));
    if (done === null) return;
    next.clear();
    vault.passphraseWasReset();
    router.navigate({ name: 'vault' }, { replace: true });
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().recovery.newPassphraseTitle}</Heading>
      <p class="lead">{t().recovery.newPassphraseIntro}</p>
      <form class="stack" onSubmit={(event) => void submit(event)} aria-busy={task.busy()}>
        <NewPassphraseFields state={next} label={t().settings.newPassphrase} confirmLabel={t().settings.confirmPassphrase} userInputs={[vault.profileOf(props.session).label]} />
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
