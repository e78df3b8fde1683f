/**
 * Reminders on the agenda screen: the plain statement that there is no push server, the button
 * that asks for the notification permission (only ever on this click), the reminders due now when
 * notifications are not allowed, and those missed while Carnet was closed.
 */
import { For, Match, Show, Switch } from 'solid-js';
import type { ShownReminder } from '../../app/agenda.ts';
import { useApp } from '../context.tsx';
import { dayLong, timeIn } from './format.ts';
import { instantToWall } from '../../core/agenda/calendar.ts';
import type { AgendaView } from './view.ts';

/** When a reminder's occurrence is, in the patient's words and zone. */
export function createWhen() {
  const { t, preferences } = useApp();
  return (reminder: ShownReminder) => {
    const zone = preferences.timeZone();
    return `${dayLong(instantToWall(reminder.start, zone).day, t().lang)} ${timeIn(reminder.start, zone, t().lang)}`;
  };
}

/** Notifications speak the patient's language, whichever screen is open when they fire. */
export function speakNotifications(view: AgendaView): void {
  const { t } = useApp();
  const when = createWhen();
  view.reminders.setWords((reminder) => ({
    title: reminder.title,
    body: t().agenda.reminders.notificationBody(`${when(reminder)} (${t().agenda.lead(reminder.lead)})`, reminder.place),
  }));
}

export function RemindersPanel(props: { view: AgendaView }) {
  const { t } = useApp();
  const words = () => t().agenda.reminders;
  const scheduler = props.view.reminders;
  const when = createWhen();
  speakNotifications(props.view);
  const line = (reminder: ShownReminder) => words().item(reminder.title, when(reminder), t().agenda.lead(reminder.lead));
  return (
    <section class="agenda-reminders" aria-labelledby="agenda-reminders-title">
      <h2 id="agenda-reminders-title" class="visually-hidden">
        {words().title}
      </h2>
      <p class="hint">{words().noPush}</p>
      <Switch>
        <Match when={scheduler.access() === 'default'}>
          <p>
            <button type="button" class="secondary" onClick={() => void scheduler.requestAccess()}>
              {words().enable}
            </button>
          </p>
        </Match>
        <Match when={scheduler.access() === 'granted'}>
          <p class="muted">{words().granted}</p>
        </Match>
        <Match when={scheduler.access() === 'denied'}>
          <p class="muted">{words().denied}</p>
        </Match>
        <Match when={scheduler.access() === 'unsupported'}>
          <p class="muted">{words().unsupported}</p>
        </Match>
      </Switch>
      <Show when={scheduler.dueInPage().length > 0}>
        <div class="alert alert-info reminder-list" role="status">
          <h3>{words().dueTitle}</h3>
          <ul class="plain">
            <For each={scheduler.dueInPage()}>
              {(reminder) => (
                <li>
                  <a href={`#/agenda/event/${reminder.eventId}`}>{line(reminder)}</a>{' '}
                  <button type="button" class="secondary" onClick={() => scheduler.dismissInPage(reminder.key)}>
                    {words().dismiss}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <Show when={scheduler.missed().length > 0}>
        <div class="alert alert-info reminder-list">
          <h3>{words().missedTitle}</h3>
          <ul class="plain">
            <For each={scheduler.missed()}>
              {(reminder) => (
                <li>
                  <a href={`#/agenda/event/${reminder.eventId}`}>{line(reminder)}</a>{' '}
                  <button type="button" class="secondary" onClick={() => void scheduler.dismiss([reminder.key])}>
                    {words().dismiss}
                  </button>
                </li>
              )}
            </For>
          </ul>
          <button type="button" class="secondary" onClick={() => void scheduler.dismiss(null)}>
            {words().dismissAll}
          </button>
        </div>
      </Show>
    </section>
  );
}
