/**
 * A small Nightscout-compatible API for the tests, in Node, on 127.0.0.1 and a random port,
 * serving the entries of tests/fixtures/nightscout/*.json as cgm-remote-monitor would:
 *
 * - v1 `/api/v1/status.json`, `/api/v1/entries.json` and `/api/v1/entries/<type>.json`: `count`
 *   (default 10), `find[date][$gt|$gte|$lt|$lte]`, newest first, and without a date filter only
 *   the last four days (lib/server/query.js);
 * - v2 `/api/v2/authorization/request/<token>`: `{token, sub, permissionGroups, iat, exp}`;
 * - v3 `/api/v3/version` (public), `/api/v3/status` and `/api/v3/entries` (JWT as Bearer; `limit`
 *   up to 1,000, `sort$desc`, `date$gt|$gte|$lt|$lte`, `skip`), answering `{status, result}`;
 * - auth: access tokens by role (`readable`, `denied`) as `token=` or a JWT, and API_SECRET's
 *   SHA-1 hex in the `api-secret` header or `secret=`; no default roles (a locked site);
 * - CORS as Nightscout's `cors` feature sends it, whose allowed headers do not include
 *   `api-secret`; switchable, with a slow mode and a down mode (connections dropped).
 *
 * Fixture entries are given as they are; `add()` puts new ones (a new reading, a string value,
 * a duplicate) on the site.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Entry = Record<string, unknown>;

export interface NightscoutServerOptions {
  readonly entries?: readonly Entry[];
  /** Access token -> role. */
  readonly tokens?: Readonly<Record<string, 'readable' | 'denied'>>;
  readonly apiSecret?: string;
  readonly v3?: boolean;
  readonly cors?: boolean;
}

export interface NightscoutMode {
  cors: boolean;
  v3: boolean;
  /** Milliseconds before each answer. */
  slowMs: number;
  /** Every connection dropped without an answer. */
  down: boolean;
  /** How many v3 requests a JWT answers before it expires (an hour, squeezed), or null for never. */
  jwtUses: number | null;
}

export interface NightscoutTestServer {
  readonly origin: string;
  readonly mode: NightscoutMode;
  /** Paths and queries requested, in order (OPTIONS preflights as `OPTIONS <path>`). */
  readonly requests: string[];
  add(...entries: Entry[]): void;
  stop(): Promise<void>;
}

export const READ_TOKEN = 'carnet-9f2c4e1a7b3d5e60';
export const DENIED_TOKEN = 'statusonly-0a1b2c3d4e5f6a7b';
export const API_SECRET = 'a-long-api-secret-1234';

const fixture = (name: string) => new URL(`../fixtures/nightscout/${name}`, import.meta.url);

/** Both fixture files as they are: the Loop capture (2026) and Nightscout's example (2014). */
export function fixtureEntries(): Entry[] {
  return [...(JSON.parse(readFileSync(fixture('captured-loop-entries.json'), 'utf8')) as Entry[]), ...(JSON.parse(readFileSync(fixture('example.json'), 'utf8')) as Entry[])];
}

const FOUR_DAYS = 4 * 86_400_000;
// Nightscout's `cors` feature, lib/server/app.js: note that `api-secret` is not among them.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET,PUT,POST,DELETE,OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization, Content-Length, X-Requested-With',
};

function dateOf(entry: Entry): number {
  const value = typeof entry['date'] === 'number' ? entry['date'] : Number(entry['date']);
  return Number.isFinite(value) ? value : Number.NaN;
}

type Bounds = { gt?: number; gte?: number; lt?: number; lte?: number };

function inBounds(date: number, bounds: Bounds): boolean {
  if (Number.isNaN(date)) return false;
  if (bounds.gt !== undefined && !(date > bounds.gt)) return false;
  if (bounds.gte !== undefined && !(date >= bounds.gte)) return false;
  if (bounds.lt !== undefined && !(date < bounds.lt)) return false;
  if (bounds.lte !== undefined && !(date <= bounds.lte)) return false;
  return true;
}

export async function startNightscoutServer(options: NightscoutServerOptions = {}): Promise<NightscoutTestServer> {
  const entries: Entry[] = [...(options.entries ?? fixtureEntries())];
  const tokens: Record<string, 'readable' | 'denied'> = { [READ_TOKEN]: 'readable', [DENIED_TOKEN]: 'denied', ...options.tokens };
  const secretHash = createHash('sha1').update(options.apiSecret ?? API_SECRET).digest('hex');
  const mode: NightscoutMode = { cors: options.cors ?? true, v3: options.v3 ?? true, slowMs: 0, down: false, jwtUses: null };
  /** JWTs issued (`jwt.<n>.<token>`) and how many requests each has answered. */
  const jwtUsed = new Map<string, number>();
  let issued = 0;
  const requests: string[] = [];
  let serial = 0;

  function send(res: ServerResponse, status: number, body: unknown): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
    if (mode.cors) Object.assign(headers, CORS_HEADERS);
    res.writeHead(status, headers).end(JSON.stringify(body));
  }

  const unauthorized = (res: ServerResponse) => send(res, 401, { status: 401, message: 'Unauthorized', description: 'Invalid/Missing' });

  /** The role of a v1 request: a token in the query, or the API secret's hash. */
  function v1Role(req: IncomingMessage, query: URLSearchParams): 'admin' | 'readable' | 'denied' | null {
    const secret = query.get('secret') ?? req.headers['api-secret'];
    if (typeof secret === 'string' && secret.toLowerCase() === secretHash) return 'admin';
    const token = query.get('token');
    return token === null ? null : (tokens[token] ?? null);
  }

  function v3Role(req: IncomingMessage): 'readable' | 'denied' | null {
    const match = /^Bearer (jwt\.\d+\.(.+))$/.exec(req.headers.authorization ?? '');
    if (match?.[1] === undefined || match[2] === undefined) return null;
    const used = (jwtUsed.get(match[1]) ?? 0) + 1;
    jwtUsed.set(match[1], used);
    if (mode.jwtUses !== null && used > mode.jwtUses) return null;
    return tokens[match[2]] ?? null;
  }

  function withIds(entry: Entry): Entry {
    const id = typeof entry['_id'] === 'string' ? entry['_id'] : `carnet-${dateOf(entry)}`;
    return { ...entry, identifier: entry['identifier'] ?? id, srvModified: entry['srvModified'] ?? dateOf(entry) };
  }

  function select(bounds: Bounds, type: string | null, limit: number, skip = 0): Entry[] {
    return entries
      .filter((entry) => inBounds(dateOf(entry), bounds) && (type === null || entry['type'] === type))
      .sort((a, b) => dateOf(b) - dateOf(a))
      .slice(skip, skip + limit);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.searchParams;
    const path = url.pathname;
    if (req.method === 'OPTIONS') {
      requests.push(`OPTIONS ${path}`);
      if (mode.cors) res.writeHead(200, CORS_HEADERS).end();
      else res.writeHead(200).end();
      return;
    }
    requests.push(`${path}${url.search}`);

    if (path === '/api/v1/status.json') {
      const role = v1Role(req, query);
      if (role === null || role === 'denied') return unauthorized(res);
      return send(res, 200, { status: 'ok', name: 'Nightscout de test', version: '15.0.2', serverTime: new Date().toISOString(), apiEnabled: true, settings: { units: 'mg/dl' } });
    }
    const v1 = /^\/api\/v1\/entries(?:\/(sgv|mbg|cal))?\.json$/.exec(path);
    if (v1 !== null) {
      const role = v1Role(req, query);
      if (role === null || role === 'denied') return unauthorized(res);
      const bounds: Bounds = {};
      for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
        const value = query.get(`find[date][$${op}]`);
        // Nightscout reads date bounds with parseInt.
        if (value !== null) bounds[op] = Number.parseInt(value, 10);
      }
      if (Object.keys(bounds).length === 0) bounds.gte = Date.now() - FOUR_DAYS;
      const count = Number.parseInt(query.get('count') ?? '10', 10);
      return send(res, 200, select(bounds, v1[1] ?? query.get('find[type]'), Number.isNaN(count) ? 10 : count));
    }
    if (path.startsWith('/api/v2/authorization/request/')) {
      const token = decodeURIComponent(path.slice('/api/v2/authorization/request/'.length));
      if (tokens[token] === undefined) return unauthorized(res);
      const iat = Math.floor(Date.now() / 1000);
      issued++;
      return send(res, 200, { token: `jwt.${issued}.${token}`, sub: 'carnet', permissionGroups: [tokens[token] === 'readable' ? ['*:*:read'] : []], iat, exp: iat + 3600 });
    }
    if (path.startsWith('/api/v3/')) {
      if (!mode.v3) return send(res, 404, { status: 404 });
      if (path === '/api/v3/version') return send(res, 200, { status: 200, result: { version: '15.0.2', apiVersion: '3.0.4', srvDate: Date.now(), storage: { storage: 'mongodb', version: '4.4' } } });
      const role = v3Role(req);
      if (role === null) return send(res, 401, { status: 401, message: 'Missing or bad access token or JWT' });
      if (path === '/api/v3/status') {
        const rights = role === 'readable' ? 'r' : '';
        return send(res, 200, { status: 200, result: { version: '15.0.2', apiVersion: '3.0.4', srvDate: Date.now(), apiPermissions: { devicestatus: rights, entries: rights, food: rights, profile: rights, settings: rights, treatments: rights } } });
      }
      if (path === '/api/v3/entries') {
        if (role !== 'readable') return send(res, 403, { status: 403, message: 'Missing permission api:entries:read' });
        const limit = Number.parseInt(query.get('limit') ?? '100', 10);
        if (!(limit >= 1 && limit <= 1000)) return send(res, 400, { status: 400, message: 'Parameter limit out of tolerance' });
        const bounds: Bounds = {};
        for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
          const value = query.get(`date$${op}`);
          if (value !== null) bounds[op] = Number(value);
        }
        const skip = Number.parseInt(query.get('skip') ?? '0', 10);
        return send(res, 200, { status: 200, result: select(bounds, query.get('type$eq'), limit, skip).map(withIds) });
      }
      return send(res, 404, { status: 404 });
    }
    send(res, 404, { status: 404, message: 'Not found' });
  }

  const server = createServer((req, res) => {
    if (mode.down) {
      req.socket.destroy();
      return;
    }
    if (mode.slowMs > 0) setTimeout(() => handle(req, res), mode.slowMs);
    else handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    mode,
    requests,
    add(...more) {
      for (const entry of more) entries.push({ _id: `added-${++serial}`, ...entry });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
