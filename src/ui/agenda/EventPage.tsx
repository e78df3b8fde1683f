/** One event: when, where, with whom, its next dates, reminders and linked documents; edit or export it. */
import { createResource, For, Show } from 'solid-js';
import type { AgendaEntry } from '../../app/agenda.ts';
import type { VaultSession } from '../../app/session.ts';
import { DAY_MS } from '../../core/agenda/calendar.ts';
import { occurrencesOf } from '../../core/agenda/event.ts';
import { icsFileName } from '../../core/agenda/ical.ts';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { libraryOf } from '../library.ts';
import { whenLabel } from './format.ts';
import type { AgendaView } from './view.ts';

const NEXT_SHOWN = 5;

export function EventPage(props: { session: VaultSession; view: AgendaView; id: string }) {
  const { t } = useApp();
  const entry = () => props.view.entries().find((item) => item.id === props.id);
  return (
    <Show when={entry()} fallback={<p>{t().agenda.detail.notFound}</p>} keyed>
      {(found) => <EventDetails session={props.session} view={props.view} entry={found} />}
    </Show>
  );
}

function EventDetails(props: { session: VaultSession; view: AgendaView; entry: AgendaEntry }) {
  const { t, preferences } = useApp();
  const words = () => t().agenda.detail;
  const data = () => props.entry.data;
  const next = () => {
    const now = Date.now();
    const found = occurrencesOf(data(), now, now + 3660 * DAY_MS).slice(0, NEXT_SHOWN);
    // A series that is over, or a past appointment: its last date.
    return found.length > 0 ? found : occurrencesOf(data(), now - 3660 * DAY_MS, now).slice(-1);
  };
  const [documents] = createResource(
    () => (data().documents.length > 0 ? data().documents.join(',') : null),
    async () => {
      const library = libraryOf(props.session);
      await library.ready;
      return data().documents.map((id) => ({ id, title: library.library.get(id)?.data.title ?? null }));
    },
  );
  const exportOne = () => {
    if (!window.confirm(t().agenda.exportWarning)) return;
    downloadBlob(new Blob([props.view.agenda.exportIcs([data()])], { type: 'text/calendar' }), icsFileName(data().title));
  };
  return (
    <article class="card agenda-event" aria-labelledby="agenda-event-title">
      <h2 id="agenda-event-title">{data().title}</h2>
      <dl class="agenda-facts">
        <dt>{words().when}</dt>
        <dd>
          <Show when={next().length > 0} fallback="—">
            <ul class="plain">
              <For each={next()}>{(occurrence) => <li>{whenLabel(t(), props.entry, occurrence, preferences.timeZone())}</li>}</For>
            </ul>
          </Show>
        </dd>
        <Show when={data().time !== null}>
          <dt>{words().duration}</dt>
          <dd>{words().minutes(data().durationMinutes)}</dd>
        </Show>
        <Show when={data().rrule !== null}>
          <dt>{words().recurrence}</dt>
          <dd>
            <code>{data().rrule}</code>
            <Show when={data().exdates.length > 0}> — {words().removedDates(data().exdates.length)}</Show>
          </dd>
        </Show>
        <Show when={data().practitioner !== ''}>
          <dt>{words().practitioner}</dt>
          <dd>{data().practitioner}</dd>
        </Show>
        <Show when={data().place !== ''}>
          <dt>{words().place}</dt>
          <dd>{data().place}</dd>
        </Show>
        <dt>{words().reminders}</dt>
        <dd>{data().reminders.length === 0 ? words().noReminders : data().reminders.map((lead) => t().agenda.lead(lead)).join(' · ')}</dd>
        <Show when={data().note !== ''}>
          <dt>{words().note}</dt>
          <dd class="agenda-note">{data().note}</dd>
        </Show>
        <Show when={data().documents.length > 0}>
          <dt>{words().documents}</dt>
          <dd>
            <ul class="plain">
              <For each={documents() ?? []}>
                {(document) => (
                  <li>
                    <Show when={document.title} fallback={<span class="muted">{words().missingDocument}</span>}>
                      {(title) => <a href={`#/documents/${document.id}`}>{title()}</a>}
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </dd>
        </Show>
        <Show when={data().prevention !== null}>
          <dt>{words().prevention}</dt>
          <dd>
            <a href="#/prevention">{words().preventionLink}</a>
          </dd>
        </Show>
      </dl>
      <div class="actions">
        <a class="button" href={`#/agenda/event/${props.entry.id}/edit`}>
          {words().edit}
        </a>
        <button type="button" class="secondary" onClick={exportOne}>
          {words().exportOne}
        </button>
        <a href="#/agenda">{words().back}</a>
      </div>
    </article>
  );
}
