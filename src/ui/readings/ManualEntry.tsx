/**
 * A reading typed by the patient: a meter's value, a weighing on a scale that does not connect.
 * The time is the patient's local time (now by default); impossible values and times that do not
 * exist on the clock (the spring-forward hour) are refused with a reason.
 */
import { createSignal, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { zonedToUtc } from '../../core/readings/importers/zoned-time.ts';
import { isPlausible, SERIES, type Reading, type SeriesId, type UnitLabel } from '../../core/readings/series.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { readingsOf } from './view.ts';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Now, as a `datetime-local` value in `timeZone`. */
function localNow(timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(Date.now())
      .map((part) => [part.type, part.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

export function ManualEntry(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().readings.manual;
  const [series, setSeries] = createSignal<SeriesId>('glucose');
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const unitFor = (id: SeriesId): UnitLabel => (id === 'glucose' ? view.settings().glucoseUnit : view.settings().weightUnit);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(null);
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = String(form.get('value') ?? '').trim().replace(',', '.');
    const unit = String(form.get('unit') ?? '') as UnitLabel;
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) return void setError(words().badValue);
    const when = LOCAL.exec(String(form.get('time') ?? ''));
    if (when === null) return void setError(words().badTime);
    const [year, month, day, hour, minute] = when.slice(1).map(Number) as [number, number, number, number, number];
    const instant = zonedToUtc({ year, month, day, hour, minute, second: 0 }, preferences.timeZone());
    if (instant.status === 'nonexistent') return void setError(words().nonexistentTime);
    const reading: Reading = {
      // Of a repeated autumn hour, the first pass (summer time): the one a clock shows first.
      time: instant.status === 'ok' ? instant.time : instant.earlier,
      value,
      unit,
      kind: series() === 'glucose' ? 'blood' : 'manual',
      bound: null,
      source: { importer: 'manual', device: null, serial: null },
    };
    if (!isPlausible(series(), reading)) return void setError(words().implausible);
    setBusy(true);
    const added = await view.store.add(series(), reading);
    setBusy(false);
    if (!added.ok) return void setError(describeError(t(), added.error));
    view.changed();
    (event.currentTarget as HTMLFormElement | null)?.reset();
    setSaved(words().saved);
  };

  return (
    <section class="card manual-entry" aria-labelledby="manual-title">
      <h2 id="manual-title">{words().title}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="manual-series">{words().what}</label>
          <select id="manual-series" name="series" value={series()} onChange={(event) => setSeries(event.currentTarget.value as SeriesId)}>
            <option value="glucose">{t().readings.seriesName.glucose}</option>
            <option value="weight">{t().readings.seriesName.weight}</option>
          </select>
        </div>
        <div class="field-row">
          <div class="field">
            <label for="manual-value">{words().value}</label>
            <input id="manual-value" name="value" inputmode="decimal" autocomplete="off" required />
          </div>
          <div class="field">
            <label for="manual-unit">{words().unit}</label>
            <Show when={series()} keyed>
              {(id) => (
                <select id="manual-unit" name="unit" value={unitFor(id)}>
                  {SERIES[id].units.map((unit) => (
                    <option value={unit.label}>{unit.label}</option>
                  ))}
                </select>
              )}
            </Show>
          </div>
        </div>
        <div class="field">
          <label for="manual-time">{words().time}</label>
          <input id="manual-time" name="time" type="datetime-local" value={localNow(preferences.timeZone())} required />
        </div>
        <button type="submit" disabled={busy()}>
          {words().add}
        </button>
      </form>
      <MaybeAlert tone="error" message={error()} />
      <Show when={saved()}>{(message) => <Alert tone="success">{message()}</Alert>}</Show>
    </section>
  );
}
