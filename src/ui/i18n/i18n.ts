/**
 * Typed dictionaries: French is the reference, and `Dictionary` is its shape with every string
 * widened, so another language must provide exactly the same keys and the same parameters.
 * The language is chosen from the browser, switchable, and remembered on this device.
 */
import { en } from './en.ts';
import { fr } from './fr.ts';

export type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : T extends readonly string[]
      ? readonly string[]
      : { readonly [K in keyof T]: Widen<T[K]> };

export type Dictionary = Widen<typeof fr>;
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const DICTIONARIES: Record<Language, Dictionary> = { fr, en };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The first browser language we speak; French otherwise (Carnet is made for France first). */
export function languageFromBrowser(languages: readonly string[]): Language {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'fr';
}

export function dictionaryFor(language: Language): Dictionary {
  return DICTIONARIES[language];
}
