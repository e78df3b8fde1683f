/**
 * Weight over a period: every weighing, the 7-day moving average, the change over the period, and
 * the BMI of the latest weighing when the height is known. A text summary and a data table stand
 * beside the chart.
 */
import { createEffect, createMemo, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { defaultPeriod, type Period } from '../../core/readings/report.ts';
import { KG_PER_LB } from '../../core/readings/series.ts';
import { weightTrend } from '../../core/readings/weight.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { formatDate } from '../format.ts';
import { createSchemeWatch, drawWeight } from './charts.ts';
import { readingsOf } from './view.ts';
import { latestHeight } from '../../app/health-profile.ts';
import { HEIGHT_CM } from '../../core/profile/entry.ts';
import { describeError } from '../errors.ts';
import { profileOf } from '../profile/view.ts';

type Choice = 30 | 90 | 365;
/** Readings before the period that still feed the first days' moving average. */
const LEAD_IN = 7 * 86_400_000;

export function WeightReportView(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().readings.weight;
  const [choice, setChoice] = createSignal<Choice>(90);
  const [heightError, setHeightError] = createSignal<string | null>(null);
  const unit = () => view.settings().weightUnit;
  const shown = (kg: number) => (unit() === 'kg' ? kg : kg / KG_PER_LB);
  const number = (value: number, digits = 1) => new Intl.NumberFormat(preferences.language(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  const weight = (kg: number) => `${number(shown(kg))} ${unit()}`;

  const [latest] = createResource(view.version, () => view.store.latest('weight'));
  // The height is a measurement of the health profile; a height kept in the readings settings
  // before the profile existed still counts until one is recorded there.
  const profile = profileOf(props.session);
  const [profileHeight] = createResource(profile.version, async () => latestHeight(await profile.store.load()));
  const height = () => profileHeight() ?? view.settings().heightCm;
  const period = createMemo<Period | null>(() => {
    const last = latest();
    if (last === undefined || last === null) return null;
    const days = choice();
    // defaultPeriod knows 14, 30 and 90 days; a year is four 90-day spans back from the same end.
    const base = defaultPeriod(last, days === 365 ? 90 : days, preferences.timeZone());
    return days === 365 ? { start: base.end - 365 * 86_400_000, end: base.end } : base;
  });
  const [trend] = createResource(
    () => {
      const current = period();
      return current === null ? null : { ...current, version: view.version(), zone: preferences.timeZone(), height: profileHeight.loading ? null : height() };
    },
    async (wanted) => {
      const { readings } = await view.store.load('weight', wanted.start - LEAD_IN, wanted.end);
      return weightTrend(readings, { start: wanted.start, end: wanted.end }, wanted.zone, wanted.height === null ? null : wanted.height / 100);
    },
  );

  const [host, setHost] = createSignal<HTMLDivElement>();
  const scheme = createSchemeWatch();
  createEffect(() => {
    const current = trend();
    const element = host();
    // Drawn again in the colours of a new theme.
    scheme();
    preferences.theme();
    if (current === undefined || current.points.length === 0 || element === undefined) return;
    const chart = drawWeight(
      element,
      current.points.map((point) => ({ time: point.time, value: shown(point.kg) })),
      current.days.map((day) => ({ time: day.start + 12 * 3_600_000, value: shown(day.averageKg) })),
      preferences.timeZone(),
      { weighings: words().weighings, average: words().average },
    );
    onCleanup(() => chart.destroy());
  });

  /** Records the height in the profile's measurements, dated today. */
  const saveHeight = async (event: SubmitEvent) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget as HTMLFormElement).get('height') ?? '').trim().replace(',', '.');
    const cm = Number(text);
    if (text === '' || !Number.isFinite(cm) || cm < HEIGHT_CM.min || cm > HEIGHT_CM.max) return void setHeightError(words().heightInvalid);
    setHeightError(null);
    // The same height again is not a new measurement.
    if (cm === profileHeight()) return;
    const saved = await profile.store.save({ section: 'measurement', type: 'height', label: '', value: cm, unit: 'cm', date: profile.store.today(), note: '', documents: [] });
    if (!saved.ok) return void setHeightError(describeError(t(), saved.error));
    profile.changed();
  };

  const summary = () => {
    const current = trend();
    if (current === undefined || current.points.length === 0) return '';
    const first = current.points[0];
    const last = current.points.at(-1);
    if (first === undefined || last === undefined) return '';
    return words().summary(
      current.points.length,
      weight(first.kg),
      weight(last.kg),
      current.changeKg === null ? '—' : `${current.changeKg > 0 ? '+' : ''}${weight(current.changeKg)}`,
      current.min === null ? '—' : weight(current.min.kg),
      current.max === null ? '—' : weight(current.max.kg),
    );
  };

  return (
    <div class="weight-report">
      <Show when={latest() === null}>
        <p>{words().empty}</p>
      </Show>
      <form class="height-form no-print" onSubmit={(event) => void saveHeight(event)}>
        <div class="field">
          <label for="height">{words().height}</label>
          <input id="height" name="height" inputmode="decimal" autocomplete="off" value={height() ?? ''} aria-describedby="height-hint" />
          <span id="height-hint" class="hint">{words().heightHint}</span>
        </div>
        <button type="submit" class="secondary">{t().documents.save}</button>
        <MaybeAlert tone="error" message={heightError()} />
      </form>
      <Show when={period() !== null}>
        <fieldset class="period-picker no-print">
          <legend>{words().period}</legend>
          <For each={[30, 90, 365] as Choice[]}>
            {(option) => (
              <label class="radio">
                <input type="radio" name="weight-period" checked={choice() === option} onChange={() => setChoice(option)} />
                {t().readings.report.lastDays(option)}
              </label>
            )}
          </For>
          <div class="field unit-choice">
            <label for="weight-unit">{words().unit}</label>
            <select id="weight-unit" value={unit()} onChange={(event) => void view.updateSettings({ weightUnit: event.currentTarget.value as 'kg' | 'lb' })}>
              <option value="kg">kg</option>
              <option value="lb">lb</option>
            </select>
          </div>
        </fieldset>
      </Show>
      <Show when={trend()}>
        {(current) => (
          <Show when={current().points.length > 0} fallback={<p>{words().noneInPeriod}</p>}>
            <h2 class="report-period">{t().readings.report.title(formatDate(current().period.start, preferences.language(), preferences.timeZone()), formatDate(current().period.end - 1, preferences.language(), preferences.timeZone()))}</h2>
            <section class="card" aria-labelledby="weight-chart-title">
              <h3 id="weight-chart-title">{words().trendTitle}</h3>
              <p id="weight-summary" data-testid="weight-summary">{summary()}</p>
              <Show when={current().bmi}>
                {(bmi) => <p data-metric="bmi">{words().bmi(number(bmi().value), words().bmiClass[bmi().class])}</p>}
              </Show>
              <Show when={current().bmi === null && height() === null}>
                <p class="hint">{words().bmiNeedsHeight}</p>
              </Show>
              <div class="chart" ref={setHost} role="img" aria-labelledby="weight-chart-title" aria-describedby="weight-summary" />
              <details class="no-print">
                <summary>{t().readings.report.dataTable}</summary>
                <table>
                  <caption class="visually-hidden">{words().trendTitle}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t().readings.report.date}</th>
                      <th scope="col">{words().dayMean}</th>
                      <th scope="col">{words().average}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={current().days}>
                      {(day) => (
                        <tr>
                          <th scope="row">{formatDate(day.start, preferences.language(), preferences.timeZone())}</th>
                          <td>{weight(day.meanKg)}</td>
                          <td>{weight(day.averageKg)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </details>
            </section>
          </Show>
        )}
      </Show>
    </div>
  );
}
