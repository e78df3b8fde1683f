/**
 * Vault safety as a patient meets it: the recovery kit (one A4 page whose QR code decodes to the
 * key), forgetting the passphrase and getting back in, and auto-lock reaching every tab.
 */
import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, startCarnet, STRONG, STRONGER, confirmRecoveryKitThroughUi, createProfileThroughUi, unlockThroughUi, useBrowser } from './harness.ts';

const { browser: currentBrowser, cleanup, open } = useBrowser();

describe('vault safety', () => {
  it('prints the recovery kit on one A4 page whose QR code decodes to the key', async () => {
    const { carnet, page } = await open();
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
    const { carnet, page } = await open();
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
    // The second tab is in the middle of editing a form when the lock comes.
    await second.goto(`${carnet.origin}/#/settings`);
    await second.locator('#rename').fill('Nom pas encore enregistré');
    // Then nothing: the vault locks, in both tabs, and neither shows decrypted content.
    await first.waitForURL(/#\/unlock\//, { timeout: 20_000 });
    await second.waitForURL(/#\/unlock\//, { timeout: 20_000 });
    expect(await second.getByText('Votre carnet est ouvert.', { exact: false }).count()).toBe(0);
    expect(await second.locator('#rename').count()).toBe(0);
    expect(await second.getByText('Activité', { exact: true }).count()).toBe(0);

    // Each tab unlocks by itself.
    await second.locator('input[autocomplete="current-password"]').fill(STRONG);
    await second.locator('.unlock-form button[type="submit"]').click();
    await second.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(first.url()).toMatch(/#\/unlock\//);
    // Nothing saved was lost, and the unsaved edit was not half-written.
    expect(await second.locator('h1').textContent()).toBe('Carnet de Onglets');
  });
});

describe('backup and restore across browsers', () => {
  /** Every record row of every vault database of the page's origin, as hex, by record id. */
  async function recordRows(page: import('playwright-core').Page): Promise<Record<string, string>> {
    return page.evaluate(async () => {
      const out: Record<string, string> = {};
      for (const info of await indexedDB.databases()) {
        if (info.name?.startsWith('carnet-vault-') !== true) continue;
        const request = indexedDB.open(info.name);
        const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
        const all = db.transaction('records').objectStore('records').getAll();
        const rows = await new Promise<{ id: string; envelope: Uint8Array }[]>((resolve) => (all.onsuccess = () => resolve(all.result)));
        for (const row of rows) out[row.id] = Array.from(row.envelope, (b) => b.toString(16).padStart(2, '0')).join('');
        db.close();
      }
      return out;
    });
  }

  it('backs up in one browser, restores in a fresh one with every record, refuses a tampered copy', async () => {
    const carnet = cleanup.add(await startCarnet(inject('buildA')));
    const { context: source } = await newContext(currentBrowser());
    cleanup.add(source);
    const page = await source.newPage();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Sauvegardé');
    await page.goto(`${carnet.origin}/#/settings`);
    await page.getByText('Aucune sauvegarde pour l’instant.').waitFor();
    // What the backup holds: every row at export time (exporting then logs one more line).
    const original = await recordRows(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter une sauvegarde' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^carnet-Sauvegardé-\d{4}-\d{2}-\d{2}\.carnet$/);
    const path = await download.path();
    await page.getByText(/Sauvegarde prête/).waitFor();
    await page.getByText(/Dernière sauvegarde/).waitFor();
    expect(Object.keys(original).length).toBeGreaterThanOrEqual(3);

    // A tampered copy, in a fresh browser: refused, and nothing is written.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(path);
    const tampered = Buffer.from(bytes);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = (tampered[middle] ?? 0) ^ 0x20;
    const tamperedPath = `${path}-tampered.carnet`;
    writeFileSync(tamperedPath, tampered);
    const { context: fresh } = await newContext(currentBrowser());
    cleanup.add(fresh);
    const other = await fresh.newPage();
    await other.goto(`${carnet.origin}/#/restore`);
    await other.locator('#backup-file').setInputFiles(tamperedPath);
    await other.locator('input[autocomplete="current-password"]').fill(STRONG);
    await other.getByRole('button', { name: 'Vérifier et restaurer' }).click();
    await other.getByText(/Cette sauvegarde (a été modifiée|est endommagée)/).waitFor({ timeout: 30_000 });
    expect(Object.keys(await recordRows(other))).toEqual([]);

    // The real file restores every record, byte for byte.
    await other.locator('#backup-file').setInputFiles(path);
    await other.getByRole('button', { name: 'Vérifier et restaurer' }).click();
    await other.getByText(/a été restauré sur cet appareil/).waitFor({ timeout: 60_000 });
    await other.getByRole('link', { name: 'Déverrouiller le carnet restauré' }).click();
    await other.locator('input[autocomplete="current-password"]').fill(STRONG);
    await other.locator('.unlock-form button[type="submit"]').click();
    await other.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await other.locator('h1').textContent()).toBe('Carnet de Sauvegardé');
    const restored = await recordRows(other);
    for (const [id, envelope] of Object.entries(original)) expect(restored[id], id).toBe(envelope);
    await other.goto(`${carnet.origin}/#/settings`);
    await other.getByText('Carnet restauré depuis une sauvegarde').waitFor();
  });
});

describe('passkeys, with Chromium’s virtual authenticator', () => {
  /** A page with a PRF-capable virtual authenticator, and a profile "Clé" with a passkey "Ordinateur". */
  async function withPasskey() {
    const opened = await open();
    const { carnet, context, page } = opened;
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        ctap2Version: 'ctap2_1',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        hasPrf: true,
      },
    });
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Clé');
    await page.goto(`${carnet.origin}/#/settings`);
    const section = page.locator('section[aria-labelledby="passkeys-title"]');
    await section.locator('#passkey-name').fill('Ordinateur');
    await section.locator('input[autocomplete="current-password"]').fill(STRONG);
    await section.getByRole('button', { name: 'Ajouter une clé d’accès' }).click();
    await section.getByText('Clé d’accès ajoutée.').waitFor({ timeout: 30_000 });
    await section.getByText('Ordinateur', { exact: true }).waitFor();
    return opened;
  }

  it('registers a passkey with PRF, unlocks with it, and no longer after removing it', async () => {
    const { carnet, page } = await withPasskey();

    await page.locator('button.lock').click();
    await page.getByRole('button', { name: 'Déverrouiller avec une clé d’accès' }).click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Carnet de Clé');

    await page.goto(`${carnet.origin}/#/settings`);
    await page.getByRole('button', { name: 'Retirer la clé d’accès « Ordinateur »' }).click();
    await page.getByText('Clé d’accès retirée : elle n’ouvre plus ce carnet.').waitFor();
    await page.locator('button.lock').click();
    await page.locator('.unlock-form').waitFor();
    expect(await page.getByRole('button', { name: 'Déverrouiller avec une clé d’accès' }).count()).toBe(0);
  });

  it('offers no passkey where the browser cannot use one (no PRF), though the profile has one', async () => {
    const { carnet, context, page } = await withPasskey();
    await page.locator('button.lock').click();
    const passkeyButton = page.getByRole('button', { name: 'Déverrouiller avec une clé d’accès' });
    await passkeyButton.waitFor();

    // The same profile in a browser whose WebAuthn lacks the PRF extension: Carnet asks the
    // browser (and the test notes each answer, so that it checks the screen after it).
    await context.addInitScript(() => {
      const counted = window as unknown as { __prfAnswers: number };
      counted.__prfAnswers = 0;
      (PublicKeyCredential as unknown as { getClientCapabilities: () => Promise<Record<string, boolean>> }).getClientCapabilities = async () => {
        counted.__prfAnswers += 1;
        return { 'extension:prf': false };
      };
    });
    const asked = () => page.waitForFunction(() => (window as unknown as { __prfAnswers: number }).__prfAnswers > 0);
    await page.reload();
    await page.locator('.unlock-form').waitFor();
    await asked();
    expect(await passkeyButton.count()).toBe(0);
    // The passphrase still opens it, and Settings offers no passkeys to add or remove here.
    await page.locator('input[autocomplete="current-password"]').fill(STRONG);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { __prfAnswers: number }).__prfAnswers = 0));
    await page.goto(`${carnet.origin}/#/settings`);
    await page.locator('#rename').waitFor();
    await asked();
    expect(await page.locator('section[aria-labelledby="passkeys-title"]').count()).toBe(0);
    expect(await page.getByText('Ordinateur', { exact: true }).count()).toBe(0);
  });
});
