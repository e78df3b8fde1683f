/**
 * Wall-clock times to instants: the 2025 transitions of Europe/Paris (30 March, 26 October) and
 * America/New_York (9 March, 2 November) against instants written by hand from the rules (EU: at
 * 01:00 UTC; US: at 02:00 local), UTC never ambiguous, the text forms exports write, the day order
 * of a file, and the autumn hour settled by row order, forward and newest first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDateTimeFields,
  createLocalClock,
  createRowTimeReader,
  naiveOf,
  scanDateTime,
  voteDayOrder,
  type DateTimeFields,
} from '../../../src/core/readings/importers/local-time.ts';
import { createZoneClock, naiveUtc, zonedToUtc } from '../../../src/core/readings/importers/zoned-time.ts';

const utc = (y: number, mo: number, d: number, h: number, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);
const HOUR_MS = 3_600_000;

describe('zoned time', () => {
  const paris = createZoneClock('Europe/Paris');
  const newYork = createZoneClock('America/New_York');

  it('is one instant outside the transitions, in winter and in summer', () => {
    expect(paris.toUtc(2025, 1, 15, 12, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 1, 15, 11) });
    expect(paris.toUtc(2025, 7, 1, 12, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 7, 1, 10) });
    expect(newYork.toUtc(2025, 7, 1, 12, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 7, 1, 16) });
  });

  it('reports the Paris spring hour (30 March 2025, 02:00–02:59) as not existing', () => {
    expect(paris.toUtc(2025, 3, 30, 1, 59, 59)).toEqual({ status: 'ok', time: utc(2025, 3, 30, 0, 59, 59) });
    expect(paris.toUtc(2025, 3, 30, 2, 0, 0)).toEqual({ status: 'nonexistent' });
    expect(paris.toUtc(2025, 3, 30, 2, 30, 0)).toEqual({ status: 'nonexistent' });
    expect(paris.toUtc(2025, 3, 30, 2, 59, 59)).toEqual({ status: 'nonexistent' });
    expect(paris.toUtc(2025, 3, 30, 3, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 3, 30, 1) });
  });

  it('reports the Paris autumn hour (26 October 2025, 02:00–02:59) with both instants', () => {
    expect(paris.toUtc(2025, 10, 26, 1, 59, 0)).toEqual({ status: 'ok', time: utc(2025, 10, 25, 23, 59) });
    expect(paris.toUtc(2025, 10, 26, 2, 30, 0)).toEqual({ status: 'ambiguous', earlier: utc(2025, 10, 26, 0, 30), later: utc(2025, 10, 26, 1, 30) });
    expect(paris.toUtc(2025, 10, 26, 2, 0, 0)).toEqual({ status: 'ambiguous', earlier: utc(2025, 10, 26, 0), later: utc(2025, 10, 26, 1) });
    expect(paris.toUtc(2025, 10, 26, 3, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 10, 26, 2) });
  });

  it('reports New York’s autumn hour (2 November 2025, 01:00–01:59) and spring gap (9 March 2025, 02:00–02:59)', () => {
    expect(newYork.toUtc(2025, 11, 2, 1, 30, 0)).toEqual({ status: 'ambiguous', earlier: utc(2025, 11, 2, 5, 30), later: utc(2025, 11, 2, 6, 30) });
    expect(newYork.toUtc(2025, 11, 2, 2, 30, 0)).toEqual({ status: 'ok', time: utc(2025, 11, 2, 7, 30) });
    expect(newYork.toUtc(2025, 3, 9, 2, 30, 0)).toEqual({ status: 'nonexistent' });
    expect(newYork.toUtc(2025, 3, 9, 3, 0, 0)).toEqual({ status: 'ok', time: utc(2025, 3, 9, 7) });
  });

  it('never finds UTC ambiguous or missing, even on the European transition nights', () => {
    const clock = createZoneClock('UTC');
    for (const [month, day] of [[3, 30], [10, 26]] as const) {
      for (let minute = 0; minute < 24 * 60; minute += 15) {
        const hour = Math.floor(minute / 60);
        expect(clock.toUtc(2025, month, day, hour, minute % 60, 0)).toEqual({ status: 'ok', time: utc(2025, month, day, hour, minute % 60) });
      }
    }
  });

  it('gives one time typed by hand through zonedToUtc', () => {
    expect(zonedToUtc({ year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0 }, 'Europe/Paris').status).toBe('ambiguous');
  });

  it('throws for a zone name Intl does not know (a caller bug, not bad input)', () => {
    expect(() => createZoneClock('Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('agrees with Intl itself at every quarter hour around real transitions, a whole day skipped included', () => {
    // [zone, a UTC instant near one of its transitions]: DST both ways, a half-hour DST (Lord
    // Howe), a standard-time change (Moscow 2014) and Samoa jumping over 30 December 2011.
    const cases: readonly [string, number][] = [
      ['Europe/Paris', utc(2025, 3, 30, 1)],
      ['Europe/Paris', utc(2025, 10, 26, 1)],
      ['America/New_York', utc(2025, 3, 9, 7)],
      ['America/New_York', utc(2025, 11, 2, 6)],
      ['Australia/Lord_Howe', utc(2025, 4, 5, 15)],
      ['Australia/Lord_Howe', utc(2025, 10, 4, 16)],
      ['Europe/Moscow', utc(2014, 10, 25, 22)],
      ['Pacific/Apia', utc(2011, 12, 30, 10)],
    ];
    for (const [zone, around] of cases) {
      const clock = createZoneClock(zone);
      const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
      const localOf = (instant: number) => {
        const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
        return naiveUtc(parts.year as number, parts.month as number, parts.day as number, (parts.hour as number) % 24, parts.minute as number, 0);
      };
      // Every instant of two days around the transition, by the quarter hour, and the wall-clock time it shows.
      const shown = new Map<number, number[]>();
      for (let instant = around - 36 * HOUR_MS; instant <= around + 36 * HOUR_MS; instant += 15 * 60_000) {
        const local = localOf(instant);
        shown.set(local, [...(shown.get(local) ?? []), instant]);
      }
      // Every wall-clock quarter hour of the day around it: Intl's instants for it are the answer.
      for (let local = localOf(around) - 12 * HOUR_MS; local <= localOf(around) + 12 * HOUR_MS; local += 15 * 60_000) {
        const expected = shown.get(local) ?? [];
        const result = clock.toUtcFromNaive(local);
        const label = `${zone} ${new Date(local).toISOString()}`;
        if (expected.length === 0) expect(result, label).toEqual({ status: 'nonexistent' });
        else if (expected.length === 1) expect(result, label).toEqual({ status: 'ok', time: expected[0] });
        else expect(result, label).toEqual({ status: 'ambiguous', earlier: Math.min(...expected), later: Math.max(...expected) });
      }
    }
  });

  it('walks a year of local hours in order, as an import does, each with the offset Intl gives its instant', () => {
    // One clock for the whole year: the run of grid points it extends must stop at each transition.
    const clock = createZoneClock('Europe/Paris');
    const statuses: Record<string, string[]> = { ambiguous: [], nonexistent: [] };
    for (let local = utc(2025, 1, 1, 0); local < utc(2026, 1, 1, 0); local += HOUR_MS) {
      const result = clock.toUtcFromNaive(local);
      if (result.status === 'ok') expect(clock.offsetAt(result.time), new Date(local).toISOString()).toBe(local - result.time);
      else statuses[result.status]?.push(new Date(local).toISOString());
    }
    expect(statuses).toEqual({ ambiguous: ['2025-10-26T02:00:00.000Z'], nonexistent: ['2025-03-30T02:00:00.000Z'] });
  });

  it('maps back every instant shown by Intl, in zones with and without DST (property)', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    const clocks = new Map(zones.map((zone) => [zone, createZoneClock(zone)]));
    const formatters = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: utc(2000, 1, 1, 0) / 1000, max: utc(2040, 1, 1, 0) / 1000 }), (zone, seconds) => {
        const instant = seconds * 1000;
        const parts = Object.fromEntries((formatters.get(zone) as Intl.DateTimeFormat).formatToParts(instant).map((part) => [part.type, Number(part.value)]));
        const result = (clocks.get(zone) as ReturnType<typeof createZoneClock>).toUtc(parts.year as number, parts.month as number, parts.day as number, (parts.hour as number) % 24, parts.minute as number, parts.second as number);
        if (result.status === 'ok') return result.time === instant;
        return result.status === 'ambiguous' && (result.earlier === instant || result.later === instant);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('date-time text', () => {
  const fields = createDateTimeFields();
  const read = (text: string): DateTimeFields | null => (scanDateTime(text, fields) ? { ...fields } : null);

  it('reads the forms exports write', () => {
    expect(read('01-09-2025 21:58')).toMatchObject({ a: 1, b: 9, c: 2025, yearFirst: false, hasTime: true, hour: 21, minute: 58, second: 0 });
    expect(read('2026-01-01T00:04:45')).toMatchObject({ a: 2026, b: 1, c: 1, yearFirst: true, hour: 0, minute: 4, second: 45 });
    expect(read('2025/03/20 07:12:41')).toMatchObject({ a: 2025, b: 3, c: 20, hour: 7, minute: 12, second: 41 });
    expect(read('13.02.2014 6:04 Uhr')).toMatchObject({ a: 13, b: 2, c: 2014, hour: 6, minute: 4 });
    expect(read('2016-05-31 6:36 PM')).toMatchObject({ hour: 18, minute: 36 });
    expect(read('2016-05-29 12:34 AM')).toMatchObject({ hour: 0, minute: 34 });
    expect(read('2022-11-06')).toMatchObject({ a: 2022, b: 11, c: 6, hasTime: false });
    expect(read('  2014-07-19T10:49:15.000-07:00 ')).toMatchObject({ hour: 10, minute: 49, second: 15, millisecond: 0, offsetMinutes: -420 });
    expect(read('2026-05-08T23:59:59.372Z')).toMatchObject({ millisecond: 372, offsetMinutes: 0 });
    expect(read('2023-11-17T03:32:37.089+0100')).toMatchObject({ millisecond: 89, offsetMinutes: 60 });
  });

  it('refuses what is not a date-time, or says too little', () => {
    for (const text of ['', 'yesterday', '01-09-25 21:58', '2025-01', '2025-01-01-01', '01-09/2025 10:00', '2025-01-01 10', '2025-01-01 10:5', '2025-01-01T10:00:00+2', '2025-01-01 13:00 PM', '2025-01-01 10:00 tomorrow', '12345-01-01']) {
      expect(read(text), text).toBeNull();
    }
  });

  it('reads a field where it lies in a row exactly as it reads it alone: nothing past its end counts', () => {
    const alone = ['01-09-2025 21:58', '2026-01-01T00:04:45', '13.02.2014 6:04 Uhr', '2016-05-31 6:36 PM', '2022-11-06', '2026-05-08T23:59:59.372Z', '2025-01-01 10', '2025-01-01 10:5', '2025-01-01T10:00:00+2', '2025-01-01T10:00:00', '2025-01-01 10:00', '2025-01', ''];
    // What may follow a field in a row: a separator, then a value that would extend the time if it were read.
    const after = [',', ',5', ',00', ':30', '.5', ';Uhr', ' PM', 'Z', '+01:00', '0', '-01'];
    for (const text of alone) {
      const expected = read(text);
      for (const suffix of after) {
        const row = `x,${text}${suffix}`;
        const found = scanDateTime(row, fields, 2, 2 + text.length) ? { ...fields } : null;
        expect(found, `${text} then ${suffix}`).toEqual(expected);
      }
    }
  });

  it('reads `yyyy-mm-ddThh:mm:ss` on its fast path exactly as the general reading does', () => {
    // A leading space makes the field 20 characters long: the general reading, which trims it.
    const general = (text: string) => (scanDateTime(` ${text}`, fields, 0, text.length + 1) ? { ...fields } : null);
    const character = fc.constantFrom(...'0123456789-/:.T t+Z'.split(''));
    const nearIso = fc.tuple(fc.integer({ min: 0, max: 99_999_999_999_999 }), fc.array(fc.tuple(fc.nat(18), character), { maxLength: 3 })).map(([digits, changes]) => {
      const text = String(digits).padStart(14, '0');
      const chars = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}`.split('');
      for (const [at, value] of changes) chars[at] = value;
      return chars.join('');
    });
    fc.assert(
      fc.property(nearIso, (text) => {
        expect(read(text), text).toEqual(general(text));
      }),
      { numRuns: 5000 },
    );
    expect(read('2025-03-30T02:05:00')).toMatchObject({ a: 2025, b: 3, c: 30, yearFirst: true, hasTime: true, hour: 2, minute: 5, second: 0, millisecond: 0 });
    expect(read('2025-03-30 02:05:00')).toEqual(general('2025-03-30 02:05:00'));
    expect(read('2025-03-3O 02:05:00')).toBeNull();
  });

  it('turns fields into wall-clock time only when the date exists', () => {
    expect(scanDateTime('31-04-2025 10:00', fields) && naiveOf(fields, 'dmy')).toBeNaN();
    expect(scanDateTime('29-02-2024 10:00', fields) && naiveOf(fields, 'dmy')).toBe(naiveUtc(2024, 2, 29, 10, 0, 0));
    expect(scanDateTime('29-02-2025 10:00', fields) && naiveOf(fields, 'dmy')).toBeNaN();
    expect(scanDateTime('2025-01-01 24:00', fields) && naiveOf(fields, 'dmy')).toBeNaN();
    expect(scanDateTime('03-04-2025 10:00', fields) && naiveOf(fields, 'mdy')).toBe(naiveUtc(2025, 3, 4, 10, 0, 0));
    expect(scanDateTime('03-04-2025 10:00', fields) && naiveOf(fields, 'ymd')).toBeNaN();
  });
});

describe('day order of a file', () => {
  const vote = (texts: string[]) => {
    let index = 0;
    return voteDayOrder(() => texts[index++]);
  };

  it('is settled by a number above 12', () => {
    expect(vote(['01-09-2025 10:00', '13-09-2025 10:00'])).toBe('dmy');
    expect(vote(['09-01-2025 10:00', '09-13-2025 10:00'])).toBe('mdy');
  });

  it('is the reading that keeps consecutive rows minutes apart, when no number is above 12', () => {
    // Month first, 1 February 23:55 then 2 February 00:00; day first, 2 January then 2 February.
    const monthFirst = ['02-01-2025 23:50', '02-01-2025 23:55', '02-02-2025 00:00', '02-02-2025 00:05'];
    expect(vote(monthFirst)).toBe('mdy');
    expect(vote(monthFirst.map((text) => text.replace(/^(\d\d)-(\d\d)/, '$2-$1')))).toBe('dmy');
  });

  it('is day first when nothing can tell (one day, or year-first dates)', () => {
    expect(vote(['05-06-2025 10:00', '05-06-2025 10:15'])).toBe('dmy');
    expect(vote(['2025-06-05 10:00'])).toBe('dmy');
  });
});

describe('the autumn hour, settled by row order', () => {
  const local = (hour: number, minute: number) => naiveUtc(2025, 10, 26, hour, minute, 0);
  const resolveAll = (times: readonly [number, number][], group = 0) => {
    const clock = createLocalClock('Europe/Paris');
    return times.map(([hour, minute]) => [clock.resolve(local(hour, minute), group), clock.status] as const);
  };

  it('takes the first run through 02:00–02:59 as summer time and the second as winter time', () => {
    const rows: [number, number][] = [[1, 45], [2, 0], [2, 15], [2, 30], [2, 45], [2, 0], [2, 15], [2, 30], [2, 45], [3, 0]];
    const resolved = resolveAll(rows);
    expect(resolved.map(([time]) => (time - utc(2025, 10, 25, 23, 45)) / 60_000)).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135]);
    expect(resolved.map(([, status]) => status)).toEqual(['ok', ...Array(8).fill('ambiguous'), 'ok']);
  });

  it('reads a file listed newest first the other way round', () => {
    const rows: [number, number][] = [[3, 0], [2, 45], [2, 30], [2, 15], [2, 0], [2, 45], [2, 30], [2, 15], [2, 0], [1, 45]];
    const resolved = resolveAll(rows);
    expect(resolved.map(([time]) => (time - utc(2025, 10, 25, 23, 45)) / 60_000)).toEqual([135, 120, 105, 90, 75, 60, 45, 30, 15, 0]);
  });

  it('keeps one state per group, since LibreView lists each record type in its own run', () => {
    const clock = createLocalClock('Europe/Paris');
    const historic = [[2, 0], [2, 30], [2, 0], [2, 30]].map(([h, m]) => clock.resolve(local(h as number, m as number), 0));
    // The scans come after the whole historic group: they start again from the first pass.
    const scans = [[2, 10], [2, 50], [2, 20]].map(([h, m]) => clock.resolve(local(h as number, m as number), 1));
    expect(historic).toEqual([utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1), utc(2025, 10, 26, 1, 30)]);
    expect(scans).toEqual([utc(2025, 10, 26, 0, 10), utc(2025, 10, 26, 0, 50), utc(2025, 10, 26, 1, 20)]);
  });

  it('reads times with an offset as written and reports a row time it cannot use', () => {
    const reader = createRowTimeReader('Europe/Paris', 'dmy', true);
    expect(reader.read('26-10-2025 02:30+01:00', 0)).toBe(utc(2025, 10, 26, 1, 30));
    expect([reader.problem, reader.ambiguous]).toEqual([null, false]);
    expect(reader.read('30-03-2025 02:30', 0)).toBeNaN();
    expect(reader.problem).toBe('nonexistent-time');
    expect(reader.read('30-03-2025', 0)).toBeNaN();
    expect(reader.problem).toBe('bad-time');
    expect(reader.read('26-10-2025 02:30', 0)).toBe(utc(2025, 10, 26, 0, 30));
    expect([reader.problem, reader.ambiguous]).toEqual([null, true]);
  });
});
