/**
 * The health profile in a real vault: entries sealed one per record, the newest identity, dates
 * that cannot be refused with nothing written, proposed entries added all together or not at all,
 * and the emergency card in the clear only while the patient wants it on the lock screen.
 */
import { describe, expect, it } from 'vitest';
import { cardOf, createHealthProfile, refreshLockScreenCard, setLockScreenCard } from '../../src/app/health-profile.ts';
import type { EmergencyLabels } from '../../src/core/profile/emergency.ts';
import type { ProfileEntry } from '../../src/core/profile/entry.ts';
import { dumpDatabase, newVault, tamper, testDeps } from './support.ts';

const common = { note: '', documents: [] };
const identity: ProfileEntry = { section: 'identity', ...common, givenName: 'Léa', familyName: 'Martin', birthDate: '1990-02-03', sex: 'female', bloodGroup: 'O-' };
const allergy: ProfileEntry = { section: 'allergy', ...common, substance: 'Pénicilline', type: 'allergy', reaction: 'œdème', severity: 'severe', since: null, code: null };
const bcg: ProfileEntry = { section: 'vaccination', ...common, vaccine: 'VACCIN BCG SSI', targets: ['tuberculosis'], date: '1991', doseNumber: null, batch: '', performer: '', code: null };
const labels: EmergencyLabels = {
  title: 'EMERGENCY',
  born: 'born',
  bloodGroup: 'Blood group',
  allergies: 'Allergies',
  treatments: 'Treatments',
  conditions: 'Conditions',
  contacts: 'Contact',
  trusted: 'trusted',
  doctor: 'Doctor',
  none: 'none',
  severity: (severity) => severity,
  intolerance: 'intolerance',
  more: (count) => `+${count}`,
};

async function profileRecords(database: string): Promise<number> {
  const rows = await dumpDatabase(database);
  return (rows['records'] ?? []).filter((row) => (row as { kind: string }).kind === 'profile').length;
}

describe('health profile', () => {
  it('keeps each entry in its own sealed record and the newest identity', async () => {
    const session = await newVault();
    const profile = createHealthProfile(session);
    const first = await profile.save(identity);
    const second = await profile.save({ ...identity, givenName: 'Léa-Rose' });
    expect(first.ok && second.ok).toBe(true);
    expect((await profile.save(allergy)).ok).toBe(true);
    const snapshot = await profile.load();
    expect(snapshot.entries).toHaveLength(3);
    expect(snapshot.identity?.data).toMatchObject({ givenName: 'Léa-Rose' });
    expect(snapshot.damaged).toBe(0);
    expect(await profileRecords(session.profile.database)).toBe(3);
    session.lock();
  });

  it('refuses a birth in the future and a vaccination before birth, writing nothing', async () => {
    const session = await newVault();
    const profile = createHealthProfile(session);
    expect(await profile.save({ ...identity, birthDate: '2999-01-01' })).toEqual({ ok: false, error: { type: 'EntryImpossible', problems: [{ type: 'InFuture', field: 'birthDate' }] } });
    expect(await profileRecords(session.profile.database)).toBe(0);
    expect((await profile.save(identity)).ok).toBe(true);
    expect(await profile.save({ ...bcg, date: '1989-05' })).toEqual({ ok: false, error: { type: 'EntryImpossible', problems: [{ type: 'BeforeBirth', field: 'date' }] } });
    expect((await profile.save(bcg)).ok).toBe(true);
    // Moving the birth date after a recorded vaccination is refused too.
    const moved = await profile.save({ ...identity, birthDate: '1992-01-01' }, (await profile.load()).identity?.id);
    expect(moved).toMatchObject({ ok: false, error: { type: 'EntryImpossible' } });
    expect((await profile.load()).identity?.data.birthDate).toBe('1990-02-03');
    session.lock();
  });

  it('adds proposed entries together, skipping what is already there, or adds none', async () => {
    const session = await newVault();
    const profile = createHealthProfile(session);
    expect((await profile.save(identity)).ok).toBe(true);
    expect((await profile.save(bcg)).ok).toBe(true);
    const tetanus: ProfileEntry = { ...bcg, vaccine: 'VACCIN TETANIQUE PASTEUR', targets: ['tetanus'], date: '2009-09-28' } as ProfileEntry;
    expect(await profile.addAll([{ ...bcg, vaccine: 'Vaccin BCG SSI', date: '1991-04-02' } as ProfileEntry, tetanus])).toEqual({ ok: true, value: { added: 1, duplicates: 1 } });
    expect((await profile.load()).entries).toHaveLength(3);
    const before = await profileRecords(session.profile.database);
    const impossible = { ...tetanus, vaccine: 'ROR', targets: ['measles'], date: '1980' } as ProfileEntry;
    expect(await profile.addAll([{ ...tetanus, vaccine: 'Gardasil', targets: ['hpv'], date: '2010' } as ProfileEntry, impossible])).toMatchObject({ ok: false, error: { type: 'EntryImpossible' } });
    expect(await profileRecords(session.profile.database)).toBe(before);
    session.lock();
  });

  it('counts an altered entry as damaged instead of dropping it silently', async () => {
    const session = await newVault();
    const profile = createHealthProfile(session);
    const saved = await profile.save(allergy);
    if (!saved.ok) throw new Error(saved.error.type);
    await tamper(session.profile.database, 'records', (store) => {
      const request = store.get(saved.value);
      request.onsuccess = () => {
        const row = request.result as { envelope: Uint8Array };
        row.envelope[50] = (row.envelope[50] as number) ^ 1;
        store.put(row);
      };
    });
    const snapshot = await profile.load();
    expect(snapshot.entries).toHaveLength(0);
    expect(snapshot.damaged).toBe(1);
    session.lock();
  });

  it('stores the emergency card in the clear only while the patient wants it on the lock screen', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const profile = createHealthProfile(session);
    expect((await profile.save(identity)).ok).toBe(true);
    expect((await profile.save(allergy)).ok).toBe(true);
    // Off by default: refreshing writes nothing.
    await refreshLockScreenCard(session, labels);
    expect((await deps.registry.get(session.profile.id))?.emergencyCard).toBeUndefined();

    await setLockScreenCard(session, cardOf(await profile.load(), profile.today()), labels);
    expect((await deps.registry.get(session.profile.id))?.emergencyCard).toContain('- Pénicilline, severe, œdème');
    // A change to the profile reaches the lock-screen copy.
    expect((await profile.save({ ...allergy, substance: 'Arachide' })).ok).toBe(true);
    await refreshLockScreenCard(session, labels);
    expect((await deps.registry.get(session.profile.id))?.emergencyCard).toContain('- Arachide');
    // Turned off: the plaintext copy is gone from the registry.
    await setLockScreenCard(session, null, labels);
    const registered = await deps.registry.get(session.profile.id);
    expect(registered).toBeDefined();
    expect(Object.keys(registered ?? {})).not.toContain('emergencyCard');
    session.lock();
  });
});
