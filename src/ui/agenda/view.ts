/**
 * One agenda per open vault, shared by the agenda screens: the events loaded once, reloaded when
 * this or another tab changes them, and dropped with every decrypted view at lock. The reminder
 * scheduler lives here too, so it keeps running when the patient leaves the agenda screen.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createAgenda, type Agenda, type AgendaEntry } from '../../app/agenda.ts';
import type { RecordError } from '../../app/records.ts';
import type { VaultSession } from '../../app/session.ts';
import { createReminderScheduler, type ReminderScheduler } from './scheduler.ts';

export interface AgendaView {
  readonly agenda: Agenda;
  readonly entries: Accessor<readonly AgendaEntry[]>;
  /** Records that did not open: counted on screen, never silently dropped. */
  readonly failures: Accessor<readonly RecordError[]>;
  readonly loaded: Accessor<boolean>;
  readonly reload: () => Promise<void>;
  readonly reminders: ReminderScheduler;
}

const views = new WeakMap<VaultSession, AgendaView>();

export function agendaOf(session: VaultSession): AgendaView {
  const existing = views.get(session);
  if (existing !== undefined) return existing;
  const agenda = createAgenda(session);
  const [entries, setEntries] = createRoot(() => createSignal<readonly AgendaEntry[]>([]));
  const [failures, setFailures] = createRoot(() => createSignal<readonly RecordError[]>([]));
  const [loaded, setLoaded] = createRoot(() => createSignal(false));
  const reload = async () => {
    if (session.isLocked()) return;
    const listed = await agenda.list();
    setEntries(listed.records);
    setFailures(listed.failures);
    setLoaded(true);
  };
  const reminders = createReminderScheduler(session, agenda);
  session.onMessage((message) => {
    if (message.type === 'changed' && message.kinds.includes('agenda')) void reload().then(() => reminders.check());
  });
  const view: AgendaView = { agenda, entries, failures, loaded, reload, reminders };
  views.set(session, view);
  session.onLock(() => {
    reminders.stop();
    views.delete(session);
  });
  void reload();
  reminders.start();
  return view;
}
