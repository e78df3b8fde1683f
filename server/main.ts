/**
 * Entry point of the reference backend: `npm start` runs it after building the app.
 * Environment: PORT (default 8080), HOST (default 127.0.0.1), CARNET_DATA_DIR (default
 * .carnet-data in the repository), CARNET_DIST_DIR (default dist), CARNET_CONNECT_SRC (extra
 * loopback origins for the CSP, for tests).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './app.ts';
import { parseConnectSources } from './csp.ts';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message: string): never {
  console.error(`carnet-server: ${message}`);
  process.exit(1);
}

const portText = process.env['PORT'] ?? '8080';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a number from 0 to 65535, not "${portText}"`);
const connectSources = parseConnectSources(process.env['CARNET_CONNECT_SRC']);
if (!Array.isArray(connectSources)) fail(`CARNET_CONNECT_SRC accepts loopback origins only, not "${connectSources.value}"`);
const host = process.env['HOST'] ?? '127.0.0.1';
const { version } = JSON.parse(readFileSync(resolve(repository, 'package.json'), 'utf8')) as { version: string };

const server = await startServer(
  {
    distDir: resolve(repository, process.env['CARNET_DIST_DIR'] ?? 'dist'),
    dataDir: resolve(repository, process.env['CARNET_DATA_DIR'] ?? '.carnet-data'),
    connectSources,
    version,
  },
  port,
  host,
).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

const address = server.address();
const actualPort = typeof address === 'object' && address !== null ? address.port : port;
const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host;
console.log(`Carnet is running at http://${shown}:${actualPort}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
