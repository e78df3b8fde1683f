/** Exporting an encrypted backup of the open vault, with progress, cancel and the last date. */
import { createResource, createSignal, Show } from 'solid-js';
import { createBlobSink } from '../../adapters/backup-sinks.ts';
import { lastBackupAt } from '../../app/activity.ts';
import { exportBackup } from '../../app/backup.ts';
import type { VaultSession } from '../../app/session.ts';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { formatBytes, formatDate } from '../format.ts';
import { createTask } from '../task.ts';
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
  /** The fraction of the vault written so far. */
  const task = createTask<number>();
  const [done, setDone] = createSignal<string | null>(null);

  async function run() {
    setDone(null);
    const { sink, blob } = createBlobSink();
    const exported = await task.run(0, (onProgress, signal) =>
      exportBackup(props.session, sink, {
        signal,
        onProgress: (progress) => onProgress(progress.total === 0 ? 1 : progress.done / progress.total),
      }),
    );
    const file = blob();
    if (exported === null || file === null) return;
    const day = new Date().toISOString().slice(0, 10);
    downloadBlob(file, t().backup.fileName(safeName(vault.profileOf(props.session).label), day));
    vault.changed();
    setDone(t().backup.done(formatBytes(file.size, preferences.language())));
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
      <Show when={task.busy()}>
        <ProgressBar label={t().backup.exporting} fraction={task.progress()} />
      </Show>
      <MaybeAlert tone="error" message={task.error()} />
      <MaybeAlert tone="success" message={done()} />
      <ActionsOrCancel running={task.busy()} onCancel={task.cancel}>
        <button type="button" onClick={() => void run()}>
          {t().backup.export}
        </button>
      </ActionsOrCancel>
    </section>
  );
}
