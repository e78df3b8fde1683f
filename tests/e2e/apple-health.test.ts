/**
 * The Apple Health export as a patient brings it, in the built app: the Health app's export.zip
 * (tests/fixtures/apple-health) chosen in the readings "add" screen, read with its progress, the
 * shared preview saying what is kept, what is left out and why, the confirmation that broken
 * records need, the commit, the same archive adding nothing the second time; then a file that is
 * not an export.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();
const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;

/** A new profile called `name`, on the readings' "add" screen. */
async function addReadingsScreen(name: string) {
  const { carnet, page } = await open();
  await page.goto(carnet.url);
  await createProfileThroughUi(page, name);
  await page.getByRole('link', { name: 'Mesures', exact: true }).click();
  await page.getByRole('link', { name: 'Ajouter' }).click();
  return page;
}

describe('the Apple Health export in the browser', () => {
  it('imports export.zip through the preview, only once the broken records are accepted', async () => {
    const page = await addReadingsScreen('Marie');
    await page.getByRole('heading', { name: 'Importer un export Apple Santé' }).waitFor();

    await page.getByTestId('apple-health-picker').setInputFiles(fixture('apple-health/export.zip'));
    await page.getByText('Fichier reconnu : Apple Santé (export).').waitFor();
    // Five glucose readings (mg/dL and mmol/L) and three weights (kg and lb).
    await page.getByText('5 mesures lisibles dans le fichier (mg/dL, mmol/L)').waitFor();
    await page.getByText('3 mesures lisibles dans le fichier (kg, lb)').waitFor();
    await page.getByText(/Non importé .*HKQuantityTypeIdentifierHeartRate \(2\)/).waitFor();
    await page.getByText(/sont ceux des mesures dans l’export/).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Four records were refused (two unknown units, a bad date, a bad value): storing needs a yes.
    const confirm = page.getByRole('button', { name: 'Importer 8 mesures' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(/J’accepte d’importer quand même les 8 mesures lisibles/).check();
    await confirm.click();
    await page.getByText('8 mesures ajoutées depuis Apple Santé.').waitFor();

    // Stored: the same archive again adds nothing.
    await page.getByTestId('apple-health-picker').setInputFiles(fixture('apple-health/export.zip'));
    await page.getByText('Ce fichier n’apporte rien de nouveau : tout est déjà dans votre carnet.').waitFor();
    await page.getByText('5 déjà dans votre carnet (non ajoutées)').waitFor();
    await page.getByRole('button', { name: 'Annuler' }).click();
  });

  it('says plainly when a file is not an Apple Health export, and stores nothing', async () => {
    const page = await addReadingsScreen('Paul');
    await page.getByTestId('apple-health-picker').setInputFiles(fixture('withings/weight.csv'));
    await page.getByText('Ce fichier n’est pas un export Apple Santé (il ne commence pas par <HealthData>). Rien n’a été importé.').waitFor();
    await page.getByTestId('apple-health-picker').setInputFiles(fixture('apple-health/export.xml'));
    await page.getByText('Fichier reconnu : Apple Santé (export).').waitFor();
  });

  it('says where a damaged export breaks in the patient’s language, and offers what was read before', async () => {
    const page = await addReadingsScreen('Léa');
    // The real export with a stray end tag before its last line: every record is read, then the markup breaks.
    const xml = readFileSync(fixture('apple-health/export.xml'), 'utf8').replace('</HealthData>', '</Workout>\n</HealthData>');
    await page.getByTestId('apple-health-picker').setInputFiles({ name: 'export.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await page.getByText('Ce fichier est abîmé à un endroit (</Workout> ferme <HealthData>) : la lecture s’est arrêtée là.', { exact: false }).waitFor();
    await page.getByText('5 mesures lisibles dans le fichier (mg/dL, mmol/L)').waitFor();
    expect(await page.getByText(/closes|broken|inside/).count()).toBe(0);
    await page.getByRole('button', { name: 'Annuler' }).click();

    // Damaged before its first record: said as damage, where it is, not as a file cut short.
    const early = xml.replace('<Record ', '</Workout>\n<Record ');
    await page.getByTestId('apple-health-picker').setInputFiles({ name: 'export.xml', mimeType: 'text/xml', buffer: Buffer.from(early) });
    await page.getByText('Cet export est abîmé (</Workout> ferme <HealthData>) avant toute mesure de poids ou de glycémie : aucune n’a pu être lue. Rien n’a été importé.').waitFor();
  });
});
