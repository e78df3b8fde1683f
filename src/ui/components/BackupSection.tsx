/** Exporting an encrypted backup of the open vault, with progress, cancel and the last date. */
import { createResource, createSignal, Show } from 'solid-js';
import { createBlobSink } from '../../adapters/backup-sinks.ts';
import { lastBackupAt } from '../../app/activity.ts';
import { exportBackup } from '../../app/backup.ts';
import type { VaultSession } from '../../app/session.ts';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { formatBytes, formatDate } from '../format.ts';
import { ActionsOrCancel } from './ActionsOrCancel.tsx';
import { MaybeAlert } from './Alert.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/** A name a file system accepts: no path separators or control characters. */
function safeName(text: string): string {
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').trim() || 'carnet';
}

export function BackupSection(props: { session: VaultSession }) {
  const { t, vault, preferences } = useApp();
  const [last] = createResource(() => vault.revision() + 1, () => lastBackupAt(props.session));
  const [fraction, setFraction] = createSignal<number | null>(null);
  const [message, setMessage] = createSignal<{ tone: 'error' | 'success'; text: string } | null>(null);
  let controller: AbortController | null = null;

  async function run() {
    setMessage(null);
    controller = new AbortController();
    setFraction(0);
    const { sink, blob } = createBlobSink();
    const result = await exportBackup(props.session, sink, {
      signal: controller.signal,
      onProgress: (progress) => setFraction(progress.total === 0 ? 1 : progress.done / progress.total),
    }).catch(() => null);
    setFraction(null);
    controller = null;
    const file = blob();
    if (result === null) setMessage({ tone: 'error', text: t().errors.unexpected });
    else if (!result.ok) setMessage({ tone: 'error', text: describeError(t(), result.error) });
    else if (file !== null) {
      const url = URL.createObjectURL(file);
      const link = document.createElement('a');
      link.href = url;
      const day = new Date().toISOString().slice(0, 10);
      link.download = t().backup.fileName(safeName(vault.profileOf(props.session).label), day);
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      vault.changed();
      setMessage({ tone: 'success', text: t().backup.done(formatBytes(file.size, preferences.language())) });
    }
  }

  return (
    <section class="card" aria-labelledby="backup-title">
      <h2 id="backup-title">{t().backup.title}</h2>
      <p class="hint">{t().backup.intro}</p>
      <p>
        <Show when={last()} fallback={t().backup.never}>
          {(date) => t().backup.last(formatDate(date(), preferences.language(), preferences.timeZone()))}
        </Show>
      </p>
      <Show when={fraction() !== null}>
        <ProgressBar label={t().backup.exporting} fraction={fraction()} />
      </Show>
      <MaybeAlert tone={message()?.tone ?? 'success'} message={message()?.text ?? null} />
      <ActionsOrCancel running={fraction() !== null} onCancel={() => controller?.abort()}>
        <button type="button" onClick={() => void run()}>
          {t().backup.export}
        </button>
      </ActionsOrCancel>
    </section>
  );
}
