/**
 * Typed dictionaries: French is the reference, and `Dictionary` is its shape with every string
 * widened, so another language must provide exactly the same keys and the same parameters.
 * The language is chosen from the browser, switchable, and remembered on this device.
 */
import { en } from './en.ts';
import { fr } from './fr.ts';
import type { frFeatures } from './fr/features.ts';

export type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : T extends readonly string[]
      ? readonly string[]
      : { readonly [K in keyof T]: Widen<T[K]> };

export type Dictionary = Widen<typeof fr & typeof frFeatures>;
/** The namespaces of the feature screens, loaded with them rather than with the first screen. */
export type FeatureKey = keyof typeof frFeatures;
export type FeatureWords = Pick<Dictionary, FeatureKey>;
export type CoreDictionary = Omit<Dictionary, FeatureKey>;
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const DICTIONARIES: Record<Language, CoreDictionary> = { fr, en };
let featureWords: Promise<void> | null = null;

/**
 * Adds the feature screens' words to both dictionaries, once: every screen that uses them loads
 * through this first (App.tsx), so the first screen does not carry them.
 */
export function loadFeatureWords(): Promise<void> {
  featureWords ??= Promise.all([import('./fr/features.ts'), import('./en/features.ts')]).then(([french, english]) => {
    Object.assign(DICTIONARIES.fr, french.frFeatures);
    Object.assign(DICTIONARIES.en, english.enFeatures);
  });
  return featureWords;
}

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

/** The dictionary; its feature namespaces are there once `loadFeatureWords` has resolved. */
export function dictionaryFor(language: Language): Dictionary {
  return DICTIONARIES[language] as Dictionary;
}
