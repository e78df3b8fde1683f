/**
 * Prevention reminders in the built app: a woman in her fifties sees breast screening overdue
 * with its official source, turns it into an appointment in the agenda, records a booster as
 * done (which adds the vaccination to her profile), and dismisses a reminder she can put back.
 */
import { describe, expect, it } from 'vitest';
import { axeViolations, createProfileThroughUi, useBrowser } from './harness.ts';

const { open } = useBrowser();

describe('prevention reminders in the browser', () => {
  it('lists reminders with their source, schedules one, records one as done and dismisses one', async () => {
    const { carnet, page, recorded } = await open();
    await page.goto(carnet.url);
    await createProfileThroughUi(page, 'Anne');
    await page.getByRole('link', { name: 'Prévention', exact: true }).click();
    await page.getByText('Indiquez votre date de naissance dans votre profil pour voir vos rappels.').waitFor();
    await page.getByRole('link', { name: 'Compléter mon identité' }).click();
    await page.getByLabel('Prénom').fill('Anne');
    await page.getByLabel('Date de naissance').fill('1970-06-15');
    await page.getByLabel('Sexe').selectOption('female');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: 'Identité', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Prévention', exact: true }).click();
    const breast = page.locator('.prevention-item', { hasText: 'Dépistage du cancer du sein (mammographie)' });
    await breast.waitFor();
    expect(await breast.getAttribute('data-status')).toBe('overdue');
    await breast.getByText('Sources (4)').click();
    await breast.getByRole('link', { name: /Dépistage gratuit du cancer du sein/ }).waitFor();
    expect(await breast.getByRole('link', { name: /Dépistage gratuit du cancer du sein/ }).getAttribute('href')).toContain('ameli.fr');
    expect(await axeViolations(page)).toEqual([]);

    // Dismissed, then put back.
    const colorectal = page.locator('.prevention-item', { hasText: 'Dépistage du cancer colorectal' });
    await colorectal.getByRole('button', { name: 'Ignorer' }).click();
    await page.getByText('1 rappel ignoré').waitFor();
    await page.getByText('1 rappel ignoré').click();
    await page.locator('.dismissed .prevention-item', { hasText: 'Dépistage du cancer colorectal' }).getByRole('button', { name: 'Remettre dans la liste' }).click();
    await page.getByText(/est de nouveau dans la liste/).waitFor();
    expect(await page.getByText('1 rappel ignoré').count()).toBe(0);

    // The 45-year booster, recorded as done: the vaccination lands in the profile.
    const booster = page.locator('.prevention-item', { hasText: 'Rappel diphtérie, tétanos, polio (45 ans)' });
    await booster.getByRole('button', { name: 'C’est fait' }).click();
    await booster.getByLabel('Vacciné(e) le').fill('2016-03-01');
    await booster.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Enregistré : Rappel diphtérie, tétanos, polio (45 ans).').waitFor();
    expect(await page.locator('.prevention-item', { hasText: 'Rappel diphtérie, tétanos, polio (45 ans)' }).count()).toBe(0);

    // Breast screening becomes an appointment.
    await breast.getByRole('button', { name: 'Prendre rendez-vous' }).click();
    await breast.getByLabel('Jour du rendez-vous').fill('2027-01-15');
    await breast.getByLabel('Heure').fill('10:30');
    await breast.getByRole('button', { name: 'Créer le rendez-vous' }).click();
    await page.waitForURL(/#\/agenda\/event\/[0-9a-f]{32}$/);
    await page.getByText('Dépistage du cancer du sein (mammographie)').first().waitFor();

    await page.getByRole('link', { name: 'Profil santé', exact: true }).click();
    await page.getByRole('link', { name: /^Rappel diphtérie, tétanos, polio · 2016-03-01 · Diphtérie, Tétanos, Poliomyélite$/ }).waitFor();
    expect(await recorded.cspViolations(page)).toEqual([]);
  });
});
