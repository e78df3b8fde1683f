/**
 * The health profile as a patient fills it in the built app: identity, an allergy, a treatment,
 * a person to call; a vaccination dated before birth refused with words next to the field; the
 * emergency card on screen, on one A4 page, and its QR code decoded back to the same text; and
 * the card on the lock screen only after the patient turned it on.
 */
import jsQR from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, STRONG, unlockThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();

/** Draws the QR code's SVG on a canvas in the page and decodes its pixels here. */
async function decodeQr(page: Page, selector: string): Promise<string | null> {
  const image = await page.evaluate(async (css) => {
    const svg = document.querySelector(css);
    if (svg === null) throw new Error(`no ${css}`);
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }));
    const img = new Image();
    img.src = url;
    await img.decode();
    const size = 600;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context');
    context.imageSmoothingEnabled = false;
    context.drawImage(img, 0, 0, size, size);
    URL.revokeObjectURL(url);
    return { width: size, height: size, data: Array.from(context.getImageData(0, 0, size, size).data) };
  }, selector);
  return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data ?? null;
}

async function addEntry(page: Page, section: string, fill: (page: Page) => Promise<void>): Promise<void> {
  await page.getByRole('link', { name: `Ajouter : ${section}` }).click();
  await fill(page);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByRole('heading', { name: section, exact: true }).waitFor();
}

describe('health profile in the browser', () => {
  it('fills a profile, refuses an impossible date, and shows the emergency card with a QR code that reads back', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.getByRole('link', { name: 'Profil santé', exact: true }).click();
    await page.getByText('Votre identité n’est pas encore renseignée.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await addEntry(page, 'Identité', async (p) => {
      await p.getByLabel('Prénom').fill('Léa');
      await p.getByLabel('Nom', { exact: true }).fill('Martin');
      await p.getByLabel('Date de naissance').fill('1990-02-03');
      await p.getByLabel('Groupe sanguin').selectOption('O-');
    });
    await addEntry(page, 'Allergies et intolérances', async (p) => {
      await p.getByLabel('Substance').fill('Pénicilline');
      await p.getByLabel('Réaction').fill('œdème de Quincke');
      await p.getByLabel('Gravité').selectOption('severe');
    });
    await addEntry(page, 'Traitements en cours', async (p) => {
      await p.getByLabel('Médicament').fill('Levothyrox');
      await p.getByLabel('Dose', { exact: true }).fill('75 µg');
      await p.getByLabel('Posologie').fill('le matin');
    });
    await addEntry(page, 'Personnes à prévenir', async (p) => {
      await p.getByLabel('Nom (obligatoire)', { exact: true }).fill('Paul Martin');
      await p.getByLabel('Téléphone').fill('06 12 34 56 78');
      await p.getByLabel('À prévenir en cas d’urgence').check();
    });

    // A vaccination before birth: said next to the field, nothing saved.
    await page.getByRole('link', { name: 'Ajouter : Vaccinations' }).click();
    await page.getByLabel('Vaccin (obligatoire)', { exact: true }).fill('BCG');
    await page.getByLabel('Date (obligatoire)', { exact: true }).fill('1989');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Certains champs sont à corriger. Rien n’a été enregistré.').waitFor();
    expect(await page.locator('#entry-date-error').textContent()).toBe('cette date est avant la naissance');
    expect(await page.getByLabel('Date (obligatoire)', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByText('Aucune vaccination renseignée.').waitFor();
    await page.getByRole('link', { name: /Léa Martin · 1990-02-03/ }).waitFor();

    await page.getByRole('link', { name: 'Carte d’urgence' }).click();
    const card = page.locator('.emergency-card');
    await card.getByText('Pénicilline, grave, œdème de Quincke').waitFor();
    await card.getByText('Levothyrox, 75 µg, le matin').waitFor();
    await card.getByText('Paul Martin, 06 12 34 56 78').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const text = await page.locator('pre.qr-text').textContent();
    expect(text).toContain('Groupe sanguin O-');
    expect(await decodeQr(page, '.emergency-card svg.emergency-qr')).toBe(text);

    // Printed: the card alone, on one A4 page.
    await page.evaluate(() => document.body.classList.add('printing-card-a4'));
    await page.emulateMedia({ media: 'print' });
    const pdf = await PDFDocument.load(await page.pdf({ format: 'A4', preferCSSPageSize: true }));
    expect(pdf.getPageCount()).toBe(1);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('printing-card-a4'));

    // Off by default on the lock screen; on after the warning.
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('heading', { name: /Léa/ }).waitFor();
    expect(await page.getByText('Carte d’urgence').count()).toBe(0);
    await unlockThroughUi(page, 'Léa', STRONG);
    await page.waitForURL(/#\/emergency$/, { timeout: 30_000 });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByLabel('Afficher la carte d’urgence sans déverrouiller').check();
    await page.getByText('La carte d’urgence est visible sur l’écran de déverrouillage.').waitFor();
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.locator('.lock-screen-emergency summary').click();
    await page.locator('.lock-screen-emergency').getByText('- Pénicilline, grave, œdème de Quincke').waitFor();
    expect(await decodeQr(page, '.lock-screen-emergency svg.emergency-qr')).toBe(text);
    expect(await axeViolations(page)).toEqual([]);
    expect(await recorded.cspViolations(page)).toEqual([]);
  });
});

describe('profile import and export in the browser', () => {
  it('offers the vaccinations of a DMP CDA document and an IPS bundle before adding them, once', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Import');
    // The vaccination history arrives as a document of the record; reading it offers its vaccinations.
    await page.goto(`${carnet.url}#/documents`);
    await page.getByTestId('file-picker').setInputFiles(new URL('../fixtures/cda/VAC_2023.01.xml', import.meta.url).pathname);
    await page.locator('.import-item a', { hasText: 'Ajouté' }).first().click({ timeout: 60_000 });
    await page.waitForURL(/#\/documents\/[0-9a-f]{32}$/);
    await page.getByText('Ce document contient 4 vaccinations.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Les ajouter à mon profil…' }).click();
    await page.waitForURL(/#\/profile\/import$/);
    const picker = page.getByTestId('profile-import-file');
    await page.getByRole('heading', { name: '4 vaccinations trouvées dans ce document' }).waitFor();
    expect(await page.locator('.import-preview li input[type="checkbox"]').count()).toBe(4);
    expect(await axeViolations(page)).toEqual([]);
    // The patient keeps three of the four.
    await page.locator('.import-preview li', { hasText: 'BCG' }).locator('input').uncheck();
    await page.getByRole('button', { name: 'Ajouter 3 entrées' }).click();
    await page.getByText('3 entrées ajoutées à votre profil.').waitFor();

    // The same document again: only the one left out is new.
    await picker.setInputFiles(new URL('../fixtures/cda/VAC_2023.01.xml', import.meta.url).pathname);
    await page.getByText('3 entrées sont déjà dans votre profil : elles ne seront pas ajoutées deux fois.').waitFor();
    expect(await page.locator('.import-preview li input[type="checkbox"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Annuler' }).click();

    // Not a summary at all: a clear message, nothing offered.
    await picker.setInputFiles({ name: 'note.json', mimeType: 'application/json', buffer: Buffer.from('{"resourceType":"Patient"}') });
    await page.getByText('Ce fichier FHIR contient une ressource « Patient », pas un résumé patient (Bundle).').waitFor();

    // The HL7 IPS example: its entries offered, the identity taken since the profile has none.
    await picker.setInputFiles(new URL('../fixtures/fhir/bundle-minimal.json', import.meta.url).pathname);
    await page.getByRole('heading', { name: '4 entrées à ajouter' }).waitFor();
    await page.getByRole('button', { name: 'Ajouter 4 entrées' }).click();
    await page.getByText('4 entrées ajoutées à votre profil.').waitFor();
    await page.getByRole('link', { name: 'Retour au profil' }).click();
    await page.getByRole('link', { name: /Martha DeLarosa · 1972-05-01/ }).waitFor();
    await page.getByRole('link', { name: /anastrozole/i }).waitFor();
    expect(await recorded.cspViolations(page)).toEqual([]);
  });
});
