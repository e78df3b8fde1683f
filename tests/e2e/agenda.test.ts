/**
 * The agenda in the built app, as a patient uses it: an appointment created with a reminder, whose
 * system notification is constructed when its moment comes (the page's clock is set by the test,
 * and window.Notification is wrapped to record each one); a booking confirmation imported from an
 * .ics file, and again without a duplicate; a broken file explained line by line; the month grid
 * driven with the keyboard; every agenda view axe-clean in French and in English.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, createProfileThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();
const fixture = (name: string) => new URL(`../fixtures/ics/${name}`, import.meta.url).pathname;

/** Records every notification the page constructs, before any script of the app runs. */
function recordNotifications() {
  const Original = window.Notification;
  const calls: { title: string; body: string | undefined }[] = [];
  (window as unknown as { __notifications: typeof calls }).__notifications = calls;
  class Recording extends Original {
    constructor(title: string, options?: NotificationOptions) {
      calls.push({ title, body: options?.body });
      super(title, options);
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Original.permission });
  Object.defineProperty(Recording, 'requestPermission', { value: (...args: Parameters<typeof Notification.requestPermission>) => Original.requestPermission(...args) });
  window.Notification = Recording;
}

const notifications = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string }[] }).__notifications);

async function expectAxeClean(page: Page, where: string) {
  const violations = await axeViolations(page);
  expect(violations, where).toEqual([]);
}

describe('the agenda in the browser', () => {
  it('reminds, imports .ics files, and stays accessible in French and English', async () => {
    const { carnet, context, page, recorded } = await open();
    const failures = () => recorded.consoleMessages.filter((message) => message.startsWith('error') || message.startsWith('pageerror'));
    await context.grantPermissions(['notifications'], { origin: carnet.url });
    await context.addInitScript(recordNotifications);
    // A fixed clock: Monday 23 November 2026, 09:44 in Paris. It moves only when the test moves it,
    // and never far (a jump longer than the inactivity delay would lock the vault).
    await page.clock.setFixedTime(new Date('2026-11-23T08:44:00Z'));
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Léa');
    await page.getByRole('link', { name: 'Agenda', exact: true }).click();
    await page.getByRole('heading', { name: 'Rendez-vous à venir' }).waitFor();
    await page.getByText('Carnet n’a pas de serveur de notifications', { exact: false }).waitFor();
    await page.getByText('Notifications autorisées sur cet appareil.').waitFor();
    await page.getByText('Aucun rendez-vous à venir.').waitFor();
    await expectAxeClean(page, 'empty upcoming list (fr)');

    // An appointment at 10:00 today, reminded 15 minutes before.
    await page.getByRole('button', { name: 'Nouveau rendez-vous' }).click();
    await page.getByLabel('Intitulé').fill('Prise de sang');
    await page.getByLabel('Date', { exact: true }).fill('2026-11-23');
    await page.getByLabel('Heure', { exact: true }).fill('10:00');
    await page.getByLabel('Lieu').fill('Laboratoire, 4 place Carnot');
    await page.getByRole('button', { name: 'Ajouter un rappel' }).click();
    await page.getByLabel('Rappel 1').selectOption('15');
    await expectAxeClean(page, 'event form (fr)');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: 'Prise de sang' }).waitFor();
    await page.getByText('lundi 23 novembre 2026, 10:00').waitFor();
    await page.getByText('15 minutes avant').waitFor();
    await expectAxeClean(page, 'event page (fr)');
    expect(await notifications(page)).toEqual([]);

    // The reminder's moment comes: the scheduler (every 15 s) constructs the notification.
    await page.clock.setFixedTime(new Date('2026-11-23T08:45:05Z'));
    await expect.poll(() => notifications(page), { timeout: 40_000, interval: 500 }).toEqual([
      { title: 'Prise de sang', body: 'lundi 23 novembre 2026 10:00 (15 minutes avant) — Laboratoire, 4 place Carnot' },
    ]);

    // Import a booking confirmation: preview, then one new appointment.
    await page.getByRole('link', { name: 'Importer', exact: true }).click();
    await page.getByTestId('ics-picker').setInputFiles(fixture('booking-confirmation-paris.ics'));
    await page.getByText('1 nouveau, 0 modifié, 0 déjà présent.').waitFor();
    await page.getByText('Consultation Dr Élise Marchand (cardiologue)').waitFor();
    await expectAxeClean(page, 'import preview (fr)');
    await page.getByRole('button', { name: 'Importer 1 rendez-vous' }).click();
    await page.getByText('Import terminé : 1 rendez-vous ajouté, 0 mis à jour.').waitFor();
    // The same file again: nothing new, nothing ticked.
    await page.getByTestId('ics-picker').setInputFiles(fixture('booking-confirmation-paris.ics'));
    await page.getByText('Ce fichier n’apporte rien de nouveau : tout est déjà dans votre carnet.').waitFor();
    expect(await page.getByRole('button', { name: 'Rien à importer' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Annuler' }).click();

    // A broken file: every problem in words, nothing stored without the patient's agreement.
    await page.getByTestId('ics-picker').setInputFiles(fixture('broken.ics'));
    await page.getByText('Ligne 13 : fuseau horaire inconnu « Romance Standard Time » ; l’heure sera lue dans votre fuseau (Europe/Paris).').waitFor();
    await page.getByText('Ligne 6 : heure sans fuseau horaire ; elle sera lue dans votre fuseau (Europe/Paris).').waitFor();
    await page.getByText('Ligne 9 : ligne illisible', { exact: false }).waitFor();
    await page.getByText('Pas de date de début (DTSTART)', { exact: false }).waitFor();
    await expectAxeClean(page, 'broken import preview (fr)');
    await page.getByRole('button', { name: 'Importer 4 rendez-vous' }).click();
    await page.getByText('cochez d’abord la case d’accord', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByTestId('ics-picker').setInputFiles(fixture('not-a-calendar.ics'));
    await page.getByText('Ce fichier n’est pas un agenda iCalendar (.ics)', { exact: false }).waitFor();

    // Both appointments in the upcoming list and the month grid, which the keyboard drives.
    await page.getByRole('link', { name: 'À venir' }).click();
    await page.getByRole('link', { name: 'Consultation Dr Élise Marchand (cardiologue)' }).waitFor();
    await page.getByRole('link', { name: 'Mois', exact: true }).click();
    await page.getByRole('heading', { name: /novembre 2026/ }).waitFor();
    await page.getByRole('button', { name: 'lundi 23 novembre 2026, 2 rendez-vous' }).waitFor();
    await expectAxeClean(page, 'month (fr)');
    await page.locator('.month-day[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-day'))).toBe('2026-11-24');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Semaine du/ }).waitFor();
    await expectAxeClean(page, 'week (fr)');

    // The same views in English.
    await page.goto(`${carnet.url}#/settings`);
    await page.locator('#language').selectOption('en');
    await page.goto(`${carnet.url}#/agenda`);
    await page.getByRole('heading', { name: 'Upcoming appointments' }).waitFor();
    await page.getByText('Carnet has no notification server', { exact: false }).waitFor();
    await expectAxeClean(page, 'upcoming (en)');
    await page.goto(`${carnet.url}#/agenda/month/2026-11`);
    await page.getByRole('button', { name: /^Monday,? 23 November 2026, 2 appointments$/ }).waitFor();
    await expectAxeClean(page, 'month (en)');
    await page.goto(`${carnet.url}#/agenda/new`);
    await page.getByRole('heading', { name: 'New appointment' }).waitFor();
    await expectAxeClean(page, 'form (en)');
    await page.goto(`${carnet.url}#/agenda/import`);
    await page.getByTestId('ics-picker').setInputFiles(fixture('broken.ics'));
    await page.getByText('Line 13: unknown time zone “Romance Standard Time”', { exact: false }).waitFor();
    await expectAxeClean(page, 'import preview (en)');
    expect(failures()).toEqual([]);
    expect(await recorded.cspViolations(page)).toEqual([]);
  });
});
