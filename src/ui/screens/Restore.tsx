/**
 * Restoring a backup file as a new profile: the file is inspected, the secret asked, then
 * everything is verified before anything is written, with progress and cancel.
 */
import { createSignal, Show } from 'solid-js';
import { inspectBackup, restoreBackup } from '../../app/backup.ts';
import type { ProfileEntry } from '../../core/ports.ts';
import { ActionsOrCancel } from '../components/ActionsOrCancel.tsx';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { Heading } from './Heading.tsx';

export default function Restore() {
  const { t, vault } = useApp();
  const [file, setFile] = createSignal<File | null>(null);
  const [mode, setMode] = createSignal<'passphrase' | 'recovery'>('passphrase');
  const [secret, setSecret] = createSignal('');
  const [fraction, setFraction] = createSignal<number | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [restored, setRestored] = createSignal<ProfileEntry | null>(null);
  let controller: AbortController | null = null;

  async function choose(chosen: File | undefined) {
    setError(null);
    setFile(chosen ?? null);
    if (chosen === undefined) return;
    const inspected = await inspectBackup(vault.deps, chosen);
    if (!inspected.ok) setError(describeError(t(), inspected.error));
    else if (inspected.value.present !== null) setError(t().errors.VaultAlreadyPresent(inspected.value.present.label));
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const chosen = file();
    if (chosen === null || fraction() !== null) return;
    setError(null);
    controller = new AbortController();
    setFraction(0);
    const result = await restoreBackup(vault.deps, chosen, mode() === 'passphrase' ? { passphrase: secret() } : { recoveryKey: secret() }, {
      signal: controller.signal,
      onProgress: (progress) => setFraction(progress.done / progress.total),
    }).catch(() => null);
    setFraction(null);
    controller = null;
    if (result === null) setError(t().errors.unexpected);
    else if (!result.ok) setError(describeError(t(), result.error));
    else {
      setSecret('');
      setRestored(result.value);
      await vault.refreshProfiles();
    }
  }

  return (
    <section aria-labelledby="page-title">
      <Heading>{t().backup.restoreTitle}</Heading>
      <Show
        when={restored()}
        fallback={
          <>
            <p class="lead">{t().backup.restoreIntro}</p>
            <form class="stack restore-form" onSubmit={(event) => void submit(event)} aria-busy={fraction() !== null}>
              <div class="field">
                <label for="backup-file">{t().backup.file}</label>
                <input id="backup-file" type="file" accept=".carnet,application/octet-stream" onChange={(event) => void choose(event.currentTarget.files?.[0])} />
              </div>
              <Show
                when={mode() === 'recovery'}
                fallback={<PassphraseInput label={t().unlock.passphrase} value={secret()} onInput={setSecret} autocomplete="current-password" />}
              >
                <div class="field">
                  <label for="restore-recovery-key">{t().recovery.keyLabel}</label>
                  <input id="restore-recovery-key" class="recovery-input" autocomplete="off" spellcheck={false} value={secret()} onInput={(event) => setSecret(event.currentTarget.value)} />
                </div>
              </Show>
              <Show when={fraction() !== null}>
                <ProgressBar label={t().backup.restoring} fraction={fraction()} />
              </Show>
              <MaybeAlert tone="error" message={error()} />
              <ActionsOrCancel running={fraction() !== null} onCancel={() => controller?.abort()}>
                <button type="submit" disabled={file() === null || secret() === ''}>
                  {t().backup.restore}
                </button>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    setSecret('');
                    setMode(mode() === 'passphrase' ? 'recovery' : 'passphrase');
                  }}
                >
                  {mode() === 'passphrase' ? t().recovery.useKey : t().recovery.usePassphrase}
                </button>
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
