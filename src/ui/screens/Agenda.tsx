/**
 * The agenda: upcoming and past appointments, a month and a week view, the event form and page,
 * .ics import and export, and the reminders (shown while Carnet is open; no push server). Its
 * sub-paths: `#/agenda` (upcoming), `#/agenda/past`, `#/agenda/month/2026-11`,
 * `#/agenda/week/2026-11-23`, `#/agenda/new[/2026-11-23]`, `#/agenda/event/<id>[/edit]`,
 * `#/agenda/import`.
 */
import { Match, Show, Switch } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { dateOfDay, dateText } from '../../core/agenda/calendar.ts';
import { EventForm } from '../agenda/EventForm.tsx';
import { EventPage } from '../agenda/EventPage.tsx';
import { IcsImport } from '../agenda/IcsImport.tsx';
import { EventList } from '../agenda/EventList.tsx';
import { MonthView } from '../agenda/MonthView.tsx';
import { RemindersPanel } from '../agenda/RemindersPanel.tsx';
import { WeekView } from '../agenda/WeekView.tsx';
import { dayFromPath, today } from '../agenda/format.ts';
import { agendaOf } from '../agenda/view.ts';
import '../agenda/agenda.css';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { Heading } from './Heading.tsx';

type View =
  | { readonly name: 'upcoming' | 'past' | 'import' }
  | { readonly name: 'month'; readonly year: number; readonly month: number }
  | { readonly name: 'week'; readonly day: number }
  | { readonly name: 'new'; readonly day: number | null }
  | { readonly name: 'event'; readonly id: string }
  | { readonly name: 'edit'; readonly id: string }
  | { readonly name: 'unknown' };

function viewOf(rest: readonly string[], zone: string): View {
  const [first, second, third] = rest;
  if (first === undefined || (first === 'upcoming' && second === undefined)) return { name: 'upcoming' };
  if ((first === 'past' || first === 'import') && second === undefined) return { name: first };
  if (first === 'month') {
    const match = second === undefined ? null : /^(\d{4})-(\d{2})$/.exec(second);
    if (second === undefined) {
      const { year, month } = dateOfDay(today(zone));
      return { name: 'month', year, month };
    }
    const month = Number(match?.[2]);
    if (match !== null && month >= 1 && month <= 12 && Number(match[1]) >= 1000) return { name: 'month', year: Number(match[1]), month };
  }
  if (first === 'week') {
    const day = second === undefined ? today(zone) : dayFromPath(second);
    if (day !== null) return { name: 'week', day };
  }
  if (first === 'new' && third === undefined) return { name: 'new', day: dayFromPath(second) };
  if (first === 'event' && second !== undefined && /^[0-9a-f]{32}$/.test(second)) {
    if (third === undefined) return { name: 'event', id: second };
    if (third === 'edit' && rest.length === 3) return { name: 'edit', id: second };
  }
  return { name: 'unknown' };
}

export default function Agenda(props: { session: VaultSession; rest: readonly string[] }) {
  const { t, preferences, router } = useApp();
  const view = agendaOf(props.session);
  const words = () => t().agenda;
  const current = () => viewOf(props.rest, preferences.timeZone());
  const go = (rest: readonly string[]) => router.navigate({ name: 'agenda', rest });
  const tab = (name: View['name'], href: string, label: string) => (
    <a href={href} aria-current={current().name === name ? 'page' : undefined}>
      {label}
    </a>
  );
  const exportAll = () => {
    if (!window.confirm(t().agenda.exportWarning)) return;
    const text = view.agenda.exportIcs(view.entries().map((entry) => entry.data));
    downloadBlob(new Blob([text], { type: 'text/calendar' }), 'carnet-agenda.ics');
  };
  const thisMonth = () => dateText(today(preferences.timeZone())).slice(0, 7);

  return (
    <section aria-labelledby="page-title" class="agenda">
      <Heading>{words().title}</Heading>
      <p class="lead">{words().intro}</p>
      <nav class="agenda-nav" aria-label={words().sections}>
        {tab('upcoming', '#/agenda', words().upcomingTab)}
        {tab('past', '#/agenda/past', words().pastTab)}
        {tab('month', `#/agenda/month/${thisMonth()}`, words().monthTab)}
        {tab('week', '#/agenda/week', words().weekTab)}
        {tab('import', '#/agenda/import', words().importTab)}
      </nav>
      <div class="actions agenda-actions">
        <button type="button" onClick={() => go(['new'])}>
          {words().add}
        </button>
        <Show when={view.entries().length > 0}>
          <button type="button" class="secondary" onClick={exportAll}>
            {words().exportAll}
          </button>
        </Show>
      </div>
      <RemindersPanel view={view} />
      <Show when={view.failures().length > 0}>
        <p class="alert alert-error" role="alert">
          {words().damaged(view.failures().length)}
        </p>
      </Show>
      <Show when={view.loaded()} fallback={<p role="status">{words().loading}</p>}>
        <Switch fallback={<p>{words().detail.notFound}</p>}>
          <Match when={current().name === 'upcoming' || current().name === 'past'}>
            <EventList view={view} past={current().name === 'past'} />
          </Match>
          <Match when={current().name === 'month' && (current() as Extract<View, { name: 'month' }>)} keyed>
            {(month) => <MonthView view={view} year={month.year} month={month.month} />}
          </Match>
          <Match when={current().name === 'week' && (current() as Extract<View, { name: 'week' }>)} keyed>
            {(week) => <WeekView view={view} day={week.day} />}
          </Match>
          <Match when={current().name === 'new' && (current() as Extract<View, { name: 'new' }>)} keyed>
            {(create) => <EventForm session={props.session} view={view} id={null} day={create.day} />}
          </Match>
          <Match when={current().name === 'edit' && (current() as Extract<View, { name: 'edit' }>)} keyed>
            {(edit) => <EventForm session={props.session} view={view} id={edit.id} day={null} />}
          </Match>
          <Match when={current().name === 'event' && (current() as Extract<View, { name: 'event' }>)} keyed>
            {(event) => <EventPage session={props.session} view={view} id={event.id} />}
          </Match>
          <Match when={current().name === 'import'}>
            <IcsImport view={view} />
          </Match>
        </Switch>
      </Show>
    </section>
  );
}
