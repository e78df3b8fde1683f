/** How the agenda says dates and times: in the patient's language and display zone. */
import type { AgendaEntry } from '../../app/agenda.ts';
import { DAY_MS, instantToWall, parseDateText, wallToInstant } from '../../core/agenda/calendar.ts';
import type { Occurrence } from '../../core/agenda/rrule.ts';
import { occurrencesOf, recurrenceStart, type AgendaEvent } from '../../core/agenda/event.ts';
import type { Dictionary } from '../i18n/i18n.ts';

export const dateLocale = (language: string) => (language === 'fr' ? 'fr-FR' : 'en-GB');

/** A wall-clock day (day number) as "lundi 23 novembre 2026". */
export function dayLong(day: number, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(day * DAY_MS);
}

export function dayShort(day: number, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(day * DAY_MS);
}

export function monthTitle(year: number, month: number, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1));
}

export function timeIn(instant: number, zone: string, language: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(instant);
}

/** The day an occurrence is shown on in the display zone (an all-day event keeps its own date). */
export function shownDay(entry: AgendaEntry, occurrence: Occurrence, displayZone: string): number {
  return entry.data.time === null ? occurrence.day : instantToWall(occurrence.start, displayZone).day;
}

/** "14:30" in the display zone, with the event's own time when its zone differs; all day otherwise. */
export function timeLabel(t: Dictionary, entry: AgendaEntry, occurrence: Occurrence, displayZone: string): string {
  const words = t.agenda;
  if (entry.data.time === null) return words.allDays(Math.max(1, Math.round(entry.data.durationMinutes / 1440)));
  const shown = timeIn(occurrence.start, displayZone, t.lang);
  if (entry.data.zone === displayZone) return shown;
  return `${shown} (${words.zoneTime(timeIn(occurrence.start, entry.data.zone, t.lang), entry.data.zone)})`;
}

/** The full date and time of an occurrence. */
export function whenLabel(t: Dictionary, entry: AgendaEntry, occurrence: Occurrence, displayZone: string): string {
  return `${dayLong(shownDay(entry, occurrence, displayZone), t.lang)}, ${timeLabel(t, entry, occurrence, displayZone)}`;
}

/** Today's wall-clock day in a zone. */
export function today(zone: string): number {
  return instantToWall(Date.now(), zone).day;
}

/** A `YYYY-MM-DD` route part as a day, or null. */
export function dayFromPath(text: string | undefined): number | null {
  return text === undefined ? null : parseDateText(text);
}


/** The first date and time of an event (its DTSTART), as whenLabel says it. */
export function firstLabel(t: Dictionary, data: AgendaEvent, displayZone: string): string {
  const start = recurrenceStart(data);
  const from = wallToInstant(start.day - 1, 0, data.zone);
  const [first] = occurrencesOf({ ...data, exdates: [] }, from, from + 3 * DAY_MS);
  return first === undefined ? data.date : whenLabel(t, { id: '' as AgendaEntry['id'], hlc: '' as AgendaEntry['hlc'], data }, first, displayZone);
}
