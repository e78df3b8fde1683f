/**
 * The agenda's use cases: events as sealed `agenda` records (docs/format.md §5.2), their
 * occurrences in a window, .ics import (previewed, then landed in one transaction: every accepted
 * event or none) and export, and the reminders.
 *
 * Reminders: Carnet has no push server (no server ever learns the agenda), so reminders can only
 * fire while the app is open. What was due while it was closed is kept as "missed" in a small
 * sealed state local to this device (format.md §5.5; never synced, never backed up, like the
 * search index) and listed at the next opening.
 */
import { toHex } from '../core/bytes.ts';
import { agendaCodec, occurrencesOf, sameEvent, type AgendaEvent } from '../core/agenda/event.ts';
import { parseIcs, serialiseIcs, type IcsDropped, type IcsEvent, type IcsFileError, type IcsProblem } from '../core/agenda/ical.ts';
import type { Occurrence } from '../core/agenda/rrule.ts';
import {
  advanceReminders,
  EMPTY_REMINDER_STATE,
  parseReminderState,
  reminderKey,
  reminderStateToJson,
  type Reminder,
  type ReminderState,
} from '../core/agenda/reminders.ts';
import type { HlcStamp } from '../core/records/hlc.ts';
import type { RecordId } from '../core/records/record.ts';
import { ok, type Result } from '../core/result.ts';
import { createRepository, type ListResult, type RecordError, type StoredRecord } from './records.ts';
import { readSealedJson, writeSealedJson, type SealedName } from './derived.ts';
import type { VaultSession } from './session.ts';

export type AgendaEntry = StoredRecord<AgendaEvent>;
export type AgendaError = RecordError | IcsFileError;

const REMINDERS_STORED: SealedName = { name: 'agenda-reminders', id: 'reminders' };

/** A new event's UID: random, so that two devices never make the same one. */
export function newEventUid(session: VaultSession): string {
  return `${toHex(session.deps.random.bytes(16))}@carnet`;
}

/**
 * What a caller gives to create an event (the agenda's form, the prevention screen): the rest
 * takes its default (no practitioner, place, note, documents, rule or reminders).
 */
export type NewAgendaEvent = Pick<AgendaEvent, 'title' | 'date' | 'time' | 'zone'> &
  Partial<Omit<AgendaEvent, 'uid' | 'createdAt' | 'title' | 'date' | 'time' | 'zone'>>;

/** A complete event from `fields`, with a fresh UID and the creation time from the session's clock. */
export function newAgendaEvent(session: VaultSession, fields: NewAgendaEvent): AgendaEvent {
  return {
    uid: newEventUid(session),
    durationMinutes: fields.time === null ? 1440 : 30,
    practitioner: '',
    place: '',
    note: '',
    documents: [],
    rrule: null,
    exdates: [],
    reminders: [],
    prevention: null,
    ...fields,
    createdAt: session.deps.clock.now(),
  };
}

export interface ImportItem {
  readonly status: 'new' | 'updated' | 'unchanged';
  readonly incoming: IcsEvent;
  /** What would be stored: the file's event, with the vault's own fields of the event it updates. */
  readonly next: AgendaEvent;
  readonly existing: AgendaEntry | null;
}

export interface ImportPreview {
  readonly items: readonly ImportItem[];
  readonly dropped: readonly IcsDropped[];
  /** Problems outside any event. */
  readonly problems: readonly IcsProblem[];
  readonly ignored: number;
}

/**
 * The file's event laid over the stored one: the vault's own fields (linked documents, the
 * prevention item, creation time) stay; reminders stay when the file gives none; an all-day
 * event keeps its zone (a date has none in iCalendar).
 */
export function mergeImported(existing: AgendaEvent, incoming: IcsEvent): AgendaEvent {
  const event = incoming.event;
  return {
    ...event,
    zone: event.time === null && existing.time === null ? existing.zone : event.zone,
    reminders: incoming.hasAlarms ? event.reminders : existing.reminders,
    documents: existing.documents,
    prevention: event.prevention ?? existing.prevention,
    createdAt: existing.createdAt,
  };
}

export interface OccurrenceOf {
  readonly entry: AgendaEntry;
  readonly occurrence: Occurrence;
}

/** Every occurrence of these events overlapping [from, to), in time order. */
export function occurrencesIn(entries: readonly AgendaEntry[], from: number, to: number): OccurrenceOf[] {
  const out: OccurrenceOf[] = [];
  for (const entry of entries) for (const occurrence of occurrencesOf(entry.data, from, to)) out.push({ entry, occurrence });
  return out.sort((a, b) => a.occurrence.start - b.occurrence.start || a.entry.data.title.localeCompare(b.entry.data.title));
}

/** A reminder with what the patient reads: the event's title and place. */
export interface ShownReminder extends Reminder {
  readonly key: string;
  readonly title: string;
  readonly place: string;
}

export function createAgenda(session: VaultSession) {
  const repository = createRepository(session, agendaCodec);

  async function listAll(): Promise<ListResult<AgendaEvent>> {
    return repository.list();
  }

  function byUid(records: readonly AgendaEntry[]): Map<string, AgendaEntry> {
    return new Map(records.map((record) => [record.data.uid, record]));
  }

  async function previewIcs(text: string, options: { zone: string }): Promise<Result<ImportPreview, AgendaError>> {
    const parsed = parseIcs(text, { zone: options.zone, now: session.deps.clock.now() });
    if (!parsed.ok) return parsed;
    const stored = byUid((await listAll()).records);
    const items = parsed.value.events.map((incoming): ImportItem => {
      const existing = stored.get(incoming.event.uid) ?? null;
      if (existing === null) return { status: 'new', incoming, next: incoming.event, existing };
      const next = mergeImported(existing.data, incoming);
      return { status: sameEvent(next, existing.data) ? 'unchanged' : 'updated', incoming, next, existing };
    });
    return ok({ items, dropped: parsed.value.dropped, problems: parsed.value.problems, ignored: parsed.value.ignored });
  }

  /**
   * Lands the accepted events (by UID) in one transaction: all of them or none. What is stored is
   * read again first, as the profile's only writer, so an event another tab imported meanwhile is
   * updated, not duplicated.
   */
  async function commitIcs(preview: ImportPreview, accepted: ReadonlySet<string>): Promise<Result<{ added: number; updated: number }, AgendaError>> {
    const chosen = preview.items.filter((item) => accepted.has(item.incoming.event.uid));
    if (chosen.length === 0) return ok({ added: 0, updated: 0 });
    const written = await session.exclusive(async (): Promise<Result<{ added: number; updated: number }, AgendaError>> => {
      const stored = byUid((await listAll()).records);
      const planned: { id: RecordId; data: AgendaEvent; seen: HlcStamp | undefined }[] = [];
      let added = 0;
      let updated = 0;
      for (const item of chosen) {
        const existing = stored.get(item.incoming.event.uid);
        if (existing === undefined) {
          planned.push({ id: session.newId(), data: item.incoming.event, seen: undefined });
          added++;
          continue;
        }
        const next = mergeImported(existing.data, item.incoming);
        if (sameEvent(next, existing.data)) continue;
        planned.push({ id: existing.id, data: next, seen: existing.hlc });
        updated++;
      }
      const landed = await writeEvents(planned);
      return landed.ok ? ok({ added, updated }) : landed;
    });
    return written;
  }

  /** Seals events and their change-log entries and writes them in one transaction. */
  async function writeEvents(planned: readonly { id: RecordId; data: AgendaEvent; seen: HlcStamp | undefined }[]): Promise<Result<void, AgendaError>> {
    const written = await repository.writeMany(planned.map(({ id, data, seen }) => (seen === undefined ? { id, data } : { id, data, seen })));
    return written.ok ? ok(undefined) : written;
  }


  /**
   * The state this session last wrote: when the database refuses a write (a full disk), the
   * scheduler goes on from it rather than from the stored one, so nothing is notified twice.
   */
  let written: ReminderState | null = null;

  async function readReminderState(): Promise<ReminderState> {
    if (written !== null) return written;
    const stored = await readSealedJson(session, REMINDERS_STORED);
    if (stored.status === 'unreadable') {
      // Local and derived: altered, it is started again from now (nothing is shown twice).
      console.warn('carnet: the reminders state did not open; starting it again');
      return EMPTY_REMINDER_STATE;
    }
    if (stored.status === 'absent') return EMPTY_REMINDER_STATE;
    const parsed = parseReminderState(stored.value);
    return parsed.ok ? parsed.value : EMPTY_REMINDER_STATE;
  }

  async function writeReminderState(state: ReminderState): Promise<void> {
    written = state;
    const stored = await writeSealedJson(session, REMINDERS_STORED, reminderStateToJson(state));
    if (!stored.ok) console.warn('carnet: the reminders state could not be saved; kept for this session', stored.error);
  }

  function shown(reminders: readonly Reminder[], records: readonly AgendaEntry[]): ShownReminder[] {
    const byId = new Map(records.map((record) => [record.id as string, record.data]));
    return reminders.flatMap((reminder) => {
      const data = byId.get(reminder.eventId);
      return data === undefined ? [] : [{ ...reminder, key: reminderKey(reminder), title: data.title, place: data.place }];
    });
  }

  return {
    list: listAll,
    get: repository.get,
    /** Creates (no id) or replaces an event. */
    put: (data: AgendaEvent, id?: RecordId) => repository.put(data, id),
    remove: repository.remove,
    /** Creates an event from the fields given (used by the prevention screen too). */
    async create(fields: NewAgendaEvent): Promise<Result<RecordId, RecordError>> {
      return repository.put(newAgendaEvent(session, fields));
    },
    previewIcs,
    commitIcs,
    /** One event or many as an .ics file's text, stamped with the session's clock. */
    exportIcs(events: readonly AgendaEvent[]): string {
      return serialiseIcs(events, { now: session.deps.clock.now() });
    },
    /**
     * One step of the reminder scheduler at `now`: what to show as notifications now, and the
     * missed ones to list. Run as the profile's only writer, so that two open tabs do not both
     * notify the same reminder.
     */
    async advanceReminders(now: number): Promise<{ notify: ShownReminder[]; missed: ShownReminder[] }> {
      return session.exclusive(async () => {
        const { records } = await listAll();
        const state = await readReminderState();
        const next = advanceReminders(state, records, now);
        if (next.state !== state) await writeReminderState(next.state);
        return { notify: shown(next.notify, records), missed: shown(next.state.missed, records) };
      });
    },
    /** Forgets missed reminders once the patient has seen them (all when `keys` is null). */
    async dismissMissed(keys: readonly string[] | null): Promise<void> {
      await session.exclusive(async () => {
        const state = await readReminderState();
        const drop = keys === null ? null : new Set(keys);
        await writeReminderState({ ...state, missed: drop === null ? [] : state.missed.filter((item) => !drop.has(reminderKey(item))) });
      });
    },
  };
}

export type Agenda = ReturnType<typeof createAgenda>;

/** For callers holding only a session (the prevention screen): creates one event. */
export async function createAgendaEvent(session: VaultSession, fields: NewAgendaEvent): Promise<Result<RecordId, RecordError>> {
  return createAgenda(session).create(fields);
}
