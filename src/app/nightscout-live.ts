/**
 * A live Nightscout site as a readings source (docs/format.md, "nightscout-site"): the site the
 * patient named, its token or API secret, the API version found, and where the next pull starts,
 * kept SEALED as a derived value of this device (like readings-settings.ts), because a token is a
 * key to the patient's glucose history and the address says that they have diabetes.
 *
 * A pull brings entries back page by page (nightscout-api.ts), reads them with the file importer,
 * and hands `ParsedReadings` to the shared preview; nothing is stored until the patient confirms,
 * and the cursor moves only then (`commitPull`), so a cancelled preview is pulled again next time.
 */
import type { StoreError } from '../core/ports.ts';
import { nightscoutToReadings } from '../core/readings/importers/nightscout.ts';
import {
  canUseV3,
  countTextValues,
  entriesRequest,
  entryDate,
  entryKey,
  findGaps,
  firstWindow,
  jwtRequest,
  latestDate,
  MAX_PAGES,
  nextWindow,
  oldestDate,
  parseCredential,
  parseEntriesPage,
  parseJwt,
  parseSiteAddress,
  parseStatus,
  parseVersion,
  statusRequest,
  versionRequest,
  type EntriesWindow,
  type Gap,
  type NightscoutApiVersion,
  type NightscoutAuth,
  type NightscoutBase,
  type NightscoutCredential,
  type NightscoutError,
} from '../core/readings/nightscout-api.ts';
import type { ParsedReadings, ReadingsFileError } from '../core/readings/parsed.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { NightscoutHttp } from '../adapters/nightscout-http.ts';
import { readSealedJson, writeSealedJson, type SealedName } from './derived.ts';
import type { VaultSession } from './session.ts';

export interface NightscoutSite {
  readonly base: NightscoutBase;
  readonly credential: NightscoutCredential;
  readonly api: NightscoutApiVersion;
  /** The latest entry `date` the patient committed; null before the first pull. */
  readonly cursor: number | null;
  /** When that commit happened (this device's clock). */
  readonly lastPull: number | null;
}

export interface ConnectionReport {
  readonly site: NightscoutSite;
  /** The site's name and software version, when it says. */
  readonly name: string | null;
  readonly version: string | null;
  /** The date of the newest entry the site holds, or null when it holds none. */
  readonly latest: number | null;
}

export interface PullProgress {
  readonly pages: number;
  readonly entries: number;
  /** The oldest entry date reached so far (pages go back in time). */
  readonly oldest: number | null;
}

export interface NightscoutPull {
  /** The readings, or why there are none (every entry refused, or none at all). */
  readonly parsed: Result<ParsedReadings, ReadingsFileError>;
  /** Entries received (after dropping the pages' overlap). */
  readonly entries: number;
  /** Of those, entries newer than the cursor: the rest came back through the overlap. */
  readonly fresh: number;
  /** Glucose values the site sent as text. */
  readonly textValues: number;
  /** Silences of more than 30 minutes between sensor readings. */
  readonly gaps: readonly Gap[];
  /** Where the cursor moves if the patient commits. */
  readonly cursor: number | null;
  /** Whether this pull went back to the beginning (no cursor yet). */
  readonly first: boolean;
  /** Stopped at MAX_PAGES: entries older than those received were left on the site. */
  readonly truncated: boolean;
}

const NAME = 'nightscout-site';

const STORED: SealedName = { name: NAME, id: 'readings' };

/** A stored site, each field checked; anything odd is no site (the patient connects again). */
export function parseStoredSite(json: unknown): NightscoutSite | null {
  if (typeof json !== 'object' || json === null) return null;
  const body = json as Record<string, unknown>;
  if (body['v'] !== 1 || body['site'] === null || typeof body['site'] !== 'object') return null;
  const site = body['site'] as Record<string, unknown>;
  if (typeof site['base'] !== 'string' || (site['api'] !== 'v1' && site['api'] !== 'v3')) return null;
  const base = parseAddressText(site['base']);
  if (!base.ok || base.value !== site['base']) return null;
  const credential = site['credential'] as Record<string, unknown> | null;
  let parsed: NightscoutCredential | null = null;
  if (credential?.['kind'] === 'token' && typeof credential['token'] === 'string' && credential['token'] !== '') parsed = { kind: 'token', token: credential['token'] };
  if (credential?.['kind'] === 'api-secret' && typeof credential['sha1'] === 'string' && /^[0-9a-f]{40}$/.test(credential['sha1'])) parsed = { kind: 'api-secret', sha1: credential['sha1'] };
  if (parsed === null || (site['api'] === 'v3' && !canUseV3(parsed))) return null;
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);
  return { base: base.value, credential: parsed, api: site['api'], cursor: time(site['cursor']), lastPull: time(site['lastPull']) };
}

export async function loadNightscoutSite(session: VaultSession): Promise<NightscoutSite | null> {
  const stored = await readSealedJson(session, STORED);
  return stored.status === 'read' ? parseStoredSite(stored.value) : null;
}

async function write(session: VaultSession, site: NightscoutSite | null): Promise<Result<void, StoreError>> {
  return writeSealedJson(session, STORED, { v: 1, site });
}

export const saveNightscoutSite = (session: VaultSession, site: NightscoutSite) => write(session, site);

/** The store keeps derived values by name: forgetting writes a sealed "no site" over the old one. */
export const forgetNightscoutSite = (session: VaultSession) => write(session, null);

/** Moves the cursor once the patient has committed what `pull` brought; the site as now saved. */
export async function commitPull(session: VaultSession, site: NightscoutSite, pull: NightscoutPull): Promise<Result<NightscoutSite, StoreError>> {
  const next: NightscoutSite = { ...site, cursor: pull.cursor, lastPull: session.deps.clock.now() };
  const saved = await saveNightscoutSite(session, next);
  return saved.ok ? ok(next) : saved;
}

/** `mysite.example` as typed is `https://mysite.example`. */
export function parseAddressText(text: string): Result<NightscoutBase, NightscoutError> {
  const trimmed = text.trim();
  if (trimmed === '') return err({ type: 'NightscoutAddressInvalid' });
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return err({ type: 'NightscoutAddressInvalid' });
  }
  return parseSiteAddress(url);
}

export interface NightscoutLiveDeps {
  readonly http: NightscoutHttp;
  readonly now: () => number;
}

export function createNightscoutLive(deps: NightscoutLiveDeps) {
  const { http } = deps;

  /** The v3 JWT for a token, or the credential itself for v1. */
  async function authFor(site: Pick<NightscoutSite, 'base' | 'api' | 'credential'>, signal?: AbortSignal): Promise<Result<NightscoutAuth, NightscoutError>> {
    if (site.api === 'v1' || site.credential.kind !== 'token') return ok(site.credential);
    const answer = await http.getJson(jwtRequest(site.base, site.credential.token), 'token', signal);
    if (!answer.ok) return answer;
    const jwt = parseJwt(answer.value);
    return jwt.ok ? ok({ kind: 'jwt', jwt: jwt.value }) : jwt;
  }

  async function findApi(base: NightscoutBase, credential: NightscoutCredential, signal?: AbortSignal): Promise<Result<NightscoutApiVersion, NightscoutError>> {
    if (!canUseV3(credential)) return ok('v1');
    const answer = await http.getJson(versionRequest(base), null, signal);
    if (answer.ok) return parseVersion(answer.value).ok ? ok('v3') : ok('v1');
    // A site without API v3 answers 404 (or, behind some hosts, a page that is not JSON).
    const fallback: NightscoutError['type'][] = ['NightscoutNotFound', 'NightscoutNotJson', 'NightscoutMalformed'];
    return fallback.includes(answer.error.type) ? ok('v1') : answer;
  }

  /**
   * Finds the API, proves the credential (a v3 token also needs the right to read entries) and
   * reads the newest entry. The site returned keeps `previous`'s cursor when it is the same site.
   */
  async function checkSite(base: NightscoutBase, credential: NightscoutCredential, previous: NightscoutSite | null, signal?: AbortSignal): Promise<Result<ConnectionReport, NightscoutError>> {
    const api = await findApi(base, credential, signal);
    if (!api.ok) return api;
    const same = previous !== null && previous.base === base;
    const site: NightscoutSite = { base, credential, api: api.value, cursor: same ? previous.cursor : null, lastPull: same ? previous.lastPull : null };
    const auth = await authFor(site, signal);
    if (!auth.ok) return auth;
    const status = await http.getJson(statusRequest(site.base, site.api, auth.value, deps.now()), credential.kind, signal);
    if (!status.ok) return status;
    const described = parseStatus(site.api, status.value);
    if (!described.ok) return described;
    const newest = await http.getJson(entriesRequest(site.base, site.api, auth.value, firstWindow(null), deps.now(), 1), credential.kind, signal);
    if (!newest.ok) return newest;
    const page = parseEntriesPage(site.api, newest.value);
    if (!page.ok) return page;
    return ok({ site, name: described.value.name, version: described.value.version, latest: latestDate(page.value, null) });
  }

  return {
    /** Checks what the patient typed (see checkSite). */
    async testConnection(address: string, kind: NightscoutCredential['kind'], secret: string, previous: NightscoutSite | null, signal?: AbortSignal): Promise<Result<ConnectionReport, NightscoutError>> {
      const base = parseAddressText(address);
      if (!base.ok) return base;
      const credential = parseCredential(kind, secret);
      if (!credential.ok) return credential;
      return checkSite(base.value, credential.value, previous, signal);
    },

    /** The same test for a site already saved (its API is found again: a site may have been upgraded). */
    checkSite: (site: NightscoutSite, signal?: AbortSignal) => checkSite(site.base, site.credential, site, signal),

    /** Everything since the cursor (or the whole history), page by page; `signal` cancels. */
    async pull(site: NightscoutSite, options: { readonly timeZone: string; readonly signal?: AbortSignal; readonly onProgress?: (progress: PullProgress) => void }): Promise<Result<NightscoutPull, NightscoutError>> {
      let auth = await authFor(site, options.signal);
      if (!auth.ok) return auth;
      let renewed = false;
      const entries: unknown[] = [];
      const seen = new Set<string>();
      let window: EntriesWindow | null = firstWindow(site.cursor);
      let pages = 0;
      let oldest: number | null = null;
      while (window !== null && pages < MAX_PAGES) {
        if (options.signal?.aborted === true) return err({ type: 'NightscoutCancelled' });
        let answer = await http.getJson(entriesRequest(site.base, site.api, auth.value, window, deps.now()), site.credential.kind, options.signal);
        // A v3 JWT lives an hour: a long first pull renews it once rather than fail halfway.
        if (!answer.ok && answer.error.type === 'NightscoutUnauthorized' && site.api === 'v3' && pages > 0 && !renewed) {
          renewed = true;
          auth = await authFor(site, options.signal);
          if (!auth.ok) return auth;
          answer = await http.getJson(entriesRequest(site.base, site.api, auth.value, window, deps.now()), site.credential.kind, options.signal);
        }
        if (!answer.ok) return answer;
        const page = parseEntriesPage(site.api, answer.value);
        if (!page.ok) return page;
        pages++;
        for (const entry of page.value) {
          const key = entryKey(entry);
          if (seen.has(key)) continue;
          seen.add(key);
          entries.push(entry);
        }
        const pageOldest = oldestDate(page.value);
        if (pageOldest !== null && (oldest === null || pageOldest < oldest)) oldest = pageOldest;
        options.onProgress?.({ pages, entries: entries.length, oldest });
        window = nextWindow(window, page.value);
      }
      const parsed = nightscoutToReadings(entries, { timeZone: options.timeZone });
      const glucose = parsed.ok ? (parsed.value.series.find((part) => part.series === 'glucose')?.readings ?? []) : [];
      return ok({
        parsed,
        entries: entries.length,
        fresh: site.cursor === null ? entries.length : entries.filter((entry) => (entryDate(entry) ?? Number.POSITIVE_INFINITY) > (site.cursor ?? 0)).length,
        textValues: countTextValues(entries),
        gaps: findGaps(glucose),
        // Never past the clock: one entry from an uploader with a wrong clock (year 2030) would
        // otherwise stop every later pull.
        cursor: latestDate(entries.filter((entry) => (entryDate(entry) ?? Number.POSITIVE_INFINITY) <= deps.now() + CLOCK_SLACK_MS), site.cursor),
        first: site.cursor === null,
        truncated: window !== null,
      });
    },
  };
}

/** An entry this far ahead of the clock has a wrong clock, not a reading from the future. */
const CLOCK_SLACK_MS = 10 * 60_000;

export type NightscoutLive = ReturnType<typeof createNightscoutLive>;
