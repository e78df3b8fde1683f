/**
 * The request handler of the reference backend. API routes live under /api/ and answer JSON;
 * everything else is the built app. Later issues add the blob and share APIs as entries of
 * `routes`; each receives the parsed URL and the server's context, never raw globals.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { contentSecurityPolicy, securityHeaders } from './csp.ts';
import { serveStatic } from './static.ts';

export interface ServerOptions {
  /** Folder of the built app (vite's outDir). */
  distDir: string;
  /** Folder where the backend keeps its data (opaque blobs, share packages). */
  dataDir: string;
  /** Extra loopback origins for connect-src, already validated. */
  connectSources?: readonly string[];
  version: string;
}

export interface RouteContext {
  url: URL;
  options: ServerOptions;
  headers: Record<string, string>;
}

export interface Route {
  method: string;
  /** Matched against the URL path; the first matching route answers. */
  path: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> | void;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

export const healthRoute: Route = {
  method: 'GET',
  path: /^\/api\/health$/,
  handle(_request, response, context) {
    sendJson(response, 200, { status: 'ok', version: context.options.version }, context.headers);
  },
};

export function createHandler(options: ServerOptions, routes: readonly Route[] = [healthRoute]) {
  const distDir = resolve(options.distDir);
  const headers = securityHeaders(contentSecurityPolicy(options.connectSources ?? []));
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const context: RouteContext = { url, options, headers };
    try {
      if (url.pathname.startsWith('/api/')) {
        const onPath = routes.filter((route) => route.path.test(url.pathname));
        const route = onPath.find((candidate) => candidate.method === request.method);
        if (route !== undefined) await route.handle(request, response, context);
        else if (onPath.length > 0) sendJson(response, 405, { error: 'method-not-allowed' }, headers);
        else sendJson(response, 404, { error: 'not-found' }, headers);
        return;
      }
      await serveStatic(distDir, request, response, headers);
    } catch (error) {
      // A server bug must not leak a stack trace to the client; it is logged here instead.
      console.error('carnet-server: request failed', request.method, url.pathname, error);
      if (!response.headersSent) sendJson(response, 500, { error: 'internal' }, headers);
      else response.destroy();
    }
  };
}

export async function startServer(options: ServerOptions, port: number, host = '127.0.0.1'): Promise<Server> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const server = createServer(createHandler(options));
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  return server;
}
