/** A week (Monday to Sunday) as seven days, each with its appointments in time order. */
import { createMemo, For, Show } from 'solid-js';
import { occurrencesIn, type OccurrenceOf } from '../../app/agenda.ts';
import { dateText, wallToInstant, weekdayOf } from '../../core/agenda/calendar.ts';
import { useApp } from '../context.tsx';
import { EventItem } from './EventList.tsx';
import { dayLong, dayShort, shownDay, today } from './format.ts';
import type { AgendaView } from './view.ts';

export function WeekView(props: { view: AgendaView; day: number }) {
  const { t, preferences } = useApp();
  const words = () => t().agenda.week;
  const monday = () => props.day - weekdayOf(props.day);
  const days = () => [0, 1, 2, 3, 4, 5, 6].map((offset) => monday() + offset);
  const byDay = createMemo(() => {
    const zone = preferences.timeZone();
    const map = new Map<number, OccurrenceOf[]>();
    for (const item of occurrencesIn(props.view.entries(), wallToInstant(monday() - 1, 0, zone), wallToInstant(monday() + 8, 0, zone))) {
      const day = shownDay(item.entry, item.occurrence, zone);
      map.set(day, [...(map.get(day) ?? []), item]);
    }
    return map;
  });
  return (
    <section class="agenda-week" aria-labelledby="agenda-week-title">
      <div class="agenda-period">
        <a class="button secondary" href={`#/agenda/week/${dateText(monday() - 7)}`}>
          <span aria-hidden="true">‹ </span>
          {words().previous}
        </a>
        <h2 id="agenda-week-title">{words().title(dayShort(monday(), t().lang), dayShort(monday() + 6, t().lang))}</h2>
        <a class="button secondary" href={`#/agenda/week/${dateText(monday() + 7)}`}>
          {words().next}
          <span aria-hidden="true"> ›</span>
        </a>
      </div>
      <Show when={props.day < monday() || today(preferences.timeZone()) < monday() || today(preferences.timeZone()) > monday() + 6}>
        <p>
          <a href="#/agenda/week">{words().thisWeek}</a>
        </p>
      </Show>
      <ol class="week-grid">
        <For each={days()}>
          {(day) => (
            <li classList={{ 'week-day': true, today: day === today(preferences.timeZone()) }}>
              <h3>{dayLong(day, t().lang)}</h3>
              <Show when={(byDay().get(day) ?? []).length > 0} fallback={<p class="muted">{words().empty}</p>}>
                <ul class="agenda-items">
                  <For each={byDay().get(day)}>{(item) => <EventItem item={item} />}</For>
                </ul>
              </Show>
              <a class="week-add" href={`#/agenda/new/${dateText(day)}`} aria-label={words().addOn(dayLong(day, t().lang))}>
                +
              </a>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
