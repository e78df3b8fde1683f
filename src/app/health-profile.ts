/**
 * The health profile's use cases: entries sealed one per record (so two devices editing different
 * entries never overwrite each other), the identity as the newest identity entry, the checks a
 * form cannot make alone (born in the future, vaccinated before birth), a batch of proposed
 * entries added all at once or not at all, and the emergency card, stored in the clear only when
 * the patient asks for it on the lock screen.
 */
import { dateText, instantToWall } from '../core/agenda/calendar.ts';
import { emergencyCard, emergencyText, type EmergencyCard, type EmergencyLabels } from '../core/profile/emergency.ts';
import { entryProblems, profileEntryCodec, type EntryProblem, type IdentityEntry, type ProfileEntry } from '../core/profile/entry.ts';
import { planProfileImport } from '../core/profile/ips-import.ts';
import type { RecordId } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createRepository, type RecordError, type StoredRecord } from './records.ts';
import type { VaultSession } from './session.ts';

export type ProfileError = RecordError | { readonly type: 'EntryImpossible'; readonly problems: readonly EntryProblem[] };

export interface ProfileSnapshot {
  readonly entries: readonly StoredRecord<ProfileEntry>[];
  /** The newest identity entry: two devices may each have written one before syncing. */
  readonly identity: StoredRecord<IdentityEntry> | null;
  /** Entries that did not open: shown as damaged, never dropped silently. */
  readonly damaged: number;
}

/** The day in the patient's zone (the browser's when none is given), `YYYY-MM-DD`. */
export function localDay(now: number, timeZone?: string): string {
  return dateText(instantToWall(now, timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone).day);
}

/**
 * `timeZone` is the patient's zone setting: "today", for the calendar checks, is the day there
 * (the browser's zone by default).
 */
export function createHealthProfile(session: VaultSession, timeZone: () => string | undefined = () => undefined) {
  const repository = createRepository(session, profileEntryCodec);
  const today = () => localDay(session.deps.clock.now(), timeZone());

  async function load(): Promise<ProfileSnapshot> {
    const { records, failures } = await repository.list();
    const identities = records.filter((record): record is StoredRecord<IdentityEntry> => record.data.section === 'identity');
    const identity = identities.reduce<StoredRecord<IdentityEntry> | null>((newest, record) => (newest === null || record.hlc > newest.hlc ? record : newest), null);
    return { entries: records, identity, damaged: failures.length };
  }

  async function problemsOf(entry: ProfileEntry, birthDate?: string | null): Promise<EntryProblem[]> {
    const day = today();
    const birth = birthDate !== undefined ? birthDate : (await load()).identity?.data.birthDate ?? null;
    const problems = entryProblems(entry, day, entry.section === 'identity' ? null : birth);
    // A new birth date must not leave recorded vaccinations before it.
    if (entry.section === 'identity' && entry.birthDate !== null) {
      const born = entry.birthDate;
      const { entries } = await load();
      if (entries.some((record) => record.data.section !== 'identity' && entryProblems(record.data, day, born).some((problem) => problem.type === 'BeforeBirth')))
        problems.push({ type: 'BeforeBirth', field: 'birthDate' });
    }
    return problems;
  }

  return {
    load,
    /** Saves an entry (a new one, or `id` replaced) after the calendar checks. */
    async save(entry: ProfileEntry, id?: RecordId): Promise<Result<RecordId, ProfileError>> {
      const problems = await problemsOf(entry);
      if (problems.length > 0) return err({ type: 'EntryImpossible', problems });
      return repository.put(entry, id);
    },
    async remove(id: RecordId): Promise<Result<void, ProfileError>> {
      return repository.remove(id);
    },
    /**
     * Adds proposed entries (from an IPS bundle or a CDA document) that are not already here:
     * every one is checked first, and a refusal adds none.
     */
    async addAll(proposed: readonly ProfileEntry[]): Promise<Result<{ added: number; duplicates: number }, ProfileError>> {
      // Planned and written as the profile's only writer: two tabs adding the same summary at
      // once add it once.
      return session.exclusive(async (): Promise<Result<{ added: number; duplicates: number }, ProfileError>> => {
        const snapshot = await load();
        const plan = planProfileImport(snapshot.entries.map((record) => record.data), proposed);
        const birth = snapshot.identity?.data.birthDate ?? null;
        for (const entry of plan.add) {
          const problems = entryProblems(entry, today(), entry.section === 'identity' ? null : birth);
          if (problems.length > 0) return err({ type: 'EntryImpossible', problems });
        }
        const written = await repository.putMany(plan.add);
        if (!written.ok) return written;
        return ok({ added: plan.add.length, duplicates: plan.duplicates.length });
      });
    },
    problemsOf,
    today,
  };
}

export type HealthProfileStore = ReturnType<typeof createHealthProfile>;

/** The newest height in the profile's measurements, in centimetres, or null. */
export function latestHeight(snapshot: ProfileSnapshot): number | null {
  let best: { date: string; hlc: string; value: number } | null = null;
  for (const record of snapshot.entries) {
    const entry = record.data;
    if (entry.section !== 'measurement' || entry.type !== 'height') continue;
    if (best === null || entry.date > best.date || (entry.date === best.date && record.hlc > best.hlc)) best = { date: entry.date, hlc: record.hlc, value: entry.value };
  }
  return best?.value ?? null;
}

/** The entries as one profile: the newest identity only, then every other entry. */
export function profileEntries(snapshot: ProfileSnapshot): ProfileEntry[] {
  const entries = snapshot.entries.map((record) => record.data).filter((entry) => entry.section !== 'identity');
  return snapshot.identity === null ? entries : [snapshot.identity.data, ...entries];
}

export function cardOf(snapshot: ProfileSnapshot, today: string): EmergencyCard {
  return emergencyCard(profileEntries(snapshot), today);
}

/**
 * Turns showing the card without unlocking on (with its text, refreshed by the caller whenever
 * the profile changes) or off, which erases the plaintext copy.
 */
export async function setLockScreenCard(session: VaultSession, card: EmergencyCard | null, labels: EmergencyLabels): Promise<void> {
  await session.deps.registry.setEmergencyCard(session.profile.id, card === null ? null : emergencyText(card, labels));
}

/** Rewrites the lock-screen copy after the profile changed, when the patient turned it on. */
export async function refreshLockScreenCard(session: VaultSession, labels: EmergencyLabels, timeZone?: string): Promise<void> {
  const registered = await session.deps.registry.get(session.profile.id);
  if (registered?.emergencyCard === undefined) return;
  const snapshot = await createHealthProfile(session).load();
  await setLockScreenCard(session, cardOf(snapshot, localDay(session.deps.clock.now(), timeZone)), labels);
}
