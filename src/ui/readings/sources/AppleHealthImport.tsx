/**
 * Importing the Health app's export (export.zip or its export.xml): the file is streamed and read
 * on this device with a progress bar in bytes and a button to stop, then the shared preview says
 * what would be added; nothing is stored before the patient confirms there. A file cut short or
 * damaged midway is said so above the preview, whose confirmation then needs an explicit yes.
 */
import { createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { readAppleHealthExport, type AppleHealthImportError, type AppleHealthProgress } from '../../../app/apple-health.ts';
import type { ImportPreview } from '../../../app/readings.ts';
import type { VaultSession } from '../../../app/session.ts';
import type { AppleHealthIncomplete, MarkupProblem } from '../../../core/readings/importers/apple-health.ts';
import { Alert, MaybeAlert } from '../../components/Alert.tsx';
import { useApp } from '../../context.tsx';
import { formatBytes } from '../../format.ts';
import { describeMarkupProblem } from '../skip-words.ts';
import { describeError } from '../../errors.ts';
import { logUnexpected } from '../../task.ts';
import { describeSkips, ReadingsPreview } from '../ReadingsPreview.tsx';
import { readingsOf } from '../view.ts';
import { FileButton } from '../../components/FileButton.tsx';

type Step =
  | { readonly name: 'idle' }
  | { readonly name: 'reading'; readonly file: string }
  | { readonly name: 'preview'; readonly file: string; readonly preview: ImportPreview; readonly incomplete: AppleHealthIncomplete | null }
  | { readonly name: 'done'; readonly added: number };


export function AppleHealthImport(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().appleHealth;
  const [step, setStep] = createSignal<Step>({ name: 'idle' });
  const [progress, setProgress] = createSignal<AppleHealthProgress>({ read: 0, total: 0 });
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  let reading: AbortController | null = null;
  onCleanup(() => reading?.abort());

  /** Where the file's markup breaks, in the patient's language. */
  const damage = (problem: MarkupProblem) => describeMarkupProblem(words().markup, problem, size);

  function describe(failure: AppleHealthImportError): string {
    const errors = words().errors;
    switch (failure.type) {
      case 'NotAppleHealth':
        return errors.notAppleHealth;
      case 'EmptyFile':
        return errors.emptyFile;
      case 'NoReadings':
        // Stopped before any reading: cut short, or damaged (then said where), not "no readings in it".
        if (failure.incomplete !== null && failure.skipped.every((row) => row.reason === 'malformed'))
          return failure.incomplete.type === 'Truncated' ? errors.noReadingsTruncated : errors.noReadingsDamaged(damage(failure.incomplete.problem));
        return errors.noReadings(describeSkips(t().readings.import, failure.skipped));
      case 'ZipWithoutExport':
        return errors.zipWithoutExport;
      case 'ZipUnreadable':
        return errors.zipUnreadable;
      case 'ZipUnsupported':
        return errors.zipUnsupported;
      case 'AppleHealthFileUnreadable':
        return errors.fileUnreadable;
      case 'AppleHealthCancelled':
        return words().cancelled;
    }
  }

  async function choose(file: File) {
    setError(null);
    setNotice(null);
    setProgress({ read: 0, total: file.size });
    setStep({ name: 'reading', file: file.name });
    const controller = new AbortController();
    reading = controller;
    try {
      const result = await readAppleHealthExport(file, { signal: controller.signal, onProgress: setProgress });
      if (controller.signal.aborted) {
        setStep({ name: 'idle' });
        return void setNotice(words().cancelled);
      }
      if (!result.ok) {
        setStep({ name: 'idle' });
        return void setError(describe(result.error));
      }
      const preview = await view.store.preview(result.value.parsed);
      if (!preview.ok) {
        setStep({ name: 'idle' });
        return void setError(describeError(t(), preview.error));
      }
      setStep({ name: 'preview', file: file.name, preview: preview.value, incomplete: result.value.incomplete });
    } catch (failure) {
      logUnexpected(failure);
      setStep({ name: 'idle' });
      setError(t().errors.unexpected);
    } finally {
      if (reading === controller) reading = null;
    }
  }

  const size = (bytes: number) => formatBytes(bytes, preferences.language());

  return (
    <section class="card readings-import apple-health-import" aria-labelledby="apple-health-title">
      <h2 id="apple-health-title">{words().title}</h2>
      <p class="hint">{words().intro}</p>
      <Show when={step().name === 'idle' || step().name === 'done'}>
        <FileButton label={words().choose} accept=".zip,.xml,application/zip,application/xml,text/xml" testId="apple-health-picker" onFile={(file) => void choose(file)} />
      </Show>
      <MaybeAlert tone="error" message={error()} />
      <MaybeAlert tone="info" message={notice()} />
      <Switch>
        <Match when={step().name === 'reading' && (step() as Extract<Step, { name: 'reading' }>)}>
          {(current) => (
            <div class="progress">
              <p role="status">{words().reading(current().file)}</p>
              <progress aria-label={words().progressLabel} max={Math.max(1, progress().total)} value={progress().read} />
              <p class="hint">{words().progress(size(progress().read), size(progress().total))}</p>
              <div class="actions">
                <button type="button" class="secondary" onClick={() => reading?.abort()}>
                  {words().cancel}
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={step().name === 'done' && (step() as Extract<Step, { name: 'done' }>)}>
          {(done) => <Alert tone="success">{words().done(done().added)}</Alert>}
        </Match>
        <Match when={step().name === 'preview' && (step() as Extract<Step, { name: 'preview' }>)}>
          {(current) => (
            <>
              <Show when={current().incomplete}>
                {(incomplete) => {
                  const stop = incomplete();
                  return <Alert tone="error">{stop.type === 'Truncated' ? words().truncated : words().malformed(damage(stop.problem))}</Alert>;
                }}
              </Show>
              <Show when={current().preview.parsed.skipped.length > 0}>
                <p class="hint">{words().ordinals}</p>
              </Show>
              <ReadingsPreview
                session={props.session}
                title={words().previewTitle(current().file)}
                preview={current().preview}
                onCancel={() => setStep({ name: 'idle' })}
                onDone={(added) => setStep({ name: 'done', added })}
              />
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
