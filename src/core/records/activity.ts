/**
 * The activity log ("Activité"): security events of a vault, each sealed in its own "activity"
 * record. The app only ever appends; the patient reads it in Settings to tell what happened to
 * the vault (a failed unlock while they were away, a backup they did not make).
 */
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import type { RecordCodec } from './codec.ts';
import { HLC_MAX_MILLIS } from './hlc.ts';

export const ACTIVITY_EVENTS = [
  'vault-created',
  'unlocked',
  'unlock-failures',
  'passphrase-changed',
  'passphrase-reset',
  'recovery-created',
  'recovery-confirmed',
  'recovery-used',
  'passkey-added',
  'passkey-removed',
  'backup-exported',
  'backup-restored',
] as const;
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

export const UNLOCK_METHODS = ['passphrase', 'recovery', 'passkey'] as const;
export type UnlockMethod = (typeof UNLOCK_METHODS)[number];

export interface ActivityEntry {
  readonly event: ActivityEvent;
  /** When it happened (UTC ms). */
  readonly at: number;
  /** How the vault was opened, for "unlocked". */
  readonly method?: UnlockMethod;
  /** For "unlock-failures": how many, between firstAt and at. */
  readonly count?: number;
  readonly firstAt?: number;
  /** A name the patient gave (a passkey's). */
  readonly name?: string;
  /** What the event is about (a passkey's wrap id, hex). */
  readonly ref?: string;
}

export function parseActivity(value: unknown): Result<ActivityEntry, Invalid> {
  const check = new Checker();
  const object = check.object(value, 'data');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  const event = check.oneOf(object['event'], 'data.event', ACTIVITY_EVENTS);
  const at = check.integer(object['at'], 'data.at', 0, HLC_MAX_MILLIS);
  const method = object['method'] === undefined ? undefined : check.oneOf(object['method'], 'data.method', UNLOCK_METHODS);
  const count = object['count'] === undefined ? undefined : check.integer(object['count'], 'data.count', 1, 1_000_000);
  const firstAt = object['firstAt'] === undefined ? undefined : check.integer(object['firstAt'], 'data.firstAt', 0, HLC_MAX_MILLIS);
  const name = object['name'] === undefined ? undefined : check.string(object['name'], 'data.name', { max: 100 });
  const ref = object['ref'] === undefined ? undefined : check.string(object['ref'], 'data.ref', { max: 64, pattern: /^[0-9a-f]+$/ });
  if (event === undefined || at === undefined || check.issues.length > 0) return err({ type: 'Invalid', issues: check.issues });
  return ok({
    event,
    at,
    ...(method === undefined ? {} : { method }),
    ...(count === undefined ? {} : { count }),
    ...(firstAt === undefined ? {} : { firstAt }),
    ...(name === undefined ? {} : { name }),
    ...(ref === undefined ? {} : { ref }),
  });
}

export const activityCodec: RecordCodec<'activity', ActivityEntry> = {
  kind: 'activity',
  parse: parseActivity,
  toJson: (entry) => ({ ...entry }),
};
