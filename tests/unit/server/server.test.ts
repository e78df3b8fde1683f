/** The reference server, started for real on a loopback port with a built-app stand-in. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../server/app.ts';
import { contentSecurityPolicy, parseConnectSources } from '../../../server/csp.ts';
import { resolveInside } from '../../../server/static.ts';

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; font-src 'self'; " +
  "connect-src 'self' https:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

let server: Server;
let base: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'carnet-server-'));
  const dist = join(work, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Carnet</title>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'manifest.webmanifest'), '{}');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(work, 'secret.txt'), 'outside the app');
  server = await startServer({ distDir: dist, dataDir: join(work, 'data'), version: '9.9.9', connectSources: ['http://127.0.0.1:9000'] }, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('reference server', () => {
  it('writes the CSP of DESIGN.md §8 exactly', () => {
    expect(contentSecurityPolicy()).toBe(EXPECTED_CSP);
  });

  it('serves the app with the CSP and revalidation', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(EXPECTED_CSP.replace("https:;", 'https: http://127.0.0.1:9000;'));
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never lets the service worker or the manifest be cached without revalidation', async () => {
    for (const path of ['/sw.js', '/manifest.webmanifest', '/index.html']) {
      const response = await fetch(base + path);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
    expect((await fetch(`${base}/manifest.webmanifest`)).headers.get('content-type')).toMatch(/application\/manifest\+json/);
  });

  it('caches hashed assets for a year, and answers 304 to a matching ETag', async () => {
    const response = await fetch(`${base}/assets/index-abc123.js`);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${base}/assets/index-abc123.js`, { headers: { 'If-None-Match': response.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('answers the health endpoint', async () => {
    const response = await fetch(`${base}/api/health`);
    expect(await response.json()).toEqual({ status: 'ok', version: '9.9.9' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers unknown API paths and methods in JSON', async () => {
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/api/health`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses to serve anything outside the built app', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/%00']) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('outside the app');
    }
    // Dot segments collapse at the root: the path can only name something inside the app.
    expect(resolveInside('/srv/app', '/../../etc/passwd')).toBe('/srv/app/etc/passwd');
    expect(resolveInside('/srv/app', '/%E0%A4%A')).toBeNull();
  });

  it('accepts only loopback origins as extra connect sources', () => {
    expect(parseConnectSources('http://127.0.0.1:9000 http://localhost:8081')).toEqual(['http://127.0.0.1:9000', 'http://localhost:8081']);
    expect(parseConnectSources(undefined)).toEqual([]);
    expect(parseConnectSources('http://evil.example:80')).toEqual({ type: 'InvalidConnectSource', value: 'http://evil.example:80' });
    expect(parseConnectSources("'unsafe-inline'")).toMatchObject({ type: 'InvalidConnectSource' });
  });
});
