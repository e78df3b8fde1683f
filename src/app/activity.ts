/** Appending to and reading the activity log (core/records/activity.ts). */
import { activityCodec, type ActivityEntry } from '../core/records/activity.ts';
import type { RecordId } from '../core/records/record.ts';
import type { Result } from '../core/result.ts';
import { createRepository, type ListResult, type RecordError } from './records.ts';
import type { VaultSession } from './session.ts';

export type NewActivity = Omit<ActivityEntry, 'at'> & { readonly at?: number };

/**
 * Appends an event. A failed append does not undo the event it records (a passphrase changed is
 * changed); callers that can do better with the failure use the result (the failed-unlock count
 * stays in place until its entry is written), the others go on deliberately.
 */
export function logActivity(session: VaultSession, entry: NewActivity): Promise<Result<RecordId, RecordError>> {
  return createRepository(session, activityCodec).put({ ...entry, at: entry.at ?? session.deps.clock.now() });
}

/** The log, newest first. Entries that fail to open are returned apart, never dropped. */
export async function readActivity(session: VaultSession): Promise<ListResult<ActivityEntry>> {
  const list = await createRepository(session, activityCodec).list();
  return { ...list, records: list.records.sort((a, b) => b.data.at - a.data.at || (a.hlc < b.hlc ? 1 : -1)) };
}

/** Whether the newest recovery kit was confirmed (typed back) after it was made. */
export async function recoveryKitConfirmed(session: VaultSession): Promise<boolean> {
  const { records } = await readActivity(session);
  const newest = records.find((record) => record.data.event === 'recovery-created' || record.data.event === 'recovery-confirmed');
  return newest?.data.event !== 'recovery-created';
}

/** When the last backup was exported from this vault, or null. */
export async function lastBackupAt(session: VaultSession): Promise<number | null> {
  const { records } = await readActivity(session);
  return records.find((record) => record.data.event === 'backup-exported')?.data.at ?? null;
}

export const BACKUP_REMINDER_AFTER_MS = 30 * 24 * 3600 * 1000;

/** Data the browser may evict, and no backup in the last month: the patient should hear about it. */
export function needsBackupReminder(persisted: boolean | null, lastBackup: number | null, now: number): boolean {
  if (persisted === true) return false;
  return lastBackup === null || now - lastBackup > BACKUP_REMINDER_AFTER_MS;
}
