/**
 * Importing a readings file: it is read and checked on the device, a preview says what would be
 * added (how many readings, dates, units, rows skipped and why with their line numbers, what the
 * vault already holds), and nothing is stored until the patient confirms. Rows that could not be
 * read are only left behind with the patient's explicit agreement.
 */
import { createSignal, Match, Show, Switch } from 'solid-js';
import type { ImportPreview } from '../../app/readings.ts';
import type { VaultSession } from '../../app/session.ts';
import { parseReadingsFile } from '../../core/readings/importers/detect.ts';
import { parseMappedCsv, type ColumnMapping } from '../../core/readings/importers/mapped-csv.ts';
import type { ParsedReadings, ReadingsFileError } from '../../core/readings/parsed.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { logUnexpected } from '../task.ts';
import { ColumnMappingForm } from './ColumnMappingForm.tsx';
import { describeSkips, ReadingsPreview } from './ReadingsPreview.tsx';
import { readingsOf } from './view.ts';
import { FileButton } from '../components/FileButton.tsx';

/** Larger than any export a person has (ten years of 1-minute readings is about 400 MB of JSON). */
export const MAX_READINGS_FILE_BYTES = 200 * 1024 * 1024;

type Step =
  | { readonly name: 'idle' }
  | { readonly name: 'reading'; readonly file: string }
  | { readonly name: 'mapping'; readonly file: string; readonly text: string; readonly error: Extract<ReadingsFileError, { type: 'NeedsMapping' }> }
  | { readonly name: 'preview'; readonly file: string; readonly preview: ImportPreview }
  | { readonly name: 'done'; readonly added: number };

export function ReadingsImport(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const [step, setStep] = createSignal<Step>({ name: 'idle' });
  const [error, setError] = createSignal<string | null>(null);
  const words = () => t().readings.import;

  async function previewOf(file: string, parsed: ParsedReadings) {
    const preview = await view.store.preview(parsed);
    if (!preview.ok) {
      setStep({ name: 'idle' });
      setError(describeError(t(), preview.error));
      return;
    }
    setStep({ name: 'preview', file, preview: preview.value });
  }

  function fileError(failure: ReadingsFileError): string {
    switch (failure.type) {
      case 'UnknownFormat':
        return words().unknownFormat;
      case 'EmptyFile':
        return words().emptyFile;
      case 'NoReadings':
        return words().noReadings(describeSkips(words(), failure.skipped));
      case 'NeedsMapping':
        return words().needsMapping;
    }
  }

  async function choose(file: File) {
    setError(null);
    if (file.size === 0) return void setError(words().emptyFile);
    if (file.size > MAX_READINGS_FILE_BYTES) return void setError(words().tooLarge);
    setStep({ name: 'reading', file: file.name });
    try {
      const text = await file.text();
      const parsed = parseReadingsFile(text, { timeZone: preferences.timeZone() });
      if (parsed.ok) return await previewOf(file.name, parsed.value);
      if (parsed.error.type === 'NeedsMapping') return void setStep({ name: 'mapping', file: file.name, text, error: parsed.error });
      setStep({ name: 'idle' });
      setError(fileError(parsed.error));
    } catch (failure) {
      logUnexpected(failure);
      setStep({ name: 'idle' });
      setError(t().errors.unexpected);
    }
  }

  async function mapped(current: Extract<Step, { name: 'mapping' }>, mapping: ColumnMapping) {
    const parsed = parseMappedCsv(current.text, mapping, { timeZone: preferences.timeZone() });
    if (!parsed.ok) return void setError(fileError(parsed.error));
    setError(null);
    const signature = current.error.headers.join(current.error.separator);
    const mappings = { ...view.settings().mappings };
    delete mappings[signature];
    await view.updateSettings({ mappings: { ...mappings, [signature]: mapping } });
    await previewOf(current.file, parsed.value);
  }

  return (
    <section class="card readings-import" aria-labelledby="readings-import-title">
      <h2 id="readings-import-title">{words().title}</h2>
      <p class="hint">{words().formats}</p>
      <Show when={step().name === 'idle' || step().name === 'done'}>
        <FileButton label={words().choose} accept=".csv,.txt,.json,text/csv,application/json,text/plain" testId="readings-picker" onFile={(file) => void choose(file)} />
      </Show>
      <MaybeAlert tone="error" message={error()} />
      <Switch>
        <Match when={step().name === 'reading'}>
          <p role="status">{words().reading}</p>
        </Match>
        <Match when={step().name === 'done' && (step() as Extract<Step, { name: 'done' }>)}>
          {(done) => <Alert tone="success">{words().done(done().added)}</Alert>}
        </Match>
        <Match when={step().name === 'mapping' && (step() as Extract<Step, { name: 'mapping' }>)}>
          {(current) => (
            <ColumnMappingForm
              text={current().text}
              file={current().file}
              remembered={view.settings().mappings[current().error.headers.join(current().error.separator)]}
              headerLine={current().error.headerLine}
              onSubmit={(mapping) => void mapped(current(), mapping)}
              onCancel={() => setStep({ name: 'idle' })}
            />
          )}
        </Match>
        <Match when={step().name === 'preview' && (step() as Extract<Step, { name: 'preview' }>)}>
          {(current) => (
            <ReadingsPreview
              session={props.session}
              title={words().previewTitle(current().file)}
              preview={current().preview}
              onCancel={() => setStep({ name: 'idle' })}
              onDone={(added) => setStep({ name: 'done', added })}
            />
          )}
        </Match>
      </Switch>
    </section>
  );
}

