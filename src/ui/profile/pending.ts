/**
 * A file handed from another screen to the profile import (the vaccinations of a CDA document
 * the patient is reading): kept in memory for the open vault only, taken once.
 */
import type { VaultSession } from '../../app/session.ts';

const pending = new WeakMap<VaultSession, File>();
const watched = new WeakSet<VaultSession>();

export function offerToProfile(session: VaultSession, file: File): void {
  pending.set(session, file);
  if (watched.has(session)) return;
  watched.add(session);
  session.onLock(() => pending.delete(session));
}

export function takeOffered(session: VaultSession): File | undefined {
  const file = pending.get(session);
  pending.delete(session);
  return file;
}
