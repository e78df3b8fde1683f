/**
 * Vault safety as a patient meets it: the recovery kit (one A4 page whose QR code decodes to the
 * key), forgetting the passphrase and getting back in, and auto-lock reaching every tab.
 */
import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, startCarnet, STRONG, STRONGER, confirmRecoveryKitThroughUi, createProfileThroughUi, unlockThroughUi, useBrowser } from './harness.ts';

const { browser: currentBrowser, cleanup } = useBrowser();

describe('vault safety', () => {
  it('prints the recovery kit on one A4 page whose QR code decodes to the key', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context } = await newContext(currentBrowser());
    cleanup.add(context);
    const page = await context.newPage();
    await page.goto(`${carnet.url}#/create`);
    await page.locator('#profile-label').fill('Kit');
    const fields = page.locator('input[autocomplete="new-password"]');
    await fields.nth(0).fill(STRONG);
    await fields.nth(1).fill(STRONG);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/#\/recovery-kit$/, { timeout: 60_000 });
    const shown = (await page.getByTestId('recovery-key').locator('span').allTextContents()).join('-');
    expect(shown).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);

    const pdf = await PDFDocument.load(await page.pdf({ format: 'A4', printBackground: true }));
    expect(pdf.getPageCount()).toBe(1);
    // A4 is 210 × 297 mm, 595.3 × 841.9 points; Chromium rounds to whole device pixels.
    const { width, height } = pdf.getPage(0).getSize();
    expect(Math.abs(width - 595.3)).toBeLessThan(2);
    expect(Math.abs(height - 841.9)).toBeLessThan(2);

    await page.emulateMedia({ media: 'print' });
    const png = PNG.sync.read(await page.locator('.kit-qr').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(shown);
    // What prints is the kit, not the confirmation form or the navigation.
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.getByText('Vérifions que vous l’avez gardée').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // Typing a wrong group back is refused; the right ones confirm the kit.
    await page.locator('.group-inputs input').first().fill('ZZZZ');
    await page.locator('.group-inputs input').nth(1).fill('ZZZZ');
    await page.locator('form:has(.group-inputs) button[type="submit"]').click();
    await page.getByText('Ces groupes ne correspondent pas à la clé. Vérifiez votre copie.').waitFor();
    await confirmRecoveryKitThroughUi(page);
    await page.waitForURL(/#\/vault$/);
    expect(await page.getByText('Vous n’avez pas encore confirmé votre kit de secours.', { exact: false }).count()).toBe(0);
  });

  it('forgets the passphrase, opens with the recovery key, must choose a new passphrase', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context } = await newContext(currentBrowser());
    cleanup.add(context);
    const page = await context.newPage();
    await page.goto(carnet.url);
    const recoveryKey = await createProfileThroughUi(page, 'Léa');
    await page.locator('button.lock').click();
    await page.locator('.unlock-form').waitFor();

    await page.getByRole('button', { name: 'Utiliser la clé de secours' }).click();
    await page.locator('#recovery-key').fill(recoveryKey.toLowerCase().replace(/-/g, ' '));
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/new-passphrase$/, { timeout: 30_000 });
    // Nothing else until the new passphrase is set.
    await page.goto(`${carnet.origin}/#/vault`);
    await page.waitForURL(/#\/new-passphrase$/);
    await page.locator('input[autocomplete="new-password"]').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const fields = page.locator('input[autocomplete="new-password"]');
    await fields.nth(0).fill(STRONGER);
    await fields.nth(1).fill(STRONGER);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 60_000 });

    await page.locator('button.lock').click();
    await unlockThroughUi(page, 'Léa', STRONG);
    await page.locator('[role="alert"]').waitFor({ timeout: 30_000 });
    await page.locator('input[autocomplete="current-password"]').fill(STRONGER);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    await page.goto(`${carnet.origin}/#/settings`);
    await page.getByText('Clé de secours utilisée').waitFor();
    await page.getByText('Nouvelle phrase de passe après la clé de secours').waitFor();
  });

  it('locks every tab of the profile after inactivity, and each tab unlocks by itself', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context } = await newContext(currentBrowser());
    cleanup.add(context);
    const first = await context.newPage();
    await first.goto(carnet.url);
    await createProfileThroughUi(first, 'Onglets');
    const profileId = await first.evaluate(async () => {
      const request = indexedDB.open('carnet-profiles');
      const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
      const all = db.transaction('profiles').objectStore('profiles').getAll();
      return new Promise<string>((resolve) => (all.onsuccess = () => resolve((all.result[0] as { id: string }).id)));
    });
    const second = await context.newPage();
    await second.goto(`${carnet.origin}/#/unlock/${profileId}`);
    await first.bringToFront();
    await second.locator('input[autocomplete="current-password"]').fill(STRONG);
    await second.locator('.unlock-form button[type="submit"]').click();
    await second.waitForURL(/#\/vault$/, { timeout: 30_000 });

    // A shortened delay for this test: 4 seconds without input in any tab. Tabs read it on every tick.
    await first.evaluate((id) => localStorage.setItem(`carnet.autoLockSeconds.${id}`, '4'), profileId);

    // Activity in the first tab keeps both open past the delay.
    for (let i = 0; i < 3; i++) {
      await first.mouse.click(5, 400);
      await first.waitForTimeout(2000);
    }
    expect(second.url()).toMatch(/#\/vault$/);
    // Then nothing: the vault locks, in both tabs, and neither shows decrypted content.
    await first.waitForURL(/#\/unlock\//, { timeout: 20_000 });
    await second.waitForURL(/#\/unlock\//, { timeout: 20_000 });
    expect(await second.getByText('Votre carnet est ouvert.', { exact: false }).count()).toBe(0);

    // Each tab unlocks by itself.
    await second.locator('input[autocomplete="current-password"]').fill(STRONG);
    await second.locator('.unlock-form button[type="submit"]').click();
    await second.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(first.url()).toMatch(/#\/unlock\//);
  });
});
