/**
 * A CSV no importer knows: the patient says which column holds the time and which the value,
 * in what unit, with the first rows shown to check against. The mapping is remembered for the next
 * file with the same columns.
 */
import { createMemo, createSignal, For, Show } from 'solid-js';
import { csvColumns, CSV_TIME_FORMATS, type ColumnMapping, type CsvTimeFormat } from '../../core/readings/importers/mapped-csv.ts';
import { READING_KINDS, SERIES, SERIES_IDS, type ReadingKind, type SeriesId, type UnitLabel } from '../../core/readings/series.ts';
import { useApp } from '../context.tsx';

export function ColumnMappingForm(props: {
  text: string;
  file: string;
  headerLine: number;
  remembered: ColumnMapping | undefined;
  onSubmit: (mapping: ColumnMapping) => void;
  onCancel: () => void;
}) {
  const { t } = useApp();
  const words = () => t().readings.mapping;
  const columns = createMemo(() => csvColumns(props.text));
  const headers = () => columns().headers;
  const initial = props.remembered;
  const [series, setSeries] = createSignal<SeriesId>(initial?.series ?? 'glucose');
  const [timeColumn, setTimeColumn] = createSignal(initial?.timeColumn ?? headers()[0] ?? '');
  const [timeFormat, setTimeFormat] = createSignal<CsvTimeFormat>(initial?.timeFormat ?? 'iso');
  const [valueColumn, setValueColumn] = createSignal(initial?.valueColumn ?? headers()[1] ?? headers()[0] ?? '');
  const [unit, setUnit] = createSignal<UnitLabel>(initial?.unit ?? 'mg/dL');
  const [kind, setKind] = createSignal<ReadingKind>(initial?.kind ?? 'blood');
  const units = () => SERIES[series()].units.map((item) => item.label as UnitLabel);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    props.onSubmit({ series: series(), timeColumn: timeColumn(), timeFormat: timeFormat(), valueColumn: valueColumn(), unit: unit(), kind: kind(), headerLine: props.headerLine });
  };

  const Select = <T extends string>(p: { id: string; label: string; value: T; options: readonly T[]; name: (value: T) => string; onChange: (value: T) => void }) => (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <select id={p.id} value={p.value} onChange={(event) => p.onChange(event.currentTarget.value as T)}>
        <For each={p.options}>{(option) => <option value={option}>{p.name(option)}</option>}</For>
      </select>
    </div>
  );

  return (
    <form class="column-mapping" onSubmit={submit} aria-labelledby="mapping-title">
      <h3 id="mapping-title">{words().title(props.file)}</h3>
      <p>{words().intro}</p>
      <Show when={initial !== undefined}>
        <p class="hint">{words().remembered}</p>
      </Show>
      <div class="table-scroll" tabindex="0" role="region" aria-label={words().sample}>
        <table>
          <caption>{words().sample}</caption>
          <thead>
            <tr>
              <For each={headers()}>{(header) => <th scope="col">{header}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={columns().samples}>
              {(row) => (
                <tr>
                  <For each={row}>{(cell) => <td>{cell}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <div class="mapping-fields">
        <Select
          id="map-series"
          label={words().series}
          value={series()}
          options={SERIES_IDS}
          name={(value) => t().readings.seriesName[value]}
          onChange={(value) => {
            setSeries(value);
            setUnit(SERIES[value].units[0]?.label as UnitLabel);
            setKind(value === 'weight' ? 'manual' : 'blood');
          }}
        />
        <Select id="map-time" label={words().timeColumn} value={timeColumn()} options={headers()} name={(value) => value} onChange={setTimeColumn} />
        <Select id="map-format" label={words().timeFormat} value={timeFormat()} options={CSV_TIME_FORMATS} name={(value) => words().timeFormats[value]} onChange={setTimeFormat} />
        <Select id="map-value" label={words().valueColumn} value={valueColumn()} options={headers()} name={(value) => value} onChange={setValueColumn} />
        <Select id="map-unit" label={words().unit} value={unit()} options={units()} name={(value) => value} onChange={setUnit} />
        <Show when={series() === 'glucose'}>
          <Select id="map-kind" label={words().kind} value={kind()} options={READING_KINDS} name={(value) => t().readings.kindName[value]} onChange={setKind} />
        </Show>
      </div>
      <div class="actions">
        <button type="submit">{words().submit}</button>
        <button type="button" class="secondary" onClick={() => props.onCancel()}>
          {t().common.cancel}
        </button>
      </div>
    </form>
  );
}
