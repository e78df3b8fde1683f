/**
 * Live Nightscout: the requests built for API v1 and v3, paging back in time without losing the
 * entries that share a page's last millisecond, the incremental cursor, the v3 envelope, and each
 * error. Then the adapter and the app's pull against the loopback Nightscout of
 * tests/support/nightscout-server.ts serving the fixture files as they are: the whole history in
 * pages, an incremental pull, a wrong token, a token without the right role, a slow site and a
 * site that is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNightscoutHttp } from '../../../src/adapters/nightscout-http.ts';
import { createNightscoutLive, parseAddressText, parseStoredSite, type NightscoutSite } from '../../../src/app/nightscout-live.ts';
import { nightscoutToReadings } from '../../../src/core/readings/importers/nightscout.ts';
import {
  countTextValues,
  entriesRequest,
  entryKey,
  findGaps,
  firstWindow,
  jwtRequest,
  latestDate,
  nextWindow,
  OVERLAP_MS,
  parseCredential,
  parseEntriesPage,
  parseJwt,
  parseSiteAddress,
  parseStatus,
  parseVersion,
  statusRequest,
  type NightscoutBase,
  type NightscoutError,
} from '../../../src/core/readings/nightscout-api.ts';
import { describeNightscoutError, formatDuration } from '../../../src/ui/readings/sources/nightscout/words.ts';
import type { ParsedReadings } from '../../../src/core/readings/parsed.ts';
import type { Reading } from '../../../src/core/readings/series.ts';
import { API_SECRET, DENIED_TOKEN, fixtureEntries, READ_TOKEN, startNightscoutServer, type Entry, type NightscoutTestServer } from '../../support/nightscout-server.ts';
import { dictionaryFor, loadFeatureWords } from '../../../src/ui/i18n/i18n.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');
const en = dictionaryFor('en');

const BASE = 'https://ns.example.org' as NightscoutBase;
const address = (text: string) => parseSiteAddress(new URL(text));
const PARIS = { timeZone: 'Europe/Paris' };

describe('site address and credential', () => {
  it('keeps https sites and loopback http, refuses http elsewhere', () => {
    expect(address('https://ns.example.org/')).toEqual({ ok: true, value: 'https://ns.example.org' });
    expect(address('https://host.example:8443/ns/')).toEqual({ ok: true, value: 'https://host.example:8443/ns' });
    // A page of the site, pasted from the address bar: the API is at the root.
    expect(address('https://ns.example.org/report')).toEqual({ ok: true, value: 'https://ns.example.org' });
    expect(address('https://ns.example.org/api/v1/entries.json')).toEqual({ ok: true, value: 'https://ns.example.org' });
    expect(address('http://127.0.0.1:1337')).toEqual({ ok: true, value: 'http://127.0.0.1:1337' });
    expect(address('http://ns.example.org')).toEqual({ ok: false, error: { type: 'NightscoutAddressInsecure' } });
    expect(address('https://user:pw@ns.example.org')).toEqual({ ok: false, error: { type: 'NightscoutAddressInvalid' } });
    expect(address('https://ns.example.org/?token=x')).toEqual({ ok: false, error: { type: 'NightscoutAddressInvalid' } });
    expect(address('ftp://ns.example.org')).toEqual({ ok: false, error: { type: 'NightscoutAddressInvalid' } });
    expect(parseAddressText('ns.example.org')).toEqual({ ok: true, value: 'https://ns.example.org' });
    expect(parseAddressText('  ')).toEqual({ ok: false, error: { type: 'NightscoutAddressInvalid' } });
  });

  it('hashes an API secret with SHA-1 as Nightscout compares it, and keeps a token as typed', () => {
    // FIPS 180-2, appendix A.1: SHA-1("abc").
    expect(parseCredential('api-secret', 'abc')).toEqual({ ok: true, value: { kind: 'api-secret', sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d' } });
    // A secret made of 40 hex digits (openssl rand -hex 20) is a secret too: hashed, never sent as is.
    expect(parseCredential('api-secret', 'A9993E364706816ABA3E25717850C26C9CD0D89D')).toEqual({ ok: true, value: { kind: 'api-secret', sha1: 'dc99ed0c65114fb7a4edec7ec60659b4d76f995e' } });
    expect(parseCredential('token', '  carnet-0123456789abcdef ')).toEqual({ ok: true, value: { kind: 'token', token: 'carnet-0123456789abcdef' } });
    expect(parseCredential('token', ' ')).toEqual({ ok: false, error: { type: 'NightscoutCredentialMissing' } });
  });
});

describe('requests', () => {
  const token = { kind: 'token', token: 'carnet-0123456789abcdef' } as const;
  const secret = { kind: 'api-secret', sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d' } as const;

  it('v1: count, find[date] bounds in whole milliseconds, the token or the secret’s hash in the query (Nightscout’s CORS allows no api-secret header)', () => {
    const first = entriesRequest(BASE, 'v1', token, firstWindow(null), 0);
    expect(first.url).toBe('https://ns.example.org/api/v1/entries.json?count=1000&find[date][$gt]=0&token=carnet-0123456789abcdef');
    const page = entriesRequest(BASE, 'v1', secret, { after: 1778284500105.5, upTo: 1778284800105.5488 }, 0);
    expect(page.url).toBe('https://ns.example.org/api/v1/entries.json?count=1000&find[date][$gt]=1778284500105&find[date][$lte]=1778284800106&secret=a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(page.headers).toEqual({ Accept: 'application/json' });
    expect(statusRequest(BASE, 'v1', token, 0).url).toBe('https://ns.example.org/api/v1/status.json?token=carnet-0123456789abcdef');
  });

  it('v3: limit, sort$desc, date$gt/$lte, now, and the JWT as a Bearer header', () => {
    const request = entriesRequest(BASE, 'v3', { kind: 'jwt', jwt: 'eyJ.x.y' }, { after: 10, upTo: 20 }, 1_700_000_000_000);
    expect(request.url).toBe('https://ns.example.org/api/v3/entries?limit=1000&sort$desc=date&date$gt=10&date$lte=20&now=1700000000000');
    expect(request.headers['Authorization']).toBe('Bearer eyJ.x.y');
    expect(jwtRequest(BASE, 'a b/c').url).toBe('https://ns.example.org/api/v2/authorization/request/a%20b%2Fc');
    expect(statusRequest(BASE, 'v3', { kind: 'jwt', jwt: 'j' }, 5).url).toBe('https://ns.example.org/api/v3/status?now=5');
  });

  it('the incremental window starts a little before the cursor', () => {
    expect(firstWindow(null)).toEqual({ after: 0, upTo: null });
    expect(firstWindow(1_000_000_000_000)).toEqual({ after: 1_000_000_000_000 - OVERLAP_MS, upTo: null });
  });
});

describe('paging', () => {
  const entry = (date: number, id = `e${date}`) => ({ _id: id, type: 'sgv', sgv: 100, date });

  it('stops on a short page, else ends the next page at the oldest date, inclusive', () => {
    expect(nextWindow({ after: 0, upTo: null }, [entry(5), entry(4)], 3)).toBeNull();
    expect(nextWindow({ after: 0, upTo: null }, [entry(9), entry(8.5), entry(7)], 3)).toEqual({ after: 0, upTo: 7 });
    // Fractional dates round up, so the entry at 6.4 is asked for again rather than lost.
    expect(nextWindow({ after: 0, upTo: 9 }, [entry(9), entry(8), entry(6.4)], 3)).toEqual({ after: 0, upTo: 7 });
    // A whole page at one millisecond moves on by one instead of asking the same page forever.
    expect(nextWindow({ after: 0, upTo: 7 }, [entry(7, 'a'), entry(7, 'b'), entry(7, 'c')], 3)).toEqual({ after: 0, upTo: 6 });
    expect(nextWindow({ after: 6, upTo: 7 }, [entry(7, 'a'), entry(7, 'b'), entry(7, 'c')], 3)).toBeNull();
  });

  it('walks a site back in time without losing entries that share a page boundary', () => {
    // 25 entries, three of them at the same millisecond, served 4 at a time.
    const site = [...Array.from({ length: 22 }, (_, index) => entry(1000 + index * 10)), entry(1100, 'twin-a'), entry(1100, 'twin-b'), entry(1100.5, 'frac')];
    const serve = (window: { after: number; upTo: number | null }) =>
      site
        .filter((item) => item.date > Math.floor(window.after) && (window.upTo === null || item.date <= window.upTo))
        .sort((a, b) => b.date - a.date)
        .slice(0, 4);
    const seen = new Map<string, unknown>();
    let window: { after: number; upTo: number | null } | null = { after: 0, upTo: null };
    let pages = 0;
    while (window !== null) {
      const page = serve(window);
      for (const item of page) seen.set(entryKey(item), item);
      window = nextWindow(window, page, 4);
      pages++;
    }
    expect(seen.size).toBe(site.length);
    expect(pages).toBeLessThan(20);
  });

  it('keys entries by _id, v3 identifier, else their text', () => {
    expect(entryKey({ _id: 'a' })).toBe('o:a');
    expect(entryKey({ identifier: 'b', _id: 'a' })).toBe('i:b');
    expect(entryKey({ sgv: 1 })).toBe('j:{"sgv":1}');
  });

  it('moves the cursor to the latest date seen', () => {
    expect(latestDate([entry(5), entry(9), { date: 'x' }], null)).toBe(9);
    expect(latestDate([], 7)).toBe(7);
    expect(latestDate([entry(3)], 7)).toBe(7);
  });
});

describe('answers', () => {
  it('reads v1 arrays, v3 envelopes and v3.0.2 bare arrays', () => {
    expect(parseEntriesPage('v1', [{ sgv: 1 }])).toEqual({ ok: true, value: [{ sgv: 1 }] });
    expect(parseEntriesPage('v3', { status: 200, result: [{ sgv: 2 }] })).toEqual({ ok: true, value: [{ sgv: 2 }] });
    expect(parseEntriesPage('v3', [{ sgv: 3 }])).toEqual({ ok: true, value: [{ sgv: 3 }] });
    expect(parseEntriesPage('v3', { status: 401, message: 'Bad access token or JWT' })).toEqual({ ok: false, error: { type: 'NightscoutUnauthorized', credential: 'token' } });
    expect(parseEntriesPage('v1', { status: 'ok' })).toEqual({ ok: false, error: { type: 'NightscoutMalformed', detail: 'entries' } });
  });

  it('reads version, JWT and status; a v3 token that cannot read entries is refused', () => {
    expect(parseVersion({ status: 200, result: { version: '14.1.0', apiVersion: '3.0.2-alpha', srvDate: 1 } })).toEqual({ ok: true, value: { version: '14.1.0', apiVersion: '3.0.2-alpha' } });
    expect(parseVersion({ status: 200, result: {} }).ok).toBe(false);
    expect(parseJwt({ token: 'eyJ.a.b', sub: 'carnet', iat: 1, exp: 2 })).toEqual({ ok: true, value: 'eyJ.a.b' });
    expect(parseJwt({ status: 401 }).ok).toBe(false);
    expect(parseStatus('v1', { status: 'ok', name: 'Nightscout', version: '15.0.2' })).toEqual({ ok: true, value: { name: 'Nightscout', version: '15.0.2' } });
    expect(parseStatus('v3', { status: 200, result: { version: '15.0.2', apiPermissions: { entries: 'crud' } } }).ok).toBe(true);
    expect(parseStatus('v3', { status: 200, result: { version: '15.0.2', apiPermissions: { entries: '' } } })).toEqual({ ok: false, error: { type: 'NightscoutForbidden' } });
    expect(parseStatus('v1', '<html>').ok).toBe(false);
  });

  it('counts text values and finds the gaps in the fixture entries', () => {
    const all = fixtureEntries();
    const example = all.filter((item) => typeof item['dateString'] === 'string' && item['dateString'].startsWith('2014'));
    expect(example).toHaveLength(30);
    // Every sgv of Nightscout's example.json is a string (PROVENANCE.md); the Loop capture has none.
    expect(countTextValues(example)).toBe(30);
    expect(countTextValues(all)).toBe(30);
    const parsed = nightscoutToReadings(all, PARIS);
    if (!parsed.ok) throw new Error('readings expected');
    const gaps = findGaps(parsed.value.series[0]?.readings ?? []);
    // Example's readings stop at 03:59 (-07:00) on 2014-07-19: after its 6 h silence come only
    // status codes. The next reading is the Loop capture's first, 2026-05-08T04:20Z.
    const last2014 = Date.parse('2014-07-19T03:59:15.000-07:00');
    expect(gaps.map((gap) => gap.from)).toContain(last2014);
    expect(gaps.find((gap) => gap.from === last2014)?.to).toBeGreaterThan(Date.parse('2026-05-08T04:19:00Z'));
    const minute = 60_000;
    const reading = (at: number, kind: Reading['kind'] = 'continuous'): Reading => ({ time: at * minute, value: 100, unit: 'mg/dL', kind, bound: null, source: { importer: 'nightscout', device: null, serial: null } });
    // A meter reading in a sensor's silence does not fill it.
    expect(findGaps([0, 5, 10, 50, 55, 200].map((at) => reading(at)).concat(reading(100, 'blood')).sort((a, b) => a.time - b.time))).toEqual([
      { from: 10 * minute, to: 50 * minute },
      { from: 55 * minute, to: 200 * minute },
    ]);
  });
});

describe('stored site', () => {
  it('accepts what it wrote and refuses anything else', () => {
    const site = { base: 'https://ns.example.org', credential: { kind: 'token', token: 't-1' }, api: 'v3', cursor: 5, lastPull: 6 };
    expect(parseStoredSite({ v: 1, site })).toEqual(site);
    expect(parseStoredSite({ v: 1, site: null })).toBeNull();
    expect(parseStoredSite({ v: 2, site })).toBeNull();
    expect(parseStoredSite({ v: 1, site: { ...site, base: 'http://ns.example.org' } })).toBeNull();
    // API v3 does not take an API secret: such a record is not one Carnet wrote.
    expect(parseStoredSite({ v: 1, site: { ...site, credential: { kind: 'api-secret', sha1: 'a'.repeat(40) } } })).toBeNull();
    expect(parseStoredSite({ v: 1, site: { ...site, credential: { kind: 'api-secret', sha1: 'a'.repeat(40) }, api: 'v1' } })).not.toBeNull();
  });
});

describe('words', () => {
  const errors: NightscoutError[] = [
    { type: 'NightscoutAddressInvalid' },
    { type: 'NightscoutAddressInsecure' },
    { type: 'NightscoutCredentialMissing' },
    { type: 'NightscoutUnreachable' },
    { type: 'NightscoutCorsBlocked' },
    { type: 'NightscoutTimeout', seconds: 30 },
    { type: 'NightscoutUnauthorized', credential: 'token' },
    { type: 'NightscoutUnauthorized', credential: 'api-secret' },
    { type: 'NightscoutForbidden' },
    { type: 'NightscoutNotFound' },
    { type: 'NightscoutNotJson' },
    { type: 'NightscoutMalformed', detail: 'entries' },
    { type: 'NightscoutHttpStatus', status: 502 },
    { type: 'NightscoutCancelled' },
  ];

  it('say every error in both languages, each with what to change', () => {
    for (const error of errors) {
      const french = describeNightscoutError(fr, error);
      const english = describeNightscoutError(en, error);
      expect(french.trim(), error.type).not.toBe('');
      expect(english.trim(), error.type).not.toBe('');
      expect(french).not.toBe(english);
    }
    expect(describeNightscoutError(fr, { type: 'NightscoutUnauthorized', credential: 'token' })).toContain('readable');
    expect(describeNightscoutError(en, { type: 'NightscoutCorsBlocked' })).toContain('ENABLE');
    expect(describeNightscoutError(fr, { type: 'NightscoutAddressInsecure' })).toContain('https://');
    expect(describeNightscoutError(en, { type: 'NightscoutTimeout', seconds: 30 })).toContain('30 seconds');
    expect(formatDuration(6 * 3600_000 + 5 * 60_000, 'fr')).toBe('6 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 2 * 3600_000, 'fr')).toBe('3 j 2 h');
    expect(formatDuration(3 * 86_400_000, 'en')).toBe('3 d');
  });
});

describe('against the loopback Nightscout', () => {
  let server: NightscoutTestServer;
  const all = fixtureEntries();
  const glucoseIn = (parsed: ParsedReadings) => parsed.series.find((part) => part.series === 'glucose')?.readings.length ?? 0;
  const expected = nightscoutToReadings(all, PARIS);

  beforeAll(async () => {
    server = await startNightscoutServer();
  });
  afterAll(() => server.stop());
  const live = (timeoutMs = 5000) => createNightscoutLive({ http: createNightscoutHttp({ timeoutMs }), now: () => Date.now() });

  async function connect(kind: 'token' | 'api-secret', secret: string, previous: NightscoutSite | null = null) {
    const report = await live().testConnection(server.origin, kind, secret, previous);
    if (!report.ok) throw new Error(`connection refused: ${JSON.stringify(report.error)}`);
    return report.value;
  }

  for (const [name, v3] of [['v3', true], ['v1', false]] as const) {
    it(`finds API ${name}, pulls the whole history in pages, then only what is new`, async () => {
      // A site of its own: this test adds an entry.
      const own = await startNightscoutServer({ v3 });
      const report = await live().testConnection(own.origin, 'token', READ_TOKEN, null).then((result) => {
        if (!result.ok) throw new Error(`connection refused: ${JSON.stringify(result.error)}`);
        return result.value;
      });
      expect(report.site.api).toBe(name);
      expect(report.version).toBe('15.0.2');
      expect(report.latest).toBe(Math.max(...all.map((entry) => Number(entry['date']))));

      const progress: number[] = [];
      const small = await live().pull(report.site, { timeZone: 'Europe/Paris', onProgress: (step) => progress.push(step.entries) });
      if (!small.ok) throw new Error(JSON.stringify(small.error));
      expect(small.value.entries).toBe(all.length);
      expect(small.value.first).toBe(true);
      expect(small.value.fresh).toBe(all.length);
      expect(small.value.textValues).toBe(30);
      expect(small.value.gaps.length).toBeGreaterThan(0);
      if (!small.value.parsed.ok || !expected.ok) throw new Error('readings expected');
      // The same readings and the same account of what was left out as the files themselves give.
      expect(glucoseIn(small.value.parsed.value)).toBe(glucoseIn(expected.value));
      expect(small.value.parsed.value.skipped).toHaveLength(expected.value.skipped.length);
      expect(progress.at(-1)).toBe(all.length);

      // Once committed, the next pull starts at the cursor (less the overlap) and brings the new entry.
      const site = { ...report.site, cursor: small.value.cursor };
      const newest = small.value.cursor ?? 0;
      own.add({ type: 'sgv', sgv: 142, date: newest + 300_000, dateString: new Date(newest + 300_000).toISOString(), device: 'test' });
      const next = await live().pull(site, { timeZone: 'Europe/Paris' });
      if (!next.ok || !next.value.parsed.ok) throw new Error('readings expected');
      expect(next.value.first).toBe(false);
      expect(next.value.cursor).toBe(newest + 300_000);
      expect(next.value.fresh).toBe(1);
      // The overlap brings back the last three hours too; the vault's dedup keeps them once.
      expect(next.value.entries).toBeLessThan(60);
      expect(next.value.parsed.value.series[0]?.readings.at(-1)?.value).toBe(142);
      await own.stop();
    });
  }

  it('renews an expired v3 token once during a long pull, rather than fail halfway', async () => {
    const many: Entry[] = Array.from({ length: 2500 }, (_, index) => ({ _id: `j${index}`, type: 'sgv', sgv: 100 + (index % 50), date: 1_700_000_000_000 + index * 300_000 }));
    const big = await startNightscoutServer({ entries: many });
    try {
      const report = await live().testConnection(big.origin, 'token', READ_TOKEN, null);
      if (!report.ok) throw new Error('connection expected');
      // Each token answers two requests, then expires: the third page needs a new one.
      big.mode.jwtUses = 2;
      const pulled = await live().pull(report.value.site, { timeZone: 'Europe/Paris' });
      expect(pulled.ok && pulled.value.entries).toBe(2500);
      expect(big.requests.filter((path) => path.startsWith('/api/v2/authorization/request/')).length).toBeGreaterThanOrEqual(3);
    } finally {
      await big.stop();
    }
  });

  it('moves the cursor to the newest reading kept, never to an entry from a wrong clock', async () => {
    const now = Date.UTC(2026, 10, 23, 12);
    const entries: Entry[] = [
      { _id: 'a', type: 'sgv', sgv: 120, date: now - 600_000 },
      { _id: 'b', type: 'sgv', sgv: 125, date: now - 300_000 },
      // An uploader whose clock says 2030.
      { _id: 'c', type: 'sgv', sgv: 130, date: Date.UTC(2030, 0, 1) },
    ];
    const own = await startNightscoutServer({ entries });
    try {
      const report = await live().testConnection(own.origin, 'token', READ_TOKEN, null);
      if (!report.ok) throw new Error('connection expected');
      const clocked = createNightscoutLive({ http: createNightscoutHttp({ timeoutMs: 5000 }), now: () => now });
      const pulled = await clocked.pull(report.value.site, { timeZone: 'Europe/Paris' });
      if (!pulled.ok) throw new Error('pull expected');
      expect(pulled.value.cursor).toBe(now - 300_000);
    } finally {
      await own.stop();
    }
  });

  it('pages of 1,000 with more than a page of history', async () => {
    const many: Entry[] = Array.from({ length: 2500 }, (_, index) => ({ _id: `m${index}`, type: 'sgv', sgv: 100 + (index % 50), date: 1_700_000_000_000 + index * 300_000 }));
    const big = await startNightscoutServer({ entries: many });
    try {
      const report = await live().testConnection(big.origin, 'token', READ_TOKEN, null);
      if (!report.ok) throw new Error('connection expected');
      const pulled = await live().pull(report.value.site, { timeZone: 'Europe/Paris' });
      if (!pulled.ok) throw new Error('pull expected');
      expect(pulled.value.entries).toBe(2500);
      expect(big.requests.filter((path) => path.startsWith('/api/v3/entries?limit=1000'))).toHaveLength(3);
    } finally {
      await big.stop();
    }
  });

  it('uses v1 for an API secret, sent hashed as `secret=`', async () => {
    server.mode.v3 = true;
    const report = await connect('api-secret', API_SECRET);
    expect(report.site.api).toBe('v1');
    expect(report.site.credential.kind).toBe('api-secret');
    expect(server.requests.some((path) => path.includes(API_SECRET))).toBe(false);
  });

  it('says which credential was refused, and a token without the right role', async () => {
    server.mode.v3 = true;
    expect(await live().testConnection(server.origin, 'token', 'wrong-0000000000000000', null)).toEqual({ ok: false, error: { type: 'NightscoutUnauthorized', credential: 'token' } });
    expect(await live().testConnection(server.origin, 'token', DENIED_TOKEN, null)).toEqual({ ok: false, error: { type: 'NightscoutForbidden' } });
    expect(await live().testConnection(server.origin, 'api-secret', 'not the secret', null)).toEqual({ ok: false, error: { type: 'NightscoutUnauthorized', credential: 'api-secret' } });
    server.mode.v3 = false;
    expect(await live().testConnection(server.origin, 'token', 'wrong-0000000000000000', null)).toEqual({ ok: false, error: { type: 'NightscoutUnauthorized', credential: 'token' } });
    server.mode.v3 = true;
  });

  it('a slow site times out, a down site is unreachable, a cancel is a cancel', async () => {
    server.mode.slowMs = 1500;
    expect(await live(300).testConnection(server.origin, 'token', READ_TOKEN, null)).toEqual({ ok: false, error: { type: 'NightscoutTimeout', seconds: 1 } });
    const cancel = new AbortController();
    const pending = live().testConnection(server.origin, 'token', READ_TOKEN, null, cancel.signal);
    cancel.abort();
    expect(await pending).toEqual({ ok: false, error: { type: 'NightscoutCancelled' } });
    server.mode.slowMs = 0;
    server.mode.down = true;
    expect(await live().testConnection(server.origin, 'token', READ_TOKEN, null)).toEqual({ ok: false, error: { type: 'NightscoutUnreachable' } });
    server.mode.down = false;
    expect(await live().testConnection('http://127.0.0.1:9', 'token', READ_TOKEN, null)).toEqual({ ok: false, error: { type: 'NightscoutUnreachable' } });
  });

  it('a site that is not Nightscout', async () => {
    const report = await live().testConnection(`${server.origin}/elsewhere`, 'token', READ_TOKEN, null);
    expect(report).toEqual({ ok: false, error: { type: 'NightscoutNotFound' } });
  });
});
