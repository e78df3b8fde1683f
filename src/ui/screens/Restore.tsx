/**
 * Restoring a backup file as a new profile: the file is inspected, the secret asked, then
 * everything is verified before anything is written, with progress and cancel.
 */
import { createSignal, Show } from 'solid-js';
import { inspectBackup, restoreBackup } from '../../app/backup.ts';
import type { ProfileEntry } from '../../core/ports.ts';
import { err } from '../../core/result.ts';
import { ActionsOrCancel } from '../components/ActionsOrCancel.tsx';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { createSecret, SecretInput, SecretModeButton } from '../components/SecretInput.tsx';
import { useApp } from '../context.tsx';
import { createTask, logUnexpected } from '../task.ts';
import { Heading } from './Heading.tsx';

export default function Restore() {
  const { t, vault } = useApp();
  const [file, setFile] = createSignal<File | null>(null);
  const secret = createSecret();
  const [restored, setRestored] = createSignal<ProfileEntry | null>(null);
  /** Inspecting the chosen file (no progress) and restoring it (the fraction verified, then written). */
  const task = createTask<number>();
  const restoring = () => task.progress() !== null;

  async function choose(chosen: File | undefined) {
    task.setError(null);
    setFile(chosen ?? null);
    if (chosen === undefined) return;
    await task.run(null, async () => {
      const inspected = await inspectBackup(vault.deps, chosen);
      // Said now rather than after the passphrase and a full verification.
      if (inspected.ok && inspected.value.present !== null) return err({ type: 'VaultAlreadyPresent' as const, label: inspected.value.present.label });
      return inspected;
    });
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const chosen = file();
    if (chosen === null) return;
    const typed = secret.value();
    const profile = await task.run(0, (onProgress, signal) =>
      restoreBackup(vault.deps, chosen, secret.mode() === 'passphrase' ? { passphrase: typed } : { recoveryKey: typed }, {
        signal,
        onProgress: (progress) => onProgress(progress.done / progress.total),
      }),
    );
    if (profile === null) return;
    secret.clear();
    setRestored(profile);
    // Restored whatever happens next; the list, if unreadable now, says so when shown.
    await vault.refreshProfiles().catch(logUnexpected);
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().backup.restoreTitle}</Heading>
      <Show
        when={restored()}
        fallback={
          <>
            <p class="lead">{t().backup.restoreIntro}</p>
            <form class="stack restore-form" onSubmit={(event) => void submit(event)} aria-busy={task.busy()}>
              <div class="field">
                <label for="backup-file">{t().backup.file}</label>
                <input id="backup-file" type="file" accept=".carnet,application/octet-stream" onChange={(event) => void choose(event.currentTarget.files?.[0])} />
              </div>
              <SecretInput state={secret} describedBy="restore-error" />
              <Show when={restoring()}>
                <ProgressBar label={t().backup.restoring} fraction={task.progress()} />
              </Show>
              <MaybeAlert tone="error" message={task.error()} id="restore-error" />
              <ActionsOrCancel running={restoring()} onCancel={task.cancel}>
                <button type="submit" disabled={file() === null || secret.value() === '' || task.busy()}>
                  {t().backup.restore}
                </button>
                <SecretModeButton state={secret} />
                <a href="#/">{t().common.cancel}</a>
              </ActionsOrCancel>
            </form>
          </>
        }
      >
        {(profile) => (
          <>
            <Alert tone="success">{t().backup.restored(profile().label)}</Alert>
            <p>
              <a class="button" href={`#/unlock/${encodeURIComponent(profile().id)}`}>
                {t().backup.openRestored}
              </a>
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
