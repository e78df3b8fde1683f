/**
 * The preview of readings about to be stored, whatever brought them (a file, a device, a site):
 * per series what is new, what the vault already holds and what a second uploader sent twice,
 * every row left out and why, and the commit, which leaves broken rows behind only with the
 * patient's explicit agreement.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js';
import type { ImportPreview } from '../../app/readings.ts';
import type { VaultSession } from '../../app/session.ts';
import { BROKEN_REASONS, type SkippedRow, type SkipReason } from '../../core/readings/parsed.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import type { Dictionary } from '../i18n/i18n.ts';
import { describeError } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { describeDeviceNote, nameIgnored } from './skip-words.ts';
import { readingsOf } from './view.ts';

const LISTED_ROWS = 50;

export function ReadingsPreview(props: {
  session: VaultSession;
  title: string;
  preview: ImportPreview;
  /** Where the readings come from: a file the patient chose, or a device or site (other words). */
  from?: 'file' | 'live';
  onCancel: () => void;
  onDone: (added: number) => void;
}) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().readings.import;
  const [acceptBroken, setAcceptBroken] = createSignal(false);
  // Two previews may be open at once (a file and a device): ids of their own.
  const id = `readings-preview-${createUniqueId()}`;
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function commit() {
    setSaving(true);
    setError(null);
    const landed = await view.store.commit(props.preview);
    setSaving(false);
    if (!landed.ok) return void setError(describeError(t(), landed.error));
    view.changed();
    props.onDone(props.preview.plans.reduce((sum, plan) => sum + plan.added, 0));
  }

  const parsed = () => props.preview.parsed;
  const broken = () => parsed().skipped.filter((row) => BROKEN_REASONS.includes(row.reason)).length;
  const adding = () => props.preview.plans.reduce((sum, plan) => sum + plan.added, 0);
  return (
    <div class="readings-preview" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      <p>{props.from === 'live' ? words().source(words().formatName[parsed().format]) : words().recognised(words().formatName[parsed().format])}</p>
      <For each={props.preview.plans}>
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
        <p>{words().ignored(Object.entries(parsed().ignored).map(([what, count]) => `${nameIgnored(words(), what)} (${count})`).join(', '))}</p>
      </Show>
      <Show when={parsed().skipped.length > 0}>
        <SkippedRows rows={parsed().skipped} />
      </Show>
      <Show when={broken() > 0}>
        <div class="field checkbox">
          <input id={`${id}-accept`} type="checkbox" checked={acceptBroken()} onChange={(event) => setAcceptBroken(event.currentTarget.checked)} />
          <label for={`${id}-accept`}>{words().acceptBroken(broken(), adding())}</label>
        </div>
      </Show>
      <div class="actions">
        <button
          type="button"
          disabled={saving() || adding() === 0 || (broken() > 0 && !acceptBroken())}
          onClick={() => void commit()}
        >
          {saving() ? words().saving : words().confirm(adding())}
        </button>
        <button type="button" class="secondary" disabled={saving()} onClick={() => props.onCancel()}>
          {t().common.cancel}
        </button>
      </div>
      <MaybeAlert tone="error" message={error()} />
      <Show when={adding() === 0}>
        <p role="status">{props.from === 'live' ? words().nothingNewLive : words().nothingNew}</p>
      </Show>
    </div>
  );
}

export function summariseSkips(rows: readonly SkippedRow[]): [SkipReason, number][] {
  const counts = new Map<SkipReason, number>();
  for (const row of rows) counts.set(row.reason, (counts.get(row.reason) ?? 0) + 1);
  return Array.from(counts);
}

/** Skipped rows said in one line, a count per reason ('' when none): every import's summary. */
export function describeSkips(words: Dictionary['readings']['import'], rows: readonly SkippedRow[]): string {
  return summariseSkips(rows)
    .map(([reason, count]) => words.skipReason[reason](count))
    .join(' ');
}

function kindCounts(readings: readonly { kind: 'continuous' | 'scan' | 'blood' | 'manual' }[]) {
  const counts = new Map<'continuous' | 'scan' | 'blood' | 'manual', number>();
  for (const reading of readings) counts.set(reading.kind, (counts.get(reading.kind) ?? 0) + 1);
  return Array.from(counts);
}

function SkippedRows(props: { rows: readonly SkippedRow[] }) {
  const { t, preferences } = useApp();
  const words = () => t().readings.import;
  /** What the line kept instead holds, with the patient's decimal sign. */
  const heldBy = (holds: { value: number; unit: string } | undefined) =>
    holds === undefined ? undefined : `${new Intl.NumberFormat(preferences.language(), { maximumFractionDigits: 6 }).format(holds.value)} ${holds.unit}`;
  return (
    <details class="skipped-rows">
      <summary>{words().skippedSummary(props.rows.length, describeSkips(words(), props.rows))}</summary>
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
                  <Show when={row.kept}>{(kept) => <> {words().keptInstead(kept().line, heldBy(kept().holds))}</>}</Show>
                  {/* Only a Bluetooth transfer gives device notes, and its screen has loaded these words. */}
                  <Show when={row.device}>{(device) => <> {describeDeviceNote(t().bluetooth.skipped, device())}</>}</Show>
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
