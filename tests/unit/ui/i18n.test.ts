/** The dictionaries: same shape (also enforced by the compiler), nothing empty, every error worded. */
import { describe, expect, it } from 'vitest';
import { dictionaryFor, languageFromBrowser, loadFeatureWords } from '../../../src/ui/i18n/i18n.ts';
import { describeError, type ShownError } from '../../../src/ui/errors.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');
const en = dictionaryFor('en');

function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return Object.entries(value).flatMap(([key, item]) => leaves(item, path === '' ? key : `${path}.${key}`));
  return [[path, value]];
}

const ERRORS: ShownError[] = [
  { type: 'WrongPassphrase' },
  { type: 'KeyringTampered' },
  { type: 'KeyringVersionUnsupported', version: 2 },
  { type: 'KdfBelowFloor' },
  { type: 'LabelTooLong', max: 60 },
  { type: 'QuotaExceeded' },
  { type: 'FileUnreadable', name: 'ordonnance.pdf' },
  { type: 'ChunkTampered', index: 3 },
  { type: 'RecordTampered', id: 'x', cause: { type: 'DecryptFailed' } },
];

describe('dictionaries', () => {
  it('have the same keys in French and English', () => {
    expect(leaves(en).map(([path]) => path)).toEqual(leaves(fr).map(([path]) => path));
  });

  it('have no empty text, and every function answers', () => {
    for (const dictionary of [fr, en]) {
      for (const [path, value] of leaves(dictionary)) {
        if (typeof value === 'string') expect(value.trim(), path).not.toBe('');
        else if (typeof value === 'function') expect(String((value as (...a: unknown[]) => string)('x', 1)).trim(), path).not.toBe('');
        else if (Array.isArray(value)) expect(value.every((item) => typeof item === 'string' && item !== ''), path).toBe(true);
      }
    }
  });

  it('words every error in both languages, differently', () => {
    for (const error of ERRORS) {
      const french = describeError(fr, error);
      const english = describeError(en, error);
      expect(french, error.type).not.toBe('');
      expect(english, error.type).not.toBe('');
      expect(french).not.toBe(english);
    }
    expect(describeError(fr, { type: 'FileUnreadable', name: 'scan.pdf' })).toContain('scan.pdf');
    expect(describeError(en, { type: 'LabelTooLong', max: 60 })).toContain('60');
  });

  it('picks the first browser language Carnet speaks, French otherwise', () => {
    expect(languageFromBrowser(['de-DE', 'en-US', 'fr'])).toBe('en');
    expect(languageFromBrowser(['fr-CA'])).toBe('fr');
    expect(languageFromBrowser(['es', 'it'])).toBe('fr');
    expect(dictionaryFor('en').lang).toBe('en');
  });
});
