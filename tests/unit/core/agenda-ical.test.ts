/**
 * iCalendar (RFC 5545) in and out: the sample booking confirmation and calendar exports read as
 * the patient expects; every bad input (broken lines, unknown properties, floating times, unknown
 * zones, unsupported rules, a file cut short, something that is not a calendar) reported with its
 * typed problem; folding at 75 octets on character boundaries; export then import giving the same
 * events; the VTIMEZONE written for each zone right over the years used; and the record codec.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agendaCodec, occurrencesOf, parseAgendaEvent, type AgendaEvent } from '../../../src/core/agenda/event.ts';
import { escapeText, foldLine, parseDuration, parseIcs, resolveZone, serialiseIcs, unescapeText, type IcsImport } from '../../../src/core/agenda/ical.ts';
import { offsetChanges } from '../../../src/core/agenda/vtimezone.ts';
import { advanceReminders, EMPTY_REMINDER_STATE, parseReminderState, reminderStateToJson, remindersBetween } from '../../../src/core/agenda/reminders.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ics/${name}`, import.meta.url), 'utf8');
const NOW = Date.UTC(2026, 10, 2, 9, 0);
const options = { zone: 'Europe/Paris', now: NOW };

function read(text: string): IcsImport {
  const parsed = parseIcs(text, options);
  if (!parsed.ok) throw new Error(parsed.error.type);
  return parsed.value;
}

function event(overrides: Partial<AgendaEvent> = {}): AgendaEvent {
  return {
    uid: 'a1@carnet',
    title: 'Consultation',
    date: '2026-11-23',
    time: '09:30',
    zone: 'Europe/Paris',
    durationMinutes: 30,
    practitioner: '',
    place: '',
    note: '',
    documents: [],
    rrule: null,
    exdates: [],
    reminders: [],
    prevention: null,
    createdAt: NOW,
    ...overrides,
  };
}

describe('reading booking confirmations', () => {
  it('reads the Paris confirmation: zone, length, escaped and folded text, organiser, alarms', () => {
    const file = read(fixture('booking-confirmation-paris.ics'));
    expect(file.problems).toEqual([]);
    expect(file.dropped).toEqual([]);
    expect(file.events).toHaveLength(1);
    const [only] = file.events;
    expect(only?.problems).toEqual([]);
    expect(only?.hasAlarms).toBe(true);
    // DTSTAMP, SEQUENCE, STATUS, ATTENDEE, TRANSP, ORGANIZER and the X- extension.
    expect(only?.ignored).toBe(7);
    expect(only?.event).toEqual(
      event({
        uid: 'rdv-8f3c2a71-5d4e-4b0a-9e61-2c7f0d9b1a44@rendez-vous.example',
        title: 'Consultation Dr Élise Marchand (cardiologue)',
        practitioner: 'Dr Élise Marchand',
        place: 'Cabinet de cardiologie, 12 rue de la Santé, 75013 Paris',
        note: 'Votre rendez-vous est confirmé.\nMerci d’apporter votre carte Vitale, vos derniers résultats d’analyses et la liste de vos traitements en cours.\nEn cas d’empêchement, annulez au moins 24 h à l’avance.',
        reminders: [120, 1440],
      }),
    );
    const [occurrence] = occurrencesOf(only?.event as AgendaEvent, 0, Date.UTC(2030, 0, 1));
    expect(new Date(occurrence?.start ?? 0).toISOString()).toBe('2026-11-23T08:30:00.000Z');
  });

  it('reads UTC times, a series with UNTIL and EXDATE, and an all-day event (LF line ends)', () => {
    const file = read(fixture('utc-series.ics'));
    expect(file.events.map((item) => item.problems)).toEqual([[], [], []]);
    const [blood, injection, closed] = file.events.map((item) => item.event);
    // A single UTC time becomes the patient's wall-clock time, the same instant.
    expect(blood).toMatchObject({ date: '2026-12-01', time: '08:00', zone: 'Europe/Paris', durationMinutes: 15, rrule: null });
    expect(injection).toMatchObject({ date: '2027-01-04', time: '08:30', durationMinutes: 15, rrule: 'FREQ=WEEKLY;INTERVAL=4;UNTIL=20271231T225959Z', exdates: ['2027-03-01'], reminders: [30], practitioner: 'Cabinet infirmier Saint-Just' });
    const dates = occurrencesOf(injection as AgendaEvent, 0, Date.UTC(2030, 0, 1)).map((item) => new Date(item.start).toISOString().slice(0, 10));
    // Every 4 weeks through 2027: 13 dates, less the one removed.
    expect(dates).toHaveLength(12);
    expect(dates.slice(0, 3)).toEqual(['2027-01-04', '2027-02-01', '2027-03-29']);
    expect(closed).toMatchObject({ date: '2026-12-24', time: null, durationMinutes: 2880 });
  });

  it('keeps a UTC series in UTC, so its rule counts as the file meant', () => {
    const text = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:u', 'DTSTART:20260301T080000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', 'SUMMARY:S', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    expect(read(text).events[0]?.event).toMatchObject({ zone: 'UTC', time: '08:00', rrule: 'FREQ=WEEKLY;COUNT=2' });
  });

  it('resolves prefixed TZIDs and refuses Windows names', () => {
    expect(resolveZone('/mozilla.org/20050126_1/Europe/Paris')).toBe('Europe/Paris');
    expect(resolveZone('America/New_York')).toBe('America/New_York');
    expect(resolveZone('Romance Standard Time')).toBeNull();
  });
});

describe('bad input', () => {
  it('reports each fault of the broken sample on its event, and keeps the valid parts apart', () => {
    const file = read(fixture('broken.ics'));
    const byUid = new Map(file.events.map((item) => [item.event.uid, item]));
    expect(byUid.get('floating-1@broken.example')?.problems).toEqual([
      { type: 'BrokenLine', line: 9 },
      { type: 'FloatingTime', line: 6 },
    ]);
    expect(byUid.get('floating-1@broken.example')?.event).toMatchObject({ date: '2026-12-10', time: '14:00', zone: 'Europe/Paris', durationMinutes: 30 });
    expect(byUid.get('unknown-zone-1@broken.example')?.problems).toEqual([
      { type: 'UnknownProperty', line: 16, name: 'FOO-BAR' },
      { type: 'UnknownZone', line: 13, zone: 'Romance Standard Time' },
    ]);
    expect(byUid.get('unknown-zone-1@broken.example')?.ignored).toBe(1);
    expect(byUid.get('bad-rule-1@broken.example')?.problems).toEqual([
      { type: 'UnsupportedRule', line: 22, error: { type: 'RruleInvalid', reason: 'unsupported', part: 'BYHOUR=8,20' } },
    ]);
    expect(byUid.get('bad-rule-1@broken.example')?.event.rrule).toBeNull();
    expect(byUid.get('good-1@broken.example')?.problems).toEqual([]);
    expect(file.dropped).toEqual([{ line: 25, uid: 'no-start@broken.example', title: 'An event without a start', problems: [{ type: 'MissingStart', line: 25 }] }]);
    expect(file.problems).toEqual([{ type: 'UnsupportedComponent', line: 35, name: 'VTODO' }]);
  });

  it('reports a file cut short, and keeps what was read', () => {
    const file = read(fixture('truncated.ics'));
    expect(file.events[0]?.event).toMatchObject({ uid: 'cut-short@broken.example', title: 'Radiology (file cut short)', time: '11:00', durationMinutes: 30 });
    expect(file.events[0]?.problems).toEqual([{ type: 'Unterminated', line: 4, name: 'VEVENT' }]);
    expect(file.problems).toEqual([{ type: 'Unterminated', line: 1, name: 'VCALENDAR' }]);
  });

  it('refuses what is not a calendar, an empty file, and a calendar without a usable event', () => {
    expect(parseIcs(fixture('not-a-calendar.ics'), options)).toEqual({ ok: false, error: { type: 'IcsNotCalendar' } });
    expect(parseIcs(' \r\n', options)).toEqual({ ok: false, error: { type: 'IcsEmpty' } });
    const empty = parseIcs('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:No start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', options);
    expect(empty).toMatchObject({ ok: false, error: { type: 'IcsNoEvents', dropped: [{ uid: 'x', problems: [{ type: 'MissingStart' }] }] } });
  });

  it('drops cancellations, overrides of one occurrence and repeated UIDs, each with its reason', () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT', 'UID:a', 'DTSTART:20261201T080000Z', 'SUMMARY:A', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:a', 'DTSTART:20261202T080000Z', 'SUMMARY:A again', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'RECURRENCE-ID:20261203T080000Z', 'DTSTART:20261203T090000Z', 'SUMMARY:B moved', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:c', 'STATUS:CANCELLED', 'DTSTART:20261204T080000Z', 'SUMMARY:C', 'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const file = read(text);
    expect(file.events.map((item) => item.event.title)).toEqual(['A']);
    expect(file.dropped.map((item) => item.problems.map((problem) => problem.type))).toEqual([['DuplicateUid'], ['RecurrenceOverride'], ['Cancelled']]);
  });

  it('makes a stable UID for an event without one, and says so', () => {
    const text = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:Vaccin\r\nEND:VEVENT\r\nEND:VCALENDAR';
    const first = read(text).events[0];
    expect(first?.problems).toEqual([{ type: 'MissingUid', line: 2 }]);
    expect(read(text).events[0]?.event.uid).toBe(first?.event.uid);
    expect(first?.event.uid).toMatch(/^[0-9a-f]{32}@carnet\.invalid$/);
  });

  it('reports values it cannot read and alarms it cannot keep', () => {
    const text = [
      'BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:v', 'DTSTART;TZID=Europe/Paris:20261201T080000', 'DURATION:soon', 'SUMMARY:V',
      'BEGIN:VALARM', 'TRIGGER:PT10M', 'END:VALARM',
      'BEGIN:VALARM', 'TRIGGER;VALUE=DATE-TIME:20261201T060000Z', 'END:VALARM',
      'END:VEVENT', 'END:VCALENDAR',
    ].join('\r\n');
    const only = read(text).events[0];
    expect(only?.problems).toEqual([
      { type: 'InvalidValue', line: 5, name: 'DURATION' },
      { type: 'InvalidValue', line: 8, name: 'TRIGGER' },
    ]);
    // 08:00 Paris is 07:00Z: an alarm at 06:00Z is 60 minutes before.
    expect(only?.event.reminders).toEqual([60]);
  });

  it('shortens a title beyond the limit, with a problem saying so', () => {
    const text = `BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:t\r\nDTSTART:20261201T080000Z\r\nSUMMARY:${'x'.repeat(400)}\r\nEND:VEVENT\r\nEND:VCALENDAR`;
    const only = read(text).events[0];
    expect(only?.event.title).toHaveLength(300);
    expect(only?.problems).toEqual([{ type: 'Shortened', line: 5, name: 'SUMMARY', max: 300 }]);
  });
});

describe('writing iCalendar', () => {
  const events: AgendaEvent[] = [
    event({
      uid: 'rdv-1@carnet',
      title: 'Cardiologue; contrôle, « annuel »',
      practitioner: 'Dr Élise Marchand',
      place: 'Cabinet de cardiologie, 12 rue de la Santé, 75013 Paris — 3ᵉ étage, porte gauche, interphone « Marchand »',
      note: 'Apporter l’ECG.\nÀ jeun: non\\oui ? 🩺',
      reminders: [60, 1440],
    }),
    event({ uid: 'inj@carnet', title: 'Injection', date: '2026-03-02', time: '08:30', rrule: 'FREQ=WEEKLY;INTERVAL=4', exdates: ['2026-03-30'], reminders: [30], prevention: 'flu-vaccine' }),
    event({ uid: 'ny@carnet', title: 'Second opinion', date: '2026-11-01', time: '01:30', zone: 'America/New_York', durationMinutes: 90, rrule: 'FREQ=MONTHLY;COUNT=6;BYDAY=1SU' }),
    event({ uid: 'day@carnet', title: 'Holter', date: '2026-12-24', time: null, durationMinutes: 2880, rrule: 'FREQ=YEARLY;UNTIL=20291224', exdates: ['2027-12-24'] }),
  ];
  const text = serialiseIcs(events, { now: NOW });

  it('writes CRLF lines of at most 75 octets, folded on character boundaries', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.slice(0, -2).split('\r\n');
    expect(lines.every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
    expect(lines.some((line) => line.startsWith(' '))).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(lines).toContain('DTSTAMP:20261102T090000Z');
    expect(lines).toContain('DTSTART;TZID=Europe/Paris:20261123T093000');
    expect(lines).toContain('EXDATE;VALUE=DATE:20271224');
    expect(lines).toContain('TRIGGER:-P1D');
  });

  it('folds multi-byte characters whole', () => {
    const line = `DESCRIPTION:${'é'.repeat(30)}🩺${'à'.repeat(40)}`;
    const folded = foldLine(line);
    expect(folded.every((part) => new TextEncoder().encode(part).length <= 75)).toBe(true);
    expect(folded.map((part, index) => (index === 0 ? part : part.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toEqual(['SHORT:x']);
  });

  it('escapes TEXT and reads it back', () => {
    const value = 'a;b,c\\d\ne';
    expect(escapeText(value)).toBe('a\\;b\\,c\\\\d\\ne');
    expect(unescapeText(escapeText(value))).toBe(value);
  });

  it('gives back the same events when imported (round trip)', () => {
    const file = read(text);
    expect(file.problems).toEqual([]);
    expect(file.events.every((item) => item.problems.length === 0)).toBe(true);
    expect(file.events.map((item) => item.event)).toEqual(events);
  });

  it('writes one VTIMEZONE per zone with the real transitions of the years used', () => {
    expect(text.match(/BEGIN:VTIMEZONE/g)).toHaveLength(2);
    const paris = text.slice(text.indexOf('TZID:Europe/Paris'), text.indexOf('END:VTIMEZONE', text.indexOf('TZID:Europe/Paris')));
    // 2026: 29 March 02:00 +01 → +02, 25 October 03:00 +02 → +01.
    expect(paris).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT');
    expect(paris).toContain('BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD');
    // The endless series runs past the export: ten more years are covered.
    expect(paris).toContain('DTSTART:20360330T020000');
    const newYork = text.slice(text.indexOf('TZID:America/New_York'), text.indexOf('TZID:Europe/Paris'));
    expect(newYork).toContain('DTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500');
    expect(newYork).toContain('DTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400');
    expect(offsetChanges('Asia/Tokyo', 2026, 2030)).toEqual([]);
  });

  it('reads DURATION values', () => {
    expect(parseDuration('PT1H30M')).toBe(90);
    expect(parseDuration('-P1D')).toBe(-1440);
    expect(parseDuration('P2W')).toBe(20_160);
    expect(parseDuration('PT')).toBeNull();
    expect(parseDuration('P')).toBeNull();
  });
});

describe('the agenda record', () => {
  it('reads back what it writes', () => {
    const data = event({ documents: ['0123456789abcdef0123456789abcdef' as never], rrule: 'FREQ=DAILY;COUNT=10', reminders: [10, 0] });
    const parsed = agendaCodec.parse(JSON.parse(JSON.stringify(agendaCodec.toJson(data))));
    expect(parsed).toEqual({ ok: true, value: { ...data, reminders: [0, 10] } });
  });

  it('refuses what it would not write, every issue with its path', () => {
    const parsed = agendaCodec.parse({
      ...(agendaCodec.toJson(event()) as object),
      uid: '',
      date: '2026-02-30',
      time: '25:00',
      zone: 'Mars/Olympus',
      rrule: 'FREQ=HOURLY',
      reminders: [1, 1, 2, 3, 4, 5],
      documents: ['not-an-id'],
    });
    expect(parsed.ok).toBe(false);
    const paths = parsed.ok ? [] : parsed.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(['data.uid', 'data.date', 'data.time', 'data.zone', 'data.documents[0]', 'data.rrule', 'data.reminders']);
    const allDay = agendaCodec.parse({ ...(agendaCodec.toJson(event({ time: null, durationMinutes: 90 })) as object) });
    expect(allDay.ok ? [] : allDay.error.issues.map((issue) => issue.path)).toEqual(['data.durationMinutes']);
    const until = agendaCodec.parse({ ...(agendaCodec.toJson(event({ rrule: 'FREQ=DAILY;UNTIL=20261231' })) as object) });
    expect(until.ok ? [] : until.error.issues.map((issue) => issue.path)).toEqual(['data.rrule']);
  });
});

describe('reminders', () => {
  const withReminders = [{ id: 'a'.repeat(32), data: event({ reminders: [15, 1440] }) }];
  const start = Date.UTC(2026, 10, 23, 8, 30);

  it('are due at each occurrence less each lead time', () => {
    expect(remindersBetween(withReminders, start - 2 * 86_400_000, start).map((item) => [item.lead, item.at])).toEqual([
      [1440, start - 86_400_000],
      [15, start - 15 * 60_000],
    ]);
  });

  it('notify what is due now, list what passed while closed as missed, and start from now the first time', () => {
    const first = advanceReminders(EMPTY_REMINDER_STATE, withReminders, start - 3 * 86_400_000);
    expect(first).toEqual({ notify: [], state: { checkedUntil: start - 3 * 86_400_000, missed: [] } });
    // Closed for two days and a bit: the day-before reminder was missed; the 15-minute one is due now.
    const reopened = advanceReminders(first.state, withReminders, start - 14 * 60_000);
    expect(reopened.notify.map((item) => item.lead)).toEqual([15]);
    expect(reopened.state.missed.map((item) => item.lead)).toEqual([1440]);
    // A clock that went back changes nothing.
    expect(advanceReminders(reopened.state, withReminders, start - 60 * 60_000)).toEqual({ notify: [], state: reopened.state });
    expect(parseReminderState(JSON.parse(JSON.stringify(reminderStateToJson(reopened.state))))).toEqual({ ok: true, value: reopened.state });
  });
});

describe('a series that ends before it starts', () => {
  it('is refused by the record parser and dropped from an import with its line, never stored unseen', () => {
    const base = { uid: 'u@x', title: 'Kiné', date: '2026-12-01', time: '18:00', zone: 'Europe/Paris', durationMinutes: 30, practitioner: '', place: '', note: '', documents: [], exdates: [], reminders: [], prevention: null, createdAt: 0 };
    expect(parseAgendaEvent({ ...base, rrule: 'FREQ=WEEKLY;UNTIL=20261130T170000Z' })).toMatchObject({ ok: false, error: { issues: [{ path: 'data.rrule', problem: 'UNTIL is before the start' }] } });
    expect(parseAgendaEvent({ ...base, rrule: 'FREQ=WEEKLY;UNTIL=20261201T170000Z' }).ok).toBe(true);
    expect(parseAgendaEvent({ ...base, time: null, durationMinutes: 1440, rrule: 'FREQ=DAILY;UNTIL=20261130' })).toMatchObject({ ok: false });
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', 'UID:a@x', 'DTSTAMP:20261101T080000Z', 'DTSTART;TZID=Europe/Paris:20261201T180000', 'DURATION:PT30M', 'RRULE:FREQ=WEEKLY;UNTIL=20261101T170000Z', 'SUMMARY:Kiné', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const parsed = parseIcs(ics, { zone: 'Europe/Paris', now: 0 });
    expect(parsed).toMatchObject({ ok: false, error: { type: 'IcsNoEvents', dropped: [{ uid: 'a@x', problems: [{ type: 'InvalidValue', name: 'RRULE', line: 9 }] }] } });
  });
});
