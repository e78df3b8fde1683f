/**
 * Importing a readings file: it is read and checked on the device, a preview says what would be
 * added (how many readings, dates, units, rows skipped and why with their line numbers, what the
 * vault already holds), and nothing is stored until the patient confirms. Rows that could not be
 * read are only left behind with the patient's explicit agreement.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { ImportPreview } from '../../app/readings.ts';
import type { VaultSession } from '../../app/session.ts';
import { parseReadingsFile } from '../../core/readings/importers/detect.ts';
import { parseMappedCsv, type ColumnMapping } from '../../core/readings/importers/mapped-csv.ts';
import type { ParsedReadings, ReadingsFileError, SkippedRow, SkipReason } from '../../core/readings/parsed.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { logUnexpected } from '../task.ts';
import { ColumnMappingForm } from './ColumnMappingForm.tsx';
import { readingsOf } from './view.ts';

/** Larger than any export a person has (ten years of 1-minute readings is about 400 MB of JSON). */
export const MAX_READINGS_FILE_BYTES = 200 * 1024 * 1024;
/** Reasons that mean a row was broken, not merely refused: leaving them behind needs a yes. */
const BROKEN: readonly SkipReason[] = ['malformed', 'bad-time', 'bad-value', 'unknown-unit', 'nonexistent-time'];
const LISTED_ROWS = 50;

type Step =
  | { readonly name: 'idle' }
  | { readonly name: 'reading'; readonly file: string }
  | { readonly name: 'mapping'; readonly file: string; readonly text: string; readonly error: Extract<ReadingsFileError, { type: 'NeedsMapping' }> }
  | { readonly name: 'preview'; readonly file: string; readonly preview: ImportPreview }
  | { readonly name: 'saving'; readonly file: string; readonly preview: ImportPreview }
  | { readonly name: 'done'; readonly added: number };

export function ReadingsImport(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const [step, setStep] = createSignal<Step>({ name: 'idle' });
  const [error, setError] = createSignal<string | null>(null);
  const [acceptBroken, setAcceptBroken] = createSignal(false);
  const words = () => t().readings.import;

  async function previewOf(file: string, parsed: ParsedReadings) {
    const preview = await view.store.preview(parsed);
    if (!preview.ok) {
      setStep({ name: 'idle' });
      setError(describeError(t(), preview.error));
      return;
    }
    setAcceptBroken(false);
    setStep({ name: 'preview', file, preview: preview.value });
  }

  function fileError(failure: ReadingsFileError): string {
    switch (failure.type) {
      case 'UnknownFormat':
        return words().unknownFormat;
      case 'EmptyFile':
        return words().emptyFile;
      case 'NoReadings':
        return words().noReadings(summariseSkips(failure.skipped).map(([reason, count]) => words().skipReason[reason](count)).join(' '));
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

  async function commit(current: Extract<Step, { name: 'preview' }>) {
    setStep({ name: 'saving', file: current.file, preview: current.preview });
    const landed = await view.store.commit(current.preview);
    if (!landed.ok) {
      setStep({ name: 'preview', file: current.file, preview: current.preview });
      return void setError(describeError(t(), landed.error));
    }
    view.changed();
    setStep({ name: 'done', added: current.preview.plans.reduce((sum, plan) => sum + plan.added, 0) });
  }

  const pick = (event: Event & { currentTarget: HTMLInputElement }) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (file !== undefined) void choose(file);
  };

  return (
    <section class="card readings-import" aria-labelledby="readings-import-title">
      <h2 id="readings-import-title">{words().title}</h2>
      <p class="hint">{words().formats}</p>
      <Show when={step().name === 'idle' || step().name === 'done'}>
        <label class="button file-button">
          {words().choose}
          <input type="file" accept=".csv,.txt,.json,text/csv,application/json,text/plain" class="visually-hidden" data-testid="readings-picker" onChange={pick} />
        </label>
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
        <Match when={(step().name === 'preview' || step().name === 'saving') && (step() as Extract<Step, { name: 'preview' | 'saving' }>)}>
          {(current) => {
            const parsed = () => current().preview.parsed;
            const broken = () => parsed().skipped.filter((row) => BROKEN.includes(row.reason)).length;
            const adding = () => current().preview.plans.reduce((sum, plan) => sum + plan.added, 0);
            return (
              <div class="readings-preview" aria-labelledby="readings-preview-title">
                <h3 id="readings-preview-title">{words().previewTitle(current().file)}</h3>
                <p>{words().recognised(words().formatName[parsed().format])}</p>
                <For each={current().preview.plans}>
                  {(plan) => {
                    const part = () => parsed().series.find((item) => item.series === plan.series);
                    return (
                      <section class="preview-series">
                        <h4>{t().readings.seriesName[plan.series]}</h4>
                        <ul>
                          <li>{words().inFile(part()?.readings.length ?? 0, (part()?.units ?? []).join(', '))}</li>
                          <Show when={part()?.readings.length}>
                            <li>
                              {words().range(
                                formatDateTime(part()?.readings[0]?.time ?? 0, preferences.language(), preferences.timeZone()),
                                formatDateTime(part()?.readings.at(-1)?.time ?? 0, preferences.language(), preferences.timeZone()),
                              )}
                            </li>
                          </Show>
                          <li>{words().kinds(kindCounts(part()?.readings ?? []).map(([kind, count]) => t().readings.kindCount[kind](count)).join(', '))}</li>
                          <li>
                            <strong>{words().toAdd(plan.added)}</strong>
                          </li>
                          <Show when={plan.alreadyStored > 0}>
                            <li>{words().alreadyStored(plan.alreadyStored)}</li>
                          </Show>
                          <Show when={plan.nearDuplicates > 0}>
                            <li>{words().nearDuplicates(plan.nearDuplicates)}</li>
                          </Show>
                        </ul>
                      </section>
                    );
                  }}
                </For>
                <Show when={parsed().ambiguousTimes > 0}>
                  <p class="hint">{words().ambiguous(parsed().ambiguousTimes)}</p>
                </Show>
                <Show when={Object.keys(parsed().ignored).length > 0}>
                  <p>{words().ignored(Object.entries(parsed().ignored).map(([what, count]) => `${what} (${count})`).join(', '))}</p>
                </Show>
                <Show when={parsed().skipped.length > 0}>
                  <SkippedRows rows={parsed().skipped} />
                </Show>
                <Show when={broken() > 0}>
                  <div class="field checkbox">
                    <input id="accept-broken" type="checkbox" checked={acceptBroken()} onChange={(event) => setAcceptBroken(event.currentTarget.checked)} />
                    <label for="accept-broken">{words().acceptBroken(broken(), adding())}</label>
                  </div>
                </Show>
                <div class="actions">
                  <button
                    type="button"
                    disabled={step().name === 'saving' || adding() === 0 || (broken() > 0 && !acceptBroken())}
                    onClick={() => {
                      const now = step();
                      if (now.name === 'preview') void commit(now);
                    }}
                  >
                    {step().name === 'saving' ? words().saving : words().confirm(adding())}
                  </button>
                  <button type="button" class="secondary" disabled={step().name === 'saving'} onClick={() => setStep({ name: 'idle' })}>
                    {t().common.cancel}
                  </button>
                </div>
                <Show when={adding() === 0}>
                  <p role="status">{words().nothingNew}</p>
                </Show>
              </div>
            );
          }}
        </Match>
      </Switch>
    </section>
  );
}

function summariseSkips(rows: readonly SkippedRow[]): [SkipReason, number][] {
  const counts = new Map<SkipReason, number>();
  for (const row of rows) counts.set(row.reason, (counts.get(row.reason) ?? 0) + 1);
  return Array.from(counts);
}

function kindCounts(readings: readonly { kind: 'continuous' | 'scan' | 'blood' | 'manual' }[]) {
  const counts = new Map<'continuous' | 'scan' | 'blood' | 'manual', number>();
  for (const reading of readings) counts.set(reading.kind, (counts.get(reading.kind) ?? 0) + 1);
  return Array.from(counts);
}

function SkippedRows(props: { rows: readonly SkippedRow[] }) {
  const { t } = useApp();
  const words = () => t().readings.import;
  return (
    <details class="skipped-rows">
      <summary>{words().skippedSummary(props.rows.length, summariseSkips(props.rows).map(([reason, count]) => words().skipReason[reason](count)).join(' '))}</summary>
      <table>
        <caption class="visually-hidden">{words().skippedCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{words().line}</th>
            <th scope="col">{words().reason}</th>
            <th scope="col">{words().content}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows.slice(0, LISTED_ROWS)}>
            {(row) => (
              <tr>
                <td>{row.line}</td>
                <td>{words().skipReason[row.reason](1)}</td>
                <td>
                  <code>{row.detail}</code>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={props.rows.length > LISTED_ROWS}>
        <p class="hint">{words().moreRows(props.rows.length - LISTED_ROWS)}</p>
      </Show>
    </details>
  );
}
