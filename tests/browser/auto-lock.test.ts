/**
 * Auto-lock (src/ui/auto-lock.ts) on a real session: the page frozen in the background, the device
 * asleep (a timer that fires far too late), and the delay without input, 5 minutes unless the
 * patient chose otherwise. The watcher takes its window as a parameter: here a stand-in whose
 * timer ticks when the test says, while Date.now (what the watcher reads) is moved by hand.
 */
import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VaultSession } from '../../src/app/session.ts';
import { autoLockSeconds, DEFAULT_AUTO_LOCK_SECONDS, setAutoLockSeconds, watchForAutoLock } from '../../src/ui/auto-lock.ts';
import type { PreferenceStorage } from '../../src/ui/preferences.ts';
import { newVault } from './support.ts';

function memoryStorage(entries: Record<string, string> = {}): PreferenceStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(entries));
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** A window whose one interval runs only when `tick` is called, at the time `tick` gives. */
function fakeWindow() {
  const target = new EventTarget();
  const document = new EventTarget();
  let interval: (() => void) | null = null;
  const page = Object.assign(target, {
    document,
    setInterval: (handler: () => void) => {
      interval = handler;
      return 1;
    },
    clearInterval: () => {
      interval = null;
    },
  }) as unknown as Window;
  let now = Date.UTC(2026, 4, 12, 9);
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    page,
    /** Moves the clock to `ms` after the start and runs the watcher's timer once. */
    tick(ms: number) {
      now = Date.UTC(2026, 4, 12, 9) + ms;
      if (interval === null) throw new Error('no timer running');
      interval();
    },
    running: () => interval !== null,
  };
}

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  vi.restoreAllMocks();
});

function watch(session: VaultSession, storage: PreferenceStorage, target: Window = window): void {
  createRoot((dispose) => {
    disposers.push(dispose);
    watchForAutoLock(() => session, storage, target);
  });
}

/** Ticks every `step` ms (short enough not to look like sleep) up to `until` ms. */
function tickUntil(fake: ReturnType<typeof fakeWindow>, from: number, until: number, step = 30_000): void {
  for (let at = from; at < until; at += step) fake.tick(at);
  fake.tick(until);
}

describe('auto-lock', () => {
  it('locks when the page is frozen in the background', async () => {
    const session = await newVault();
    watch(session, memoryStorage());
    document.dispatchEvent(new Event('visibilitychange'));
    expect(session.isLocked()).toBe(false);
    document.dispatchEvent(new Event('freeze'));
    expect(session.isLocked()).toBe(true);
  });

  it('locks when a timer fires more than 90 s late (the device slept), well before the delay', async () => {
    const session = await newVault();
    // One hour of delay: only the sleep rule can lock within the next minutes.
    const storage = memoryStorage();
    setAutoLockSeconds(storage, session.profile.id, 3600);
    const fake = fakeWindow();
    watch(session, storage, fake.page);
    fake.tick(1000);
    // Late, but within what a throttled background tab sees: not sleep.
    fake.tick(1000 + 89_000);
    expect(session.isLocked()).toBe(false);
    fake.tick(1000 + 89_000 + 90_001);
    expect(session.isLocked()).toBe(true);
    // Locking stopped the watcher.
    expect(fake.running()).toBe(false);
  });

  it('locks after 5 minutes without input by default, and input postpones it', async () => {
    expect(DEFAULT_AUTO_LOCK_SECONDS).toBe(300);
    const session = await newVault();
    const fake = fakeWindow();
    watch(session, memoryStorage(), fake.page);
    tickUntil(fake, 0, 299_999);
    expect(session.isLocked()).toBe(false);
    // A key pressed at 299.999 s starts the 5 minutes again.
    fake.page.dispatchEvent(new Event('keydown'));
    tickUntil(fake, 300_000, 599_998);
    expect(session.isLocked()).toBe(false);
    fake.tick(599_999);
    expect(session.isLocked()).toBe(true);
  });

  it('honours a stored delay, and falls back to 5 minutes when the stored value is bad', async () => {
    const profileId = 'a-profile';
    const stored = (value: string) => memoryStorage({ [`carnet.autoLockSeconds.${profileId}`]: value });
    expect(autoLockSeconds(memoryStorage(), profileId)).toBe(300);
    expect(autoLockSeconds(stored('60'), profileId)).toBe(60);
    expect(autoLockSeconds(stored('86400'), profileId)).toBe(86_400);
    for (const bad of ['', 'abc', '0', '-60', 'NaN', 'Infinity', '86401', '1e9'])
      expect(autoLockSeconds(stored(bad), profileId), JSON.stringify(bad)).toBe(DEFAULT_AUTO_LOCK_SECONDS);
    const throwing: PreferenceStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    expect(autoLockSeconds(throwing, profileId)).toBe(DEFAULT_AUTO_LOCK_SECONDS);
    expect(() => setAutoLockSeconds(throwing, profileId, 60)).not.toThrow();
    const written = memoryStorage();
    setAutoLockSeconds(written, profileId, 120);
    expect(autoLockSeconds(written, profileId)).toBe(120);
    expect(autoLockSeconds(written, 'another-profile')).toBe(300);
  });

  it.each([
    ['a stored 60 s', '60', 60_000],
    ['a bad stored value', 'soon', 300_000],
  ])('locks the session after %s', async (_name, value, lockAtMs) => {
    const session = await newVault();
    const fake = fakeWindow();
    watch(session, memoryStorage({ [`carnet.autoLockSeconds.${session.profile.id}`]: value }), fake.page);
    tickUntil(fake, 0, lockAtMs - 1, 10_000);
    expect(session.isLocked()).toBe(false);
    fake.tick(lockAtMs);
    expect(session.isLocked()).toBe(true);
  });
});
