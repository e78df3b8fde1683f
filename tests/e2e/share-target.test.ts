/**
 * The Web Share Target of the installed app, as a patient meets it: with the vault locked, files
 * shared to Carnet are posted to /share-target (here by a form the page submits, a POST navigation
 * as the operating system makes it), the service worker seals them at once to the inbox key, and
 * the patient is told so in their language. The vault database then holds ciphertext only; after
 * unlocking, the files are offered in the documents screen, to be filed or discarded.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, STRONG, useBrowser, waitForServiceWorker } from './harness.ts';

const { open } = useBrowser();

interface SharedFile {
  readonly name: string;
  readonly type: string;
  readonly text: string;
}

/**
 * Submits a share as the operating system does: a multipart POST navigation to the manifest's
 * share_target action, which only the service worker answers (the server refuses a POST there).
 */
async function shareToCarnet(page: Page, files: readonly SharedFile[], fields: Record<string, string> = {}): Promise<void> {
  await page.evaluate(
    (share) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.enctype = 'multipart/form-data';
      form.action = '/share-target';
      form.hidden = true;
      const input = document.createElement('input');
      input.type = 'file';
      input.name = 'files';
      input.multiple = true;
      const transfer = new DataTransfer();
      for (const file of share.files) transfer.items.add(new File([file.text], file.name, { type: file.type }));
      input.files = transfer.files;
      form.append(input);
      for (const [name, value] of Object.entries(share.fields)) {
        const field = document.createElement('input');
        field.type = 'hidden';
        field.name = name;
        field.value = value;
        form.append(field);
      }
      document.body.append(form);
      form.submit();
    },
    { files, fields },
  );
}

/** Every row of the inbox tables of the one vault database, as hex, read with IndexedDB itself. */
async function inboxRows(page: Page): Promise<{ items: { id: string; header: string }[]; chunks: string[]; documents: number }> {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((db) => db.name).find((candidate) => candidate?.startsWith('carnet-vault-'));
    if (name === undefined) throw new Error('no vault database');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    const items = (await all('inbox')) as { id: string; header: Uint8Array }[];
    const chunks = (await all('inboxChunks')) as Uint8Array[];
    const records = (await all('records')) as { kind: string }[];
    db.close();
    return {
      items: items.map((item) => ({ id: item.id, header: hex(item.header) })),
      chunks: chunks.map(hex),
      documents: records.filter((record) => record.kind === 'document').length,
    };
  });
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('sharing files to the installed app', () => {
  it('seals a share at once while locked, says so, and offers it for filing after unlock', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.locator('button.lock').click();
    await page.locator('input[autocomplete="current-password"]').waitFor();
    await waitForServiceWorker(page);

    const report = 'Compte rendu IRM du genou droit, Dr Martin : pas de lésion méniscale. '.repeat(50);
    await shareToCarnet(page, [
      { name: 'compte-rendu-irm.txt', type: 'text/plain', text: report },
      { name: 'photo-ordonnance.png', type: 'image/png', text: 'not really a picture' },
    ]);
    await page.waitForURL(/#\/share-received\?count=2&profile=[0-9a-f]+$/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Partage reçu' }).waitFor();
    await page.getByText('2 fichiers ont été reçus et chiffrés dans le carnet de Léa.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Sealed at rest: two items, their chunks, and not a byte of the contents or the names.
    const rows = await inboxRows(page);
    expect(rows.items).toHaveLength(2);
    expect(rows.chunks).toHaveLength(2);
    const stored = [...rows.items.map((item) => item.header), ...rows.chunks].join(' ');
    for (const plaintext of [report.slice(0, 40), 'compte-rendu-irm', 'photo-ordonnance', 'not really a picture', 'text/plain']) {
      expect(stored).not.toContain(hexOf(plaintext));
    }

    await page.getByRole('link', { name: 'Déverrouiller le carnet de Léa' }).click();
    await page.locator('input[autocomplete="current-password"]').fill(STRONG);
    await page.locator('.unlock-form button[type="submit"]').click();
    await page.waitForURL(/#\/vault$/, { timeout: 30_000 });

    // Mounted by the lead in Documents.
    await page.goto(`${carnet.origin}/#/documents`);
    const offer = page.getByRole('region', { name: '2 fichiers reçus à classer' });
    await offer.waitFor({ timeout: 30_000 });
    await offer.getByText('compte-rendu-irm.txt').waitFor();
    await offer.getByText('photo-ordonnance.png').waitFor();

    // Discarding asks first; "Keep" keeps.
    const photo = offer.getByRole('listitem').filter({ hasText: 'photo-ordonnance.png' });
    await photo.getByRole('button', { name: 'Supprimer' }).click();
    await photo.getByText('Supprimer « photo-ordonnance.png » ? Il ne pourra pas être récupéré.').waitFor();
    await photo.getByRole('button', { name: 'Garder' }).click();
    expect((await inboxRows(page)).items).toHaveLength(2);
    await photo.getByRole('button', { name: 'Supprimer' }).click();
    await photo.getByRole('group').getByRole('button', { name: 'Supprimer' }).click();
    await page.getByRole('region', { name: '1 fichier reçu à classer' }).waitFor();
    expect((await inboxRows(page)).items).toHaveLength(1);

    await page.getByRole('button', { name: 'Classer dans mon dossier' }).click();
    await page.getByText('« compte-rendu-irm.txt » a été classé dans votre dossier.').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Classer dans mon dossier' }).count()).toBe(0);
    const after = await inboxRows(page);
    expect(after.items).toEqual([]);
    expect(after.chunks).toEqual([]);
    expect(after.documents).toBe(1);
  });

  it('keeps a shared link as a small text file, and says so in English', async () => {
    const { carnet, page } = await open({ locale: 'en-GB' });
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Sam');
    await page.locator('button.lock').click();
    await waitForServiceWorker(page);
    await shareToCarnet(page, [], { title: 'Lab results', url: 'https://lab.example/r/123' });
    await page.waitForURL(/#\/share-received\?count=1&/, { timeout: 30_000 });
    await page.getByText('1 file was received and encrypted into Sam’s record.').waitFor();
    await page.getByText('They will be offered for filing in your record as soon as you unlock it.', { exact: false }).waitFor();
    const rows = await inboxRows(page);
    expect(rows.items).toHaveLength(1);
    expect(rows.chunks.join(' ')).not.toContain(hexOf('lab.example'));
  });

  it('keeps nothing when no profile can take the share, and says why', async () => {
    const { carnet, page } = await open();
    await page.goto(carnet.url);
    await waitForServiceWorker(page);
    await shareToCarnet(page, [{ name: 'analyse.txt', type: 'text/plain', text: 'glycémie 0,92 g/L' }]);
    await page.waitForURL(/#\/share-received\?status=no-profile$/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Partage non reçu' }).waitFor();
    await page.getByText('Rien n’a été reçu : aucun carnet n’a encore été ouvert sur cet appareil', { exact: false }).waitFor();
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases.filter((name) => name?.startsWith('carnet-vault-'))).toEqual([]);
  });
});
