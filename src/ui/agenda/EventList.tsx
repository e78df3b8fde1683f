/** Upcoming (the next 12 months) or past (the last 12 months) occurrences, grouped by day. */
import { createMemo, For, Show } from 'solid-js';
import { occurrencesIn, type OccurrenceOf } from '../../app/agenda.ts';
import { DAY_MS } from '../../core/agenda/calendar.ts';
import { useApp } from '../context.tsx';
import { dayLong, shownDay, timeLabel } from './format.ts';
import type { AgendaView } from './view.ts';

const SPAN_MS = 365 * DAY_MS;
const MAX_SHOWN = 300;

export function EventList(props: { view: AgendaView; past: boolean }) {
  const { t, preferences } = useApp();
  const words = () => t().agenda;
  const groups = createMemo(() => {
    const now = Date.now();
    const found = props.past
      ? occurrencesIn(props.view.entries(), now - SPAN_MS, now).filter((item) => item.occurrence.end <= now).toReversed()
      : occurrencesIn(props.view.entries(), now, now + SPAN_MS);
    const byDay = new Map<number, OccurrenceOf[]>();
    for (const item of found.slice(0, MAX_SHOWN)) {
      const day = shownDay(item.entry, item.occurrence, preferences.timeZone());
      byDay.set(day, [...(byDay.get(day) ?? []), item]);
    }
    return { days: Array.from(byDay), more: Math.max(0, found.length - MAX_SHOWN) };
  });
  return (
    <section class="agenda-list" aria-labelledby="agenda-list-title">
      <h2 id="agenda-list-title">{props.past ? words().pastTitle : words().upcomingTitle}</h2>
      <p class="hint">{props.past ? words().pastNote : words().upcomingNote}</p>
      <Show when={groups().days.length > 0} fallback={<p>{props.past ? words().noPast : words().noUpcoming}</p>}>
        <For each={groups().days}>
          {([day, items]) => (
            <section class="agenda-day">
              <h3>{dayLong(day, t().lang)}</h3>
              <ul class="agenda-items">
                <For each={items}>{(item) => <EventItem item={item} />}</For>
              </ul>
            </section>
          )}
        </For>
      </Show>
      <Show when={groups().more > 0}>
        <p class="hint">{words().moreOccurrences(groups().more)}</p>
      </Show>
    </section>
  );
}

export function EventItem(props: { item: OccurrenceOf }) {
  const { t, preferences } = useApp();
  const data = () => props.item.entry.data;
  return (
    <li class="agenda-item">
      <span class="agenda-time">{timeLabel(t(), props.item.entry, props.item.occurrence, preferences.timeZone())}</span>
      <a href={`#/agenda/event/${props.item.entry.id}`} class="agenda-title">
        {data().title}
      </a>
      <Show when={data().practitioner !== '' || data().place !== '' || data().rrule !== null}>
        <span class="muted">
          {[data().practitioner === '' ? '' : t().agenda.with(data().practitioner), data().place, data().rrule === null ? '' : t().agenda.repeats].filter((part) => part !== '').join(' · ')}
        </span>
      </Show>
    </li>
  );
}
