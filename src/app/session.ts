/**
 * An unlocked vault: the keys, the device's clock and the open store, for as long as the patient
 * keeps it unlocked. Keys live here and nowhere else (never in storage, the service worker or a
 * URL); `lock()` overwrites them and closes the database, and every later use fails loudly as a
 * bug, because no screen should still be holding a locked session.
 */
import { toHex } from '../core/bytes.ts';
import type { Keyring } from '../core/crypto/keyring.ts';
import { zeroVaultKeys, type VaultId, type VaultKey, type VaultKeys } from '../core/crypto/keys.ts';
import type { ProfileEntry, VaultStore } from '../core/ports.ts';
import { encodeHlc, initialHlc, parseHlc, receiveHlc, tickHlc, type DeviceId, type HlcError, type HlcStamp } from '../core/records/hlc.ts';
import type { RecordId } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { VaultDeps } from './deps.ts';

export interface VaultSession {
  readonly profile: ProfileEntry;
  readonly vaultId: VaultId;
  readonly deviceId: DeviceId;
  readonly deps: VaultDeps;
  /** The open store; throws once locked. */
  store(): VaultStore;
  /** The subkeys; throws once locked. */
  keys(): VaultKeys;
  vaultKey(): VaultKey;
  inboxSecret(): Uint8Array;
  keyring(): Keyring;
  replaceKeyring(next: Keyring): void;
  /** A stamp for a local write, after `seen` if given (the record's current version). */
  stamp(seen?: HlcStamp): Result<HlcStamp, HlcError>;
  newId(): RecordId;
  isLocked(): boolean;
  lock(): void;
  onLock(listener: () => void): () => void;
}

export interface SessionParts {
  profile: ProfileEntry;
  vaultId: VaultId;
  deviceId: DeviceId;
  vaultKey: VaultKey;
  keys: VaultKeys;
  inboxSecret: Uint8Array;
  keyring: Keyring;
  store: VaultStore;
}

export function createSession(deps: VaultDeps, parts: SessionParts): VaultSession {
  let state: SessionParts | null = parts;
  let clock = initialHlc(parts.deviceId);
  const listeners = new Set<() => void>();

  const live = (): SessionParts => {
    if (state === null) throw new Error('the vault is locked');
    return state;
  };

  return {
    profile: parts.profile,
    vaultId: parts.vaultId,
    deviceId: parts.deviceId,
    deps,
    store: () => live().store,
    keys: () => live().keys,
    vaultKey: () => live().vaultKey,
    inboxSecret: () => live().inboxSecret,
    keyring: () => live().keyring,
    replaceKeyring(next) {
      live().keyring = next;
    },
    stamp(seen) {
      live();
      if (seen !== undefined) {
        const previous = parseHlc(seen);
        if (!previous.ok) return previous;
        const received = receiveHlc(clock, previous.value, deps.clock.now());
        // A record stamped in our future by a skewed clock must still be overwritable locally.
        clock = received.ok ? received.value : { ...previous.value, deviceId: clock.deviceId };
      }
      const next = tickHlc(clock, deps.clock.now());
      if (!next.ok) return err(next.error);
      clock = next.value;
      return ok(encodeHlc(next.value));
    },
    newId: () => toHex(deps.random.bytes(16)) as RecordId,
    isLocked: () => state === null,
    lock() {
      if (state === null) return;
      const closing = state;
      state = null;
      closing.vaultKey.fill(0);
      zeroVaultKeys(closing.keys);
      closing.inboxSecret.fill(0);
      closing.store.close();
      // A copy: a listener may unsubscribe while we iterate.
      for (const listener of Array.from(listeners)) listener();
      listeners.clear();
    },
    onLock(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
