/**
 * iCalendar (RFC 5545) for the agenda: reading the .ics files people receive (a booking
 * confirmation, another calendar's export) into agenda events, and writing events out as a file any
 * calendar opens.
 *
 * Reading is forgiving but never silent. Whatever could not be taken as written is reported per
 * event as a typed problem (a broken line, an unknown property, a floating time, an unknown zone,
 * a rule Carnet does not support …), so the patient decides whether the rest is kept. Extensions
 * (`X-…`) and properties that mean nothing to an agenda (DTSTAMP, SEQUENCE, ATTENDEE …) are
 * ignored and only counted.
 *
 * Writing follows §3.1: CRLF line ends, lines folded at 75 octets without splitting a UTF-8
 * character, TEXT escaped (§3.3.11), a DTSTAMP from the clock given, and a VTIMEZONE for every zone
 * used, correct over the years the events use (vtimezone.ts). Export then import gives back the
 * same events (the vault's own fields, linked documents and creation time, are not exported).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { DAY_MS, MINUTE_MS, dateOfDay, hasControlCharacter, dateText, dayNumber, daysInMonth, instantToWall, isTimeZone, parseDateText, parseTimeText, timeText, wallToInstant } from './calendar.ts';
import {
  MAX_DURATION_MINUTES,
  MAX_NOTE_LENGTH,
  MAX_PLACE_LENGTH,
  MAX_PRACTITIONER_LENGTH,
  MAX_PREVENTION_KEY_LENGTH,
  MAX_REMINDER_MINUTES,
  MAX_REMINDERS,
  MAX_TITLE_LENGTH,
  MAX_UID_LENGTH,
  agendaCodec,
  occurrencesOf,
  parseAgendaEvent,
  recurrenceStart,
  ruleOf,
  type AgendaEvent,
} from './event.ts';
import { formatRrule, normaliseUntil, parseRrule, type RruleInvalid } from './rrule.ts';
import { compactLocal, vtimezoneLines } from './vtimezone.ts';

/** More events than any personal calendar export holds; beyond it the file is refused. */
export const MAX_ICS_EVENTS = 5000;
const FOLD_OCTETS = 75;

/** Why part of an event could not be taken as written. `line` is the file's line number (1-based). */
export type IcsProblem =
  | { readonly type: 'BrokenLine'; readonly line: number }
  | { readonly type: 'UnknownProperty'; readonly line: number; readonly name: string }
  | { readonly type: 'UnsupportedProperty'; readonly line: number; readonly name: string }
  | { readonly type: 'UnsupportedComponent'; readonly line: number; readonly name: string }
  | { readonly type: 'FloatingTime'; readonly line: number }
  | { readonly type: 'UnknownZone'; readonly line: number; readonly zone: string }
  | { readonly type: 'InvalidValue'; readonly line: number; readonly name: string }
  | { readonly type: 'UnsupportedRule'; readonly line: number; readonly error: RruleInvalid }
  | { readonly type: 'Shortened'; readonly line: number; readonly name: string; readonly max: number }
  | { readonly type: 'MissingUid'; readonly line: number }
  /** Events that are dropped whatever the patient says: */
  | { readonly type: 'MissingStart'; readonly line: number }
  | { readonly type: 'MissingTitle'; readonly line: number }
  | { readonly type: 'DuplicateUid'; readonly line: number; readonly uid: string }
  | { readonly type: 'RecurrenceOverride'; readonly line: number }
  | { readonly type: 'Cancelled'; readonly line: number }
  | { readonly type: 'Unterminated'; readonly line: number; readonly name: string };

export interface IcsEvent {
  readonly event: AgendaEvent;
  /** Each one means the event differs from what the file says: kept only with the patient's consent. */
  readonly problems: readonly IcsProblem[];
  /** Extensions and properties meaningless to an agenda, ignored. */
  readonly ignored: number;
  /** Whether the file gave reminders (VALARM); without, a re-import keeps the patient's own. */
  readonly hasAlarms: boolean;
  readonly line: number;
}

export interface IcsDropped {
  readonly line: number;
  readonly uid: string | null;
  readonly title: string | null;
  readonly problems: readonly IcsProblem[];
}

export interface IcsImport {
  readonly events: readonly IcsEvent[];
  /** Events that cannot be kept (no start, a cancellation, a duplicate UID …). */
  readonly dropped: readonly IcsDropped[];
  /** Problems outside any event (a broken line between events, a component Carnet ignores). */
  readonly problems: readonly IcsProblem[];
  readonly ignored: number;
}

export type IcsFileError =
  | { readonly type: 'IcsEmpty' }
  | { readonly type: 'IcsNotCalendar' }
  | { readonly type: 'IcsTooManyEvents'; readonly max: number }
  | { readonly type: 'IcsNoEvents'; readonly dropped: readonly IcsDropped[]; readonly problems: readonly IcsProblem[] };

export interface IcsReadOptions {
  /** The patient's zone: floating times, unknown zones and all-day dates are read in it. */
  readonly zone: string;
  /** Creation time given to the events read (UTC ms). */
  readonly now: number;
}

interface ContentLine {
  readonly name: string;
  readonly params: ReadonlyMap<string, readonly string[]>;
  readonly value: string;
  readonly line: number;
}

/** §3.1: logical lines, each with the number of its first physical line; a fold is CRLF + one blank. */
function unfold(text: string): { text: string; line: number }[] {
  const logical: { text: string; line: number }[] = [];
  const physical = text.split(/\r\n|\n|\r/);
  physical.forEach((raw, index) => {
    const last = logical[logical.length - 1];
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && last !== undefined) last.text += raw.slice(1);
    else logical.push({ text: raw, line: index + 1 });
  });
  return logical.filter((entry) => entry.text.trim() !== '');
}

const NAME = /^[A-Za-z0-9-]+/;

/** §3.1: name *(";" param) ":" value; null when the line is not in that form. */
function parseContentLine(text: string, line: number): ContentLine | null {
  const nameMatch = NAME.exec(text);
  if (nameMatch === null) return null;
  const name = nameMatch[0].toUpperCase();
  const params = new Map<string, string[]>();
  let at = nameMatch[0].length;
  while (text[at] === ';') {
    const paramName = NAME.exec(text.slice(at + 1));
    if (paramName === null || text[at + 1 + paramName[0].length] !== '=') return null;
    at += 2 + paramName[0].length;
    const values: string[] = [];
    for (;;) {
      if (text[at] === '"') {
        const close = text.indexOf('"', at + 1);
        if (close < 0) return null;
        values.push(text.slice(at + 1, close));
        at = close + 1;
      } else {
        const match = /^[^";:,]*/.exec(text.slice(at)) as RegExpExecArray;
        values.push(match[0]);
        at += match[0].length;
      }
      if (text[at] !== ',') break;
      at++;
    }
    params.set(paramName[0].toUpperCase(), values);
  }
  if (text[at] !== ':') return null;
  return { name, params, value: text.slice(at + 1), line };
}

/** §3.3.11 TEXT: `\\`, `\;`, `\,`, `\n` (or `\N`). A lone backslash before anything else is kept. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, char: string) => (char === 'n' || char === 'N' ? '\n' : char));
}

export function escapeText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/[\\;,\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

type DateValue =
  | { readonly kind: 'date'; readonly day: number }
  | { readonly kind: 'utc'; readonly instant: number }
  | { readonly kind: 'zoned'; readonly day: number; readonly minutes: number; readonly zone: string }
  | { readonly kind: 'floating'; readonly day: number; readonly minutes: number }
  | { readonly kind: 'unknown-zone'; readonly day: number; readonly minutes: number; readonly zone: string };

/**
 * An IANA name from a TZID: as written, or the end of a prefixed one
 * (`/mozilla.org/20050126_1/Europe/Paris`, `/citadel.org/…/Europe/Paris`). Null when unknown.
 */
export function resolveZone(tzid: string): string | null {
  const name = tzid.trim();
  if (isTimeZone(name)) return name;
  const parts = name.split('/').filter((part) => part !== '');
  for (const take of [3, 2]) {
    const tail = parts.slice(-take).join('/');
    if (parts.length > take && isTimeZone(tail) && /^[A-Z][A-Za-z_]+\//.test(tail)) return tail;
  }
  return null;
}

/** One DATE or DATE-TIME value (§3.3.4, §3.3.5), with its TZID parameter; null when malformed. */
function parseDateValue(value: string, tzid: string | undefined, valueType: string | undefined): DateValue | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value.trim());
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = dayNumber(year, month, day);
  if (match[4] === undefined) return { kind: 'date', day: date };
  if (valueType === 'DATE') return null;
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6])];
  if (hour > 23 || minute > 59 || second > 60) return null;
  // Appointments are kept to the minute; seconds in a booking are always zero.
  const minutes = hour * 60 + minute;
  if (match[7] === 'Z') return { kind: 'utc', instant: date * DAY_MS + minutes * MINUTE_MS };
  if (tzid === undefined) return { kind: 'floating', day: date, minutes };
  const zone = resolveZone(tzid);
  return zone === null ? { kind: 'unknown-zone', day: date, minutes, zone: tzid } : { kind: 'zoned', day: date, minutes, zone };
}

/** §3.3.6 DURATION as signed minutes (seconds rounded down), or null. */
export function parseDuration(text: string): number | null {
  const match = /^([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$/.exec(text.trim());
  if (match === null || text.trim().endsWith('T') || /^[+-]?P$/.test(text.trim())) return null;
  const [weeks, days, hours, minutes, seconds] = [2, 3, 4, 5, 6].map((index) => Number(match[index] ?? 0)) as [number, number, number, number, number];
  const total = weeks * 10_080 + days * 1440 + hours * 60 + minutes + Math.floor(seconds / 60);
  return match[1] === '-' ? -total : total;
}

export function durationText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const value = Math.abs(minutes);
  if (value === 0) return 'PT0S';
  const days = Math.floor(value / 1440);
  const hours = Math.floor((value % 1440) / 60);
  const rest = value % 60;
  const time = (hours > 0 ? `${hours}H` : '') + (rest > 0 ? `${rest}M` : '');
  return `${sign}P${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;
}

/** Properties that mean nothing to an agenda: ignored and counted, never a problem. */
const IGNORED = new Set(['DTSTAMP', 'CREATED', 'LAST-MODIFIED', 'SEQUENCE', 'STATUS', 'TRANSP', 'CLASS', 'PRIORITY', 'ATTENDEE', 'URL', 'GEO', 'CATEGORIES', 'ORGANIZER', 'COMMENT', 'RESOURCES']);
/** Properties Carnet reads. */
const KNOWN = new Set(['UID', 'SUMMARY', 'DTSTART', 'DTEND', 'DURATION', 'LOCATION', 'DESCRIPTION', 'CONTACT', 'RRULE', 'EXDATE', 'X-CARNET-PREVENTION']);
/** Known to RFC 5545, with a meaning Carnet cannot keep: reported. */
const UNSUPPORTED = new Set(['RDATE', 'EXRULE', 'ATTACH', 'RELATED-TO', 'REQUEST-STATUS']);

interface RawEvent {
  readonly line: number;
  readonly properties: ContentLine[];
  readonly alarms: ContentLine[][];
  readonly problems: IcsProblem[];
}

/** A text value within `max` characters, shortened with a problem when longer. */
function bounded(text: string, max: number, name: string, line: number, problems: IcsProblem[]): string {
  if (text.length <= max) return text;
  problems.push({ type: 'Shortened', line, name, max });
  return text.slice(0, max);
}

/** The first parameter value, upper-cased for keywords. */
function param(line: ContentLine, name: string): string | undefined {
  return line.params.get(name)?.[0];
}

/** A date value as the event's wall-clock day in `zone` (EXDATE, UNTIL). */
function dayIn(value: DateValue, zone: string): number {
  switch (value.kind) {
    case 'utc':
      return instantToWall(value.instant, zone).day;
    case 'zoned':
      return instantToWall(wallToInstant(value.day, value.minutes, value.zone), zone).day;
    default:
      return value.day;
  }
}

function buildEvent(raw: RawEvent, options: IcsReadOptions, cancelledByMethod: boolean): IcsEvent | IcsDropped {
  const problems = [...raw.problems];
  let ignored = 0;
  const first = new Map<string, ContentLine>();
  for (const property of raw.properties) {
    const name = property.name;
    if (KNOWN.has(name)) {
      if (name !== 'EXDATE' && first.has(name)) problems.push({ type: 'InvalidValue', line: property.line, name });
      else if (!first.has(name)) first.set(name, property);
    } else if (name === 'RECURRENCE-ID') problems.push({ type: 'RecurrenceOverride', line: property.line });
    else if (name === 'STATUS' && property.value.trim().toUpperCase() === 'CANCELLED') problems.push({ type: 'Cancelled', line: property.line });
    else if (IGNORED.has(name) || name.startsWith('X-')) ignored++;
    else if (UNSUPPORTED.has(name)) problems.push({ type: 'UnsupportedProperty', line: property.line, name });
    else problems.push({ type: 'UnknownProperty', line: property.line, name });
  }
  if (cancelledByMethod && !problems.some((problem) => problem.type === 'Cancelled')) problems.push({ type: 'Cancelled', line: raw.line });
  const text = (name: string) => {
    const property = first.get(name);
    return property === undefined ? '' : unescapeText(property.value).trim();
  };
  const uidText = text('UID');
  const organizer = raw.properties.find((property) => property.name === 'ORGANIZER');
  const organizerName = organizer === undefined ? '' : (param(organizer, 'CN') ?? organizer.value.replace(/^mailto:/i, '')).trim();
  let title = text('SUMMARY').replace(/[\r\n]+/g, ' ');
  const practitioner = text('CONTACT') || organizerName;
  const place = text('LOCATION');
  if (title === '') title = practitioner || place;
  const dropped = (extra: IcsProblem[]): IcsDropped => ({ line: raw.line, uid: uidText || null, title: title || null, problems: [...problems, ...extra] });

  const startLine = first.get('DTSTART');
  if (startLine === undefined) return dropped([{ type: 'MissingStart', line: raw.line }]);
  const startValue = parseDateValue(startLine.value, param(startLine, 'TZID'), param(startLine, 'VALUE')?.toUpperCase());
  if (startValue === null) return dropped([{ type: 'InvalidValue', line: startLine.line, name: 'DTSTART' }]);
  if (title === '') return dropped([{ type: 'MissingTitle', line: raw.line }]);
  if (problems.some((problem) => problem.type === 'RecurrenceOverride' || problem.type === 'Cancelled')) return dropped([]);

  const ruleLine = first.get('RRULE');
  // Where the event is: a UTC time stays UTC for a series (its rule counts in UTC), and becomes
  // the patient's wall-clock time for a single appointment, the same instant.
  let day: number;
  let minutes: number | null;
  let zone: string;
  switch (startValue.kind) {
    case 'date':
      ({ day } = startValue);
      minutes = null;
      zone = options.zone;
      break;
    case 'utc':
      zone = ruleLine === undefined ? options.zone : 'UTC';
      ({ day, minutes } = instantToWall(startValue.instant, zone));
      break;
    case 'zoned':
      ({ day, minutes, zone } = startValue);
      break;
    case 'floating':
      ({ day, minutes } = startValue);
      zone = options.zone;
      problems.push({ type: 'FloatingTime', line: startLine.line });
      break;
    case 'unknown-zone':
      ({ day, minutes } = startValue);
      zone = options.zone;
      problems.push({ type: 'UnknownZone', line: startLine.line, zone: startValue.zone });
      break;
  }
  const startInstant = wallToInstant(day, minutes ?? 0, zone);

  // Length: DTEND or DURATION; neither is zero for a time and a day for a date (§3.6.1).
  let duration = minutes === null ? 1440 : 0;
  const endLine = first.get('DTEND');
  const durationLine = first.get('DURATION');
  if (endLine !== undefined) {
    const end = parseDateValue(endLine.value, param(endLine, 'TZID'), param(endLine, 'VALUE')?.toUpperCase());
    if (end === null || (end.kind === 'date') !== (minutes === null)) problems.push({ type: 'InvalidValue', line: endLine.line, name: 'DTEND' });
    else if (end.kind === 'date') duration = Math.max(1, end.day - day) * 1440;
    else {
      const endInstant = end.kind === 'utc' ? end.instant : end.kind === 'zoned' ? wallToInstant(end.day, end.minutes, end.zone) : wallToInstant(end.day, end.minutes, zone);
      duration = Math.max(0, Math.round((endInstant - startInstant) / MINUTE_MS));
    }
  } else if (durationLine !== undefined) {
    const value = parseDuration(durationLine.value);
    if (value === null || value < 0) problems.push({ type: 'InvalidValue', line: durationLine.line, name: 'DURATION' });
    else duration = minutes === null ? Math.max(1, Math.round(value / 1440)) * 1440 : value;
  }
  if (duration > MAX_DURATION_MINUTES) {
    problems.push({ type: 'Shortened', line: (endLine ?? durationLine ?? startLine).line, name: 'DURATION', max: MAX_DURATION_MINUTES });
    duration = minutes === null ? Math.floor(MAX_DURATION_MINUTES / 1440) * 1440 : MAX_DURATION_MINUTES;
  }

  let rrule: string | null = null;
  if (ruleLine !== undefined) {
    const parsed = parseRrule(ruleLine.value);
    if (!parsed.ok) problems.push({ type: 'UnsupportedRule', line: ruleLine.line, error: parsed.error });
    else rrule = formatRrule(normaliseUntil(parsed.value, { day, minutes, zone }));
  }
  const exdays = new Set<number>();
  if (rrule !== null) {
    for (const exdate of raw.properties.filter((property) => property.name === 'EXDATE')) {
      for (const item of exdate.value.split(',')) {
        const value = parseDateValue(item, param(exdate, 'TZID'), param(exdate, 'VALUE')?.toUpperCase());
        if (value === null) problems.push({ type: 'InvalidValue', line: exdate.line, name: 'EXDATE' });
        else exdays.add(dayIn(value, zone));
      }
    }
  }

  const reminders = new Set<number>();
  for (const alarm of raw.alarms) {
    const trigger = alarm.find((property) => property.name === 'TRIGGER');
    if (trigger === undefined) continue;
    let lead: number | null = null;
    if (param(trigger, 'VALUE')?.toUpperCase() === 'DATE-TIME') {
      const at = parseDateValue(trigger.value, undefined, undefined);
      if (at?.kind === 'utc') lead = Math.round((startInstant - at.instant) / MINUTE_MS);
    } else {
      const offset = parseDuration(trigger.value);
      if (offset !== null) lead = param(trigger, 'RELATED')?.toUpperCase() === 'END' ? -offset - duration : -offset;
    }
    if (lead === null || lead < 0 || lead > MAX_REMINDER_MINUTES) problems.push({ type: 'InvalidValue', line: trigger.line, name: 'TRIGGER' });
    else reminders.add(lead);
  }
  let leads = Array.from(reminders).sort((a, b) => a - b);
  if (leads.length > MAX_REMINDERS) {
    problems.push({ type: 'Shortened', line: raw.line, name: 'VALARM', max: MAX_REMINDERS });
    leads = leads.slice(0, MAX_REMINDERS);
  }

  let uid = uidText;
  if (uid === '') {
    // No UID (RFC 5545 requires one): one made from what the event says, so a re-import of the
    // same file still finds it.
    uid = `${toHex(sha256(utf8(`${startLine.value}\n${title}`)).subarray(0, 16))}@carnet.invalid`;
    problems.push({ type: 'MissingUid', line: raw.line });
  } else if (hasControlCharacter(uid)) {
    return dropped([{ type: 'InvalidValue', line: first.get('UID')?.line ?? raw.line, name: 'UID' }]);
  }
  const preventionText = text('X-CARNET-PREVENTION');
  const event: AgendaEvent = {
    uid: bounded(uid, MAX_UID_LENGTH, 'UID', raw.line, problems),
    title: bounded(title, MAX_TITLE_LENGTH, 'SUMMARY', first.get('SUMMARY')?.line ?? raw.line, problems),
    date: dateText(day),
    time: minutes === null ? null : timeText(minutes),
    zone,
    durationMinutes: duration,
    practitioner: bounded(practitioner, MAX_PRACTITIONER_LENGTH, 'CONTACT', first.get('CONTACT')?.line ?? raw.line, problems),
    place: bounded(place, MAX_PLACE_LENGTH, 'LOCATION', first.get('LOCATION')?.line ?? raw.line, problems),
    note: bounded(text('DESCRIPTION'), MAX_NOTE_LENGTH, 'DESCRIPTION', first.get('DESCRIPTION')?.line ?? raw.line, problems),
    documents: [],
    rrule,
    exdates: Array.from(exdays).sort((a, b) => a - b).map(dateText),
    reminders: leads,
    prevention: preventionText === '' ? null : preventionText.slice(0, MAX_PREVENTION_KEY_LENGTH),
    createdAt: options.now,
  };
  // What the vault would refuse (a series whose UNTIL comes before its start) is dropped here,
  // with its line, rather than failing the whole import at commit.
  const checked = parseAgendaEvent(agendaCodec.toJson(event));
  if (!checked.ok) {
    const field = checked.error.issues[0]?.path === 'data.rrule' ? 'RRULE' : 'DTSTART';
    return dropped([{ type: 'InvalidValue', line: first.get(field)?.line ?? raw.line, name: field }]);
  }
  return { event, problems, ignored, hasAlarms: raw.alarms.length > 0, line: raw.line };
}

/** Reads an .ics file's text into events and problems; fails only when nothing can be read. */
export function parseIcs(text: string, options: IcsReadOptions): Result<IcsImport, IcsFileError> {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return err({ type: 'IcsEmpty' });
  const lines = unfold(body);
  if (!lines.some((entry) => /^BEGIN:VCALENDAR\s*$/i.test(entry.text))) return err({ type: 'IcsNotCalendar' });
  const fileProblems: IcsProblem[] = [];
  const raws: RawEvent[] = [];
  let ignored = 0;
  let cancelled = false;
  /** Open components, innermost last. */
  const stack: { name: string; line: number }[] = [];
  let current: RawEvent | null = null;
  let alarm: ContentLine[] | null = null;
  const problemsHere = () => current?.problems ?? fileProblems;

  for (const entry of lines) {
    const parsed = parseContentLine(entry.text, entry.line);
    if (parsed === null) {
      problemsHere().push({ type: 'BrokenLine', line: entry.line });
      continue;
    }
    const inner = stack[stack.length - 1]?.name;
    if (parsed.name === 'BEGIN') {
      const name = parsed.value.trim().toUpperCase();
      if (name === 'VEVENT' && inner === 'VCALENDAR') {
        current = { line: entry.line, properties: [], alarms: [], problems: [] };
        raws.push(current);
      } else if (name === 'VALARM' && inner === 'VEVENT' && current !== null) {
        alarm = [];
        current.alarms.push(alarm);
      } else if (stack.length === 0 && name !== 'VCALENDAR') {
        fileProblems.push({ type: 'BrokenLine', line: entry.line });
      } else if (name !== 'VCALENDAR' && name !== 'VTIMEZONE' && name !== 'STANDARD' && name !== 'DAYLIGHT' && inner !== 'VTIMEZONE' && inner !== 'VALARM') {
        problemsHere().push({ type: 'UnsupportedComponent', line: entry.line, name: name.slice(0, 40) });
      }
      stack.push({ name, line: entry.line });
      continue;
    }
    if (parsed.name === 'END') {
      const name = parsed.value.trim().toUpperCase();
      const index = stack.map((item) => item.name).lastIndexOf(name);
      if (index < 0) {
        problemsHere().push({ type: 'BrokenLine', line: entry.line });
        continue;
      }
      // Components left open inside this one (a missing END) are closed with a problem each.
      for (const open of stack.splice(index)) {
        if (open.name !== name) problemsHere().push({ type: 'Unterminated', line: open.line, name: open.name.slice(0, 40) });
        if (open.name === 'VALARM') alarm = null;
        if (open.name === 'VEVENT') {
          current = null;
          alarm = null;
        }
      }
      continue;
    }
    if (stack.length === 0) {
      fileProblems.push({ type: 'BrokenLine', line: entry.line });
      continue;
    }
    if (alarm !== null && inner === 'VALARM') alarm.push(parsed);
    else if (current !== null && inner === 'VEVENT') current.properties.push(parsed);
    else if (inner === 'VCALENDAR') {
      if (parsed.name === 'METHOD' && parsed.value.trim().toUpperCase() === 'CANCEL') cancelled = true;
      else if (!['VERSION', 'PRODID', 'CALSCALE', 'METHOD'].includes(parsed.name)) ignored++;
    }
  }
  // A file cut short: whatever is still open is reported, on its event when it is one.
  for (const open of stack) {
    const owner = open.name === 'VEVENT' ? (raws.find((raw) => raw.line === open.line)?.problems ?? fileProblems) : fileProblems;
    owner.push({ type: 'Unterminated', line: open.line, name: open.name.slice(0, 40) });
  }
  if (raws.length > MAX_ICS_EVENTS) return err({ type: 'IcsTooManyEvents', max: MAX_ICS_EVENTS });

  const events: IcsEvent[] = [];
  const dropped: IcsDropped[] = [];
  const uids = new Set<string>();
  for (const raw of raws) {
    const built = buildEvent(raw, options, cancelled);
    if (!('event' in built)) {
      dropped.push(built);
      continue;
    }
    if (uids.has(built.event.uid)) {
      dropped.push({ line: raw.line, uid: built.event.uid, title: built.event.title, problems: [{ type: 'DuplicateUid', line: raw.line, uid: built.event.uid }] });
      continue;
    }
    uids.add(built.event.uid);
    ignored += built.ignored;
    events.push(built);
  }
  dropped.sort((a, b) => a.line - b.line);
  if (events.length === 0) return err({ type: 'IcsNoEvents', dropped, problems: fileProblems });
  return ok({ events, dropped, problems: fileProblems, ignored });
}

/** §3.1: at most 75 octets a line, continuation lines starting with one space, never inside a character. */
export function foldLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8(char).length;
    const limit = out.length === 0 ? FOLD_OCTETS : FOLD_OCTETS - 1;
    if (octets + size > limit) {
      out.push(out.length === 0 ? current : ` ${current}`);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(out.length === 0 ? current : ` ${current}`);
  return out;
}

function compactDate(day: number): string {
  return dateText(day).replaceAll('-', '');
}

function compactUtc(instant: number): string {
  return `${compactLocal(instant)}Z`;
}

/** The years an event's occurrences fall in, for its zone's VTIMEZONE. */
function yearsOf(event: AgendaEvent, now: number): [number, number] {
  const start = recurrenceStart(event);
  const first = dateOfDay(start.day).year;
  const rule = ruleOf(event);
  let last = dateOfDay(start.day + Math.ceil(event.durationMinutes / 1440)).year;
  if (rule !== null) {
    if (rule.until !== null) last = dateOfDay(rule.until.kind === 'utc' ? Math.floor(rule.until.instant / DAY_MS) + 1 : rule.until.day + 1).year;
    else if (rule.count !== null) {
      const far = dayNumber(first + 200, 1, 1) * DAY_MS;
      const all = occurrencesOf({ ...event, exdates: [] }, wallToInstant(start.day - 1, 0, event.zone), far);
      last = dateOfDay(instantToWall(all.at(-1)?.end ?? far, event.zone).day).year;
    } else {
      // A rule without end: the years up to ten after the export cover any near use.
      last = Math.max(first, dateOfDay(Math.floor(now / DAY_MS)).year) + 10;
    }
  }
  return [first, Math.min(Math.max(first, last), first + 60)];
}

export interface IcsWriteOptions {
  /** DTSTAMP (UTC ms): when the file was made. */
  readonly now: number;
}

/** Events as one iCalendar file (CRLF line ends, folded). */
export function serialiseIcs(events: readonly AgendaEvent[], options: IcsWriteOptions): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Carnet//Agenda 1//FR', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  const zones = new Map<string, [number, number]>();
  for (const event of events) {
    if (event.time === null) continue;
    const [first, last] = yearsOf(event, options.now);
    const known = zones.get(event.zone);
    zones.set(event.zone, known === undefined ? [first, last] : [Math.min(known[0], first), Math.max(known[1], last)]);
  }
  for (const [zone, [first, last]] of Array.from(zones).sort(([a], [b]) => a.localeCompare(b))) lines.push(...vtimezoneLines(zone, first, last));
  const stamp = compactUtc(options.now);
  for (const event of events) {
    const day = parseDateText(event.date) as number;
    const minutes = event.time === null ? null : (parseTimeText(event.time) as number);
    const at = (which: number) => (minutes === null ? compactDate(which) : compactLocal(which * DAY_MS + minutes * MINUTE_MS));
    const dateParam = minutes === null ? ';VALUE=DATE' : `;TZID=${event.zone}`;
    lines.push('BEGIN:VEVENT', `UID:${escapeText(event.uid)}`, `DTSTAMP:${stamp}`, `DTSTART${dateParam}:${at(day)}`, `DURATION:${durationText(event.durationMinutes)}`);
    if (event.rrule !== null) lines.push(`RRULE:${event.rrule}`);
    if (event.rrule !== null && event.exdates.length > 0) lines.push(`EXDATE${dateParam}:${event.exdates.map((text) => at(parseDateText(text) as number)).join(',')}`);
    lines.push(`SUMMARY:${escapeText(event.title)}`);
    if (event.place !== '') lines.push(`LOCATION:${escapeText(event.place)}`);
    if (event.practitioner !== '') lines.push(`CONTACT:${escapeText(event.practitioner)}`);
    if (event.note !== '') lines.push(`DESCRIPTION:${escapeText(event.note)}`);
    if (event.prevention !== null) lines.push(`X-CARNET-PREVENTION:${escapeText(event.prevention)}`);
    for (const lead of event.reminders) {
      lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(event.title)}`, `TRIGGER:${lead === 0 ? 'PT0S' : durationText(-lead)}`, 'END:VALARM');
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.flatMap(foldLine).join('\r\n')}\r\n`;
}

/** A file name for an export: the title's letters and digits, or `agenda`. */
export function icsFileName(title: string | null): string {
  const base = title === null ? '' : title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `${base === '' ? 'agenda' : base}.ics`;
}
