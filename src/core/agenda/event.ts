/**
 * An agenda event as sealed in an "agenda" record (docs/format.md §5.2): an appointment, or a
 * series of them (an injection every four weeks, a course of tablets), at a wall-clock time in an
 * IANA zone, so that "9:00 at the clinic in Paris" stays 9:00 across daylight-saving changes and
 * wherever the patient's phone happens to be.
 *
 * What must stay true: `start` is a wall-clock date and time plus a zone the platform knows, never
 * a UTC instant (a recurring 9:00 is 9:00 in summer and in winter); a rule is valid RRULE text
 * (rrule.ts) whose UNTIL has the form RFC 5545 requires for this start; `uid` is the iCalendar UID
 * by which a re-imported booking confirmation is recognised.
 */
import { err, ok, type Result } from '../result.ts';
import type { RecordId } from '../records/record.ts';
import { HLC_MAX_MILLIS } from '../records/hlc.ts';
import { Checker, type Invalid } from '../validate.ts';
import type { RecordCodec } from '../records/codec.ts';
import { hasControlCharacter, isTimeZone, parseDateText, parseTimeText, wallToInstant } from './calendar.ts';
import { expandOccurrences, formatRrule, normaliseUntil, parseRrule, type Occurrence, type RecurrenceStart, type Rrule, type RruleInvalid } from './rrule.ts';

export const MAX_UID_LENGTH = 255;
export const MAX_TITLE_LENGTH = 300;
export const MAX_PRACTITIONER_LENGTH = 300;
export const MAX_PLACE_LENGTH = 500;
export const MAX_NOTE_LENGTH = 10_000;
export const MAX_DOCUMENTS = 50;
export const MAX_EXDATES = 1000;
export const MAX_REMINDERS = 5;
/** Four weeks: the longest lead time a reminder may have. */
export const MAX_REMINDER_MINUTES = 40_320;
/** A year: longer than any appointment or stay. */
export const MAX_DURATION_MINUTES = 527_040;
export const MAX_PREVENTION_KEY_LENGTH = 100;
const RECORD_ID = /^[0-9a-f]{32}$/;

export interface AgendaEvent {
  /** The iCalendar UID (1–255): from the imported file, or made when the event was created. */
  readonly uid: string;
  readonly title: string;
  /** Wall-clock date of the (first) occurrence, `YYYY-MM-DD`. */
  readonly date: string;
  /** Wall-clock time `HH:MM`, or null for an all-day event. */
  readonly time: string | null;
  /** The IANA zone the date and time are read in. */
  readonly zone: string;
  /** Length in minutes; an all-day event's is a whole number of days (1440, 2880 …). */
  readonly durationMinutes: number;
  readonly practitioner: string;
  readonly place: string;
  readonly note: string;
  /** Documents of the vault this event is about (record ids). */
  readonly documents: readonly RecordId[];
  /** Canonical RRULE text (rrule.ts), or null for a single event. */
  readonly rrule: string | null;
  /** Occurrences removed from the series, by their wall-clock date `YYYY-MM-DD`, sorted. */
  readonly exdates: readonly string[];
  /** Reminder lead times in minutes before each occurrence, distinct, sorted. */
  readonly reminders: readonly number[];
  /** The prevention item this appointment was scheduled from, or null. */
  readonly prevention: string | null;
  /** When it was added to the vault (UTC ms). */
  readonly createdAt: number;
}

function parseReminders(check: Checker, value: unknown): number[] {
  const list = check.array(value, 'data.reminders', MAX_REMINDERS) ?? [];
  const reminders = list.map((item, index) => check.integer(item, `data.reminders[${index}]`, 0, MAX_REMINDER_MINUTES));
  if (new Set(reminders).size !== reminders.length) check.fail('data.reminders', 'a lead time is listed twice');
  return reminders.filter((item) => item !== undefined);
}

export function parseAgendaEvent(value: unknown): Result<AgendaEvent, Invalid> {
  const check = new Checker();
  const object = check.object(value, 'data');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  const uid = check.string(object['uid'], 'data.uid', { min: 1, max: MAX_UID_LENGTH });
  if (uid !== undefined && hasControlCharacter(uid)) check.fail('data.uid', 'holds a control character');
  const title = check.string(object['title'], 'data.title', { min: 1, max: MAX_TITLE_LENGTH });
  const date = check.string(object['date'], 'data.date', { max: 10 });
  const day = date === undefined ? null : parseDateText(date);
  if (date !== undefined && day === null) check.fail('data.date', 'not a calendar date');
  let time: string | null | undefined = null;
  if (object['time'] !== null) {
    time = check.string(object['time'], 'data.time', { max: 5 });
    if (time !== undefined && parseTimeText(time) === null) time = check.fail('data.time', 'not a time of day');
  }
  const zone = check.string(object['zone'], 'data.zone', { min: 1, max: 64 });
  if (zone !== undefined && !isTimeZone(zone)) check.fail('data.zone', 'not a known time zone');
  const durationMinutes = check.integer(object['durationMinutes'], 'data.durationMinutes', 0, MAX_DURATION_MINUTES);
  if (time === null && durationMinutes !== undefined && (durationMinutes === 0 || durationMinutes % 1440 !== 0))
    check.fail('data.durationMinutes', 'an all-day event lasts whole days');
  const practitioner = check.string(object['practitioner'], 'data.practitioner', { max: MAX_PRACTITIONER_LENGTH });
  const place = check.string(object['place'], 'data.place', { max: MAX_PLACE_LENGTH });
  const note = check.string(object['note'], 'data.note', { max: MAX_NOTE_LENGTH });
  const documentList = check.array(object['documents'], 'data.documents', MAX_DOCUMENTS) ?? [];
  const documents = documentList.map((item, index) => check.string(item, `data.documents[${index}]`, { max: 32, pattern: RECORD_ID }));
  if (new Set(documents).size !== documents.length) check.fail('data.documents', 'a document is listed twice');
  let rrule: string | null | undefined = null;
  if (object['rrule'] !== null) {
    rrule = check.string(object['rrule'], 'data.rrule', { min: 1, max: 500 });
    const parsed = rrule === undefined ? undefined : parseRrule(rrule);
    if (parsed !== undefined && !parsed.ok) rrule = check.fail('data.rrule', `not a supported rule (${parsed.error.reason}: ${parsed.error.part})`);
    else if (parsed?.ok === true && parsed.value.until !== null) {
      const expected = time === null ? 'date' : 'utc';
      const until = parsed.value.until;
      if (until.kind !== expected) check.fail('data.rrule', `UNTIL must be a ${expected === 'date' ? 'date' : 'UTC time'} for this event`);
      // A series that ends before it starts would be stored and never shown anywhere.
      else if (day !== null && until.kind === 'date' && until.day < day) check.fail('data.rrule', 'UNTIL is before the start');
      else if (day !== null && until.kind === 'utc' && typeof time === 'string' && zone !== undefined && isTimeZone(zone)) {
        const minutes = parseTimeText(time);
        if (minutes !== null && until.instant < wallToInstant(day, minutes, zone)) check.fail('data.rrule', 'UNTIL is before the start');
      }
    }
  }
  const exdateList = check.array(object['exdates'], 'data.exdates', MAX_EXDATES) ?? [];
  const exdates = exdateList.map((item, index) => {
    const text = check.string(item, `data.exdates[${index}]`, { max: 10 });
    return text !== undefined && parseDateText(text) === null ? check.fail(`data.exdates[${index}]`, 'not a calendar date') : text;
  });
  if (new Set(exdates).size !== exdates.length) check.fail('data.exdates', 'a date is listed twice');
  const reminders = parseReminders(check, object['reminders']);
  const prevention = object['prevention'] === null
    ? null
    : check.string(object['prevention'], 'data.prevention', { min: 1, max: MAX_PREVENTION_KEY_LENGTH });
  const createdAt = check.integer(object['createdAt'], 'data.createdAt', 0, HLC_MAX_MILLIS);
  if (
    uid === undefined || title === undefined || date === undefined || time === undefined || zone === undefined ||
    durationMinutes === undefined || practitioner === undefined || place === undefined || note === undefined ||
    rrule === undefined || prevention === undefined || createdAt === undefined || check.issues.length > 0
  )
    return err({ type: 'Invalid', issues: check.issues });
  return ok({
    uid,
    title,
    date,
    time,
    zone,
    durationMinutes,
    practitioner,
    place,
    note,
    documents: documents as RecordId[],
    rrule,
    exdates: (exdates as string[]).slice().sort(),
    reminders: reminders.slice().sort((a, b) => a - b),
    prevention,
    createdAt,
  });
}

export const agendaCodec: RecordCodec<'agenda', AgendaEvent> = {
  kind: 'agenda',
  parse: parseAgendaEvent,
  toJson: (data) => ({
    uid: data.uid,
    title: data.title,
    date: data.date,
    time: data.time,
    zone: data.zone,
    durationMinutes: data.durationMinutes,
    practitioner: data.practitioner,
    place: data.place,
    note: data.note,
    documents: data.documents,
    rrule: data.rrule,
    exdates: data.exdates,
    reminders: data.reminders,
    prevention: data.prevention,
    createdAt: data.createdAt,
  }),
};

/** Where an event's series starts, for rrule.ts. Throws on a date the codec would refuse (a bug). */
export function recurrenceStart(event: Pick<AgendaEvent, 'date' | 'time' | 'zone'>): RecurrenceStart {
  const day = parseDateText(event.date);
  if (day === null) throw new Error(`agenda: invalid date ${event.date}`);
  return { day, minutes: event.time === null ? null : parseTimeText(event.time), zone: event.zone };
}

/** The event's rule, parsed (null for a single event or a rule the codec would have refused). */
export function ruleOf(event: Pick<AgendaEvent, 'rrule'>): Rrule | null {
  if (event.rrule === null) return null;
  const parsed = parseRrule(event.rrule);
  return parsed.ok ? parsed.value : null;
}

/** The occurrences of `event` overlapping [from, to) (UTC ms), in order. */
export function occurrencesOf(event: AgendaEvent, from: number, to: number): Occurrence[] {
  const exdays = new Set(event.exdates.map((text) => parseDateText(text) as number));
  return expandOccurrences(recurrenceStart(event), event.durationMinutes, ruleOf(event), exdays, from, to);
}

/** Canonical rule text for this start (UNTIL in the form RFC 5545 requires), or the error. */
export function canonicalRrule(text: string, start: Pick<AgendaEvent, 'date' | 'time' | 'zone'>): Result<string, RruleInvalid> {
  const parsed = parseRrule(text);
  if (!parsed.ok) return parsed;
  return ok(formatRrule(normaliseUntil(parsed.value, recurrenceStart(start))));
}

/** Fields an imported .ics copy carries; the rest (documents, prevention, createdAt) is the vault's own. */
export const ICS_FIELDS = ['title', 'date', 'time', 'zone', 'durationMinutes', 'practitioner', 'place', 'note', 'rrule', 'exdates', 'reminders'] as const;

export function sameEvent(a: AgendaEvent, b: AgendaEvent): boolean {
  return JSON.stringify(agendaCodec.toJson(a)) === JSON.stringify(agendaCodec.toJson(b));
}
