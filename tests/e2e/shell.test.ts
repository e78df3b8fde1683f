/**
 * The shell a patient sees, toured in both languages and both themes (the system's, followed):
 * the CSP exactly as specified and never violated, every request to Carnet's own origin, no axe violation on any
 * screen, a 360 px phone without sideways scrolling, and the keyboard reaching everything.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, confirmRecoveryKitThroughUi, createProfileThroughUi, newContext, startCarnet, STRONG, useBrowser } from './harness.ts';

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; font-src 'self'; " +
  "connect-src 'self' https:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const { browser: currentBrowser, cleanup, open } = useBrowser();

async function show(page: Page, origin: string, hash: string): Promise<string> {
  await page.goto(`${origin}/${hash}`);
  await page.locator('h1').first().waitFor();
  // Let lazy screens and resources settle before checking.
  await page.waitForLoadState('networkidle');
  return (await page.locator('h1').first().textContent()) ?? '';
}

describe('the shell', () => {
  it('sends the Content Security Policy of DESIGN.md §8, exactly', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const response = await fetch(carnet.url);
    expect(response.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    for (const path of ['/sw.js', '/manifest.webmanifest']) {
      const other = await fetch(carnet.origin + path);
      expect(other.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
      expect(other.headers.get('cache-control')).toBe('no-cache');
    }
  });

  const french = { welcome: 'Bienvenue dans Carnet', about: 'À propos de Carnet', settings: 'Réglages', newPassphrase: 'Choisissez une nouvelle phrase de passe', useKey: 'Utiliser la clé de secours' };
  const english = { welcome: 'Welcome to Carnet', about: 'About Carnet', settings: 'Settings', newPassphrase: 'Choose a new passphrase', useKey: 'Use the recovery key' };
  const combinations = [
    { locale: 'fr-FR', lang: 'fr', colorScheme: 'light' as const, titles: french },
    { locale: 'fr-FR', lang: 'fr', colorScheme: 'dark' as const, titles: french },
    { locale: 'en-GB', lang: 'en', colorScheme: 'light' as const, titles: english },
    { locale: 'en-GB', lang: 'en', colorScheme: 'dark' as const, titles: english },
  ];

  /** The page background's relative luminance (WCAG 2.x), from 0 (black) to 1 (white). */
  const backgroundLuminance = (page: Page) =>
    page.evaluate(() => {
      const channels = (getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const [r = 0, g = 0, b = 0] = channels.map((value) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    });

  it.each(combinations)('tours every route in $lang, $colorScheme: own origin only, no CSP violation, no axe violation', async (combo) => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context, recorded } = await newContext(currentBrowser(), { locale: combo.locale, colorScheme: combo.colorScheme });
    cleanup.add(context);
    const page = await context.newPage();
    const violations: Record<string, unknown[]> = {};
    const tour = async (name: string, hash: string) => {
      const title = await show(page, carnet.origin, hash);
      expect(await page.evaluate(() => document.documentElement.lang), name).toBe(combo.lang);
      const found = await axeViolations(page);
      if (found.length > 0) violations[name] = found;
      return title;
    };

    expect(await tour('welcome', '#/')).toBe(combo.titles.welcome);
    // With no theme chosen, the page follows the system's: dark on dark, light on light, and it
    // changes when the system's does.
    const own = await backgroundLuminance(page);
    if (combo.colorScheme === 'dark') expect(own).toBeLessThan(0.2);
    else expect(own).toBeGreaterThan(0.6);
    await page.emulateMedia({ colorScheme: combo.colorScheme === 'dark' ? 'light' : 'dark' });
    const other = await backgroundLuminance(page);
    if (combo.colorScheme === 'dark') expect(other).toBeGreaterThan(0.6);
    else expect(other).toBeLessThan(0.2);
    await page.emulateMedia({ colorScheme: combo.colorScheme });
    await tour('create', '#/create');
    expect(await tour('about', '#/about')).toBe(combo.titles.about);
    expect(await tour('settings', '#/settings')).toBe(combo.titles.settings);
    await tour('not found', '#/nowhere');
    await tour('restore', '#/restore');

    await page.goto(`${carnet.origin}/#/create`);
    await page.locator('#profile-label').fill('Camille');
    await page.locator('input[autocomplete="new-password"]').nth(0).fill(STRONG);
    await page.locator('input[autocomplete="new-password"]').nth(1).fill(STRONG);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/#\/recovery-kit$/, { timeout: 60_000 });
    await page.getByTestId('recovery-key').waitFor();
    const kitViolations = await axeViolations(page);
    if (kitViolations.length > 0) violations['recovery kit'] = kitViolations;
    const recoveryKey = await confirmRecoveryKitThroughUi(page);
    await page.waitForURL(/#\/vault$/);
    await tour('vault', '#/vault');
    await tour('documents', '#/documents');
    await tour('trash', '#/trash');
    await tour('health profile', '#/profile');
    await tour('profile entry form', '#/profile/vaccination/new');
    await tour('profile import and export', '#/profile/import');
    await tour('emergency card', '#/emergency');
    await tour('prevention', '#/prevention');
    await tour('agenda', '#/agenda');
    await tour('agenda week', '#/agenda/week');
    await tour('agenda new event', '#/agenda/new');
    await page.goto(`${carnet.origin}/#/settings`);
    await page.locator('#rename').waitFor();
    const found = await axeViolations(page);
    if (found.length > 0) violations['settings (unlocked)'] = found;
    await page.locator('button.lock').click();
    await page.locator('input[autocomplete="current-password"]').waitFor();
    const unlockViolations = await axeViolations(page);
    if (unlockViolations.length > 0) violations['unlock'] = unlockViolations;
    await page.locator('input[autocomplete="current-password"]').fill('not the passphrase at all');
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.locator('[role="alert"]').waitFor();
    const errorViolations = await axeViolations(page);
    if (errorViolations.length > 0) violations['unlock error'] = errorViolations;

    // The recovery key opens the vault, and a new passphrase comes before anything else.
    await page.getByRole('button', { name: combo.titles.useKey }).click();
    await page.locator('#recovery-key').fill(recoveryKey);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/new-passphrase$/, { timeout: 30_000 });
    await page.locator('input[autocomplete="new-password"]').first().waitFor();
    expect(await page.locator('h1').first().textContent()).toBe(combo.titles.newPassphrase);
    expect(await page.evaluate(() => document.documentElement.lang), 'new passphrase').toBe(combo.lang);
    const resetViolations = await axeViolations(page);
    if (resetViolations.length > 0) violations['new passphrase'] = resetViolations;

    expect(violations).toEqual({});
    const foreign = recorded.requests.filter((url) => !url.startsWith(`${carnet.origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(recorded.requests.length).toBeGreaterThan(5);
    expect(await recorded.cspViolations(page)).toEqual([]);
    expect(recorded.consoleMessages.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(recorded.consoleMessages.filter((m) => m.startsWith('pageerror') || m.startsWith('error'))).toEqual([]);
  });

  it('fits a 360 px phone without sideways scrolling', async () => {
    const { carnet, page } = await open({ width: 360 });
    for (const hash of ['#/', '#/create', '#/settings', '#/about']) {
      await show(page, carnet.origin, hash);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, hash).toBeLessThanOrEqual(0);
    }
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Téléphone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('can be used with the keyboard alone, with visible focus', async () => {
    const { carnet, page } = await open();
    await show(page, carnet.origin, '#/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
    const focusRing = async () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (element === null) return 'none';
        const style = getComputedStyle(element);
        return style.outlineStyle === 'none' || style.outlineWidth === '0px' ? 'none' : style.outlineStyle;
      });
    expect(await focusRing()).not.toBe('none');

    // Tab to the "create a profile" link and follow it with Enter.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await focusRing()).not.toBe('none');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Créer un profil') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/create$/);
    // The new screen's title takes the focus, so a screen reader announces it.
    await page.waitForFunction(() => document.activeElement?.id === 'page-title');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Clavier');
    await page.keyboard.press('Tab');
    await page.keyboard.type(STRONG);
    await page.keyboard.press('Tab'); // show/hide
    await page.keyboard.press('Tab');
    await page.keyboard.type(STRONG);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/recovery-kit$/, { timeout: 60_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'page-title');
    // The recovery kit, confirmed by keyboard: Tab to the first group and type both back.
    const groups = await page.getByTestId('recovery-key').locator('span').allTextContents();
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.id.startsWith('group-'))); i++) await page.keyboard.press('Tab');
    for (let field = 0; field < 2; field++) {
      const position = Number((await page.evaluate(() => document.activeElement?.id ?? '')).replace('group-', ''));
      await page.keyboard.type(groups[position - 1] ?? '');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Carnet de Clavier');
  });
});
