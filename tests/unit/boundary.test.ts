/**
 * The core's boundary is mechanical (DESIGN.md §2): a planted violation must make the compiler or
 * the linter fail, and the real core must pass both. The planted files live in src/core for the
 * duration of one test (the lint overrides match that path) and are removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const planted: string[] = [];

function plant(name: string, text: string): string {
  const path = join(root, 'src/core', `planted-violation-${process.pid}-${name}`);
  writeFileSync(path, text);
  planted.push(path);
  return path;
}

afterEach(() => {
  for (const path of planted.splice(0)) rmSync(path, { force: true });
});

function lint(file: string) {
  const result = spawnSync(process.execPath, ['node_modules/oxlint/bin/oxlint', '--deny-warnings', file], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function typecheck(file: string) {
  const config = plant('tsconfig.json', JSON.stringify({ extends: './tsconfig.json', include: [], files: [file] }));
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config, '--noEmit'], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the src/core boundary', () => {
  it('lets the real core pass the linter', () => {
    const result = lint('src/core');
    expect(result.output).toMatch(/Found 0 warnings and 0 errors/);
    expect(result.status).toBe(0);
  });

  it.each([
    ['an import outside the allow-list', "import { Dexie } from 'dexie';\nexport { Dexie };\n", /no-restricted-imports/],
    ['a relative import out of core', "import { systemClock } from '../adapters/system.ts';\nexport { systemClock };\n", /core-imports-stay-in-core/],
    ['Date.now', 'export const now = Date.now();\n', /Date\.now/],
    ['argument-less new Date', 'export const now = new Date();\n', /no-ambient-date/],
    ['Math.random', 'export const r = Math.random();\n', /Math\.random/],
    ['crypto', 'export const r = crypto.getRandomValues(new Uint8Array(4));\n', /crypto/],
    ['performance', 'export const t = performance.now();\n', /performance/],
    ['a timer', 'export const t = setTimeout(() => {}, 1);\n', /setTimeout/],
    ['fetch', "export const f = fetch('https://example.org');\n", /fetch/],
  ])('fails the linter on %s', (_name, source, rule) => {
    const file = plant('lint.ts', source);
    const result = lint(file);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(rule);
  });

  it('lets a pure file pass, dates built from a value included', () => {
    const file = plant('pure.ts', 'export const epoch = new Date(0).toISOString();\nexport const sum = (a: number, b: number) => a + b;\n');
    expect(lint(file).status).toBe(0);
    expect(typecheck(file).status).toBe(0);
  });

  it('fails the compiler when core touches the DOM', () => {
    const file = plant('dom.ts', "export const title = document.title;\nexport const db = indexedDB.open('x');\n");
    const result = typecheck(file);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/Cannot find name 'document'/);
    expect(result.output).toMatch(/Cannot find name 'indexedDB'/);
  });
});
