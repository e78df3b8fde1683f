/**
 * "Download my data": every document in a plain ZIP with its FHIR index. The archive is not
 * encrypted, so the patient says they understand that before the button works.
 */
import { createSignal, Show } from 'solid-js';
import { createBlobSink } from '../../adapters/backup-sinks.ts';
import { exportMyData, type ExportDataError } from '../../app/export.ts';
import type { StoredRecord } from '../../app/records.ts';
import type { VaultSession } from '../../app/session.ts';
import { safePathSegment } from '../../core/export/zip-paths.ts';
import type { DocumentData } from '../../core/records/document.ts';
import { useApp } from '../context.tsx';
import { readingsOf } from '../readings/view.ts';
import { downloadBlob } from '../download.ts';
import { formatBytes } from '../format.ts';
import { createTask } from '../task.ts';
import { ActionsOrCancel } from './ActionsOrCancel.tsx';
import { Alert, MaybeAlert } from './Alert.tsx';
import { ProgressBar } from './ProgressBar.tsx';

export function ExportSection(props: { session: VaultSession; documents: () => readonly StoredRecord<DocumentData>[] }) {
  const { t, vault, preferences } = useApp();
  /** The fraction of the document bytes written so far. */
  const task = createTask<number>();
  const [understood, setUnderstood] = createSignal(false);
  const [done, setDone] = createSignal<string | null>(null);

  async function run() {
    if (!understood()) return;
    setDone(null);
    const now = Date.now();
    const { sink, blob } = createBlobSink('application/zip');
    let failure: ExportDataError | null = null;
    const exported = await task.run(0, async (onProgress, signal) => {
      const result = await exportMyData(props.session, props.documents(), sink, {
        now,
        signal,
        readings: readingsOf(props.session).store,
        timeZone: preferences.timeZone(),
        onProgress: (progress) => onProgress(progress.total === 0 ? 1 : progress.done / progress.total),
      });
      if (!result.ok) failure = result.error;
      return result;
    });
    // The damaged document is named, so the patient knows which one to look at.
    const failed = failure as ExportDataError | null;
    if (failed?.type === 'ExportFileDamaged') task.setError(t().exportData.damaged(failed.document));
    const file = blob();
    if (exported === null || file === null) return;
    const label = safePathSegment(vault.profileOf(props.session).label, 'carnet');
    downloadBlob(file, t().exportData.fileName(label, new Date(now).toISOString().slice(0, 10)));
    setDone(t().exportData.done(exported.files, formatBytes(file.size, preferences.language())));
  }

  return (
    <section class="card" aria-labelledby="export-data-title">
      <h2 id="export-data-title">{t().exportData.title}</h2>
      <p class="hint">{t().exportData.intro}</p>
      <Alert tone="info" id="export-data-warning">
        {t().exportData.warning}
      </Alert>
      <label class="choice">
        <input
          type="checkbox"
          checked={understood()}
          disabled={task.busy()}
          aria-describedby="export-data-warning"
          onChange={(event) => setUnderstood(event.currentTarget.checked)}
        />
        {t().exportData.understand}
      </label>
      <Show when={task.busy()}>
        <ProgressBar label={t().exportData.exporting} fraction={task.progress()} />
      </Show>
      <MaybeAlert tone="error" message={task.error()} />
      <MaybeAlert tone="success" message={done()} />
      <ActionsOrCancel running={task.busy()} onCancel={task.cancel}>
        <button type="button" disabled={!understood()} onClick={() => void run()}>
          {t().exportData.download}
        </button>
      </ActionsOrCancel>
    </section>
  );
}
