/**
 * The vault as a patient meets it: create, reload and find it locked, mistype the passphrase,
 * unlock, change the passphrase, lock; two profiles side by side on one device.
 */
import { describe, expect, it } from 'vitest';
import { createProfileThroughUi, STRONG, STRONGER, unlockThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();

describe('the vault in the browser', () => {
  it('creates a vault, is locked after a reload, refuses a wrong passphrase, unlocks', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    expect(await page.locator('h1').textContent()).toBe('Carnet de Léa');
    expect(await page.getByText(/Argon2id \(\d+ Mio, \d+ passes\)/).count()).toBe(1);

    await page.reload();
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Bienvenue dans Carnet');
    expect(await page.locator('.profile-card').allTextContents()).toEqual([expect.stringContaining('Léa')]);
    await page.goto(`${carnet.origin}/#/vault`);
    await page.waitForURL(/#\/$/);

    await unlockThroughUi(page, 'Léa', 'girafe tonnerre quinoa 1988 lanterne');
    const alert = page.locator('[role="alert"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toBe('Phrase de passe incorrecte. Rien n’a été modifié ; vous pouvez réessayer.');
    expect(await page.locator('input[autocomplete="current-password"]').getAttribute('aria-invalid')).toBe('true');

    await page.locator('input[autocomplete="current-password"]').fill(STRONG);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Carnet de Léa');
  });

  it('refuses a weak passphrase at creation with the reason', async () => {
    const { carnet, page } = await open();
    await page.goto(`${carnet.url}#/create`);
    await page.locator('#profile-label').fill('Léa');
    const fields = page.locator('input[autocomplete="new-password"]');
    await fields.nth(0).fill('motdepasse');
    await fields.nth(1).fill('motdepasse');
    await page.getByText('Cette phrase de passe est trop facile à deviner. Choisissez-en une plus longue ou moins prévisible.').waitFor();
    await page.locator('button[type="submit"]').click();
    await page.getByText('Cette phrase de passe est trop facile à deviner.', { exact: true }).waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(/#\/create$/);
    await page.goto(`${carnet.origin}/#/`);
    await page.getByText('Aucun profil pour l’instant. Créez le vôtre pour commencer.').waitFor();
  });

  it('says once, beside the confirmation, that the two passphrases differ, and creates nothing', async () => {
    const { carnet, page } = await open({ locale: 'en-GB' });
    await page.goto(`${carnet.url}#/create`);
    await page.locator('#profile-label').fill('Léa');
    const fields = page.locator('input[autocomplete="new-password"]');
    await fields.nth(0).fill(STRONG);
    await fields.nth(1).fill(STRONGER);
    const mismatch = page.getByText('The two passphrases are not the same.');
    await mismatch.waitFor();
    expect(await fields.nth(1).getAttribute('aria-invalid')).toBe('true');
    await page.locator('button[type="submit"]').click();
    // Submitting starts no key derivation and adds no second message.
    expect(await page.locator('progress').count()).toBe(0);
    expect(await mismatch.count()).toBe(1);
    expect(page.url()).toMatch(/#\/create$/);
    await fields.nth(1).fill(STRONG);
    await mismatch.waitFor({ state: 'detached' });
    await page.goto(`${carnet.origin}/#/`);
    await page.getByText('No profile yet. Create yours to begin.').waitFor();
  });

  it('changes the passphrase: the new one opens the vault, the old one no longer does', async () => {
    const { carnet, page } = await open({ locale: 'en-GB' });
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Sam');
    await page.goto(`${carnet.origin}/#/settings`);
    const form = page.getByRole('form', { name: 'Change the passphrase' });
    await form.getByLabel('Current passphrase').fill(STRONG);
    await form.getByLabel('New passphrase', { exact: true }).fill(STRONGER);
    await form.getByLabel('Confirm the new passphrase').fill(STRONGER);
    await form.getByRole('button', { name: 'Change the passphrase' }).click();
    await page.getByText('Passphrase changed. Use the new one next time you unlock.').waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: 'Lock' }).click();
    await page.locator('input[autocomplete="current-password"]').waitFor();
    // Locking clears every decrypted view: the vault screen is gone.
    expect(await page.getByRole('heading', { name: 'Sam’s record', exact: true }).count()).toBe(0);
    expect(await page.getByText('Your record is open.').count()).toBe(0);

    await unlockThroughUi(page, 'Sam', STRONG);
    await page.locator('[role="alert"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[role="alert"]').textContent()).toBe('Wrong passphrase. Nothing was changed; you can try again.');
    await page.locator('input[autocomplete="current-password"]').fill(STRONGER);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Sam’s record');
  });

  it('keeps two profiles side by side, each with its own passphrase', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Maman', STRONG);
    await page.locator('button.lock').click();
    await createProfileThroughUi(page, 'Léo', STRONGER);
    await page.locator('button.lock').click();

    await page.goto(`${carnet.origin}/#/`);
    await page.locator('.profile-card').nth(1).waitFor();
    expect(await page.locator('.profile-card strong').allTextContents()).toEqual(['Maman', 'Léo']);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases.filter((name) => name?.startsWith('carnet-vault-'))).toHaveLength(2);
    expect(databases.join(' ')).not.toMatch(/Maman|Léo/);

    await unlockThroughUi(page, 'Léo', STRONG);
    await page.locator('[role="alert"]').waitFor({ timeout: 30_000 });
    await page.locator('input[autocomplete="current-password"]').fill(STRONGER);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Carnet de Léo');
    await page.locator('button.lock').click();
    await unlockThroughUi(page, 'Maman', STRONG);
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });
    expect(await page.locator('h1').textContent()).toBe('Carnet de Maman');
  });

  it('deletes a profile whose passphrase is lost, from the unlock screen, after typing its name', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Oublié');
    await page.locator('button.lock').click();
    await page.getByText('Phrase de passe oubliée ?').click();
    await page.locator('#delete-confirm').fill('Oublié');
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.getByText('Aucun profil pour l’instant. Créez le vôtre pour commencer.').waitFor();
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases.filter((name) => name?.startsWith('carnet-vault-'))).toEqual([]);
  });

  it('renames and deletes a profile, after typing its name', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Brouillon');
    await page.goto(`${carnet.origin}/#/settings`);
    await page.locator('#rename').fill('Essai');
    await page.getByRole('button', { name: 'Renommer' }).click();
    await page.getByText('Nom enregistré.').waitFor();
    await page.goto(`${carnet.origin}/#/vault`);
    expect(await page.locator('h1').textContent()).toBe('Carnet de Essai');
    await page.goto(`${carnet.origin}/#/settings`);
    const remove = page.getByRole('button', { name: 'Supprimer définitivement' });
    expect(await remove.isDisabled()).toBe(true);
    await page.locator('#delete-confirm').fill('Essai');
    await remove.click();
    await page.waitForURL(/#\/$/);
    await page.getByText('Aucun profil pour l’instant. Créez le vôtre pour commencer.').waitFor();
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases.filter((name) => name?.startsWith('carnet-vault-'))).toEqual([]);
  });
});
