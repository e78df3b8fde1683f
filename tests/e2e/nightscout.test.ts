/**
 * A live Nightscout pull in the built app, against the loopback Nightscout of
 * tests/support/nightscout-server.ts serving the fixture files (Loop's capture with its
 * near-duplicates and fractional dates, Nightscout's example with string values, status codes
 * and a gap). Carnet is started with that origin in its CSP (CARNET_CONNECT_SRC), as a patient's
 * https site would be allowed by `connect-src https:`.
 *
 * The patient types a wrong token, meets a site that blocks cross-origin reads and one that is
 * down, each with what to change; connects; pulls the history; sees the preview; commits; pulls
 * again and gets nothing new; then a new reading appears on the site and the incremental pull
 * brings just that one. Forgetting the site erases it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nightscoutToReadings } from '../../src/core/readings/importers/nightscout.ts';
import { OVERLAP_MS } from '../../src/core/readings/nightscout-api.ts';
import { fixtureEntries, READ_TOKEN, startNightscoutServer, type NightscoutTestServer } from '../support/nightscout-server.ts';
import type { Browser, Page } from 'playwright-core';
import { createCleanup, createProfileThroughUi, launchChromium, newContext, startCarnet, STRONG, unlockThroughUi, type Carnet } from './harness.ts';

const cleanup = createCleanup();
let browser: Browser;
let nightscout: NightscoutTestServer;
let carnet: Carnet;

beforeAll(async () => {
  nightscout = cleanup.add(await startNightscoutServer());
  // startCarnet passes its environment on to the server: the loopback site joins connect-src.
  const before = process.env['CARNET_CONNECT_SRC'];
  process.env['CARNET_CONNECT_SRC'] = nightscout.origin;
  try {
    carnet = cleanup.add(await startCarnet(inject('buildA')));
  } finally {
    if (before === undefined) delete process.env['CARNET_CONNECT_SRC'];
    else process.env['CARNET_CONNECT_SRC'] = before;
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await cleanup.run();
});

/** Where `secret` appears in clear (UTF-8) in the origin's IndexedDB databases or localStorage. */
function plaintextHits(page: Page, secret: string): Promise<string[]> {
  return page.evaluate(async (needle) => {
    const bytes = new TextEncoder().encode(needle);
    const hasBytes = (view: Uint8Array) => {
      outer: for (let start = 0; start + bytes.length <= view.length; start++) {
        for (let index = 0; index < bytes.length; index++) if (view[start + index] !== bytes[index]) continue outer;
        return true;
      }
      return false;
    };
    const found = (value: unknown, depth = 0): boolean => {
      if (depth > 6 || value === null || value === undefined) return false;
      if (typeof value === 'string') return value.includes(needle);
      if (value instanceof ArrayBuffer) return hasBytes(new Uint8Array(value));
      if (ArrayBuffer.isView(value)) return hasBytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      if (value instanceof Blob) return false;
      if (typeof value === 'object') return Object.values(value).some((item) => found(item, depth + 1));
      return false;
    };
    const hits: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (info.name === undefined) continue;
      const request = indexedDB.open(info.name);
      const db = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)));
      for (const store of Array.from(db.objectStoreNames)) {
        const all = db.transaction(store).objectStore(store).getAll();
        const rows = await new Promise<unknown[]>((resolve) => (all.onsuccess = () => resolve(all.result)));
        if (rows.some((row) => found(row))) hits.push(`${info.name}/${store}`);
      }
      db.close();
    }
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index) ?? '';
      if (found(localStorage.getItem(key))) hits.push(`localStorage/${key}`);
    }
    return hits;
  }, secret);
}

describe('a live Nightscout site', () => {
  it('connects, explains each refusal, pulls the history, then only what is new', async () => {
    const expected = nightscoutToReadings(fixtureEntries(), { timeZone: 'Europe/Paris' });
    if (!expected.ok) throw new Error('the fixtures hold readings');
    const readings = expected.value.series[0]?.readings ?? [];
    const latest = Math.max(...fixtureEntries().map((entry) => Number(entry['date'])));

    const { context, recorded } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.getByRole('link', { name: 'Mesures', exact: true }).click();
    await page.getByRole('link', { name: 'Ajouter' }).click();
    const section = page.locator('.nightscout-sync');
    await section.getByRole('heading', { name: 'Site Nightscout' }).waitFor();

    const connect = async (token: string) => {
      await section.getByLabel('Adresse du site').fill(nightscout.origin);
      await section.getByLabel('Jeton d’accès', { exact: true }).fill(token);
      await section.getByRole('button', { name: 'Tester la connexion' }).click();
    };

    // A token the site does not know.
    await connect('wrong-0000000000000000');
    await section.getByText('Le site refuse ce jeton.', { exact: false }).waitFor();

    // A site that answers without CORS headers: the fix is on the site.
    nightscout.mode.cors = false;
    await connect(READ_TOKEN);
    await section.getByText('ajoutez cors à la variable ENABLE', { exact: false }).waitFor();
    nightscout.mode.cors = true;

    // A site that is down.
    nightscout.mode.down = true;
    await connect(READ_TOKEN);
    await section.getByText('Le site ne répond pas.', { exact: false }).waitFor();
    nightscout.mode.down = false;

    // Connected, through API v3.
    await connect(READ_TOKEN);
    // (API v3's status carries no site name.)
    await section.getByText('Connecté à votre site (Nightscout 15.0.2), par l’API v3.', { exact: false }).waitFor();
    await section.getByText('le premier rapatrie tout l’historique', { exact: false }).waitFor();
    // The token went only to the site the patient named, never anywhere else.
    const withToken = recorded.requests.filter((url) => url.includes(encodeURIComponent(READ_TOKEN)) || url.includes(READ_TOKEN));
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.filter((url) => !url.startsWith(`${nightscout.origin}/`))).toEqual([]);

    // The whole history, previewed: entries, text values, the gap, what is left out.
    await section.getByRole('button', { name: 'Relever maintenant' }).click();
    await section.getByText(`${fixtureEntries().length} entrées reçues du site.`).waitFor();
    await section.getByText('30 valeurs envoyées sous forme de texte', { exact: false }).waitFor();
    await section.getByText('de plus de 30 minutes sans mesure du capteur', { exact: false }).waitFor();
    await section.getByText(`${readings.length} nouvelles mesures à ajouter`).waitFor();
    await section.getByRole('button', { name: `Importer ${readings.length} mesures` }).click();
    await section.getByText(`${readings.length} mesures ajoutées depuis le site.`).waitFor();
    await section.getByText('Dernier relevé enregistré', { exact: false }).waitFor();

    // Again: only the overlap comes back, and the vault already holds it.
    await section.getByRole('button', { name: 'Relever maintenant' }).click();
    await section.getByText('Rien de nouveau sur le site depuis le dernier relevé.').waitFor();
    const incremental = nightscout.requests.filter((path) => path.startsWith('/api/v3/entries?limit=1000')).at(-1) ?? '';
    expect(incremental).toContain(`date$gt=${Math.floor(latest - OVERLAP_MS)}`);

    // A new reading on the site, and a value the site holds as unreadable text: the incremental
    // pull brings just those two, and the good one is stored only once the patient agrees to
    // leave the other behind.
    const next = latest + 5 * 60_000;
    nightscout.add({ type: 'sgv', sgv: 131, direction: 'Flat', date: next, dateString: new Date(next).toISOString(), device: 'Dexcom G6 SERIAL' });
    nightscout.add({ type: 'sgv', sgv: 'ERR', date: next + 5 * 60_000, dateString: new Date(next + 5 * 60_000).toISOString(), device: 'Dexcom G6 SERIAL' });
    await section.getByRole('button', { name: 'Relever maintenant' }).click();
    await section.getByText('1 nouvelle mesure à ajouter').waitFor();
    const importOne = section.getByRole('button', { name: 'Importer 1 mesure', exact: true });
    expect(await importOne.isDisabled()).toBe(true);
    // Cancelling stores nothing and leaves the cursor where it was: the same pull comes back.
    await section.getByRole('button', { name: 'Annuler' }).click();
    await section.getByRole('button', { name: 'Relever maintenant' }).click();
    await section.getByText('1 nouvelle mesure à ajouter').waitFor();
    await section.getByLabel('1 lignes sont illisibles', { exact: false }).check();
    await importOne.click();
    await section.getByText('1 mesure ajoutée depuis le site.').waitFor();

    expect(await recorded.cspViolations(page)).toEqual([]);

    // Sealed: the token is nowhere in clear in the origin's storage...
    expect(await plaintextHits(page, READ_TOKEN)).toEqual([]);
    // (The scan does find what is stored in clear: the profile's label, by design.)
    expect(await plaintextHits(page, 'Léa')).not.toEqual([]);
    // ...and the site, its API and its cursor come back after a reload and an unlock.
    await page.reload();
    await unlockThroughUi(page, 'Léa', STRONG);
    await page.getByRole('link', { name: 'Mesures', exact: true }).click({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Ajouter' }).click();
    await section.getByText(`Site : ${nightscout.origin.replace('http://', '')} (API v3).`).waitFor();
    await section.getByText('Dernier relevé enregistré', { exact: false }).waitFor();
    await section.getByRole('button', { name: 'Relever maintenant' }).click();
    await section.getByText('Rien de nouveau sur le site depuis le dernier relevé.').waitFor();

    // Forgetting the site erases it; the readings stay.
    await section.getByRole('button', { name: 'Oublier ce site' }).click();
    await section.getByText('Site oublié', { exact: false }).waitFor();
    await section.getByLabel('Adresse du site').waitFor();
    await context.close();
  });
});
