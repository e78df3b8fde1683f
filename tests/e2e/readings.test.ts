/**
 * Readings as a patient brings them, in the built app: the real LibreView and Dexcom Clarity
 * exports imported through the preview, the same file again adding nothing, and the glucose report
 * over their whole period, whose time-in-range figures are read from the page and compared with
 * figures computed here, independently, from the files themselves.
 */
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();
const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;

type Band = 'veryLow' | 'low' | 'inRange' | 'high' | 'veryHigh';

/** The consensus bands, written out here on each scale as the consensus prints them. */
function band(value: number, unit: 'mg/dL' | 'mmol/L'): Band {
  const [a, b, c, d] = unit === 'mg/dL' ? [54, 70, 180, 250] : [3.0, 3.9, 10.0, 13.9];
  if (value < a) return 'veryLow';
  if (value < b) return 'low';
  if (value <= c) return 'inRange';
  if (value <= d) return 'high';
  return 'veryHigh';
}

/** LibreView historic rows (record type 0): column 5 in mmol/L, as this export writes them. */
function libreHistoric(): number[] {
  const lines = readFileSync(fixture('libreview/sample_libreview.csv'), 'utf8').split('\n').slice(2);
  return lines.map((line) => line.split(',')).filter((cells) => cells[3] === '0' && cells[4] !== '').map((cells) => Number(cells[4]));
}

/** Clarity EGV rows: the glucose column in mg/dL, fields quoted, `;` separated. */
function clarityEgv(): number[] {
  const lines = readFileSync(fixture('dexcom/dexcom_clarity_example.csv'), 'utf8').split(/\r*\n/);
  return lines.map((line) => line.split(';').map((cell) => cell.replace(/^"|"$/g, ''))).filter((cells) => cells[2] === 'EGV').map((cells) => Number(cells[7]));
}

describe('readings in the browser', () => {
  it('imports the LibreView and Clarity exports and shows their time in ranges', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.getByRole('link', { name: 'Mesures', exact: true }).click();
    await page.getByText('Aucune glycémie pour l’instant.', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Ajouter' }).click();

    const libre = libreHistoric();
    const clarity = clarityEgv();

    // LibreView: the preview first, nothing stored until confirmed.
    await page.getByTestId('readings-picker').setInputFiles(fixture('libreview/sample_libreview.csv'));
    await page.getByText('Fichier reconnu : LibreView (FreeStyle Libre).').waitFor();
    // Scans written twice say, in French, which line was kept instead.
    await page.getByText(/lignes non importées/).click();
    await page.getByRole('cell', { name: /^[\d.]+ mmol\/L \(identique à la ligne \d+, qui est gardée\)$/ }).first().waitFor();
    await page.getByRole('cell', { name: /^[\d.]+ mmol\/L \(la ligne \d+, qui est gardée, indique [\d,]+ mmol\/L\)$/ }).first().waitFor();
    const libreButton = page.getByRole('button', { name: /^Importer .* mesures$/ });
    await libreButton.click();
    await page.getByText(/mesures ajoutées\./).waitFor();

    await page.getByTestId('readings-picker').setInputFiles(fixture('dexcom/dexcom_clarity_example.csv'));
    await page.getByText('Fichier reconnu : Dexcom Clarity.').waitFor();
    expect(await page.getByText('288 nouvelles mesures à ajouter').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Importer 288 mesures' }).click();
    await page.getByText('288 mesures ajoutées.').waitFor();

    // The same file again adds nothing.
    await page.getByTestId('readings-picker').setInputFiles(fixture('dexcom/dexcom_clarity_example.csv'));
    await page.getByText('Ce fichier n’apporte rien de nouveau : tout est déjà dans votre carnet.').waitFor();
    await page.getByText('288 déjà dans votre carnet (non ajoutées)').waitFor();
    await page.getByRole('button', { name: 'Annuler' }).click();

    // The report over both files' whole period.
    await page.getByRole('link', { name: 'Glycémie' }).click();
    await page.getByLabel('Autre période').check();
    await page.getByLabel('Du', { exact: true }).fill('2025-09-01');
    await page.getByLabel('Au', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByRole('heading', { name: /Du 1 septembre 2025 au 1 janvier 2026/ }).waitFor();

    const expected = new Map<Band, number>();
    for (const value of libre) expected.set(band(value, 'mmol/L'), (expected.get(band(value, 'mmol/L')) ?? 0) + 1);
    for (const value of clarity) expected.set(band(value, 'mg/dL'), (expected.get(band(value, 'mg/dL')) ?? 0) + 1);
    const total = libre.length + clarity.length;
    expect(await page.locator('.metrics dd').filter({ hasText: /^\d[\d\s ]*$/ }).last().textContent()).toMatch(new RegExp(`^${total.toLocaleString('fr-FR').replace(/\s/g, '\\s')}$`));
    for (const name of ['veryLow', 'low', 'inRange', 'high', 'veryHigh'] as const) {
      const shown = Number(((await page.locator(`[data-share="${name}"]`).textContent()) ?? '').replace(/[^\d,]/g, '').replace(',', '.'));
      const percent = (100 * (expected.get(name) ?? 0)) / total;
      expect(Math.abs(shown - percent)).toBeLessThanOrEqual(0.5);
    }
    const mean = (libre.reduce((sum, value) => sum + value * 18.016, 0) + clarity.reduce((sum, value) => sum + value, 0)) / total;
    expect(await page.locator('[data-metric="mean"]').textContent()).toBe(`${Math.round(mean)} mg/dL`);
    await page.locator('.agp canvas').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await recorded.cspViolations(page)).toEqual([]);

    // The report prints on one A4 page.
    await page.emulateMedia({ media: 'print' });
    const printed = await PDFDocument.load(await page.pdf({ format: 'A4' }));
    expect(printed.getPageCount()).toBe(1);
  });
});

describe('weight, typed readings and files of unknown layout', () => {
  it('asks before leaving broken rows behind, shows the weight trend and BMI, remembers a column mapping, and refuses what is not a readings file', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.goto(`${carnet.url}#/readings/add`);
    const picker = page.getByTestId('readings-picker');

    // Not a readings file, and an empty one: said plainly, nothing stored.
    await picker.setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) });
    await page.getByText('Ce fichier n’est pas un export de mesures que Carnet connaît (CSV ou JSON attendu). Rien n’a été importé.').waitFor();
    await picker.setInputFiles({ name: 'vide.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await page.getByText('Ce fichier est vide. Rien n’a été importé.').waitFor();

    // Withings: one row without a weight (broken) and one at 0 kg (impossible).
    await picker.setInputFiles(fixture('withings/weight.csv'));
    await page.getByText('Fichier reconnu : Withings.').waitFor();
    const confirm = page.getByRole('button', { name: 'Importer 19 mesures' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByText(/lignes non importées/).click();
    await page.getByRole('cell', { name: '7', exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(/J’accepte d’importer quand même les 19 mesures lisibles/).check();
    await confirm.click();
    await page.getByText('19 mesures ajoutées.').waitFor();

    // A meter's value typed in.
    await page.getByLabel('Mesure', { exact: true }).selectOption('glucose');
    await page.getByLabel('Valeur').fill('5,6');
    await page.locator('#manual-unit').selectOption('mmol/L');
    await page.getByLabel('Date et heure').fill('2025-03-20T08:30');
    await page.getByRole('button', { name: 'Ajouter la mesure' }).click();
    await page.getByText('Mesure ajoutée.').waitFor();
    // A time the clocks skipped in Paris.
    await page.getByLabel('Valeur').fill('6,1');
    await page.getByLabel('Date et heure').fill('2025-03-30T02:30');
    await page.getByRole('button', { name: 'Ajouter la mesure' }).click();
    await page.getByText('Cette heure n’existe pas ce jour-là (passage à l’heure d’été). Choisissez une autre heure.').waitFor();

    // A CSV no importer knows: its columns are pointed out once, then remembered.
    const own = 'quand;sucre;note\n2025-03-18 08:00;104;matin\n2025-03-19 08:05;98;\n2025-03-20 07:55;112;\n';
    await picker.setInputFiles({ name: 'carnet-papier.csv', mimeType: 'text/csv', buffer: Buffer.from(own) });
    await page.getByRole('heading', { name: 'Colonnes de « carnet-papier.csv »' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Colonne de la date et de l’heure').selectOption('quand');
    await page.getByLabel('Forme de la date').selectOption('iso');
    await page.getByLabel('Colonne de la valeur').selectOption('sucre');
    await page.locator('#map-unit').selectOption('mg/dL');
    await page.getByRole('button', { name: 'Lire le fichier avec ces colonnes' }).click();
    await page.getByText('Fichier reconnu : CSV (vos colonnes).').waitFor();
    await page.getByRole('button', { name: 'Importer 3 mesures' }).click();
    await page.getByText('3 mesures ajoutées.').waitFor();
    await picker.setInputFiles({ name: 'carnet-papier-2.csv', mimeType: 'text/csv', buffer: Buffer.from(own) });
    await page.getByText('Réglages repris de votre dernier fichier du même modèle.').waitFor();
    expect(await page.getByLabel('Colonne de la valeur').inputValue()).toBe('sucre');

    // Weight: the trend over the period, then the BMI once the height is known.
    await page.getByRole('link', { name: 'Poids' }).click();
    const summary = page.getByTestId('weight-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toBe('19 pesées : de 73,6 kg à 71,9 kg, soit -1,8 kg sur la période (minimum 71,9 kg, maximum 73,6 kg).');
    await page.getByText('Indiquez votre taille pour voir votre IMC.').waitFor();
    await page.getByLabel('Taille (cm)').fill('170');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('[data-metric="bmi"]').waitFor();
    expect(await page.locator('[data-metric="bmi"]').textContent()).toBe('IMC de la dernière pesée : 24,9 kg/m² (corpulence normale, classes de l’OMS).');
    await page.locator('.weight-report canvas').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The glucose report: only finger-sticks here, which do not make a sensor profile.
    await page.getByRole('link', { name: 'Glycémie' }).click();
    await page.getByText('Aucune mesure du capteur sur cette période (4 glycémies capillaires, scans ou saisies, qui ne font pas le profil).').waitFor();
    expect(await recorded.cspViolations(page)).toEqual([]);
  });
});
