// @ts-check
/**
 * `npm start`: builds the app and the reference server, then serves Carnet on one localhost port
 * (PORT, default 8080) with its data in CARNET_DATA_DIR (default .carnet-data, git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (/** @type {string[]} */ args) =>
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });

console.log('Building Carnet…');
run(['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
run(['node_modules/typescript/bin/tsc', '-p', 'server/tsconfig.json']);

const server = spawn(process.execPath, ['build/server/main.js'], { cwd: root, stdio: 'inherit' });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
