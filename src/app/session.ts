/**
 * An unlocked vault: the keys, the device's clock and the open store, for as long as the patient
 * keeps it unlocked. Keys live here and nowhere else (never in storage, the service worker or a
 * URL); `lock()` overwrites them and closes the database, and every later use fails loudly as a
 * bug, because no screen should still be holding a locked session.
 *
 * A session also speaks for its tab to the other tabs of the same profile: locking here locks
 * them all (each unlocks by itself), and a lock from another tab locks this one.
 */
import { fromUtf8, toHex, utf8 } from '../core/bytes.ts';
import { XNONCE_BYTES } from '../core/crypto/aead.ts';
import { openEnvelope, sealEnvelope, type EnvelopeBinding } from '../core/crypto/envelope.ts';
import type { Keyring } from '../core/crypto/keyring.ts';
import { zeroVaultKeys, type VaultId, type VaultKey, type VaultKeys } from '../core/crypto/keys.ts';
import type { ProfileChannel, ProfileEntry, ProfileMessage, VaultStore } from '../core/ports.ts';
import type { UnlockMethod } from '../core/records/activity.ts';
import { encodeHlc, hlcMillis, initialHlc, parseHlc, receiveHlc, tickHlc, type DeviceId, type Hlc, type HlcError, type HlcStamp } from '../core/records/hlc.ts';
import type { RecordId } from '../core/records/record.ts';
import { err, ok, type Result } from '../core/result.ts';
import type { VaultDeps } from './deps.ts';

export interface VaultSession {
  readonly profile: ProfileEntry;
  readonly vaultId: VaultId;
  readonly deviceId: DeviceId;
  readonly deps: VaultDeps;
  /** How this session was opened: after the recovery key, a new passphrase is required. */
  readonly openedWith: UnlockMethod;
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
  /**
   * The stamp sealed for storage, so the next session's clock starts after it (format.md §8);
   * undefined when the stored one is recent enough (within CLOCK_SAVE_EVERY_MS).
   */
  sealClock(stamp: HlcStamp): Uint8Array | undefined;
  /** Called once the sealed clock was written with its record. */
  clockSaved(stamp: HlcStamp): void;
  newId(): RecordId;
  /** Runs `task` as the profile's only writer across tabs (Web Locks). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Tells the other tabs that records of these kinds changed. */
  announceChange(kinds: readonly string[]): void;
  /** Messages from the other tabs of this profile (changes, activity). */
  onMessage(listener: (message: ProfileMessage) => void): () => void;
  /** Tells the other tabs the patient is active here. */
  announceActivity(at: number): void;
  isLocked(): boolean;
  lock(): void;
  onLock(listener: () => void): () => void;
}

interface SessionParts {
  profile: ProfileEntry;
  vaultId: VaultId;
  deviceId: DeviceId;
  openedWith: UnlockMethod;
  vaultKey: VaultKey;
  keys: VaultKeys;
  inboxSecret: Uint8Array;
  keyring: Keyring;
  store: VaultStore;
  /** The last stamp this device wrote in an earlier session, if known. */
  lastStamp?: Hlc;
}

/**
 * The stored clock may lag the last stamp by at most this much; a new session starts this far
 * after it. Saving it with every write would cost a quarter of a write's time; saving it once in
 * a while and starting ahead keeps the promise (stamps only increase) at no measurable cost.
 */
const CLOCK_SAVE_EVERY_MS = 10_000;

/** Where the device's clock is sealed: a change-log envelope of its own kind and id. */
function clockBinding(vaultId: VaultId): EnvelopeBinding {
  return { domain: 'change', vaultId, kind: 'clock', id: 'clock' };
}

/** The clock sealed by an earlier session, or none when it is missing or does not open. */
export function openClock(keys: VaultKeys, vaultId: VaultId, sealed: Uint8Array | undefined): Hlc | undefined {
  if (sealed === undefined) return undefined;
  const opened = openEnvelope(keys.change, clockBinding(vaultId), sealed);
  if (!opened.ok) return undefined;
  const hlc = parseHlc(fromUtf8(opened.value));
  return hlc.ok ? hlc.value : undefined;
}

export function createSession(deps: VaultDeps, parts: SessionParts): VaultSession {
  let state: SessionParts | null = parts;
  const saved = parts.lastStamp?.deviceId === parts.deviceId ? parts.lastStamp : undefined;
  let clock = saved === undefined ? initialHlc(parts.deviceId) : { millis: saved.millis + CLOCK_SAVE_EVERY_MS, counter: 0, deviceId: parts.deviceId };
  let savedMillis = -Infinity;
  const listeners = new Set<() => void>();
  const channel: ProfileChannel = deps.channels(parts.profile.id);

  const live = (): SessionParts => {
    if (state === null) throw new Error('the vault is locked');
    return state;
  };

  const close = (announce: boolean) => {
    if (state === null) return;
    const closing = state;
    state = null;
    closing.vaultKey.fill(0);
    zeroVaultKeys(closing.keys);
    closing.inboxSecret.fill(0);
    closing.store.close();
    if (announce) channel.post({ type: 'locked' });
    channel.close();
    // A copy: a listener may unsubscribe while we iterate.
    for (const listener of Array.from(listeners)) listener();
    listeners.clear();
  };

  channel.subscribe((message) => {
    if (message.type === 'locked') close(false);
  });

  return {
    profile: parts.profile,
    vaultId: parts.vaultId,
    deviceId: parts.deviceId,
    deps,
    openedWith: parts.openedWith,
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
    sealClock(stamp) {
      if (hlcMillis(stamp) - savedMillis < CLOCK_SAVE_EVERY_MS) return undefined;
      return sealEnvelope(live().keys.change, deps.random.bytes(XNONCE_BYTES), clockBinding(parts.vaultId), utf8(stamp));
    },
    clockSaved(stamp) {
      savedMillis = Math.max(savedMillis, hlcMillis(stamp));
    },
    newId: () => toHex(deps.random.bytes(16)) as RecordId,
    exclusive: (task) => deps.locks.withLock(`carnet:${parts.profile.database}:write`, task),
    announceChange(kinds) {
      if (state !== null) channel.post({ type: 'changed', kinds });
    },
    onMessage: (listener) => channel.subscribe(listener),
    announceActivity(at) {
      if (state !== null) channel.post({ type: 'active', at });
    },
    isLocked: () => state === null,
    lock: () => close(true),
    onLock(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
