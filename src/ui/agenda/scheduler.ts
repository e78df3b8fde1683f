/**
 * The reminder scheduler: while Carnet is open and unlocked, it checks every few seconds which
 * reminders are due and shows each as a system notification (when the patient allowed them), or
 * in the page otherwise. There is no push server, so nothing fires while Carnet is closed; what
 * came due meanwhile is listed as missed at the next opening (app/agenda.ts keeps that list sealed).
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import type { Agenda, ShownReminder } from '../../app/agenda.ts';
import type { VaultSession } from '../../app/session.ts';
import { logUnexpected } from '../task.ts';

/** Often enough that a reminder is at most this late. */
const CHECK_EVERY_MS = 15_000;

export type NotificationAccess = 'unsupported' | 'default' | 'granted' | 'denied';

export interface ReminderScheduler {
  /** Missed while Carnet was closed (or the computer slept), until the patient dismisses them. */
  readonly missed: Accessor<readonly ShownReminder[]>;
  /** Due now and not shown as a notification (none allowed): shown in the page. */
  readonly dueInPage: Accessor<readonly ShownReminder[]>;
  readonly access: Accessor<NotificationAccess>;
  /** Asks for the notification permission: call from a click, never on its own. */
  requestAccess(): Promise<void>;
  dismiss(keys: readonly string[] | null): Promise<void>;
  dismissInPage(key: string): void;
  /** Checks at once (after an edit). */
  check(): Promise<void>;
  /** The words of notifications, in the patient's language (set by the agenda screen). */
  setWords(text: NotificationText): void;
  start(): void;
  stop(): void;
}

function currentAccess(): NotificationAccess {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** How a notification reads: the title, then when (its lead time) and where. */
export type NotificationText = (reminder: ShownReminder) => { title: string; body: string };

export function createReminderScheduler(session: VaultSession, agenda: Agenda): ReminderScheduler {
  const [missed, setMissed] = createRoot(() => createSignal<readonly ShownReminder[]>([]));
  const [dueInPage, setDueInPage] = createRoot(() => createSignal<readonly ShownReminder[]>([]));
  const [access, setAccess] = createRoot(() => createSignal<NotificationAccess>(currentAccess()));
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | null = null;
  const open = new Set<Notification>();
  session.onLock(() => {
    for (const notification of open) notification.close();
    open.clear();
  });
  let describe: NotificationText = (reminder) => ({ title: reminder.title, body: reminder.place });

  function show(reminder: ShownReminder): void {
    if (currentAccess() === 'granted') {
      try {
        const text = describe(reminder);
        const notification = new Notification(text.title, { body: text.body, tag: reminder.key });
        // What a notification says leaves the vault for the system's notification list: it goes
        // when the vault locks.
        open.add(notification);
        notification.onclose = () => open.delete(notification);
        notification.onclick = () => {
          window.focus();
          location.hash = `#/agenda/event/${reminder.eventId}`;
        };
        return;
      } catch (failure) {
        // Some platforms (Android Chrome) allow notifications only from a service worker.
        console.warn('carnet: a notification could not be shown; it is shown in the page', failure);
      }
    }
    setDueInPage((list) => [...list.filter((item) => item.key !== reminder.key), reminder]);
  }

  async function check(): Promise<void> {
    if (session.isLocked()) return;
    if (running !== null) return running;
    running = (async () => {
      try {
        setAccess(currentAccess());
        const step = await agenda.advanceReminders(Date.now());
        for (const reminder of step.notify) show(reminder);
        setMissed(step.missed);
      } catch (failure) {
        if (!session.isLocked()) logUnexpected(failure);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible') void check();
  };

  return {
    missed,
    dueInPage,
    access,
    async requestAccess() {
      if (typeof Notification === 'undefined') return;
      setAccess(await Notification.requestPermission());
    },
    async dismiss(keys) {
      // A check under way would put back the list it read before the dismissal.
      if (running !== null) await running;
      await agenda.dismissMissed(keys);
      const drop = keys === null ? null : new Set(keys);
      setMissed((list) => (drop === null ? [] : list.filter((item) => !drop.has(item.key))));
    },
    dismissInPage(key) {
      setDueInPage((list) => list.filter((item) => item.key !== key));
    },
    check,
    setWords(text) {
      describe = text;
    },
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void check(), CHECK_EVERY_MS);
      document.addEventListener('visibilitychange', onVisible);
      void check();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
