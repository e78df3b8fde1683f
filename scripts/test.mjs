// @ts-check
/**
 * `npm test`: every suite, one after the other, each run even when an earlier one failed.
 * Typecheck and lint count as one test each; the three Vitest projects report their own counts.
 * The last line printed is the summary `N passed, N failed` (`, N skipped` when any), which
 * .ci/run repeats; the exit code is non-zero on any failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = `${root}test-results`;
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = { ...process.env, TZ: 'Europe/Paris', CHROMIUM_PATH: ensureChromium(), FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
const only = process.argv.slice(2);

/** @typedef {{ name: string, passed: number, failed: number, skipped: number }} Tally */
/** @type {Tally[]} */
const tallies = [];

/** @param {string} name @param {string[]} command */
function single(name, command) {
  if (only.length > 0 && !only.includes(name)) return;
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command[0] ?? '', command.slice(1), { cwd: root, env, stdio: 'inherit' });
  tallies.push({ name, passed: result.status === 0 ? 1 : 0, failed: result.status === 0 ? 0 : 1, skipped: 0 });
}

/** @param {string} project */
function vitest(project) {
  if (only.length > 0 && !only.includes(project)) return;
  console.log(`\n=== ${project} ===`);
  const report = `${results}/${project}.json`;
  const result = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: root, env, stdio: 'inherit' },
  );
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const failed = json.numFailedTests + (json.numFailedTestSuites > 0 && json.numFailedTests === 0 ? 1 : 0);
    tallies.push({ name: project, passed: json.numPassedTests, failed: failed + (result.status !== 0 && failed === 0 ? 1 : 0), skipped: json.numPendingTests + json.numTodoTests });
  } catch {
    // The suite could not even report (a crash, a failed global setup): one failure, not zero.
    tallies.push({ name: project, passed: 0, failed: 1, skipped: 0 });
  }
}

single('typecheck', [process.execPath, 'scripts/typecheck.mjs']);
single('lint', [process.execPath, 'node_modules/oxlint/bin/oxlint', '--deny-warnings']);
vitest('unit');
vitest('browser');
vitest('e2e');

const sum = (/** @type {'passed'|'failed'|'skipped'} */ key) => tallies.reduce((total, tally) => total + tally[key], 0);
console.log('\nSuites:');
for (const tally of tallies) console.log(`  ${tally.name.padEnd(10)} ${tally.passed} passed, ${tally.failed} failed${tally.skipped > 0 ? `, ${tally.skipped} skipped` : ''}`);
const summary = `${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') > 0 ? `, ${sum('skipped')} skipped` : ''}`;
writeFileSync(`${results}/summary.txt`, `${summary}\n`);
console.log(summary);
process.exit(sum('failed') > 0 ? 1 : 0);
