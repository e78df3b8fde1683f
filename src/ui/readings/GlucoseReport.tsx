/**
 * The glucose report as a diabetologist reads it (the AGP report of the international consensus):
 * time in ranges beside their targets, mean, GMI and variability, the ambulatory glucose profile,
 * the days as small multiples, and a zoomable timeline. Every chart has a text summary and a data
 * table; the page prints on one A4 sheet.
 */
import { createEffect, createMemo, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { GLUCOSE_BANDS, CV_TARGET, TIR_TARGETS, BAND_LIMITS, type GlucoseBand } from '../../core/readings/glucose.ts';
import { AGP_BIN_MINUTES, dayToIsoDate, defaultPeriod, glucoseReport, parsePeriod, type DailyProfile, type GlucoseReport as Report, type Period } from '../../core/readings/report.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { formatDate } from '../format.ts';
import { createSchemeWatch, drawAgp, drawTimeline, fromMgdl, glucoseIn, targetRange, type GlucoseUnit } from './charts.ts';
import { readingsOf } from './view.ts';

type Choice = 14 | 30 | 90 | 'custom';
const DAY = 86_400_000;

export function GlucoseReportView(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().readings.report;
  const unit = (): GlucoseUnit => view.settings().glucoseUnit;
  const [choice, setChoice] = createSignal<Choice>(14);
  const [custom, setCustom] = createSignal<Period | null>(null);
  const [periodError, setPeriodError] = createSignal<string | null>(null);

  const [latest] = createResource(view.version, () => view.store.latest('glucose'));
  const period = createMemo<Period | null>(() => {
    const last = latest();
    if (last === undefined || last === null) return null;
    const picked = choice();
    if (picked === 'custom') return custom() ?? defaultPeriod(last, 14, preferences.timeZone());
    return defaultPeriod(last, picked, preferences.timeZone());
  });
  const [loaded] = createResource(
    () => {
      const current = period();
      return current === null ? null : { ...current, version: view.version(), zone: preferences.timeZone() };
    },
    async (wanted) => {
      const { readings, failures } = await view.store.load('glucose', wanted.start, wanted.end);
      return { readings, failures, report: glucoseReport(readings, wanted, wanted.zone) };
    },
  );
  const report = () => loaded()?.report;
  /** Days that did not open: those of this period, or the catalogue's count when it is higher. */
  const [damagedDays] = createResource(view.version, () => view.store.damaged());
  const damaged = () => Math.max(loaded()?.failures.length ?? 0, damagedDays() ?? 0);

  const number = (value: number, digits = 0) => new Intl.NumberFormat(preferences.language(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  const percent = (fraction: number) => new Intl.NumberFormat(preferences.language(), { style: 'percent', maximumFractionDigits: fraction > 0 && fraction < 0.01 ? 1 : 0 }).format(fraction);
  const glucose = (mgdl: number) => `${number(fromMgdl(unit(), mgdl), unit() === 'mg/dL' ? 0 : 1)} ${unit()}`;
  const date = (time: number) => formatDate(time, preferences.language(), preferences.timeZone());

  const applyCustom = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const parsed = parsePeriod(String(form.get('first') ?? ''), String(form.get('last') ?? ''), preferences.timeZone());
    if (!parsed.ok) {
      setPeriodError(parsed.error.type === 'LastBeforeFirst' ? words().lastBeforeFirst : words().badDate);
      return;
    }
    setPeriodError(null);
    setCustom(parsed.value);
  };

  return (
    <div class="glucose-report">
      <Show when={latest() === null}>
        <p>{words().empty}</p>
      </Show>
      <Show when={period()}>
        {(current) => (
          <>
            <fieldset class="period-picker no-print">
              <legend>{words().period}</legend>
              <For each={[14, 30, 90, 'custom'] as Choice[]}>
                {(option) => (
                  <label class="radio">
                    <input type="radio" name="period" value={String(option)} checked={choice() === option} onChange={() => setChoice(option)} />
                    {option === 'custom' ? words().custom : words().lastDays(option)}
                  </label>
                )}
              </For>
              <div class="field unit-choice">
                <label for="glucose-unit">{words().unit}</label>
                <select id="glucose-unit" value={unit()} onChange={(event) => void view.updateSettings({ glucoseUnit: event.currentTarget.value as GlucoseUnit })}>
                  <option value="mg/dL">mg/dL</option>
                  <option value="mmol/L">mmol/L</option>
                </select>
              </div>
              <button type="button" class="secondary" onClick={() => window.print()}>
                {words().print}
              </button>
            </fieldset>
            <Show when={choice() === 'custom'}>
              <form class="custom-period no-print" onSubmit={applyCustom}>
                <div class="field">
                  <label for="period-first">{words().from}</label>
                  <input id="period-first" name="first" type="date" value={dayToIsoDate(Math.floor((current().start + 12 * 3_600_000) / DAY))} />
                </div>
                <div class="field">
                  <label for="period-last">{words().to}</label>
                  <input id="period-last" name="last" type="date" value={dayToIsoDate(Math.floor((current().end - 12 * 3_600_000) / DAY))} />
                </div>
                <button type="submit">{words().apply}</button>
                <MaybeAlert tone="error" message={periodError()} />
              </form>
            </Show>
            <h2 class="report-period" id="report-title">
              {words().title(date(current().start), date(current().end - 1))}
            </h2>
          </>
        )}
      </Show>
      <Show when={damaged() > 0}>
        <p class="alert alert-error" role="alert">{words().damaged(damaged())}</p>
      </Show>
      <Show when={report()}>
        {(current) => (
          <Show when={current().readingCount > 0} fallback={<p>{words().noSensorData(current().others.count)}</p>}>
            <Show when={!current().enoughData}>
              <p class="alert alert-info">{words().notEnough}</p>
            </Show>
            <div class="report-grid">
              <TimeInRanges report={current()} unit={unit()} percent={percent} />
              <section class="card metrics" aria-labelledby="metrics-title">
                <h3 id="metrics-title">{words().metricsTitle}</h3>
                <dl>
                  <dt>{words().mean}</dt>
                  <dd data-metric="mean">{glucose(current().meanMgdl ?? 0)}</dd>
                  <dt>{words().gmi}</dt>
                  <dd data-metric="gmi">{number(current().gmi ?? 0, 1)} %</dd>
                  <dt>{words().cv}</dt>
                  <dd data-metric="cv">
                    {number((current().cv ?? 0) * 100, 1)} % <span class="hint">{(current().cv ?? 0) <= CV_TARGET ? words().cvStable : words().cvUnstable}</span>
                  </dd>
                  <dt>{words().sd}</dt>
                  <dd>{glucose(current().sdMgdl ?? 0)}</dd>
                  <dt>{words().active}</dt>
                  <dd data-metric="active">{current().activity.fraction === null ? '—' : percent(current().activity.fraction ?? 0)}</dd>
                  <dt>{words().days}</dt>
                  <dd>{current().activity.daysWithData}</dd>
                  <dt>{words().readings}</dt>
                  <dd>{number(current().readingCount)}</dd>
                </dl>
                <Show when={current().others.count > 0}>
                  <p class="hint">{words().othersApart(current().others.count)}</p>
                </Show>
              </section>
            </div>
            <Agp report={current()} unit={unit()} glucose={glucose} />
            <DailyProfiles report={current()} unit={unit()} percent={percent} glucose={glucose} />
            <Timeline report={current()} unit={unit()} />
          </Show>
        )}
      </Show>
    </div>
  );
}

function bandRange(band: GlucoseBand, unit: GlucoseUnit): string {
  const l = BAND_LIMITS[unit];
  const step = unit === 'mg/dL' ? 1 : 0.1;
  const f = (value: number) => (unit === 'mg/dL' ? String(value) : value.toFixed(1));
  switch (band) {
    case 'veryLow':
      return `< ${f(l.veryLow)}`;
    case 'low':
      return `${f(l.veryLow)}–${f(l.low - step)}`;
    case 'inRange':
      return `${f(l.low)}–${f(l.high)}`;
    case 'high':
      return `${f(l.high + step)}–${f(l.veryHigh)}`;
    case 'veryHigh':
      return `> ${f(l.veryHigh)}`;
  }
}

function TimeInRanges(props: { report: Report; unit: GlucoseUnit; percent: (fraction: number) => string }) {
  const { t } = useApp();
  const words = () => t().readings.report;
  const order = GLUCOSE_BANDS.toReversed();
  const target = (band: GlucoseBand) => {
    const goal = TIR_TARGETS[band];
    if (goal.atLeast !== undefined) return words().targetAtLeast(props.percent(goal.atLeast));
    return words().targetAtMost(props.percent(goal.atMost ?? 0));
  };
  return (
    <section class="card tir" aria-labelledby="tir-title">
      <h3 id="tir-title">{words().tirTitle}</h3>
      <div class="tir-chart">
        <div class="tir-bar" aria-hidden="true">
          <For each={order}>
            {(band) => (
              <div
                class={`tir-segment band-${band}`}
                // Through the CSSOM: a style attribute in Solid's template would break our CSP.
                ref={(element) => createEffect(() => (element.style.flexGrow = String(props.report.bands[band].fraction)))}
              />
            )}
          </For>
        </div>
        <table class="tir-table">
          <caption class="visually-hidden">{words().tirTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{words().band}</th>
              <th scope="col">{words().share}</th>
              <th scope="col">{words().target}</th>
            </tr>
          </thead>
          <tbody>
            <For each={order}>
              {(band) => (
                <tr data-band={band}>
                  <th scope="row">
                    <span class={`swatch band-${band}`} aria-hidden="true" />
                    {words().bandName[band]} <span class="hint">({bandRange(band, props.unit)} {props.unit})</span>
                  </th>
                  <td data-share={band}>{props.percent(props.report.bands[band].fraction)}</td>
                  <td>{target(band)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <p class="hint">{words().targetsNote}</p>
    </section>
  );
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function Agp(props: { report: Report; unit: GlucoseUnit; glucose: (mgdl: number) => string }) {
  const { t, preferences } = useApp();
  const words = () => t().readings.report;
  const [host, setHost] = createSignal<HTMLDivElement>();
  const scheme = createSchemeWatch();
  createEffect(() => {
    const element = host();
    // Drawn again in the colours of a new theme.
    scheme();
    preferences.theme();
    if (element === undefined) return;
    const chart = drawAgp(element, props.report.agp, props.unit, { median: words().median, iqr: words().iqr, outer: words().outer });
    onCleanup(() => chart.destroy());
  });
  const summary = () => {
    const bins = props.report.agp.map((bin, index) => ({ bin, index })).filter((item) => item.bin !== null);
    if (bins.length === 0) return '';
    const highest = bins.reduce((a, b) => ((b.bin?.p50 ?? 0) > (a.bin?.p50 ?? 0) ? b : a));
    const lowest = bins.reduce((a, b) => ((b.bin?.p50 ?? 0) < (a.bin?.p50 ?? 0) ? b : a));
    const widest = bins.reduce((a, b) => ((b.bin?.p95 ?? 0) - (b.bin?.p5 ?? 0) > (a.bin?.p95 ?? 0) - (a.bin?.p5 ?? 0) ? b : a));
    return words().agpSummary(
      hhmm(highest.index * AGP_BIN_MINUTES),
      props.glucose(highest.bin?.p50 ?? 0),
      hhmm(lowest.index * AGP_BIN_MINUTES),
      props.glucose(lowest.bin?.p50 ?? 0),
      hhmm(widest.index * AGP_BIN_MINUTES),
    );
  };
  return (
    <section class="card agp" aria-labelledby="agp-title">
      <h3 id="agp-title">{words().agpTitle}</h3>
      <p id="agp-summary">{summary()}</p>
      <div class="chart" ref={setHost} role="img" aria-labelledby="agp-title" aria-describedby="agp-summary" />
      <p class="hint">{words().agpLegend(targetRange(props.unit).join('–'), props.unit)}</p>
      <details class="no-print">
        <summary>{words().dataTable}</summary>
        <div class="table-scroll" tabindex="0" role="region" aria-label={words().agpTitle}>
          <table>
            <caption class="visually-hidden">{words().agpTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{words().time}</th>
                <th scope="col">5 %</th>
                <th scope="col">25 %</th>
                <th scope="col">{words().median}</th>
                <th scope="col">75 %</th>
                <th scope="col">95 %</th>
                <th scope="col">{words().count}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.report.agp}>
                {(bin, index) => (
                  <tr>
                    <th scope="row">{hhmm(index() * AGP_BIN_MINUTES)}</th>
                    <Show when={bin} fallback={<td colSpan={6}>—</td>}>
                      {(b) => (
                        <>
                          <td>{props.glucose(b().p5)}</td>
                          <td>{props.glucose(b().p25)}</td>
                          <td>{props.glucose(b().p50)}</td>
                          <td>{props.glucose(b().p75)}</td>
                          <td>{props.glucose(b().p95)}</td>
                          <td>{b().count}</td>
                        </>
                      )}
                    </Show>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** One day as a small line on the target band: SVG, since up to 90 of them share the page. */
function DaySpark(props: { day: DailyProfile; unit: GlucoseUnit }) {
  const width = 120;
  const height = 48;
  const [min, max] = props.unit === 'mg/dL' ? [40, 400] : [2.2, 22.2];
  const y = (value: number) => height - ((Math.min(max, Math.max(min, value)) - min) / (max - min)) * height;
  const path = () => {
    const span = props.day.end - props.day.start;
    let d = '';
    let previous = -Infinity;
    for (const reading of props.day.readings) {
      const x = ((reading.time - props.day.start) / span) * width;
      d += `${reading.time - previous > 1_800_000 ? 'M' : 'L'}${x.toFixed(1)},${y(glucoseIn(props.unit, reading)).toFixed(1)}`;
      previous = reading.time;
    }
    return d;
  };
  const [low, high] = targetRange(props.unit);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} class="day-spark" aria-hidden="true" preserveAspectRatio="none">
      <rect class="spark-target" x="0" y={y(high)} width={width} height={y(low) - y(high)} />
      <path class="spark-line" d={path()} />
    </svg>
  );
}

function DailyProfiles(props: { report: Report; unit: GlucoseUnit; percent: (fraction: number) => string; glucose: (mgdl: number) => string }) {
  const { t, preferences } = useApp();
  const words = () => t().readings.report;
  const label = (iso: string) => new Intl.DateTimeFormat(preferences.language() === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(Date.parse(iso));
  return (
    <section class="card daily" aria-labelledby="daily-title">
      <h3 id="daily-title">{words().dailyTitle}</h3>
      <p class="hint">{words().dailySummary(props.report.days.filter((day) => day.readings.length > 0).length)}</p>
      <ol class="day-grid">
        <For each={props.report.days}>
          {(day) => (
            <li>
              <span class="day-label">{label(day.date)}</span>
              <DaySpark day={day} unit={props.unit} />
              <span class="day-tir">{day.timeInRange === null ? '—' : props.percent(day.timeInRange)}</span>
            </li>
          )}
        </For>
      </ol>
      <details class="no-print">
        <summary>{words().dataTable}</summary>
        <table>
          <caption class="visually-hidden">{words().dailyTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{words().date}</th>
              <th scope="col">{words().readings}</th>
              <th scope="col">{words().mean}</th>
              <th scope="col">{words().bandName.inRange}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.report.days}>
              {(day) => (
                <tr>
                  <th scope="row">{label(day.date)}</th>
                  <td>{day.readings.length}</td>
                  <td>{day.meanMgdl === null ? '—' : props.glucose(day.meanMgdl)}</td>
                  <td>{day.timeInRange === null ? '—' : props.percent(day.timeInRange)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Timeline(props: { report: Report; unit: GlucoseUnit }) {
  const { t, preferences } = useApp();
  const words = () => t().readings.report;
  const [host, setHost] = createSignal<HTMLDivElement>();
  const scheme = createSchemeWatch();
  const [range, setRange] = createSignal<[number, number] | null>(null);
  let chart: ReturnType<typeof drawTimeline> | undefined;
  createEffect(() => {
    const readings = [...props.report.days.flatMap((day) => day.readings), ...props.report.others.readings].sort((a, b) => a.time - b.time);
    const element = host();
    // Drawn again in the colours of a new theme.
    scheme();
    preferences.theme();
    if (element === undefined) return;
    chart = drawTimeline(element, readings, props.unit, preferences.timeZone(), words().timelineTitle, (next) => setRange(next));
    onCleanup(() => chart?.destroy());
  });
  const day = 86_400;
  const shown = () => range() ?? [props.report.period.start / 1000, props.report.period.end / 1000];
  const move = (direction: -1 | 1) => {
    const [from, to] = shown();
    const span = to - from;
    chart?.zoom([from + direction * span, to + direction * span]);
  };
  const zoomTo = (span: number) => {
    const [from, to] = shown();
    const middle = (from + to) / 2;
    chart?.zoom([middle - span / 2, middle + span / 2]);
  };
  return (
    <section class="card timeline no-print" aria-labelledby="timeline-title">
      <h3 id="timeline-title">{words().timelineTitle}</h3>
      <p class="hint">{words().timelineHint}</p>
      <div class="actions" role="group" aria-label={words().timelineTools}>
        <button type="button" class="secondary" onClick={() => zoomTo(day)}>{words().zoomDay}</button>
        <button type="button" class="secondary" onClick={() => zoomTo(7 * day)}>{words().zoomWeek}</button>
        <button type="button" class="secondary" onClick={() => move(-1)}>{words().earlier}</button>
        <button type="button" class="secondary" onClick={() => move(1)}>{words().later}</button>
        <button type="button" class="secondary" onClick={() => chart?.zoom(null)}>{words().wholePeriod}</button>
      </div>
      <div class="chart" ref={setHost} role="img" aria-label={words().timelineTitle} />
    </section>
  );
}
