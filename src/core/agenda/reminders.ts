/**
 * Reminders: each occurrence of an event, less each of its lead times, is a moment to remind the
 * patient. Carnet has no push server (nothing outside the device knows the agenda), so reminders
 * fire only while the app is open; those whose moment passed while it was closed are kept as
 * "missed" and listed at the next opening. This module says which moments fall in a span of time
 * and reads the state the app keeps (sealed, local to the device) between openings.
 */
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import { MAX_REMINDER_MINUTES, occurrencesOf, type AgendaEvent } from './event.ts';
import { MINUTE_MS } from './calendar.ts';

export interface Reminder {
  /** The event's record id. */
  readonly eventId: string;
  /** The occurrence's start (UTC ms). */
  readonly start: number;
  /** Minutes before the start. */
  readonly lead: number;
  /** When it is due: start − lead (UTC ms). */
  readonly at: number;
}

/** Stable across openings: which event, which occurrence, which lead time. */
export function reminderKey(reminder: Pick<Reminder, 'eventId' | 'start' | 'lead'>): string {
  return `${reminder.eventId}/${reminder.start}/${reminder.lead}`;
}

/** The reminders due in (after, upTo] (UTC ms), in order of their moment. */
export function remindersBetween(events: readonly { readonly id: string; readonly data: AgendaEvent }[], after: number, upTo: number): Reminder[] {
  const due: Reminder[] = [];
  if (upTo <= after) return due;
  for (const { id, data } of events) {
    if (data.reminders.length === 0) continue;
    const longest = Math.max(...data.reminders);
    const shortest = Math.min(...data.reminders);
    for (const occurrence of occurrencesOf(data, after + shortest * MINUTE_MS, upTo + longest * MINUTE_MS + 1)) {
      for (const lead of data.reminders) {
        const at = occurrence.start - lead * MINUTE_MS;
        if (at > after && at <= upTo) due.push({ eventId: id, start: occurrence.start, lead, at });
      }
    }
  }
  return due.sort((a, b) => a.at - b.at || a.eventId.localeCompare(b.eventId));
}

/** At most this many missed reminders are kept (the oldest go first). */
export const MAX_MISSED = 100;

/** What the device remembers between openings (sealed; format.md §5.5). */
export interface ReminderState {
  /** Every reminder due up to this moment was shown or listed as missed; null before the first run. */
  readonly checkedUntil: number | null;
  readonly missed: readonly Reminder[];
}

export const EMPTY_REMINDER_STATE: ReminderState = { checkedUntil: null, missed: [] };

export function reminderStateToJson(state: ReminderState): unknown {
  return { v: 1, checkedUntil: state.checkedUntil, missed: state.missed.map(({ eventId, start, lead, at }) => ({ eventId, start, lead, at })) };
}

export function parseReminderState(value: unknown): Result<ReminderState, Invalid> {
  const check = new Checker();
  const object = check.object(value, '$');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  if (object['v'] !== 1) check.fail('$.v', 'expected 1');
  const checkedUntil = object['checkedUntil'] === null ? null : check.integer(object['checkedUntil'], '$.checkedUntil', 0, Number.MAX_SAFE_INTEGER);
  const list = check.array(object['missed'], '$.missed', MAX_MISSED) ?? [];
  const missed: Reminder[] = [];
  list.forEach((item, index) => {
    const entry = check.object(item, `$.missed[${index}]`);
    if (entry === undefined) return;
    const eventId = check.string(entry['eventId'], `$.missed[${index}].eventId`, { max: 32, pattern: /^[0-9a-f]{32}$/ });
    const start = check.integer(entry['start'], `$.missed[${index}].start`, -8.64e15, 8.64e15);
    const lead = check.integer(entry['lead'], `$.missed[${index}].lead`, 0, MAX_REMINDER_MINUTES);
    const at = check.integer(entry['at'], `$.missed[${index}].at`, -8.64e15, 8.64e15);
    if (eventId !== undefined && start !== undefined && lead !== undefined && at !== undefined) missed.push({ eventId, start, lead, at });
  });
  if (checkedUntil === undefined || check.issues.length > 0) return err({ type: 'Invalid', issues: check.issues });
  return ok({ checkedUntil, missed });
}

/**
 * How late a reminder may still be shown as a notification; later than this (the computer slept,
 * the app was closed), it is listed as missed instead.
 */
export const NOTIFY_GRACE_MS = 10 * MINUTE_MS;

/**
 * One step of the scheduler at `now`: what to notify, and the state after. The first run ever
 * starts from `now` (nothing before it was promised); a clock that went back changes nothing.
 */
export function advanceReminders(
  state: ReminderState,
  events: readonly { readonly id: string; readonly data: AgendaEvent }[],
  now: number,
): { readonly notify: Reminder[]; readonly state: ReminderState } {
  if (state.checkedUntil === null) return { notify: [], state: { checkedUntil: now, missed: state.missed } };
  if (now <= state.checkedUntil) return { notify: [], state };
  const due = remindersBetween(events, state.checkedUntil, now);
  const notify = due.filter((reminder) => now - reminder.at <= NOTIFY_GRACE_MS);
  const late = due.filter((reminder) => now - reminder.at > NOTIFY_GRACE_MS);
  const known = new Set(state.missed.map(reminderKey));
  const missed = [...state.missed, ...late.filter((reminder) => !known.has(reminderKey(reminder)))].slice(-MAX_MISSED);
  return { notify, state: { checkedUntil: now, missed } };
}
