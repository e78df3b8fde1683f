/**
 * Recurrence rules (RFC 5545 §3.3.10) as the agenda expands them: wall-clock time kept across
 * daylight-saving changes in Europe/Paris and America/New_York (a time in the spring gap moves
 * forward, one in the autumn overlap takes the first pass), rules without end expanded only
 * within the window asked for, the BYxxx parts a health agenda uses, and a typed error for each
 * part Carnet does not support. Transition dates are written out from the published rules: the EU
 * changes on the last Sundays of March and October at 01:00 UTC, the US on the second Sunday of
 * March and the first of November at 02:00 local.
 */
import { describe, expect, it } from 'vitest';
import { dateText, dayNumber, parseDateText } from '../../../src/core/agenda/calendar.ts';
import { occurrencesOf, type AgendaEvent } from '../../../src/core/agenda/event.ts';
import { expandOccurrences, formatRrule, normaliseUntil, parseRrule, recurrenceDays, type Rrule } from '../../../src/core/agenda/rrule.ts';

const H = 3_600_000;

function rule(text: string): Rrule {
  const parsed = parseRrule(text);
  if (!parsed.ok) throw new Error(`${parsed.error.reason} ${parsed.error.part}`);
  return parsed.value;
}

function event(overrides: Partial<AgendaEvent>): AgendaEvent {
  return {
    uid: 'test@carnet',
    title: 'Injection',
    date: '2026-03-02',
    time: '09:00',
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
    createdAt: 0,
    ...overrides,
  };
}

const iso = (instant: number) => new Date(instant).toISOString();
const days = (list: { day: number }[]) => list.map((item) => dateText(item.day));

describe('RRULE expansion across daylight-saving changes', () => {
  it('keeps 09:00 in Paris on both sides of the spring and autumn changes', () => {
    const weekly = event({ date: '2026-03-16', rrule: 'FREQ=WEEKLY' });
    const spring = occurrencesOf(weekly, Date.UTC(2026, 2, 16), Date.UTC(2026, 3, 7));
    expect(spring.map((item) => iso(item.start))).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      // 29 March 2026: Paris goes to UTC+2.
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
    const autumn = occurrencesOf(weekly, Date.UTC(2026, 9, 19), Date.UTC(2026, 10, 3));
    expect(autumn.map((item) => iso(item.start))).toEqual(['2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z']);
    expect(autumn.every((item) => item.end - item.start === 30 * 60_000)).toBe(true);
  });

  it('keeps 10:00 in New York across the US changes, which are not Europe’s', () => {
    const weekly = event({ date: '2026-03-01', time: '10:00', zone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=SU' });
    const spring = occurrencesOf(weekly, Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 16));
    expect(spring.map((item) => iso(item.start))).toEqual(['2026-03-01T15:00:00.000Z', '2026-03-08T14:00:00.000Z', '2026-03-15T14:00:00.000Z']);
    const autumn = occurrencesOf(weekly, Date.UTC(2026, 9, 25), Date.UTC(2026, 10, 9));
    expect(autumn.map((item) => iso(item.start))).toEqual(['2026-10-25T14:00:00.000Z', '2026-11-01T15:00:00.000Z', '2026-11-08T15:00:00.000Z']);
  });

  it('moves a time in the spring gap forward by the gap, in Paris and New York', () => {
    const paris = occurrencesOf(event({ date: '2026-03-28', time: '02:30', rrule: 'FREQ=DAILY;COUNT=3' }), 0, Date.UTC(2027, 0, 1));
    // 28 March 02:30 CET; 29 March 02:30 does not exist: 03:30 CEST; 30 March 02:30 CEST.
    expect(paris.map((item) => iso(item.start))).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    const newYork = occurrencesOf(event({ date: '2026-03-07', time: '02:30', zone: 'America/New_York', rrule: 'FREQ=DAILY;COUNT=3' }), 0, Date.UTC(2027, 0, 1));
    expect(newYork.map((item) => iso(item.start))).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('takes the first of a repeated autumn hour', () => {
    const paris = occurrencesOf(event({ date: '2026-10-24', time: '02:30', rrule: 'FREQ=DAILY;COUNT=3' }), 0, Date.UTC(2027, 0, 1));
    expect(paris.map((item) => iso(item.start))).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    const newYork = occurrencesOf(event({ date: '2026-11-01', time: '01:30', zone: 'America/New_York' }), 0, Date.UTC(2027, 0, 1));
    expect(newYork.map((item) => iso(item.start))).toEqual(['2026-11-01T05:30:00.000Z']);
  });

  it('gives an all-day occurrence its local midnight to midnight, 23 hours on the spring day', () => {
    const allDay = occurrencesOf(event({ date: '2026-03-29', time: null, durationMinutes: 1440 }), 0, Date.UTC(2027, 0, 1));
    expect(allDay.map((item) => [iso(item.start), (item.end - item.start) / H])).toEqual([['2026-03-28T23:00:00.000Z', 23]]);
  });
});

describe('rules without end', () => {
  it('are expanded only within the window, however far it is', () => {
    const endless = event({ date: '2020-01-06', rrule: 'FREQ=WEEKLY;INTERVAL=4;BYDAY=MO' });
    const window = occurrencesOf(endless, Date.UTC(2190, 0, 1), Date.UTC(2190, 3, 1));
    expect(window.length).toBeGreaterThanOrEqual(3);
    expect(window.length).toBeLessThanOrEqual(4);
    const gaps = window.slice(1).map((item, index) => Math.round((item.start - (window[index]?.start ?? 0)) / (24 * H)));
    expect(gaps.every((gap) => gap === 28)).toBe(true);
    expect(window.every((item) => new Date(item.start).getUTCDay() === 1)).toBe(true);
  });

  it('stop a generator at the last day asked for, even for a rule that never matches', () => {
    const never = rule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30');
    const start = dayNumber(2026, 1, 1);
    expect(Array.from(recurrenceDays(never, start, start, start + 365 * 50))).toEqual([start]);
  });

  it('include an occurrence that began before the window and is still running', () => {
    const long = event({ date: '2026-05-01', time: '22:00', durationMinutes: 180, rrule: 'FREQ=DAILY' });
    const window = occurrencesOf(long, Date.UTC(2026, 4, 9, 21, 0), Date.UTC(2026, 4, 9, 22, 0));
    expect(window.map((item) => iso(item.start))).toEqual(['2026-05-09T20:00:00.000Z']);
  });
});

describe('RRULE parts', () => {
  const start = (text: string) => ({ day: parseDateText(text) as number, minutes: 600, zone: 'Europe/Paris' });
  const expand = (text: string, first: string, count = 6) =>
    days(expandOccurrences(start(first), 60, rule(text), new Set(), Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1)).slice(0, count));

  it('numbered weekdays, month days from the end and BYSETPOS', () => {
    expect(expand('FREQ=MONTHLY;BYDAY=2MO', '2026-01-12', 4)).toEqual(['2026-01-12', '2026-02-09', '2026-03-09', '2026-04-13']);
    expect(expand('FREQ=MONTHLY;BYDAY=-1FR', '2026-01-30', 3)).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
    expect(expand('FREQ=MONTHLY;BYMONTHDAY=-1', '2026-01-31', 3)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(expand('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '2026-01-30', 3)).toEqual(['2026-01-30', '2026-02-27', '2026-03-31']);
    expect(expand('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', '2026-11-26', 2)).toEqual(['2026-11-26', '2027-11-25']);
    expect(expand('FREQ=YEARLY;BYDAY=1MO', '2026-01-05', 2)).toEqual(['2026-01-05', '2027-01-04']);
  });

  it('skips months and years without the start’s day, as RFC 5545 says', () => {
    expect(expand('FREQ=MONTHLY', '2026-01-31', 3)).toEqual(['2026-01-31', '2026-03-31', '2026-05-31']);
    expect(expand('FREQ=YEARLY', '2024-02-29', 2)).toEqual(['2024-02-29', '2028-02-29']);
  });

  it('INTERVAL with WKST, BYMONTH as a limit, COUNT and inclusive UNTIL', () => {
    // RFC 5545's example: every other week on Tuesday and Sunday, week starting on Monday vs Sunday.
    expect(expand('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO', '1997-08-05', 4)).toEqual(['1997-08-05', '1997-08-10', '1997-08-19', '1997-08-24']);
    expect(expand('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU', '1997-08-05', 4)).toEqual(['1997-08-05', '1997-08-17', '1997-08-19', '1997-08-31']);
    expect(expand('FREQ=DAILY;BYMONTH=1;COUNT=3', '2026-01-30', 5)).toEqual(['2026-01-30', '2026-01-31', '2027-01-01']);
    expect(expand('FREQ=DAILY;UNTIL=20260305T090000Z', '2026-03-01', 10)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    expect(expand('FREQ=DAILY;UNTIL=20260305T085959Z', '2026-03-01', 10)).toHaveLength(4);
  });

  it('counts the first occurrence and removed ones toward COUNT (EXDATE after COUNT)', () => {
    const course = event({ date: '2026-06-01', rrule: 'FREQ=DAILY;COUNT=5', exdates: ['2026-06-02'] });
    expect(days(occurrencesOf(course, 0, Date.UTC(2027, 0, 1)))).toEqual(['2026-06-01', '2026-06-03', '2026-06-04', '2026-06-05']);
  });

  it('normalises UNTIL to what the start needs and writes the rule canonically', () => {
    const timed = normaliseUntil(rule('UNTIL=20260331;FREQ=WEEKLY'), { day: parseDateText('2026-03-02') as number, minutes: 540, zone: 'Europe/Paris' });
    // The whole last day, in Paris (UTC+2 from 29 March).
    expect(formatRrule(timed)).toBe('FREQ=WEEKLY;UNTIL=20260331T215959Z');
    const allDay = normaliseUntil(rule('FREQ=DAILY;UNTIL=20260331T215959Z'), { day: parseDateText('2026-03-02') as number, minutes: null, zone: 'Europe/Paris' });
    expect(formatRrule(allDay)).toBe('FREQ=DAILY;UNTIL=20260331');
    expect(formatRrule(rule('rrule:freq=monthly;byday=-1fr;interval=1;wkst=mo'))).toBe('FREQ=MONTHLY;BYDAY=-1FR');
  });
});

describe('RRULE errors', () => {
  const cases: [string, string, string][] = [
    ['FREQ=HOURLY', 'unsupported', 'FREQ=HOURLY'],
    ['FREQ=DAILY;BYHOUR=9,18', 'unsupported', 'BYHOUR=9,18'],
    ['FREQ=YEARLY;BYWEEKNO=20', 'unsupported', 'BYWEEKNO=20'],
    ['INTERVAL=2', 'missing-freq', ''],
    ['FREQ=SOMETIMES', 'bad-value', 'FREQ=SOMETIMES'],
    ['FREQ=DAILY;COUNT=0', 'bad-value', 'COUNT=0'],
    ['FREQ=DAILY;INTERVAL=-1', 'bad-value', 'INTERVAL=-1'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'bad-value', 'BYMONTHDAY=32'],
    ['FREQ=MONTHLY;BYDAY=6XX', 'bad-value', 'BYDAY=6XX'],
    ['FREQ=DAILY;UNTIL=20260230', 'bad-value', 'UNTIL=20260230'],
    ['FREQ=DAILY;COUNT=3;UNTIL=20260301', 'conflict', 'COUNT+UNTIL'],
    ['FREQ=WEEKLY;BYDAY=2MO', 'conflict', 'BYDAY=2MO'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'conflict', 'BYMONTHDAY=1'],
    ['FREQ=DAILY;BYSETPOS=1', 'conflict', 'BYSETPOS=1'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'repeated', 'FREQ=WEEKLY'],
    ['FREQ=DAILY;COUNT', 'syntax', 'COUNT'],
    ['FREQ=DAILY;X-NAME=1', 'unsupported', 'X-NAME=1'],
  ];
  it.each(cases)('%s: %s', (text, reason, part) => {
    expect(parseRrule(text)).toEqual({ ok: false, error: { type: 'RruleInvalid', reason, part } });
  });

  it('refuses a rule longer than the record allows', () => {
    expect(parseRrule(`FREQ=DAILY;BYMONTHDAY=${'1,'.repeat(300)}1`)).toMatchObject({ ok: false, error: { reason: 'too-long' } });
  });
});
