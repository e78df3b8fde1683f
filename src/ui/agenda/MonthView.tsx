/**
 * A month as a table of weeks (Monday first). Each day is a button in one roving tab stop: the
 * arrow keys move between days (Page Up and Down between months), Enter opens that day's week.
 * Events are placed on the day they fall in the patient's display zone.
 */
import { createMemo, For, onMount, Show } from 'solid-js';
import { occurrencesIn, type OccurrenceOf } from '../../app/agenda.ts';
import { dateOfDay, dateText, dayNumber, daysInMonth, wallToInstant, weekdayOf } from '../../core/agenda/calendar.ts';
import { useApp } from '../context.tsx';
import { dayLong, monthTitle, shownDay, today } from './format.ts';
import type { AgendaView } from './view.ts';

const SHOWN_PER_DAY = 3;

/** The day a keyboard move across a month's edge reached: focused when the next month mounts. */
let arrivingAt: number | null = null;

export function MonthView(props: { view: AgendaView; year: number; month: number }) {
  const { t, preferences, router } = useApp();
  const words = () => t().agenda.month;
  const first = () => dayNumber(props.year, props.month, 1);
  const last = () => first() + daysInMonth(props.year, props.month) - 1;
  const gridStart = () => first() - weekdayOf(first());
  const gridEnd = () => last() + (6 - weekdayOf(last()));
  const byDay = createMemo(() => {
    const zone = preferences.timeZone();
    const map = new Map<number, OccurrenceOf[]>();
    for (const item of occurrencesIn(props.view.entries(), wallToInstant(gridStart() - 1, 0, zone), wallToInstant(gridEnd() + 2, 0, zone))) {
      const day = shownDay(item.entry, item.occurrence, zone);
      map.set(day, [...(map.get(day) ?? []), item]);
    }
    return map;
  });
  const weeks = () => {
    const rows: number[][] = [];
    for (let day = gridStart(); day <= gridEnd(); day += 7) rows.push([0, 1, 2, 3, 4, 5, 6].map((offset) => day + offset));
    return rows;
  };
  const todayDay = () => today(preferences.timeZone());
  // Arrowing past the month's edge opens the next month with the day reached in focus.
  const arrived = arrivingAt !== null && arrivingAt >= first() && arrivingAt <= last() ? arrivingAt : null;
  arrivingAt = null;
  const focusDay = () => arrived ?? (todayDay() >= first() && todayDay() <= last() ? todayDay() : first());
  const monthPath = (offset: number) => {
    const index = props.year * 12 + props.month - 1 + offset;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  };
  let table: HTMLTableElement | undefined;
  onMount(() => {
    if (arrived !== null) table?.querySelector<HTMLButtonElement>(`[data-day="${dateText(arrived)}"]`)?.focus();
  });

  const moveTo = (day: number) => {
    const { year, month } = dateOfDay(day);
    if (year !== props.year || month !== props.month) {
      arrivingAt = day;
      router.navigate({ name: 'agenda', rest: ['month', `${year}-${String(month).padStart(2, '0')}`] });
      return;
    }
    table?.querySelector<HTMLButtonElement>(`[data-day="${dateText(day)}"]`)?.focus();
  };
  const onKey = (event: KeyboardEvent, day: number) => {
    const steps: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    const step = steps[event.key];
    if (step !== undefined) {
      event.preventDefault();
      moveTo(day + step);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      moveTo(event.key === 'Home' ? day - weekdayOf(day) : day + 6 - weekdayOf(day));
    } else if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      const { year, month, day: dd } = dateOfDay(day);
      const index = year * 12 + month - 1 + (event.key === 'PageUp' ? -1 : 1);
      const [nextYear, nextMonth] = [Math.floor(index / 12), (index % 12) + 1];
      moveTo(dayNumber(nextYear, nextMonth, Math.min(dd, daysInMonth(nextYear, nextMonth))));
    }
  };

  return (
    <section class="agenda-month" aria-labelledby="agenda-month-title">
      <div class="agenda-period">
        <a class="button secondary" href={`#/agenda/month/${monthPath(-1)}`}>
          <span aria-hidden="true">‹ </span>
          {words().previous}
        </a>
        <h2 id="agenda-month-title">{monthTitle(props.year, props.month, t().lang)}</h2>
        <a class="button secondary" href={`#/agenda/month/${monthPath(1)}`}>
          {words().next}
          <span aria-hidden="true"> ›</span>
        </a>
      </div>
      <p class="hint" id="agenda-month-keys">
        {words().keyboard}
      </p>
      <table class="month-grid" ref={(element) => (table = element)} aria-labelledby="agenda-month-title" aria-describedby="agenda-month-keys">
        <thead>
          <tr>
            <For each={words().weekdays}>
              {(name, index) => (
                <th scope="col">
                  <abbr title={name}>{words().weekdaysShort[index()]}</abbr>
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={weeks()}>
            {(week) => (
              <tr>
                <For each={week}>
                  {(day) => {
                    const items = () => byDay().get(day) ?? [];
                    const outside = () => day < first() || day > last();
                    return (
                      <td classList={{ outside: outside(), today: day === todayDay() }}>
                        <button
                          type="button"
                          class="month-day"
                          data-day={dateText(day)}
                          tabindex={day === focusDay() ? 0 : -1}
                          aria-label={words().dayLabel(dayLong(day, t().lang), items().length)}
                          aria-current={day === todayDay() ? 'date' : undefined}
                          onKeyDown={(event) => onKey(event, day)}
                          onClick={() => router.navigate({ name: 'agenda', rest: ['week', dateText(day)] })}
                        >
                          {dateOfDay(day).day}
                        </button>
                        <ul class="month-events">
                          <For each={items().slice(0, SHOWN_PER_DAY)}>
                            {(item) => (
                              <li>
                                <a href={`#/agenda/event/${item.entry.id}`} tabindex={-1}>
                                  {item.entry.data.title}
                                </a>
                              </li>
                            )}
                          </For>
                          <Show when={items().length > SHOWN_PER_DAY}>
                            <li class="muted">{words().more(items().length - SHOWN_PER_DAY)}</li>
                          </Show>
                        </ul>
                      </td>
                    );
                  }}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
