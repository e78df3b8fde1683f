/**
 * Small local values kept beside the records: settings, a device list, a site and its cursor,
 * the reminders' state (format.md §9). Each is JSON sealed under the search-index subkey, stored
 * by its name and bound to it, so one cannot be swapped for another. They are derived and local:
 * one that is missing or does not open is read as absent, and its owner starts again.
 */
import { fromUtf8, utf8 } from '../core/bytes.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope, sealEnvelope, type EnvelopeBinding } from '../core/crypto/envelope.ts';
import type { StoreError } from '../core/ports.ts';
import type { Result } from '../core/result.ts';
import type { VaultSession } from './session.ts';

/** Where a value is stored (`name`) and what its envelope is bound to (`name`, `id`). */
export interface SealedName {
  readonly name: string;
  readonly id: string;
}

export type SealedRead = { readonly status: 'absent' } | { readonly status: 'unreadable' } | { readonly status: 'read'; readonly value: unknown };

function bindingOf(session: VaultSession, where: SealedName): EnvelopeBinding {
  return { domain: 'search-index', vaultId: session.vaultId, kind: where.name, id: where.id };
}

/** The stored value as parsed JSON; 'unreadable' when it does not open or is not JSON (altered outside Carnet). */
export async function readSealedJson(session: VaultSession, where: SealedName): Promise<SealedRead> {
  const sealed = await session.store().readDerived(where.name);
  if (sealed === undefined) return { status: 'absent' };
  const opened = openEnvelope(session.keys().searchIndex, bindingOf(session, where), sealed);
  if (!opened.ok) return { status: 'unreadable' };
  try {
    return { status: 'read', value: JSON.parse(fromUtf8(opened.value)) as unknown };
  } catch {
    return { status: 'unreadable' };
  }
}

export function writeSealedJson(session: VaultSession, where: SealedName, value: unknown): Promise<Result<void, StoreError>> {
  const body = utf8(JSON.stringify(value));
  return session.store().writeDerived(where.name, sealEnvelope(session.keys().searchIndex, session.deps.random.bytes(XNONCE_BYTES), bindingOf(session, where), body));
}
