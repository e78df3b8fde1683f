/**
 * End-to-end harness: the real reference server started on a loopback port, Debian's Chromium
 * driven by playwright-core, axe-core injected through the DevTools protocol (so that it needs no
 * exception to the CSP), and recorders for every request and every CSP violation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const AXE = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}

/**
 * One browser for a test file, a cleanup list run after each test even when it failed, and
 * `open()`: build A served by a fresh server, in a fresh context, with a page.
 */
export function useBrowser() {
  let browser: Browser | undefined;
  const cleanup = createCleanup();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(() => cleanup.run());
  afterAll(async () => {
    await browser?.close();
  });
  const current = (): Browser => {
    if (browser === undefined) throw new Error('the browser starts in beforeAll');
    return browser;
  };
  return {
    cleanup,
    browser: current,
    async open(options: Parameters<typeof newContext>[1] = {}) {
      const carnet = cleanup.add(await startCarnet(inject('buildA')));
      const { context, recorded } = await newContext(current(), options);
      cleanup.add(context);
      return { carnet, context, recorded, page: await context.newPage() };
    },
  };
}

/**
 * A non-incognito profile: Chromium reports every fresh context of `launch()` as incognito, where
 * apps cannot be installed, so the installability check needs a real user data directory.
 */
export async function launchPersistent(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userData = mkdtempSync(join(tmpdir(), 'carnet-profile-'));
  const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true, locale: 'fr-FR' });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** Things to undo after a test, run even when the test failed. */
export function createCleanup() {
  const tasks: (() => Promise<unknown> | unknown)[] = [];
  return {
    add<T extends { stop?: () => Promise<void>; close?: () => Promise<void> }>(thing: T): T {
      tasks.push(() => (thing.stop ?? thing.close)?.call(thing));
      return thing;
    },
    async run() {
      for (const task of tasks.splice(0).toReversed()) await Promise.resolve(task()).catch(() => {});
    },
  };
}

export interface Carnet {
  readonly url: string;
  readonly origin: string;
  readonly distDir: string;
  stop(): Promise<void>;
  /** Replaces the served app by another build, as a deployment would. */
  deploy(buildDir: string): void;
}

/** Starts build/server/main.js on a free port, serving a private copy of `buildDir`. */
export async function startCarnet(buildDir: string): Promise<Carnet> {
  const work = mkdtempSync(join(tmpdir(), 'carnet-e2e-'));
  const distDir = join(work, 'dist');
  cpSync(buildDir, distDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [join(root, 'build/server/main.js')], {
    env: { ...process.env, PORT: '0', CARNET_DIST_DIR: distDir, CARNET_DATA_DIR: join(work, 'data') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /Carnet is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  let stopped = false;
  return {
    url,
    origin: new URL(url).origin,
    distDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(work, { recursive: true, force: true });
    },
    deploy(next: string) {
      rmSync(distDir, { recursive: true, force: true });
      cpSync(next, distDir, { recursive: true });
    },
  };
}

export interface Recorded {
  readonly requests: string[];
  readonly consoleMessages: string[];
  cspViolations(page: Page): Promise<string[]>;
}

/** A fresh context (its own storage) with the recorders and axe installed. */
export async function newContext(browser: Browser, options: { locale?: string; colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<{ context: BrowserContext; recorded: Recorded }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'fr-FR',
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: 800 },
    timezoneId: 'Europe/Paris',
  });
  const requests: string[] = [];
  const consoleMessages: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  context.on('weberror', (error) => consoleMessages.push(`pageerror: ${error.error().message}`));
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await context.addInitScript({ content: AXE });
  return {
    context,
    recorded: {
      requests,
      consoleMessages,
      cspViolations: (page) => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []),
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

export const STRONG = 'girafe tonnerre quinoa 1987 lanterne';
export const STRONGER = 'marée basse, sept cormorans & un phare';

/**
 * Creates a profile through the UI, goes through the recovery kit (typing back the two groups it
 * asks for) and waits for the open vault. Returns the recovery key the kit showed.
 */
export async function createProfileThroughUi(page: Page, label: string, passphrase = STRONG): Promise<string> {
  await page.goto(`${new URL(page.url()).origin}/#/create`);
  await page.locator('#profile-label').fill(label);
  const fields = page.locator('input[autocomplete="new-password"]');
  await fields.nth(0).fill(passphrase);
  await fields.nth(1).fill(passphrase);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(/#\/recovery-kit$/, { timeout: 60_000 });
  const recoveryKey = await confirmRecoveryKitThroughUi(page);
  await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
  await page.locator('h1').waitFor();
  return recoveryKey;
}

/** On the recovery kit screen: reads the key and types back the groups asked for. */
export async function confirmRecoveryKitThroughUi(page: Page): Promise<string> {
  // The kit is a lazily loaded screen: the URL can change before it is drawn, and reading its
  // groups then would type nothing (allTextContents does not wait).
  await page.getByTestId('recovery-key').locator('span').nth(7).waitFor();
  await page.locator('.group-inputs input').nth(1).waitFor();
  const groups = await page.getByTestId('recovery-key').locator('span').allTextContents();
  for (const input of await page.locator('.group-inputs input').all()) {
    const position = Number(/group-(\d+)/.exec((await input.getAttribute('id')) ?? '')?.[1]);
    await input.fill(groups[position - 1] ?? '');
  }
  await page.locator('form:has(.group-inputs) button[type="submit"]').click();
  return groups.join('-');
}

export async function unlockThroughUi(page: Page, label: string, passphrase: string): Promise<void> {
  const origin = new URL(page.url()).origin;
  await page.goto(`${origin}/#/`);
  await page.locator('.profile-card', { hasText: label }).click();
  await page.locator('input[autocomplete="current-password"]').fill(passphrase);
  await page.locator('.unlock-form button[type="submit"]').click();
}

/** Waits until a service worker controls the page and is fully activated. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(
    () => navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === 'activated',
    undefined,
    { timeout: 30_000 },
  );
}
