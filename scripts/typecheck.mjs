// @ts-check
/**
 * Typechecks every part of Carnet with its own compiler settings: the pure core without the DOM
 * lib, the browser app, the workers and service worker, and the Node server.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = ['src/core/tsconfig.json', 'tsconfig.json', 'src/tsconfig.worker.json', 'server/tsconfig.json'];
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`typecheck failed: ${project}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
