/**
 * The prevention engine against the four worked examples of shared/prevention/SOURCES.md §4
 * (reference date 2026-11-23), then the edges: "ans révolus" birthdays, leap days, sex-specific
 * programmes, dismissals, partial dates and bad input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePrevention, type PreventionInput, type PreventionItem } from '../../../src/core/prevention/engine.ts';
import { PREVENTION_RULES, RULES_EDITION, RULES_VERSION } from '../../../src/core/prevention/rules.ts';
import { PREVENTION_SOURCES } from '../../../src/core/prevention/sources.ts';
import type { VaccineTarget } from '../../../src/core/profile/vaccines.ts';

const HEXAVALENT: VaccineTarget[] = ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b'];
const TODAY = '2026-11-23';

function input(partial: Partial<PreventionInput> & Pick<PreventionInput, 'birthDate'>): PreventionInput {
  return { today: TODAY, sex: null, vaccinations: [], acts: [], dismissed: [], ...partial };
}

function run(value: PreventionInput): PreventionItem[] {
  const result = evaluatePrevention(value);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** Key, status, basis, window start and due date: what a patient reads on the list. */
function summary(items: readonly PreventionItem[]): [string, string, string, string, string | null][] {
  return items.map((item) => [item.key, item.status, item.basis, item.dates.start, item.dates.due]);
}

function find(items: readonly PreventionItem[], key: string): PreventionItem {
  const item = items.find((candidate) => candidate.key === key);
  if (item === undefined) throw new Error(`no item ${key} in ${items.map((i) => i.key).join(', ')}`);
  return item;
}

const keys = (items: readonly PreventionItem[]) => items.map((item) => item.key);

describe('worked examples, SOURCES.md §4', () => {
  it('(a) woman born 1970-06-15, mammogram 2023-01-10, no colorectal test', () => {
    const items = run(input({ birthDate: '1970-06-15', sex: 'female', acts: [{ act: 'screening.breast', date: '2023-01-10' }] }));
    expect(summary(items)).toEqual([
      // No data: the 45-year booster was due 2015-06-15 (the next fixed age, 65, follows once it is recorded).
      ['vaccination:dtp:45', 'overdue', 'no-record', '2015-06-15', '2015-06-15'],
      // Eligible since her 50th birthday, never done.
      ['screening.colorectal:2020-06-15', 'overdue', 'no-record', '2020-06-15', '2020-06-15'],
      // Last mammogram + 2 years.
      ['screening.breast:2025-01-10', 'overdue', 'recorded', '2025-01-10', '2025-01-10'],
      // No data: an HPV test "dès 30 ans en l'absence de dépistage antérieur", due with no deadline.
      ['screening.cervical:2000-06-15', 'due', 'no-record', '2000-06-15', null],
      // The 45–50 bracket is over; the 60–65 one opens on her 60th birthday.
      ['bilan.60-65', 'upcoming', 'no-record', '2030-06-15', '2035-06-14'],
      // "Not due by age": they start on her 65th birthday, within the listing horizon.
      ['vaccination:pneumococcal-adult:1', 'upcoming', 'no-record', '2035-06-15', null],
      ['vaccination:zoster:1', 'upcoming', 'no-record', '2035-06-15', null],
    ]);
    // Not due by age and not listed before 65: flu and COVID-19 (future campaign dates unknown).
    expect(keys(items).some((key) => key.includes('influenza') || key.includes('covid'))).toBe(false);
    const colorectal = find(items, 'screening.colorectal:2020-06-15');
    // The engine does not know about exclusions: it says what it assumes, for the UI to ask.
    expect(colorectal.assumes).toEqual(['no-symptoms', 'no-personal-or-family-history', 'no-inflammatory-bowel-disease', 'no-previous-colonoscopy']);
    expect(colorectal.marksDone).toEqual({ kind: 'act', act: 'screening.colorectal' });
    expect(find(items, 'screening.breast:2025-01-10').reasoning).toEqual({ type: 'after-previous', previous: '2023-01-10', interval: { years: 2 } });
    expect(find(items, 'screening.cervical:2000-06-15').marksDone).toEqual({ kind: 'act', act: 'screening.cervical-hpv' });
    expect(find(items, 'vaccination:dtp:45').marksDone).toEqual({ kind: 'vaccination', targets: ['diphtheria', 'tetanus', 'polio'] });
  });

  it('(b) baby born 2026-01-10 with only the hexavalent and PCV at 2 months', () => {
    const items = run(
      input({
        birthDate: '2026-01-10',
        vaccinations: [
          { targets: HEXAVALENT, date: '2026-03-10' },
          { targets: ['pneumococcus'], date: '2026-03-10' },
        ],
      }),
    );
    const table = summary(items).filter(([key]) => !/^exam\.child\.(13m|16-18m|24-25m|\dy|8-9y)$|^dental|^vaccination:dtp:6$/.test(key));
    expect(table).toEqual([
      ['vaccination:menb:1', 'overdue', 'no-record', '2026-04-10', '2026-04-10'],
      ['vaccination:hexavalent:2', 'overdue', 'recorded', '2026-05-10', '2026-05-10'],
      ['vaccination:pneumococcal-infant:2', 'overdue', 'recorded', '2026-05-10', '2026-05-10'],
      ['vaccination:menb:2', 'overdue', 'no-record', '2026-06-10', '2026-06-10'],
      ['vaccination:acwy-infant:1', 'overdue', 'no-record', '2026-07-10', '2026-07-10'],
      // The strict reading of "au cours du 9e mois" (the older "9e ou 10e mois" would end 2026-11-09: overdue too).
      ['exam.child.9m', 'overdue', 'no-record', '2026-09-10', '2026-10-09'],
      ['vaccination:hexavalent:3', 'upcoming', 'recorded', '2026-12-10', '2026-12-10'],
      ['vaccination:pneumococcal-infant:3', 'upcoming', 'recorded', '2026-12-10', '2026-12-10'],
      ['exam.child.12m', 'upcoming', 'no-record', '2026-12-10', '2027-01-09'],
      // The 12-month visit: ACWY 2, MenB booster, MMR 1.
      ['vaccination:acwy-infant:2', 'upcoming', 'no-record', '2027-01-10', '2027-01-10'],
      ['vaccination:menb:3', 'upcoming', 'no-record', '2027-01-10', '2027-01-10'],
      ['vaccination:mmr:1', 'upcoming', 'no-record', '2027-01-10', '2027-01-10'],
      ['vaccination:mmr:2', 'upcoming', 'no-record', '2027-05-10', '2027-07-10'],
    ]);
    // "Blocked": the boosters wait for dose 2 (the 6-month minimum after it is UNCONFIRMED for 2+1, so not applied).
    expect(find(items, 'vaccination:hexavalent:3').waitsFor).toEqual(['vaccination:hexavalent:2']);
    expect(find(items, 'vaccination:pneumococcal-infant:3').waitsFor).toEqual(['vaccination:pneumococcal-infant:2']);
    expect(find(items, 'vaccination:menb:2').waitsFor).toEqual(['vaccination:menb:1']);
    expect(find(items, 'vaccination:mmr:2').waitsFor).toEqual(['vaccination:mmr:1']);
    expect(find(items, 'vaccination:menb:1')).toMatchObject({ mandatory: true, dates: { until: '2028-01-09' } });
    // Later examinations follow in order within the horizon.
    expect(keys(items).filter((key) => key.startsWith('exam.child.')).slice(2)).toEqual([
      'exam.child.13m', 'exam.child.16-18m', 'exam.child.24-25m', 'exam.child.3y', 'exam.child.4y', 'exam.child.5y', 'exam.child.6y', 'exam.child.7y', 'exam.child.8-9y',
    ]);
    // No data: the examinations of 8 days, the 2nd week and months 2 to 6 were superseded when the next window opened.
    expect(keys(items).filter((key) => /^exam\.child\.(8d|2w|[2-6]m)$/.test(key))).toEqual([]);
    // RSV (nirsevimab): the 2026-27 rules are UNCONFIRMED, so no rule; nothing listed.
    expect(keys(items).some((key) => key.includes('rsv'))).toBe(false);
  });

  it('(c) man born 1959-03-02, no flu this season, last dTP in 2019', () => {
    const items = run(input({ birthDate: '1959-03-02', sex: 'male', vaccinations: [{ targets: ['diphtheria', 'tetanus', 'polio'], date: '2019' }] }));
    expect(summary(items)).toEqual([
      // No data: eligible until 74, nothing recorded.
      ['screening.colorectal:2009-03-02', 'overdue', 'no-record', '2009-03-02', '2009-03-02'],
      // Depends on the exact 2019 date (see the two exact dates below).
      ['vaccination:dtp:65', 'needs-review', 'recorded', '2024-03-02', '2024-03-02'],
      // The example says DUE "by precedent"; the 2026-27 campaign dates are UNCONFIRMED, so: review.
      ['vaccination:covid-19:after-2025-26', 'needs-review', 'no-record', '2026-03-01', null],
      ['vaccination:influenza:after-2025-26', 'needs-review', 'no-record', '2026-03-01', null],
      ['vaccination:pneumococcal-adult:1', 'due', 'no-record', '2024-03-02', null],
      ['vaccination:zoster:1', 'due', 'no-record', '2024-03-02', null],
      // The 60–65 bracket is over.
      ['bilan.70-75', 'upcoming', 'no-record', '2029-03-02', '2034-03-01'],
      // No chronic heart or lung disease is recorded: from 75.
      ['vaccination:rsv-adult:1', 'upcoming', 'no-record', '2034-03-02', null],
    ]);
    expect(find(items, 'vaccination:influenza:after-2025-26').review).toEqual({ type: 'unconfirmed', fact: 'campaign-dates' });
    expect(find(items, 'vaccination:dtp:65').review).toEqual({
      type: 'partial-date',
      otherReading: {
        status: 'needs-review',
        dates: { start: '2024-03-02', due: '2024-03-02', until: null },
        review: { type: 'unconfirmed', fact: 'dtp-booster-move-from-65' },
      },
    });
    expect(find(items, 'vaccination:zoster:1').detail).toEqual({ fr: 'dose 1', en: 'dose 1' });
  });

  it('(c) with an exact dTP date: 5 years before the 65th birthday or less', () => {
    const at = (date: string) => find(run(input({ birthDate: '1959-03-02', sex: 'male', vaccinations: [{ targets: ['diphtheria', 'tetanus', 'polio'], date }] })), 'vaccination:dtp:65');
    // On or before 2019-03-02: at least 5 years, so the 65-year booster stands.
    expect(at('2019-03-02')).toMatchObject({ status: 'overdue', dates: { due: '2024-03-02' }, reasoning: { type: 'booster', previous: '2019-03-02', fixedAge: 65, movedFrom: null } });
    // After: S13 would move it to 75, but the rule after 65 is UNCONFIRMED, so a clinician decides.
    expect(at('2019-03-03')).toMatchObject({
      status: 'needs-review',
      review: { type: 'unconfirmed', fact: 'dtp-booster-move-from-65' },
      reasoning: { type: 'booster-move-unconfirmed', previous: '2019-03-03', fixedAge: 65, movedTo: 75, movedToDate: '2034-03-02' },
    });
  });

  it('(d) woman born 1998-09-01, cytology 2024-05-01, no HPV vaccination', () => {
    const items = run(input({ birthDate: '1998-09-01', sex: 'female', acts: [{ act: 'screening.cervical-cytology', date: '2024-05-01' }] }));
    expect(summary(items)).toEqual([
      // No data: the 25-year dTcaP (with pertussis, which can be caught up until 39).
      ['vaccination:dtp:25', 'overdue', 'no-record', '2023-09-01', '2023-09-01'],
      // The second cytology, a year after the first.
      ['screening.cervical:2025-05-01', 'overdue', 'recorded', '2025-05-01', '2025-05-01'],
    ]);
    expect(find(items, 'vaccination:dtp:25').marksDone).toEqual({ kind: 'vaccination', targets: ['diphtheria', 'tetanus', 'pertussis', 'polio'] });
    expect(find(items, 'screening.cervical:2025-05-01').marksDone).toEqual({ kind: 'act', act: 'screening.cervical-cytology' });
    // Not due: HPV catch-up ended 2025-08-31 (26 ans révolus); bilan 18–25, M'T dents and ACWY catch-up are over.
    expect(keys(items).some((key) => /hpv|bilan|dental|acwy/.test(key))).toBe(false);
  });

  it('(d) later schedule: a normal second cytology in 2026-12 makes the next one an HPV test in 2029-12', () => {
    const items = run(
      input({
        today: '2026-12-15',
        birthDate: '1998-09-01',
        sex: 'female',
        acts: [
          { act: 'screening.cervical-cytology', date: '2024-05-01' },
          { act: 'screening.cervical-cytology', date: '2026-12-01' },
        ],
      }),
    );
    expect(find(items, 'screening.cervical:2029-12-01')).toMatchObject({ status: 'upcoming', marksDone: { kind: 'act', act: 'screening.cervical-hpv' } });
  });
});

describe('ages in "ans révolus"', () => {
  const on = (today: string, birthDate: string, rest: Partial<PreventionInput> = {}) => keys(run(input({ today, birthDate, ...rest })));

  it('HPV catch-up runs until the day before the 27th birthday', () => {
    expect(on('2025-08-31', '1998-09-01')).toContain('vaccination:hpv:1');
    expect(on('2025-09-01', '1998-09-01')).not.toContain('vaccination:hpv:1');
  });

  it('ACWY catch-up "15–24 ans révolus" ends on the 25th birthday', () => {
    expect(on('2025-05-09', '2000-05-10')).toContain('vaccination:acwy-adolescent:1');
    expect(on('2025-05-10', '2000-05-10')).not.toContain('vaccination:acwy-adolescent:1');
  });

  it('M’T dents covers the year from the 24th birthday, not the 25th', () => {
    const last = run(input({ today: '2025-05-09', birthDate: '2000-05-10' }));
    expect(find(last, 'dental.mt-dents:24')).toMatchObject({ status: 'due', dates: { start: '2024-05-10', due: '2025-05-09' } });
    expect(on('2025-05-10', '2000-05-10').some((key) => key.startsWith('dental'))).toBe(false);
  });

  it('a fixed-age reminder is upcoming the day before the birthday, due on it, overdue the day after', () => {
    const status = (today: string) => find(run(input({ today, birthDate: '1976-11-24', sex: 'female' })), 'screening.breast:2026-11-24').status;
    expect([status('2026-11-23'), status('2026-11-24'), status('2026-11-25')]).toEqual(['upcoming', 'due', 'overdue']);
  });

  it('a bracket opens on the birthday and the unconfirmed upper year is left out', () => {
    expect(find(run(input({ birthDate: '2008-11-24' })), 'bilan.18-25').status).toBe('upcoming');
    expect(find(run(input({ birthDate: '2008-11-23' })), 'bilan.18-25')).toMatchObject({ status: 'due', dates: { start: '2026-11-23', due: '2033-11-22' } });
    // Whether "18–25" includes age 25 is UNCONFIRMED: nothing is listed from the 25th birthday.
    expect(on('2026-11-23', '2001-11-23')).not.toContain('bilan.18-25');
    expect(on('2026-11-23', '2001-11-24')).toContain('bilan.18-25');
  });

  it('breast screening stops at the 74th birthday (whether 74 is included is UNCONFIRMED)', () => {
    expect(on('2026-11-23', '1952-11-24', { sex: 'female' }).some((key) => key.startsWith('screening.breast'))).toBe(true);
    expect(on('2026-11-23', '1952-11-23', { sex: 'female' }).some((key) => key.startsWith('screening.breast'))).toBe(false);
  });

  it('cervical screening includes the 65th year and ends on the 66th birthday', () => {
    expect(on('2026-11-23', '1960-11-24', { sex: 'female' }).some((key) => key.startsWith('screening.cervical'))).toBe(true);
    expect(on('2026-11-23', '1960-11-23', { sex: 'female' }).some((key) => key.startsWith('screening.cervical'))).toBe(false);
  });
});

describe('leap days and short months', () => {
  it('a 29 February birthday is reached on 1 March in other years', () => {
    const before = find(run(input({ today: '2025-02-28', birthDate: '2000-02-29' })), 'vaccination:dtp:25');
    expect(before).toMatchObject({ status: 'upcoming', dates: { start: '2025-03-01' } });
    expect(find(run(input({ today: '2025-03-01', birthDate: '2000-02-29' })), 'vaccination:dtp:25').status).toBe('due');
    // In a leap year the birthday is the real one: the 24th M'T dents year starts 2024-02-29.
    expect(find(run(input({ today: '2024-03-01', birthDate: '2000-02-29' })), 'dental.mt-dents:24').dates).toEqual({ start: '2024-02-29', due: '2025-02-28', until: '2025-02-28' });
  });

  it('a month-age missing from the month falls on the 1st of the next one', () => {
    const items = run(input({ today: '2026-02-15', birthDate: '2026-01-31' }));
    expect(find(items, 'vaccination:hexavalent:1').dates.start).toBe('2026-03-31');
    expect(find(items, 'vaccination:menb:1').dates.start).toBe('2026-05-01');
    expect(find(items, 'vaccination:hexavalent:2').dates.start).toBe('2026-05-31');
  });
});

describe('sex-specific programmes', () => {
  const screenings = (sex: PreventionInput['sex']) =>
    run(input({ birthDate: '1970-06-15', sex })).filter((item) => item.ruleId === 'screening.breast' || item.ruleId === 'screening.cervical');

  it('apply to women, not to men', () => {
    expect(screenings('female').map((item) => [item.ruleId, item.status])).toEqual([
      ['screening.breast', 'overdue'],
      ['screening.cervical', 'due'],
    ]);
    expect(screenings('male')).toEqual([]);
  });

  it('ask for review when the sex is other or not recorded, with the dates still given', () => {
    for (const sex of ['other', null] as const) {
      const items = screenings(sex);
      expect(items.map((item) => [item.ruleId, item.status, item.review])).toEqual([
        ['screening.cervical', 'needs-review', { type: 'sex', recorded: sex }],
        ['screening.breast', 'needs-review', { type: 'sex', recorded: sex }],
      ]);
      expect(items[1]?.dates.due).toBe('2020-06-15');
    }
  });

  it('colorectal screening and the vaccinations do not depend on sex', () => {
    for (const sex of ['female', 'male', 'other', null] as const) expect(keys(run(input({ birthDate: '1970-06-15', sex })))).toContain('screening.colorectal:2020-06-15');
  });
});

describe('records', () => {
  it('injections of one day add up: a pentavalent and a hepatitis B make a hexavalent dose', () => {
    const items = run(
      input({
        birthDate: '2026-01-10',
        vaccinations: [
          { targets: ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib'], date: '2026-03-10' },
          { targets: ['hepatitis-b'], date: '2026-03-10' },
        ],
      }),
    );
    expect(keys(items)).not.toContain('vaccination:hexavalent:1');
    expect(keys(items)).toContain('vaccination:hexavalent:2');
  });

  it('an MMR dose before 12 months does not count, so two more are due', () => {
    const items = run(input({ today: '2027-02-01', birthDate: '2026-01-10', vaccinations: [{ targets: ['measles', 'mumps', 'rubella'], date: '2026-10-01' }] }));
    expect(keys(items).filter((key) => key.startsWith('vaccination:mmr'))).toEqual(['vaccination:mmr:1', 'vaccination:mmr:2']);
  });

  it('a meningococcus C dose counts as the first ACWY dose', () => {
    const items = run(input({ birthDate: '2026-01-10', vaccinations: [{ targets: ['meningococcus-c'], date: '2026-07-10' }] }));
    expect(keys(items)).not.toContain('vaccination:acwy-infant:1');
    expect(find(items, 'vaccination:acwy-infant:2').waitsFor).toEqual([]);
  });

  it('MenB and ACWY obligations cover births from 2025 (earlier cohorts are UNCONFIRMED)', () => {
    const born2024 = keys(run(input({ today: '2025-06-01', birthDate: '2024-09-01' })));
    expect(born2024.some((key) => key.startsWith('vaccination:menb') || key.startsWith('vaccination:acwy-infant'))).toBe(false);
    expect(born2024).toContain('vaccination:hexavalent:1');
  });

  it('HPV: two doses 5 to 13 months apart when started before 15, three doses in the catch-up', () => {
    const early = run(input({ birthDate: '2013-03-01', vaccinations: [{ targets: ['hpv'], date: '2026-09-01' }] }));
    expect(find(early, 'vaccination:hpv:2').dates).toEqual({ start: '2027-02-01', due: '2027-10-01', until: null });
    const late = run(input({ birthDate: '2005-03-01', vaccinations: [{ targets: ['hpv'], date: '2026-09-01' }] }));
    expect(summary(late.filter((item) => item.ruleId === 'vaccination.hpv'))).toEqual([
      ['vaccination:hpv:2', 'overdue', 'recorded', '2026-11-01', '2026-11-01'],
      ['vaccination:hpv:3', 'upcoming', 'recorded', '2027-03-01', '2027-03-01'],
    ]);
    expect(find(late, 'vaccination:hpv:3').waitsFor).toEqual(['vaccination:hpv:2']);
  });

  it('shingles: the second dose 2 months after the first', () => {
    const items = run(input({ birthDate: '1959-03-02', vaccinations: [{ targets: ['zoster'], date: '2026-10-01' }] }));
    expect(find(items, 'vaccination:zoster:2')).toMatchObject({ status: 'upcoming', dates: { start: '2026-12-01' } });
  });

  it('dTP recalage: a booster less than 5 years before 45 moves the next one to 65', () => {
    const vaccinations = [{ targets: ['diphtheria', 'tetanus', 'polio'] as VaccineTarget[], date: '2022-06-01' }];
    // 2045 is beyond the listing horizon in 2026; by 2036 it is listed.
    expect(keys(run(input({ birthDate: '1980-01-01', vaccinations }))).some((key) => key.startsWith('vaccination:dtp'))).toBe(false);
    const items = run(input({ today: '2036-01-01', birthDate: '1980-01-01', vaccinations }));
    expect(find(items, 'vaccination:dtp:65')).toMatchObject({ status: 'upcoming', dates: { start: '2045-01-01' }, reasoning: { type: 'booster', fixedAge: 65, movedFrom: 45 } });
  });

  it('flu during a known campaign is due until its last day, and a dose in it clears it', () => {
    const during = run(input({ today: '2025-11-01', birthDate: '1950-01-01' }));
    expect(find(during, 'vaccination:influenza:2025-26')).toMatchObject({ status: 'due', dates: { start: '2025-10-14', due: '2026-02-28' } });
    const vaccinated = run(input({ today: '2025-11-01', birthDate: '1950-01-01', vaccinations: [{ targets: ['influenza'], date: '2025-10-20' }] }));
    expect(keys(vaccinated)).not.toContain('vaccination:influenza:2025-26');
  });

  it('recording what an item says it records clears that item (every example)', () => {
    const examples: PreventionInput[] = [
      input({ birthDate: '1970-06-15', sex: 'female', acts: [{ act: 'screening.breast', date: '2023-01-10' }] }),
      input({ birthDate: '2026-01-10', vaccinations: [{ targets: HEXAVALENT, date: '2026-03-10' }] }),
      input({ birthDate: '1959-03-02', sex: 'male', vaccinations: [{ targets: ['diphtheria', 'tetanus', 'polio'], date: '2019-03-02' }] }),
      input({ birthDate: '1998-09-01', sex: 'female', acts: [{ act: 'screening.cervical-cytology', date: '2024-05-01' }] }),
    ];
    for (const example of examples) {
      // Items waiting for an earlier dose need that one first: one injection records one dose.
      for (const item of run(example).filter((candidate) => candidate.status !== 'upcoming' && candidate.review === null && candidate.waitsFor.length === 0)) {
        const done: PreventionInput =
          item.marksDone.kind === 'act'
            ? { ...example, acts: [...example.acts, { act: item.marksDone.act, date: example.today }] }
            : { ...example, vaccinations: [...example.vaccinations, { targets: [...item.marksDone.targets], date: example.today }] };
        expect(keys(run(done)), item.key).not.toContain(item.key);
      }
    }
  });
});

describe('dismissals', () => {
  it('are returned flagged, only for the keys given', () => {
    const items = run(input({ birthDate: '1970-06-15', sex: 'female', dismissed: ['screening.breast:2024-01-01', 'screening.colorectal:2020-06-15', 'no-such-key'] }));
    expect(items.filter((item) => item.dismissed).map((item) => item.key)).toEqual(['screening.colorectal:2020-06-15']);
  });

  it('last for one occurrence: the next mammogram is a new key', () => {
    const dismissed = ['screening.breast:2020-06-15'];
    expect(find(run(input({ birthDate: '1970-06-15', sex: 'female', dismissed })), 'screening.breast:2020-06-15').dismissed).toBe(true);
    const after = run(input({ birthDate: '1970-06-15', sex: 'female', dismissed, acts: [{ act: 'screening.breast', date: '2025-03-01' }] }));
    expect(find(after, 'screening.breast:2027-03-01')).toMatchObject({ status: 'upcoming', dismissed: false });
  });
});

describe('partial dates', () => {
  it('count from their earliest day when every reading agrees', () => {
    const items = run(input({ birthDate: '1970-06-15', sex: 'female', acts: [{ act: 'screening.breast', date: '2023' }] }));
    expect(find(items, 'screening.breast:2025-01-01')).toMatchObject({ status: 'overdue', review: null, dates: { due: '2025-01-01' } });
  });

  it('need review when the month could put the item either side of today', () => {
    const items = run(input({ birthDate: '1970-06-15', sex: 'female', acts: [{ act: 'screening.breast', date: '2024-11' }] }));
    expect(find(items, 'screening.breast:2026-11-01')).toMatchObject({
      status: 'needs-review',
      dates: { due: '2026-11-01' },
      review: { type: 'partial-date', otherReading: { status: 'upcoming', dates: { start: '2026-11-30', due: '2026-11-30', until: '2044-06-14' }, review: null } },
    });
  });

  it('need review when the dose may or may not count (MMR in the month of the first birthday)', () => {
    const items = run(input({ today: '2027-02-01', birthDate: '2026-01-10', vaccinations: [{ targets: ['measles', 'mumps', 'rubella'], date: '2027-01' }] }));
    expect(find(items, 'vaccination:mmr:1')).toMatchObject({ status: 'needs-review', review: { type: 'partial-date', otherReading: null } });
  });

  it('may include today and the birth date (clamped, not an error)', () => {
    expect(evaluatePrevention(input({ birthDate: '2026-01-10', vaccinations: [{ targets: HEXAVALENT, date: '2026' }] })).ok).toBe(true);
  });
});

describe('bad input is a typed error, never a throw', () => {
  const issues = (value: PreventionInput) => {
    const result = evaluatePrevention(value);
    return result.ok ? [] : result.error.issues;
  };

  it('names every problem', () => {
    expect(issues(input({ today: '2026-02-30', birthDate: '1970-06-15' }))).toEqual([{ path: 'today', problem: 'not a calendar date (YYYY-MM-DD)' }]);
    expect(issues(input({ birthDate: '2026-11-24' }))).toEqual([{ path: 'birthDate', problem: 'after today' }]);
    expect(issues(input({ birthDate: '1970-06', sex: 'female' }))).toEqual([{ path: 'birthDate', problem: 'not a calendar date (YYYY-MM-DD)' }]);
    expect(
      issues(
        input({
          birthDate: '2026-01-10',
          vaccinations: [
            { targets: HEXAVALENT, date: '2025-12-31' },
            { targets: HEXAVALENT, date: '2026-13' },
            { targets: ['smallpox' as VaccineTarget], date: '2026-03-10' },
            { targets: [], date: '2026-03-10' },
          ],
          acts: [{ act: 'exam.child.9m', date: '2026-12-01' }],
          dismissed: [42 as unknown as string],
        }),
      ),
    ).toEqual([
      { path: 'vaccinations[0].date', problem: 'before the birth date' },
      { path: 'vaccinations[1].date', problem: 'not a date (YYYY, YYYY-MM or YYYY-MM-DD)' },
      { path: 'vaccinations[2].targets', problem: 'unknown vaccine target' },
      { path: 'vaccinations[3].targets', problem: 'must not be empty' },
      { path: 'acts[0].date', problem: 'after today' },
      { path: 'dismissed[0]', problem: 'expected text' },
    ]);
    expect(issues(input({ birthDate: '2000-01-01', vaccinations: [{ targets: HEXAVALENT, date: '1999' }] }))).toEqual([{ path: 'vaccinations[0].date', problem: 'before the birth date' }]);
  });

  it('whatever the strings (property)', () => {
    const date = fc.oneof(fc.string({ maxLength: 12 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2026', '2026-02', '0000-01-01'));
    fc.assert(
      fc.property(date, date, date, fc.constantFrom('female', 'male', 'other', null), (today, birthDate, when, sex) => {
        const result = evaluatePrevention({ today, birthDate, sex, vaccinations: [{ targets: ['influenza'], date: when }], acts: [{ act: 'screening.breast', date: when }], dismissed: [] });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the rules file', () => {
  it('is versioned and dated', () => {
    expect(RULES_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(RULES_EDITION.length).toBeGreaterThan(0);
  });

  it('has unique ids, both languages, and cites only known sources, all of which it uses', () => {
    const ids = PREVENTION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of PREVENTION_RULES) {
      for (const text of [rule.title, rule.why]) expect(text.fr.length > 0 && text.en.length > 0, rule.id).toBe(true);
      expect(rule.sources.length, rule.id).toBeGreaterThan(0);
    }
    const cited = new Set(PREVENTION_RULES.flatMap((rule) => rule.sources));
    expect([...cited].every((id) => id in PREVENTION_SOURCES)).toBe(true);
    expect(Object.keys(PREVENTION_SOURCES).filter((id) => !cited.has(id as keyof typeof PREVENTION_SOURCES))).toEqual([]);
    for (const [id, source] of Object.entries(PREVENTION_SOURCES)) expect(source.id).toBe(id);
  });

  it('lists the 20 compulsory examinations as changed in 2025: 19 of the original list plus the 7th year', () => {
    const exams = PREVENTION_RULES.filter((rule) => rule.category === 'exam').map((rule) => rule.id.replace('exam.child.', ''));
    expect(exams).toEqual(['8d', '2w', '2m', '3m', '4m', '5m', '6m', '9m', '12m', '13m', '16-18m', '24-25m', '3y', '4y', '5y', '6y', '7y', '8-9y', '11-13y', '15-16y']);
  });
});
