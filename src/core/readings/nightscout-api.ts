/**
 * A live Nightscout site (nightscout/cgm-remote-monitor), read through its REST API: the requests
 * to make, the answers to expect, and where the next pull starts. No I/O here: the adapter
 * (src/adapters/nightscout-http.ts) sends what this module builds, and the entries it brings back
 * are read by the file importer (importers/nightscout.ts), so a site and a saved file give the
 * same readings, with the same account of what was left out.
 *
 * API v1 (`/api/v1/entries.json`, newest first): `count` entries matching `find[date][$gt]`, and
 * without any date filter only the last four days (lib/server/query.js, `deltaAgo`), so every
 * request here carries one. Authentication: an access token as the `token` query parameter (a
 * subject made in the site's Admin Tools, role `readable`), or the SHA-1 hex of API_SECRET in the
 * `api-secret` header. A refused credential is a 401 `{status, message, description}`.
 *
 * API v3 (`/api/v3/entries`): `limit` (at most 1,000, API3_MAX_LIMIT), `sort$desc=date`,
 * `date$gt` / `date$lte` filters, answers in an envelope `{status, result}` (3.0.2 answered a bare
 * array: both are read). API_SECRET is refused there: an access token is exchanged for a JWT at
 * `/api/v2/authorization/request/<token>` and sent as `Authorization: Bearer`; the `now` query
 * parameter stands in for the Date header, which a browser may not set. `/api/v3/version` is public,
 * which is how the version is found; a 404 there means a site without v3: v1 is used.
 *
 * Pages go back in time: each asks for entries at or before the oldest of the previous page, so
 * that entries sharing that millisecond are not lost; the overlap is dropped by identity. The
 * incremental cursor is the latest `date` the patient committed; the next pull starts a little
 * before it (OVERLAP_MS), for uploaders that send late, and the vault's dedup drops what it holds.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { toHex, utf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';
import { isObject } from './importers/collect.ts';
import { entryMillis } from './importers/nightscout.ts';
import type { Reading } from './series.ts';

export type NightscoutApiVersion = 'v1' | 'v3';

/**
 * What the patient gave: an access token, kept as typed, or the API secret, kept only as the SHA-1
 * hex that Nightscout compares (the secret itself is never stored or sent).
 */
export type NightscoutCredential = { readonly kind: 'token'; readonly token: string } | { readonly kind: 'api-secret'; readonly sha1: string };

/** How one request proves who it is: a credential, or the JWT a v3 token was exchanged for. */
export type NightscoutAuth = NightscoutCredential | { readonly kind: 'jwt'; readonly jwt: string };

/** A site's base address, checked: `https://host[:port][/path]`, no trailing slash. */
export type NightscoutBase = string & { readonly __brand: 'NightscoutBase' };

export interface NightscoutRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type NightscoutError =
  /** Not an address at all, or one with a user name, a query or a fragment. */
  | { readonly type: 'NightscoutAddressInvalid' }
  /** `http:` to anything but this computer: the CSP allows only https (DESIGN.md §8). */
  | { readonly type: 'NightscoutAddressInsecure' }
  | { readonly type: 'NightscoutCredentialMissing' }
  /** The site answered nothing: down, a wrong address, no network. */
  | { readonly type: 'NightscoutUnreachable' }
  /** The site is up but does not let this origin read it (CORS off, or stripped by a proxy). */
  | { readonly type: 'NightscoutCorsBlocked' }
  | { readonly type: 'NightscoutTimeout'; readonly seconds: number }
  /** 401: the token or secret is not one the site knows. */
  | { readonly type: 'NightscoutUnauthorized'; readonly credential: NightscoutCredential['kind'] }
  /** 403, or a v3 token whose roles cannot read entries. */
  | { readonly type: 'NightscoutForbidden' }
  /** 404 where Nightscout always answers: not a Nightscout site, or the wrong path. */
  | { readonly type: 'NightscoutNotFound' }
  /** An answer that is not JSON (a proxy's login page, a parked domain). */
  | { readonly type: 'NightscoutNotJson' }
  /** JSON, but not the shape Nightscout sends. */
  | { readonly type: 'NightscoutMalformed'; readonly detail: string }
  | { readonly type: 'NightscoutHttpStatus'; readonly status: number }
  | { readonly type: 'NightscoutCancelled' };

/** Entries per page: v3's maximum, and a few hundred kilobytes of JSON. */
export const PAGE_SIZE = 1000;
/** How far before the cursor an incremental pull starts: a Dexcom receiver backfills three hours. */
export const OVERLAP_MS = 3 * 3600_000;
/** A pull stops here: ten years of 5-minute readings, and a bound on a site that pages forever. */
export const MAX_PAGES = 1100;
const MAX_TOKEN = 200;

/** The parts of a parsed URL this module needs (the caller has the platform's URL parser). */
export interface AddressParts {
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly username: string;
  readonly password: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A site address the app may contact: https, or http to this computer only (tests, a local site). */
export function parseSiteAddress(parts: AddressParts): Result<NightscoutBase, NightscoutError> {
  if (parts.username !== '' || parts.password !== '' || parts.search !== '' || parts.hash !== '' || parts.host === '') return err({ type: 'NightscoutAddressInvalid' });
  if (parts.protocol === 'http:' && !LOOPBACK.has(parts.hostname)) return err({ type: 'NightscoutAddressInsecure' });
  if (parts.protocol !== 'https:' && parts.protocol !== 'http:') return err({ type: 'NightscoutAddressInvalid' });
  // Patients paste the address of a page of the site: its API lives at the root.
  const path = parts.pathname.replace(/\/+$/, '').replace(/\/(api\/v[123](\/.*)?|admin|report|profile|food|clock.*)$/, '');
  return ok(`${parts.protocol}//${parts.host}${path}` as NightscoutBase);
}

/** A token as typed (trimmed), or an API secret hashed the way Nightscout compares it. */
export function parseCredential(kind: NightscoutCredential['kind'], text: string): Result<NightscoutCredential, NightscoutError> {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_TOKEN) return err({ type: 'NightscoutCredentialMissing' });
  if (kind === 'token') return ok({ kind, token: trimmed });
  // The site hashes API_SECRET and compares hashes (a secret that looks like a hash is hashed too).
  return ok({ kind, sha1: toHex(sha1(utf8(trimmed))) });
}

/** API v3 takes only access tokens: an API secret means v1. */
export function canUseV3(credential: NightscoutCredential): boolean {
  return credential.kind === 'token';
}

function query(pairs: readonly (readonly [string, string | number])[]): string {
  // Brackets and `$` stay as Nightscout's documentation writes them; the values are encoded.
  return pairs.map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`).join('&');
}

function request(base: NightscoutBase, path: string, pairs: readonly (readonly [string, string | number])[], auth: NightscoutAuth | null): NightscoutRequest {
  const all = [...pairs];
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (auth?.kind === 'token') all.push(['token', auth.token]);
  // Nightscout's CORS allows no `api-secret` header: in a browser the hash goes as `secret=`.
  else if (auth?.kind === 'api-secret') all.push(['secret', auth.sha1]);
  else if (auth?.kind === 'jwt') headers['Authorization'] = `Bearer ${auth.jwt}`;
  return { url: `${base}${path}${all.length > 0 ? `?${query(all)}` : ''}`, headers };
}

export function versionRequest(base: NightscoutBase): NightscoutRequest {
  return request(base, '/api/v3/version', [], null);
}

/** Exchanges an access token for a JWT (v3). The token is a path segment, as Nightscout routes it. */
export function jwtRequest(base: NightscoutBase, token: string): NightscoutRequest {
  return request(base, `/api/v2/authorization/request/${encodeURIComponent(token)}`, [], null);
}

export function statusRequest(base: NightscoutBase, api: NightscoutApiVersion, auth: NightscoutAuth, now: number): NightscoutRequest {
  return api === 'v3' ? request(base, '/api/v3/status', [['now', now]], auth) : request(base, '/api/v1/status.json', [], auth);
}

/**
 * Entries with `after < date <= upTo` (either bound may be open), newest first. Bounds are whole
 * milliseconds, as Nightscout reads them (parseInt): `after` floored, `upTo` rounded up, so an
 * entry at a fractional millisecond (Loop) is never excluded by rounding.
 */
export interface EntriesWindow {
  readonly after: number;
  readonly upTo: number | null;
}

export function entriesRequest(base: NightscoutBase, api: NightscoutApiVersion, auth: NightscoutAuth, window: EntriesWindow, now: number, limit = PAGE_SIZE): NightscoutRequest {
  const after = Math.floor(window.after);
  const upTo = window.upTo === null ? null : Math.ceil(window.upTo);
  if (api === 'v3') {
    const pairs: [string, string | number][] = [['limit', limit], ['sort$desc', 'date'], ['date$gt', after]];
    if (upTo !== null) pairs.push(['date$lte', upTo]);
    pairs.push(['now', now]);
    return request(base, '/api/v3/entries', pairs, auth);
  }
  const pairs: [string, string | number][] = [['count', limit], ['find[date][$gt]', after]];
  if (upTo !== null) pairs.push(['find[date][$lte]', upTo]);
  return request(base, '/api/v1/entries.json', pairs, auth);
}

/** The first window of a pull: everything (from 1970), or from a little before the cursor. */
export function firstWindow(cursor: number | null): EntriesWindow {
  return { after: cursor === null ? 0 : Math.max(0, cursor - OVERLAP_MS), upTo: null };
}

/** The `date` of an entry as a number, or null (entries with only a dateString cannot be paged on). */
export function entryDate(entry: unknown): number | null {
  if (!isObject(entry)) return null;
  const value = entryMillis(entry);
  return Number.isNaN(value) ? null : value;
}

/** The oldest `date` of a page of entries, or null when none has one. */
export function oldestDate(page: readonly unknown[]): number | null {
  let oldest: number | null = null;
  for (const entry of page) {
    const date = entryDate(entry);
    if (date !== null && (oldest === null || date < oldest)) oldest = date;
  }
  return oldest;
}

/**
 * The window after a page, or null when the page was the last. The next page ends at the oldest
 * date of this one, inclusive; when a whole page shares one millisecond (more entries at one time
 * than a page holds, which no uploader does), it moves one millisecond on rather than loop.
 */
export function nextWindow(window: EntriesWindow, page: readonly unknown[], limit = PAGE_SIZE): EntriesWindow | null {
  if (page.length < limit) return null;
  const oldest = oldestDate(page);
  if (oldest === null) return null;
  const upTo = Math.ceil(oldest);
  const next = window.upTo !== null && upTo >= window.upTo ? window.upTo - 1 : upTo;
  return next <= window.after ? null : { after: window.after, upTo: next };
}

/** An entry's identity across pages: Nightscout's `_id` (v1) or `identifier` (v3), else its text. */
export function entryKey(entry: unknown): string {
  if (isObject(entry)) {
    if (typeof entry['identifier'] === 'string') return `i:${entry['identifier']}`;
    if (typeof entry['_id'] === 'string') return `o:${entry['_id']}`;
  }
  return `j:${JSON.stringify(entry)}`;
}

/** The entries of a page: a v1 array, a v3 envelope `{status, result}`, or v3.0.2's bare array. */
export function parseEntriesPage(api: NightscoutApiVersion, body: unknown): Result<readonly unknown[], NightscoutError> {
  if (Array.isArray(body)) return ok(body);
  if (api === 'v3' && isObject(body)) {
    const status = body['status'];
    if (typeof status === 'number' && status !== 200) return err(statusError(status, 'token'));
    if (Array.isArray(body['result'])) return ok(body['result']);
  }
  return err({ type: 'NightscoutMalformed', detail: 'entries' });
}

/** The error of an HTTP status, said in Nightscout's terms. */
export function statusError(status: number, credential: NightscoutCredential['kind']): NightscoutError {
  if (status === 401) return { type: 'NightscoutUnauthorized', credential };
  if (status === 403) return { type: 'NightscoutForbidden' };
  if (status === 404) return { type: 'NightscoutNotFound' };
  return { type: 'NightscoutHttpStatus', status };
}

export interface NightscoutVersion {
  /** The software version, e.g. "15.0.2". */
  readonly version: string | null;
  readonly apiVersion: string | null;
}

function unwrap(body: unknown): Record<string, unknown> | null {
  if (!isObject(body)) return null;
  return isObject(body['result']) ? body['result'] : body;
}

const text = (value: unknown, max = 80): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null);

/** `/api/v3/version`: `{status, result: {version, apiVersion, srvDate}}`. */
export function parseVersion(body: unknown): Result<NightscoutVersion, NightscoutError> {
  const result = unwrap(body);
  if (result === null || (text(result['version']) === null && text(result['apiVersion']) === null)) return err({ type: 'NightscoutMalformed', detail: 'version' });
  return ok({ version: text(result['version']), apiVersion: text(result['apiVersion']) });
}

/** `/api/v2/authorization/request/<token>`: `{token, sub, permissionGroups, iat, exp}`. */
export function parseJwt(body: unknown): Result<string, NightscoutError> {
  const jwt = isObject(body) ? text(body['token'], 4096) : null;
  return jwt === null ? err({ type: 'NightscoutMalformed', detail: 'authorization' }) : ok(jwt);
}

export interface NightscoutStatus {
  /** The site's name (its CUSTOM_TITLE), when it says. */
  readonly name: string | null;
  readonly version: string | null;
}

/**
 * `/api/v1/status.json` (`{status: "ok", name, version, …}`) or `/api/v3/status`, whose
 * `apiPermissions.entries` must hold `r`: a token without it would read nothing.
 */
export function parseStatus(api: NightscoutApiVersion, body: unknown): Result<NightscoutStatus, NightscoutError> {
  const result = unwrap(body);
  if (result === null) return err({ type: 'NightscoutMalformed', detail: 'status' });
  if (api === 'v3') {
    const permissions = result['apiPermissions'];
    const entries = isObject(permissions) ? permissions['entries'] : undefined;
    if (typeof entries !== 'string' || !entries.includes('r')) return err({ type: 'NightscoutForbidden' });
  } else if (result['status'] !== 'ok' && text(result['version']) === null) {
    return err({ type: 'NightscoutMalformed', detail: 'status' });
  }
  return ok({ name: text(result['name']), version: text(result['version']) });
}

/** The latest `date` among entries, or null: where the cursor moves once they are committed. */
export function latestDate(entries: readonly unknown[], previous: number | null): number | null {
  let latest = previous;
  for (const entry of entries) {
    const date = entryDate(entry);
    if (date !== null && (latest === null || date > latest)) latest = date;
  }
  return latest;
}

/** Glucose values sent as text (`"sgv": "169"`): read as numbers, and counted so the patient knows. */
export function countTextValues(entries: readonly unknown[]): number {
  let count = 0;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const type = typeof entry['type'] === 'string' ? entry['type'] : 'sgv';
    if ((type === 'sgv' || type === 'mbg') && typeof entry[type] === 'string') count++;
  }
  return count;
}

export interface Gap {
  readonly from: number;
  readonly to: number;
}

/** A sensor sends every 5 minutes; a silence of more than this is worth telling the patient. */
export const GAP_MS = 30 * 60_000;

/** Silences between consecutive continuous readings longer than `minimum`, in time order. */
export function findGaps(readings: readonly Reading[], minimum = GAP_MS): Gap[] {
  const gaps: Gap[] = [];
  let previous: number | null = null;
  for (const reading of readings) {
    if (reading.kind !== 'continuous') continue;
    if (previous !== null && reading.time - previous > minimum) gaps.push({ from: previous, to: reading.time });
    previous = reading.time;
  }
  return gaps;
}
