/**
 * Profiles: one vault per person on this device (a parent keeping a child's record). The lock
 * screen lists them by label only; each has its own database under a random name.
 */
import { toHex } from '../core/bytes.ts';
import { PROFILE_DATABASE_PREFIX, type ProfileEntry } from '../core/ports.ts';
import type { DeviceId } from '../core/records/hlc.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { VaultDeps } from './deps.ts';

export const LABEL_MAX_LENGTH = 60;

export type LabelError = { readonly type: 'LabelEmpty' } | { readonly type: 'LabelTooLong'; readonly max: number };

/** Trims, collapses inner whitespace and drops control characters. */
export function parseProfileLabel(text: string): Result<string, LabelError> {
  // oxlint-disable-next-line no-control-regex -- removing control characters is the point
  const label = text.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
  if (label === '') return err({ type: 'LabelEmpty' });
  if ([...label].length > LABEL_MAX_LENGTH) return err({ type: 'LabelTooLong', max: LABEL_MAX_LENGTH });
  return ok(label);
}

export function listProfiles(deps: Pick<VaultDeps, 'registry'>): Promise<ProfileEntry[]> {
  return deps.registry.list();
}

/** The profile on this device that opens vault `vaultId` (hex), if there is one. */
export async function profileOfVault(deps: Pick<VaultDeps, 'registry'>, vaultId: string): Promise<ProfileEntry | undefined> {
  return (await deps.registry.list()).find((profile) => profile.vaultId === vaultId);
}

/**
 * A new profile for vault `vaultId` (hex), under a random id and database name, and the id this
 * device writes under in that database.
 */
export function newProfile(deps: Pick<VaultDeps, 'random' | 'clock'>, vaultId: string, label: string): { profile: ProfileEntry; deviceId: DeviceId } {
  const now = deps.clock.now();
  return {
    profile: {
      id: toHex(deps.random.bytes(16)),
      vaultId,
      database: `${PROFILE_DATABASE_PREFIX}${toHex(deps.random.bytes(16))}`,
      label,
      createdAt: now,
      // A new vault is open now: what is shared to the app next goes to it.
      openedAt: now,
    },
    deviceId: toHex(deps.random.bytes(8)) as DeviceId,
  };
}

export function getProfile(deps: Pick<VaultDeps, 'registry'>, id: string): Promise<ProfileEntry | undefined> {
  return deps.registry.get(id);
}

export async function renameProfile(
  deps: Pick<VaultDeps, 'registry'>,
  id: string,
  text: string,
): Promise<Result<string, LabelError | { readonly type: 'ProfileNotFound' }>> {
  const label = parseProfileLabel(text);
  if (!label.ok) return label;
  if ((await deps.registry.get(id)) === undefined) return err({ type: 'ProfileNotFound' });
  await deps.registry.rename(id, label.value);
  return ok(label.value);
}

export type DeleteProfileError = { readonly type: 'ProfileNotFound' } | { readonly type: 'ConfirmationMismatch' };

/**
 * Deletes a profile's whole database. The patient must type the label: deletion cannot be
 * undone, and a backup or a synced copy is the only way back.
 */
export async function deleteProfile(
  deps: Pick<VaultDeps, 'registry' | 'stores' | 'channels'>,
  id: string,
  typedLabel: string,
): Promise<Result<void, DeleteProfileError>> {
  const entry = await deps.registry.get(id);
  if (entry === undefined) return err({ type: 'ProfileNotFound' });
  // Typed the way the label was stored: spaces and invisible characters do not count.
  const typed = parseProfileLabel(typedLabel);
  if (!typed.ok || typed.value !== entry.label) return err({ type: 'ConfirmationMismatch' });
  // Registry first: a profile half-deleted must not be offered for unlocking. Then every tab that
  // has it open locks, so no key outlives its database.
  await deps.registry.remove(id);
  const channel = deps.channels(id);
  channel.post({ type: 'locked' });
  channel.close();
  await deps.stores.destroy(entry.database);
  return ok(undefined);
}

/**
 * Deletes profile databases that no profile names and that nobody is creating: what a tab closed
 * in the middle of creating or restoring a profile left behind. Run at start.
 */
export async function sweepOrphanDatabases(deps: Pick<VaultDeps, 'registry' | 'stores' | 'locks'>): Promise<string[]> {
  const registered = new Set((await deps.registry.list()).map((entry) => entry.database));
  const swept: string[] = [];
  for (const name of await deps.stores.list()) {
    if (registered.has(name)) continue;
    await deps.locks.tryLock(creationLockName(name), async () => {
      // Checked again under the lock: the creator may have registered it in between.
      if ((await deps.registry.list()).some((entry) => entry.database === name)) return;
      await deps.stores.destroy(name);
      swept.push(name);
    });
  }
  return swept;
}

/** Held by whoever is creating a profile database (a new vault, a restore), until it is registered. */
export function creationLockName(database: string): string {
  return `carnet:${database}:creating`;
}
