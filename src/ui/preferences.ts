/**
 * Device preferences: language, theme and time zone. They are about this browser, not about the
 * patient, so they live in localStorage, readable before any vault is unlocked (the lock screen
 * must already speak the right language). Nothing secret is ever stored here.
 */
import { createEffect, createSignal } from 'solid-js';
import { isLanguage, languageFromBrowser, type Language } from './i18n/i18n.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const KEYS = { language: 'carnet.language', theme: 'carnet.theme', timeZone: 'carnet.timeZone' } as const;

export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function read(storage: PreferenceStorage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    // Storage can be disabled by the browser's privacy settings; defaults then apply.
    return null;
  }
}

function write(storage: PreferenceStorage, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch {
    // Same as above: the choice holds for this page load only.
  }
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function isTimeZone(value: string): boolean {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone !== '';
  } catch {
    return false;
  }
}

export function createPreferences(storage: PreferenceStorage = localStorage, browserLanguages: readonly string[] = navigator.languages) {
  const storedLanguage = read(storage, KEYS.language);
  const storedTheme = read(storage, KEYS.theme);
  const storedZone = read(storage, KEYS.timeZone);
  const [language, setLanguage] = createSignal<Language>(isLanguage(storedLanguage) ? storedLanguage : languageFromBrowser(browserLanguages));
  const [theme, setTheme] = createSignal<Theme>((THEMES as readonly string[]).includes(storedTheme ?? '') ? (storedTheme as Theme) : 'system');
  /** Empty means "the browser's". */
  const [timeZoneSetting, setTimeZoneSetting] = createSignal(storedZone !== null && isTimeZone(storedZone) ? storedZone : '');

  return {
    language,
    theme,
    timeZoneSetting,
    timeZone: () => timeZoneSetting() || browserTimeZone(),
    setLanguage(value: Language) {
      setLanguage(value);
      write(storage, KEYS.language, value);
    },
    setTheme(value: Theme) {
      setTheme(value);
      write(storage, KEYS.theme, value);
    },
    setTimeZone(value: string) {
      if (value !== '' && !isTimeZone(value)) return;
      setTimeZoneSetting(value);
      write(storage, KEYS.timeZone, value);
    },
  };
}

export type Preferences = ReturnType<typeof createPreferences>;

/** Keeps <html lang> and the theme attribute in step with the preferences. */
export function applyPreferencesToDocument(preferences: Preferences, root: HTMLElement = document.documentElement): void {
  createEffect(() => {
    root.lang = preferences.language();
  });
  createEffect(() => {
    const theme = preferences.theme();
    if (theme === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = theme;
  });
}
