/** The backup reminder (app/activity.ts): when the patient should hear that their data may vanish. */
import { describe, expect, it } from 'vitest';
import { BACKUP_REMINDER_AFTER_MS, needsBackupReminder } from '../../../src/app/activity.ts';

const NOW = Date.UTC(2026, 4, 12, 9);
const DAY = 24 * 3600 * 1000;

describe('needsBackupReminder', () => {
  it('waits 30 days', () => {
    expect(BACKUP_REMINDER_AFTER_MS).toBe(30 * DAY);
  });

  it('never reminds when the browser promised to keep the data, however old or missing the backup', () => {
    expect(needsBackupReminder(true, null, NOW)).toBe(false);
    expect(needsBackupReminder(true, NOW - 365 * DAY, NOW)).toBe(false);
  });

  it.each([
    ['evictable', false],
    ['unknown', null],
  ] as const)('when storage is %s, reminds if no backup was ever made', (_name, persisted) => {
    expect(needsBackupReminder(persisted, null, NOW)).toBe(true);
  });

  it.each([
    ['evictable', false],
    ['unknown', null],
  ] as const)('when storage is %s, reminds once the last backup is more than 30 days old', (_name, persisted) => {
    expect(needsBackupReminder(persisted, NOW, NOW)).toBe(false);
    expect(needsBackupReminder(persisted, NOW - 29 * DAY, NOW)).toBe(false);
    expect(needsBackupReminder(persisted, NOW - BACKUP_REMINDER_AFTER_MS, NOW)).toBe(false);
    expect(needsBackupReminder(persisted, NOW - BACKUP_REMINDER_AFTER_MS - 1, NOW)).toBe(true);
    expect(needsBackupReminder(persisted, NOW - 90 * DAY, NOW)).toBe(true);
  });

  it('does not remind for a backup stamped in the future (a clock set back since)', () => {
    expect(needsBackupReminder(false, NOW + DAY, NOW)).toBe(false);
  });

  it('counts a backup at time 0 as a backup, not as none', () => {
    expect(needsBackupReminder(false, 0, BACKUP_REMINDER_AFTER_MS)).toBe(false);
    expect(needsBackupReminder(false, 0, BACKUP_REMINDER_AFTER_MS + 1)).toBe(true);
  });
});
