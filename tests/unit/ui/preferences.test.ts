/** Device preferences read from storage: the browser's own time zone unless the patient chose another. */
import { describe, expect, it } from 'vitest';
import { createPreferences, type PreferenceStorage } from '../../../src/ui/preferences.ts';

function memoryStorage(initial: Record<string, string> = {}): PreferenceStorage & { readonly items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

// vitest.config.ts runs the tests with TZ=Europe/Paris, so "the browser's zone" is Paris here.
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

describe('time zone preference', () => {
  it('follows the browser’s time zone when nothing is stored', () => {
    expect(BROWSER_ZONE).toBe('Europe/Paris');
    const preferences = createPreferences(memoryStorage(), ['fr-FR']);
    expect(preferences.timeZoneSetting()).toBe('');
    expect(preferences.timeZone()).toBe('Europe/Paris');
  });

  it('follows the browser when its zone changes (a patient travelling), with nothing stored', () => {
    const preferences = createPreferences(memoryStorage(), ['fr-FR']);
    const saved = process.env['TZ'];
    try {
      // Node applies a new TZ to Intl at once, as a browser does when the system zone changes.
      process.env['TZ'] = 'Asia/Tokyo';
      expect(preferences.timeZone()).toBe('Asia/Tokyo');
    } finally {
      process.env['TZ'] = saved;
    }
    expect(preferences.timeZone()).toBe('Europe/Paris');
  });

  it('uses a chosen zone, and goes back to the browser’s when the choice is cleared', () => {
    const storage = memoryStorage();
    const preferences = createPreferences(storage, ['fr-FR']);
    preferences.setTimeZone('America/Montreal');
    expect(preferences.timeZone()).toBe('America/Montreal');
    expect(createPreferences(storage, ['fr-FR']).timeZone()).toBe('America/Montreal');
    preferences.setTimeZone('');
    expect(createPreferences(storage, ['fr-FR']).timeZone()).toBe('Europe/Paris');
  });

  it('ignores a stored zone that does not exist, or storage that throws', () => {
    expect(createPreferences(memoryStorage({ 'carnet.timeZone': 'Mars/Olympus_Mons' }), ['fr-FR']).timeZone()).toBe('Europe/Paris');
    const refusing: PreferenceStorage = {
      getItem: () => {
        throw new Error('storage disabled');
      },
      setItem: () => {
        throw new Error('storage disabled');
      },
    };
    const preferences = createPreferences(refusing, ['fr-FR']);
    expect(preferences.timeZone()).toBe('Europe/Paris');
    preferences.setTimeZone('Asia/Tokyo');
    expect(preferences.timeZone()).toBe('Asia/Tokyo');
  });

  it('refuses to choose a zone that does not exist', () => {
    const storage = memoryStorage();
    const preferences = createPreferences(storage, ['fr-FR']);
    preferences.setTimeZone('Nowhere/Atlantis');
    expect(preferences.timeZone()).toBe('Europe/Paris');
    expect(storage.items.has('carnet.timeZone')).toBe(false);
  });
});
