/**
 * Reminders from the moment the vault opens, whatever screen is shown: the scheduler starts at
 * unlock (not at the first visit to the agenda), and reminders missed while Carnet was closed, or
 * due now without notifications, are announced on every screen but the agenda, which lists them.
 */
import { Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { useApp } from '../context.tsx';
import { speakNotifications } from './RemindersPanel.tsx';
import { agendaOf } from './view.ts';

export default function ReminderWatch(props: { session: VaultSession }) {
  const { t, router } = useApp();
  const view = agendaOf(props.session);
  speakNotifications(view);
  const count = () => view.reminders.missed().length + view.reminders.dueInPage().length;
  return (
    <Show when={count() > 0 && router.route().name !== 'agenda'}>
      <p class="banner reminder-banner" role="status">
        {t().agenda.reminders.waiting(count())} <a href="#/agenda">{t().agenda.reminders.open}</a>
      </p>
    </Show>
  );
}
