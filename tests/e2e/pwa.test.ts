/**
 * The installable, offline shell: the service worker is active after the first load, Carnet
 * starts with the server gone and the network cut, Chromium reports no installability error, and
 * an update waits for the patient's "Reload".
 */
import { describe, expect, inject, it } from 'vitest';
import { launchPersistent, startCarnet, waitForServiceWorker, useBrowser } from './harness.ts';

const { cleanup, open } = useBrowser();

describe('the PWA', () => {
  it('activates its service worker on the first load and precaches the app', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await waitForServiceWorker(page);
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { state: registration.active?.state, script: registration.active?.scriptURL };
    });
    expect(state).toEqual({ state: 'activated', script: `${carnet.origin}/sw.js` });
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const urls: string[] = [];
      for (const name of names) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached).toContain('/index.html');
    const entry = /<script type="module"[^>]*src="([^"]+)"/.exec(await (await fetch(carnet.url)).text())?.[1];
    expect(entry).toMatch(/^\/assets\/.+\.js$/);
    expect(cached).toContain(entry);
    expect(cached).toContain('/icons/icon-512.png');
  });

  it('starts with the network cut, on the same screen, in the same language and theme', async () => {
    const { carnet, context, page } = await open({ locale: 'fr-FR' });
    await page.goto(`${carnet.url}#/settings`);
    await waitForServiceWorker(page);
    await page.locator('#language').selectOption('en');
    await page.getByLabel('Dark', { exact: true }).check();
    await page.goto(`${carnet.url}#/about`);
    const title = await page.locator('h1').textContent();
    expect(title).toBe('About Carnet');

    await carnet.stop();
    await context.setOffline(true);
    await page.reload();
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toBe(title);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 23, 22)');
    // The lazily loaded screens come from the precache too.
    await page.goto(`${carnet.origin}/#/create`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Create a profile');
  });

  it('is reported installable by Chromium, which the install button follows', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context } = cleanup.add(await launchPersistent());
    const page = await context.newPage();
    await page.goto(carnet.url);
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    expect(installabilityErrors).toEqual([]);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toBe(`${carnet.origin}/manifest.webmanifest`);
    // Chromium offers installation (beforeinstallprompt): the app shows its install button.
    await page.getByRole('button', { name: 'Installer Carnet' }).waitFor({ timeout: 15_000 });
  });

  it('offers an update without reloading by itself, and Reload shows the new version', async () => {
    const { carnet, page } = await open({ locale: 'fr-FR' });
    await page.goto(`${carnet.url}#/about`);
    await waitForServiceWorker(page);
    await expect(page.getByTestId('version').textContent()).resolves.toBe('Version 0.1.0+e2e-a');
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    carnet.deploy(inject('buildB'));
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const banner = page.getByText('Une nouvelle version de Carnet est prête.');
    await banner.waitFor({ timeout: 30_000 });
    // Still the same document: nothing reloaded under the patient.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await expect(page.getByTestId('version').textContent()).resolves.toBe('Version 0.1.0+e2e-a');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Recharger' }).click()]);
    await page.getByTestId('version').waitFor();
    await expect(page.getByTestId('version').textContent()).resolves.toBe('Version 0.1.0+e2e-b');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBeUndefined();
  });
});
