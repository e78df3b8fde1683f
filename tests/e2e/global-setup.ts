/**
 * Builds what the end-to-end tests serve: the app twice (A and B, two versions, for the update
 * prompt) and the reference server, once per run. Each build takes a few seconds.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const root = fileURLToPath(new URL('../..', import.meta.url));

function build(outDir: string, label: string): void {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // Vitest runs with NODE_ENV=test, which would make Vite build a development bundle.
    env: { ...process.env, NODE_ENV: 'production', CARNET_OUT_DIR: outDir, CARNET_BUILD_LABEL: label },
  });
}

export default function setup(project: TestProject): void {
  // CARNET_E2E_OUT lets two runs in one working tree build side by side.
  const out = process.env['CARNET_E2E_OUT'] ?? `${root}build/e2e`;
  rmSync(out, { recursive: true, force: true });
  build(`${out}/a`, 'e2e-a');
  build(`${out}/b`, 'e2e-b');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'server/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  project.provide('buildA', `${out}/a`);
  project.provide('buildB', `${out}/b`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    buildA: string;
    buildB: string;
  }
}
