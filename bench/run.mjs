// @ts-check
/**
 * `npm run bench`: the speed budgets of DESIGN.md §7, measured in headless Chromium.
 * Builds the app (as shipped, and with bench/page added), starts the reference server, and for
 * each row runs one warm-up then the median of 5, candidate and baseline interleaved, each run in
 * a fresh browser context (a fresh database). Prints a table, writes bench/results.json, and exits
 * non-zero when a budgeted figure fails. `node bench/run.mjs <name-prefix>…` runs some rows only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const wanted = (/** @type {string} */ name) => only.length === 0 || only.some((prefix) => name.startsWith(prefix));
const RUNS = 5;
const SEED = 20261123;
const MB = 1024 * 1024;
/** A year of 5-minute CGM readings (DESIGN.md §4). */
const CGM_YEAR = 105_120;
const PASSPHRASE = 'girafe tonnerre quinoa 1987 lanterne';

// --- build and serve ---------------------------------------------------------------------------

/** @param {string} outDir @param {Record<string, string>} extra */
function build(outDir, extra) {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', CARNET_OUT_DIR: outDir, ...extra },
  });
}

/** @param {string} distDir @returns {Promise<{ origin: string, stop: () => void }>} */
function serve(distDir) {
  const data = mkdtempSync(join(tmpdir(), 'carnet-bench-data-'));
  const child = spawn(process.execPath, [join(root, 'build/server/main.js')], {
    env: { ...process.env, PORT: '0', CARNET_DIST_DIR: distDir, CARNET_DATA_DIR: data },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Carnet is running at (http:\/\/\S+)\//.exec(output);
      if (match?.[1] !== undefined) resolve({ origin: match[1], stop: () => { child.kill(); rmSync(data, { recursive: true, force: true }); } });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

// --- statistics and rows -----------------------------------------------------------------------

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[middle]) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** @typedef {{ name: string, value: number, unit: string, baseline: number | null, ratio: number | null, budget: number | null, pass: boolean | null, note?: string }} Row */
/** @type {Row[]} */
const rows = [];

/** @param {string} name @param {number} value @param {string} unit @param {number | null} baseline @param {number | null} budget @param {string} [note] */
function record(name, value, unit, baseline, budget, note) {
  const ratio = baseline === null ? null : value / baseline;
  const measured = ratio ?? value;
  const row = { name, value: round(value, unit === 'ratio' ? 3 : 1), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio, 3), budget, pass: budget === null ? null : measured <= budget };
  rows.push(note === undefined ? row : { ...row, note });
  console.log(`  ${name}: ${row.value} ${unit}${ratio === null ? '' : ` (baseline ${row.baseline}, ratio ${row.ratio})`}${budget === null ? '' : ` budget ${budget} ${row.pass ? 'ok' : 'FAIL'}`}`);
}

/** @param {number} value @param {number} [digits] */
function round(value, digits = 1) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One warm-up then the median of RUNS. @param {() => Promise<number>} once */
async function medianOf(once) {
  await once();
  const values = [];
  for (let i = 0; i < RUNS; i++) values.push(await once());
  return median(values);
}

/** Candidate and baseline, warmed up, then interleaved. @param {() => Promise<number>} candidate @param {() => Promise<number>} baseline */
async function interleaved(candidate, baseline) {
  await candidate();
  await baseline();
  const c = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    c.push(await candidate());
    b.push(await baseline());
  }
  return { value: median(c), baseline: median(b) };
}

// --- browser helpers ---------------------------------------------------------------------------

/** @typedef {import('playwright-core').Browser} Browser */
/** @typedef {import('playwright-core').Page} Page */

/** A fresh context (fresh storage) on a page of `origin`. @param {Browser} browser @param {string} url */
async function freshPage(browser, url) {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** Runs one bench-page function in a fresh context. @param {Browser} browser @param {string} origin @param {string} fn @param {unknown[]} args */
async function onBenchPage(browser, origin, fn, args) {
  const { context, page } = await freshPage(browser, `${origin}/bench/page/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  try {
    return await page.evaluate(([name, parameters]) => /** @type {any} */ (window).carnetBench[/** @type {string} */ (name)](...(/** @type {unknown[]} */ (parameters))), [fn, args]);
  } finally {
    await context.close();
  }
}

/**
 * Samples JS heap used plus ArrayBuffer backing storage on the page and every worker attached to
 * it, through the DevTools protocol. @param {import('playwright-core').CDPSession} cdp
 */
async function createHeapSampler(cdp) {
  /** @type {Map<string, string>} */
  const workers = new Map();
  let id = 0;
  /** @type {Map<number, (value: any) => void>} */
  const pending = new Map();
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') workers.set(event.sessionId, event.targetInfo.url);
  });
  cdp.on('Target.detachedFromTarget', (event) => workers.delete(event.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  /** @param {{ usedSize: number, backingStorageSize?: number } | undefined} usage */
  const total = (usage) => (usage === undefined ? 0 : usage.usedSize + (usage.backingStorageSize ?? 0));
  return async () => {
    let sum = total(/** @type {any} */ (await cdp.send('Runtime.getHeapUsage')));
    for (const sessionId of workers.keys()) {
      const messageId = ++id;
      const usage = await Promise.race([
        new Promise((resolve) => {
          pending.set(messageId, resolve);
          void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: messageId, method: 'Runtime.getHeapUsage' }) }).catch(() => resolve(undefined));
        }),
        new Promise((resolve) => setTimeout(() => resolve(undefined), 200)),
      ]);
      sum += total(/** @type {any} */ (usage));
    }
    return { bytes: sum, workers: workers.size };
  };
}

/**
 * Peak of heap plus ArrayBuffers, page and workers, above the idle level measured after a GC,
 * while `action` runs. @param {import('playwright-core').BrowserContext} context @param {Page} page
 * @param {() => Promise<unknown>} action
 */
async function peakDuring(context, page, action) {
  const cdp = await context.newCDPSession(page);
  const sample = await createHeapSampler(cdp);
  await cdp.send('HeapProfiler.collectGarbage');
  const idle = (await sample()).bytes;
  let peak = idle;
  let workers = 0;
  const sampling = { on: true };
  const sampler = (async () => {
    while (sampling.on) {
      const current = await sample();
      peak = Math.max(peak, current.bytes);
      workers = Math.max(workers, current.workers);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await action();
  } finally {
    sampling.on = false;
    await sampler;
  }
  return { above: peak - idle, workers };
}

/** A fresh context on the bench page, with a vault of one `size`-byte file already stored. @param {Browser} browser @param {string} origin @param {number} size */
async function preparedPage(browser, origin, size) {
  const { context, page } = await freshPage(browser, `${origin}/bench/page/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  await page.evaluate(([bytes, seed]) => /** @type {any} */ (window).carnetBench.prepareVaultWithFile(bytes, seed), [size, SEED]);
  return { context, page };
}

/** @param {Page} page @param {string} name @param {unknown[]} args */
const call = (page, name, ...args) => page.evaluate(([fn, list]) => /** @type {any} */ (window).carnetBench[/** @type {string} */ (fn)](.../** @type {unknown[]} */ (list)), [name, args]);

/** A file of `size` deterministic bytes on disk, written in pieces. @param {number} size */
function fileOnDisk(size) {
  const directory = mkdtempSync(join(tmpdir(), 'carnet-bench-file-'));
  const path = join(directory, 'scan-100mb.pdf');
  const fd = openSync(path, 'w');
  const piece = Buffer.alloc(MB);
  let state = SEED;
  for (let written = 0; written < size; written += piece.length) {
    for (let i = 0; i < piece.length; i += 4) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      piece.writeUInt32LE(state, i);
    }
    writeSync(fd, piece, 0, Math.min(piece.length, size - written));
  }
  closeSync(fd);
  return { path, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/**
 * The seeded Apple Health export (bench/page/apple-health-export.ts) written to a file on disk: the
 * page generates it and hands it over 4 MB at a time, so neither side holds 500 MB.
 * @param {Browser} browser @param {string} origin @param {number} size
 */
async function appleHealthExportOnDisk(browser, origin, size) {
  const directory = mkdtempSync(join(tmpdir(), 'carnet-bench-apple-health-'));
  const path = join(directory, 'export.xml');
  const { context, page } = await freshPage(browser, `${origin}/bench/page/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  await call(page, 'startAppleHealthExport', size, SEED);
  const fd = openSync(path, 'w');
  /** @type {{ bytes: number, records: number, weights: number, glucose: number } | null} */
  let generated = null;
  try {
    for (;;) {
      const next = /** @type {string | { bytes: number, records: number, weights: number, glucose: number } | null} */ (await call(page, 'nextAppleHealthPiece'));
      if (next === null) throw new Error('the export generator did not start');
      if (typeof next !== 'string') {
        generated = next;
        break;
      }
      writeSync(fd, Buffer.from(next, 'base64'));
    }
  } finally {
    closeSync(fd);
    await context.close();
  }
  return { path, generated, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/**
 * The year of Clarity CSV importCgm reads, written to disk by the page that generates it.
 * @param {Browser} browser @param {string} origin
 */
async function cgmCsvOnDisk(browser, origin) {
  const directory = mkdtempSync(join(tmpdir(), 'carnet-bench-cgm-'));
  const path = join(directory, 'clarity-export.csv');
  const { context, page } = await freshPage(browser, `${origin}/bench/page/index.html`);
  try {
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    writeFileSync(path, /** @type {string} */ (await call(page, 'cgmCsvText', CGM_YEAR, SEED)));
  } finally {
    await context.close();
  }
  return { path, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/**
 * importCgm in a fresh context: a vault made, the page reloaded (a patient opening the app), the
 * file chosen, then the vault unlocked and the file imported.
 * @param {Browser} browser @param {string} origin @param {string} csv
 */
async function importCgmOnce(browser, origin, csv) {
  const { context, page } = await freshPage(browser, `${origin}/bench/page/index.html`);
  try {
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const profileId = await call(page, 'seedVault', 0, SEED);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    await page.locator('#file').setInputFiles(csv);
    return /** @type {number} */ (await call(page, 'importCgm', CGM_YEAR, profileId));
  } finally {
    await context.close();
  }
}

// --- the benchmarks ----------------------------------------------------------------------------

/** @param {Browser} browser @param {string} appOrigin @param {string} benchOrigin */
async function run(browser, appOrigin, benchOrigin) {
  if (wanted('shell.first-load-js-gzip')) {
    const value = await medianOf(async () => {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      /** @type {Promise<number>[]} */
      const sizes = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script') sizes.push(response.body().then((body) => gzipSync(body).length));
      });
      await page.goto(appOrigin);
      await page.locator('h1').waitFor();
      const total = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
      await context.close();
      return total;
    });
    record('shell.first-load-js-gzip', value, 'bytes', null, 92160);
  }

  if (wanted('shell.first-paint-ms')) {
    const paint = async (/** @type {string} */ url) => {
      const { context, page } = await freshPage(browser, url);
      await page.locator('h1').waitFor();
      const fcp = await page.evaluate(() => new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry !== undefined) resolve(entry.startTime);
        }).observe({ type: 'paint', buffered: true });
      }));
      await context.close();
      return /** @type {number} */ (fcp);
    };
    const { value, baseline } = await interleaved(() => paint(`${benchOrigin}/`), () => paint(`${benchOrigin}/bench/page/blank.html`));
    record('shell.first-paint-ms', value, 'ms', baseline, null, 'first contentful paint of the lock screen vs a static page from the same server');
  }

  if (wanted('vault.kdf-ms')) {
    /** @type {{ memoryKiB: number, iterations: number }[]} */
    const params = [];
    const value = await medianOf(async () => {
      const result = /** @type {{ ms: number, memoryKiB: number, iterations: number }} */ (await onBenchPage(browser, benchOrigin, 'kdf', []));
      params.push(result);
      return result.ms;
    });
    const last = params.at(-1);
    record('vault.kdf-ms', value, 'ms', null, null, last === undefined ? undefined : `Argon2id calibrated here to m=${last.memoryKiB} KiB, t=${last.iterations}, p=1`);
  }

  if (wanted('vault.seal-1000-records')) {
    const { value, baseline } = await interleaved(
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'sealRecords', [1000, SEED])),
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'plainPuts', [1000, SEED])),
    );
    record('vault.seal-1000-records', value, 'ms', baseline, 1.5);
  }

  if (wanted('vault.import-50mb-file')) {
    const { value, baseline } = await interleaved(
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'importBytes', [50 * MB, SEED])),
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'plainPutBytes', [50 * MB, SEED])),
    );
    record('vault.import-50mb-file', value, 'ms', baseline, 1.3);
  }

  if (wanted('vault.stream-cipher')) {
    const { value, baseline } = await interleaved(
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'streamAesGcm', [50 * MB, SEED])),
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'streamChaCha', [50 * MB, SEED])),
    );
    record('vault.stream-cipher', value, 'ms', baseline, null, 'sealing 50 MB: AES-256-GCM (WebCrypto, shipped) vs ChaCha20-Poly1305 (@noble, pure JS)');
  }

  if (wanted('vault.import-100mb-peak-heap')) {
    const size = 100 * MB;
    const file = fileOnDisk(size);
    try {
      let workersSeen = 0;
      const value = await medianOf(async () => {
        const { context, page } = await freshPage(browser, `${benchOrigin}/bench/page/index.html`);
        await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
        await page.locator('#file').setInputFiles(file.path);
        await page.evaluate(() => /** @type {any} */ (window).carnetBench.prepareImport());
        const peak = await peakDuring(context, page, () => page.evaluate(() => /** @type {any} */ (window).carnetBench.importChosenFile()));
        workersSeen = Math.max(workersSeen, peak.workers);
        await context.close();
        return peak.above / size;
      });
      record('vault.import-100mb-peak-heap', value, 'ratio', null, 0.5, `peak heap + ArrayBuffers above idle over the file size, page and ${workersSeen} worker(s) sampled`);
    } finally {
      file.remove();
    }
  }

  if (wanted('vault.backup-100mb') || wanted('vault.restore-100mb')) {
    const size = 100 * MB;
    /** Runs `timed` on a page with a prepared 100 MB vault (and its backup on disk when `withBackup`). @param {string} timed @param {boolean} withBackup */
    const once = async (timed, withBackup) => {
      const { context, page } = await preparedPage(browser, benchOrigin, size);
      if (withBackup) await call(page, 'backupToDisk');
      const ms = /** @type {number} */ (await call(page, timed));
      await context.close();
      return ms;
    };
    /** @param {string} timed @param {boolean} withBackup */
    const peakOf = async (timed, withBackup) => {
      const { context, page } = await preparedPage(browser, benchOrigin, size);
      if (withBackup) await call(page, 'backupToDisk');
      const peak = await peakDuring(context, page, () => call(page, timed));
      await context.close();
      return peak.above / size;
    };
    if (wanted('vault.backup-100mb')) {
      const { value, baseline } = await interleaved(() => once('backupToDisk', false), () => once('rawCopyToDisk', false));
      record('vault.backup-100mb', value, 'ms', baseline, 1.5, 'encrypted backup of a 100 MB vault to a file on disk vs the same chunks copied raw');
      record('vault.backup-100mb-peak-heap', await medianOf(() => peakOf('backupToDisk', false)), 'ratio', null, 0.5);
    }
    if (wanted('vault.restore-100mb')) {
      const { value, baseline } = await interleaved(() => once('restoreFromDisk', true), () => once('rawRestoreFromDisk', true));
      record('vault.restore-100mb', value, 'ms', baseline, 1.5, 'verify then write, vs reading the file raw and writing it raw into IndexedDB');
      record('vault.restore-100mb-peak-heap', await medianOf(() => peakOf('restoreFromDisk', true)), 'ratio', null, 0.5, 'with the recovery key; the passphrase adds Argon2id’s calibrated memory for about a second first');
    }
  }

  if (wanted('documents.import-50mb-pdf')) {
    const { value, baseline } = await interleaved(
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'importPdf', [50 * MB, SEED])),
      async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'plainPutPdf', [50 * MB, SEED])),
    );
    record('documents.import-50mb-pdf', value, 'ms', baseline, 2, 'a generated 100-page, 50 MB PDF: sealed, text extracted, first page drawn, vs one raw put of its bytes');
  }

  if (wanted('documents.search-1000-docs-ms')) {
    const value = await medianOf(async () => median(/** @type {number[]} */ (await onBenchPage(browser, benchOrigin, 'searchQueries', [1000, 2000, SEED]))));
    record('documents.search-1000-docs-ms', value, 'ms', null, 30, 'median of 20 fixed queries (accents, prefixes, two words) over 1,000 documents of 2,000 seeded French words');
  }

  if (wanted('documents.list-5000-first-screen-ms')) {
    const value = await medianOf(async () => {
      const { context, page } = await freshPage(browser, `${benchOrigin}/bench/page/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const profileId = await page.evaluate((seed) => /** @type {any} */ (window).carnetBench.seedVault(5000, seed), SEED);
      // Asked for while locked, the list is where the unlock lands: one page, no reload between.
      await page.goto(`${benchOrigin}/#/documents`);
      await page.locator('h1').waitFor();
      await page.evaluate((id) => {
        location.hash = `#/unlock/${id}`;
      }, profileId);
      await page.locator('input[autocomplete="current-password"]').fill(PASSPHRASE);
      await page.locator('.unlock-form button[type="submit"]').click();
      await page.waitForFunction(() => performance.getEntriesByName('carnet:documents-first-screen').length > 0, undefined, { timeout: 60_000 });
      const elapsed = await page.evaluate(() => {
        const derived = performance.getEntriesByName('carnet:unlock-derived')[0];
        const shown = performance.getEntriesByName('carnet:documents-first-screen')[0];
        return derived === undefined || shown === undefined ? Number.NaN : shown.startTime - derived.startTime;
      });
      await context.close();
      return elapsed;
    });
    record('documents.list-5000-first-screen-ms', value, 'ms', null, 300, 'from the key derived to the first rows of a 5,000-document list (all decrypted, sorted, filters built)');
  }

  if (wanted('readings.import-1y-cgm')) {
    const csv = await cgmCsvOnDisk(browser, benchOrigin);
    try {
      const { value, baseline } = await interleaved(
        () => importCgmOnce(browser, benchOrigin, csv.path),
        async () => /** @type {number} */ (await onBenchPage(browser, benchOrigin, 'plainPutReadings', [CGM_YEAR, SEED])),
      );
      record('readings.import-1y-cgm', value, 'ms', baseline, 0.05, '105,120 readings from a Clarity CSV file: read, parsed, planned, sealed into 365 day-chunks, stored; vs the same readings bulkPut as plaintext rows');
    } finally {
      csv.remove();
    }
  }

  if (wanted('readings.report-90d') || wanted('readings.draw-1y')) {
    const { context, page } = await freshPage(browser, `${benchOrigin}/bench/page/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    await call(page, 'prepareReadings', CGM_YEAR, SEED);
    if (wanted('readings.report-90d')) {
      const { value, baseline } = await interleaved(
        async () => /** @type {number} */ (await call(page, 'report90d')),
        async () => /** @type {number} */ (await call(page, 'plainQuery90d')),
      );
      record('readings.report-90d', value, 'ms', baseline, 0.2, 'latest reading, 90 day-chunks read and opened, every figure and the AGP computed; vs the same days queried as plaintext rows');
    }
    if (wanted('readings.draw-1y')) {
      const { value, baseline } = await interleaved(
        async () => /** @type {number} */ (await call(page, 'drawYear')),
        async () => /** @type {number} */ (await call(page, 'bareUplotYear')),
      );
      record('readings.draw-1y', value, 'ms', baseline, 1.5, 'the report’s timeline of a year, from readings to the drawn canvas, ten charts in a row; vs bare uPlot drawing the same arrays ten times');
    }
    await context.close();
  }

  if (wanted('readings.apple-health-500mb') || wanted('readings.apple-health-500mb-peak-heap')) {
    const size = 500 * MB;
    const file = await appleHealthExportOnDisk(browser, benchOrigin, size);
    const described = `${round(file.generated.bytes / MB)} MB, ${file.generated.records.toLocaleString('en')} records of which ${file.generated.weights.toLocaleString('en')} weights and ${file.generated.glucose.toLocaleString('en')} glucose`;
    console.log(`  (generated ${described})`);
    /** A fresh context on the bench page with the export chosen in its file input. */
    const withExport = async () => {
      const { context, page } = await freshPage(browser, `${benchOrigin}/bench/page/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      await page.locator('#file').setInputFiles(file.path);
      await call(page, 'chooseAppleHealthFile');
      return { context, page };
    };
    /** @param {string} name */
    const timed = async (name) => {
      const { context, page } = await withExport();
      const ms = /** @type {number} */ (await call(page, name));
      await context.close();
      return ms;
    };
    try {
      if (wanted('readings.apple-health-500mb')) {
        const { value, baseline } = await interleaved(() => timed('readAppleHealth'), () => timed('readAppleHealthBytes'));
        record('readings.apple-health-500mb', value, 'ms', baseline, 3, `a generated export.xml (${described}) streamed from disk to the preview’s readings vs the same file’s bytes read through blob.stream()`);
      }
      if (wanted('readings.apple-health-500mb-peak-heap')) {
        let workersSeen = 0;
        const value = await medianOf(async () => {
          const { context, page } = await withExport();
          await call(page, 'prepareImport');
          const peak = await peakDuring(context, page, () => call(page, 'importAppleHealth'));
          workersSeen = Math.max(workersSeen, peak.workers);
          await context.close();
          return peak.above / file.generated.bytes;
        });
        record('readings.apple-health-500mb-peak-heap', value, 'ratio', null, 0.1, `peak heap + ArrayBuffers above idle over the file size, read from disk, previewed and committed into a fresh vault; page and ${workersSeen} worker(s) sampled`);
      }
    } finally {
      file.remove();
    }
  }

  if (wanted('vault.unlock-first-screen-ms')) {
    const value = await medianOf(async () => {
      const { context, page } = await freshPage(browser, `${benchOrigin}/bench/page/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const profileId = await page.evaluate(([seed, readings]) => /** @type {any} */ (window).carnetBench.seedVault(1000, seed, readings), [SEED, CGM_YEAR]);
      await page.goto(`${benchOrigin}/#/unlock/${profileId}`);
      await page.locator('input[autocomplete="current-password"]').fill(PASSPHRASE);
      await page.locator('.unlock-form button[type="submit"]').click();
      await page.waitForFunction(() => performance.getEntriesByName('carnet:first-screen').length > 0, undefined, { timeout: 60_000 });
      const elapsed = await page.evaluate(() => {
        const derived = performance.getEntriesByName('carnet:unlock-derived')[0];
        const shown = performance.getEntriesByName('carnet:first-screen')[0];
        return derived === undefined || shown === undefined ? Number.NaN : shown.startTime - derived.startTime;
      });
      await context.close();
      return elapsed;
    });
    record('vault.unlock-first-screen-ms', value, 'ms', null, 150, '1,000 documents and a year of glucose readings');
  }
}

// --- main --------------------------------------------------------------------------------------

const executablePath = ensureChromium();
console.log('Building the app and the benchmark pages…');
build(join(root, 'build/bench/app'), {});
build(join(root, 'build/bench/page'), { CARNET_BENCH: '1' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'server/tsconfig.json'], { cwd: root, stdio: 'inherit' });

const app = await serve(join(root, 'build/bench/app'));
const benchServer = await serve(join(root, 'build/bench/page'));
const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true });
const started = Date.now();
try {
  console.log('Measuring (median of 5 after one warm-up)…');
  await run(browser, app.origin, benchServer.origin);
} finally {
  await browser.close();
  app.stop();
  benchServer.stop();
}

console.log(`\n${'name'.padEnd(32)} ${'value'.padStart(12)} ${'unit'.padEnd(6)} ${'baseline'.padStart(10)} ${'ratio'.padStart(7)} ${'budget'.padStart(8)}  pass`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(32)} ${String(row.value).padStart(12)} ${row.unit.padEnd(6)} ${String(row.baseline ?? '—').padStart(10)} ${String(row.ratio ?? '—').padStart(7)} ${String(row.budget ?? '—').padStart(8)}  ${row.pass === null ? '—' : row.pass ? 'yes' : 'NO'}`,
  );
}
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nbench/results.json written (${Math.round((Date.now() - started) / 1000)} s of measuring).`);
process.exit(rows.some((row) => row.pass === false) ? 1 : 0);
