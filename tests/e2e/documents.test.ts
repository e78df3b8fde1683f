/**
 * The medical record as a patient uses it, in the built app: files added by the picker and by drag
 * and drop with their progress, a word found only inside a PDF, the PDF opened in the page, the
 * document hidden, trashed and restored, and "download my data" checked file by file.
 */
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, STRONG, useBrowser } from './harness.ts';

const { open } = useBrowser();

async function pdfBytes(lines: readonly string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 24, size: 16, font }));
  pdf.addPage([595, 842]).drawText('Page deux', { x: 50, y: 780, size: 16, font });
  return Buffer.from(await pdf.save());
}

function pngBytes(): Buffer {
  const png = new PNG({ width: 64, height: 48 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = 30;
    png.data[i + 1] = 120;
    png.data[i + 2] = 200;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

describe('documents in the browser', () => {
  it('adds by picker and by drop, finds a word inside a PDF, opens, hides, trashes, restores and downloads it all', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.getByRole('link', { name: 'Ouvrir mes documents' }).click();
    await page.waitForURL(/#\/documents$/);
    await page.getByText('Aucun document pour l’instant. Ajoutez-en un pour commencer.').waitFor();

    // The picker, several files at once, each with its own progress.
    const pdf = await pdfBytes(['Compte rendu de cardiologie', 'Echographie transthoracique', 'Fraction d’ejection conservee']);
    // A scan of 24 MB last long enough to watch its own bar move.
    const scan = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < scan.length; i += 4096) scan[i] = (i / 4096) & 0xff;
    await page.getByTestId('file-picker').setInputFiles([
      { name: 'Cardiologie_2024.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'radio-poignet.png', mimeType: 'image/png', buffer: pngBytes() },
      { name: 'irm-genou.dcm', mimeType: 'application/dicom', buffer: scan },
    ]);
    await page.locator('.import-queue').waitFor();
    // The overall bar, and the file's own bar while it is encrypted.
    await page.locator('.import-item .progress progress').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.import-queue > .progress progress').count()).toBe(1);
    await page.locator('.import-item a', { hasText: 'Ajouté' }).nth(2).waitFor({ timeout: 60_000 });

    // Drag and drop anywhere on the page.
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Notes du rendez-vous : contrôle dans six mois.'], 'rendez-vous.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('main', 'dragenter', { dataTransfer: dropped });
    await page.locator('.drop-overlay').waitFor();
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    await page.locator('.import-item a', { hasText: 'Ajouté' }).nth(3).waitFor({ timeout: 60_000 });
    expect(await page.locator('.drop-overlay').count()).toBe(0);
    expect(await page.locator('.import-item [role="alert"]').count()).toBe(0);

    // A word that exists only inside the PDF, typed without its accents.
    const list = page.getByRole('list', { name: 'Documents' });
    await list.getByRole('button').nth(3).waitFor();
    await page.locator('#document-search').fill('echographie transthor');
    await page.waitForFunction(() => document.querySelectorAll('[role="list"][aria-label="Documents"] [role="listitem"]').length === 1);
    await list.getByRole('button', { name: /Cardiologie 2024/ }).click();
    await page.waitForURL(/#\/documents\/[0-9a-f]{32}$/);
    expect(await page.locator('h1').textContent()).toBe('Cardiologie 2024');
    // pdf.js draws the page and lays its text out for selection.
    await page.locator('canvas').first().waitFor({ timeout: 30_000 });
    await page.getByText('Echographie transthoracique').first().waitFor({ timeout: 30_000 });
    expect(await axeViolations(page)).toEqual([]);

    // Hidden: never offered to a share, and said so.
    await page.getByRole('button', { name: 'Masquer ce document' }).click();
    await page.getByText('Masqué : ce document n’est jamais proposé dans un partage.').waitFor();
    await page.getByRole('button', { name: 'Mettre à la corbeille' }).click();
    await page.getByText(/Dans la corbeille : supprimé définitivement dans 30 jours/).waitFor();
    await page.getByRole('link', { name: 'Retour aux documents' }).click();
    await page.getByRole('link', { name: 'Corbeille (1)' }).click();
    await page.waitForURL(/#\/trash$/);
    await page.getByRole('heading', { level: 1, name: 'Corbeille' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Restaurer' }).click();
    await page.getByText('La corbeille est vide.').waitFor();
    await page.getByRole('link', { name: 'Retour aux documents' }).click();
    await list.getByRole('button').nth(3).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Mes documents' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Locked while reading a document, the patient comes back to it after the unlock.
    await list.getByRole('button', { name: /Cardiologie 2024/ }).click();
    await page.waitForURL(/#\/documents\/[0-9a-f]{32}$/);
    const reading = page.url();
    await page.locator('button.lock').click();
    await page.locator('input[autocomplete="current-password"]').fill(STRONG);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(reading, { timeout: 30_000 });
    expect(await page.locator('h1').first().textContent()).toBe('Cardiologie 2024');
    await page.getByRole('link', { name: 'Retour aux documents' }).click();
    await list.getByRole('button').nth(3).waitFor();

    // Download my data: only after saying the archive is not encrypted.
    const download = page.getByRole('button', { name: 'Télécharger mes données' });
    expect(await download.isDisabled()).toBe(true);
    await page.getByLabel('J’ai compris : ce fichier ne sera pas protégé.').check();
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), download.click()]);
    const path = await file.path();
    const zip = unzipSync(new Uint8Array(readFileSync(path)));
    const names = Object.keys(zip).sort();
    expect(names).toContain('bundle.json');
    const pdfPath = names.find((name) => name.endsWith('/Cardiologie_2024.pdf'));
    expect(pdfPath).toBeDefined();
    expect(Buffer.from(zip[pdfPath ?? ''] ?? new Uint8Array()).equals(pdf)).toBe(true);
    expect(names.some((name) => name.endsWith('/radio-poignet.png'))).toBe(true);
    expect(names.some((name) => name.endsWith('/rendez-vous.txt'))).toBe(true);
    expect(Buffer.from(zip[names.find((name) => name.endsWith('/irm-genou.dcm')) ?? ''] ?? new Uint8Array()).equals(scan)).toBe(true);
    const bundle = JSON.parse(strFromU8(zip['bundle.json'] ?? new Uint8Array())) as { resourceType: string; entry: { resource: { resourceType: string; content: { attachment: { url: string; size: number } }[] } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual(['DocumentReference', 'DocumentReference', 'DocumentReference', 'DocumentReference']);
    for (const entry of bundle.entry)
      for (const content of entry.resource.content) expect(zip[decodeURIComponent(content.attachment.url)]?.length).toBe(content.attachment.size);

    expect(await recorded.cspViolations(page)).toEqual([]);
    expect(recorded.requests.filter((url) => !url.startsWith(`${carnet.origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
    expect(recorded.consoleMessages.filter((message) => message.startsWith('pageerror') || /Content Security Policy|Refused to/i.test(message))).toEqual([]);
  });
});
