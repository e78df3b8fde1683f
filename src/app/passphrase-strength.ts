/**
 * Passphrase strength with zxcvbn-ts and its French and English word lists (plus the common
 * password lists), loaded only when a passphrase is being chosen: the dictionaries are large and
 * the lock screen does not need them. A passphrase below score 3 ("safely unguessable": about
 * 10^8 guesses or more, for an attacker who gets one slow Argon2id guess per second per core) is
 * refused, with zxcvbn's reason. Feedback is returned as zxcvbn keys; the UI words them.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { err, ok, type Result } from '../core/result.ts';

export const MIN_PASSPHRASE_SCORE = 3;
export const MIN_PASSPHRASE_LENGTH = 10;

export interface PassphraseStrength {
  readonly score: 0 | 1 | 2 | 3 | 4;
  /** zxcvbn warning key (e.g. "commonNames"), or null. */
  readonly warning: string | null;
  /** zxcvbn suggestion keys. */
  readonly suggestions: readonly string[];
  readonly acceptable: boolean;
}

export type WeakPassphrase = { readonly type: 'PassphraseTooWeak'; readonly strength: PassphraseStrength };

let factory: Promise<ZxcvbnFactory> | null = null;

function loadFactory(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [core, common, english, french] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
      import('@zxcvbn-ts/language-fr'),
    ]);
    return new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary, ...french.dictionary },
      graphs: common.adjacencyGraphs,
      useLevenshteinDistance: true,
    });
  })();
  return factory;
}

export async function assessPassphrase(passphrase: string, userInputs: readonly string[] = []): Promise<PassphraseStrength> {
  const zxcvbn = await loadFactory();
  const result = zxcvbn.check(passphrase, [...userInputs]);
  const tooShort = [...passphrase].length < MIN_PASSPHRASE_LENGTH;
  const score = tooShort ? (Math.min(result.score, 2) as PassphraseStrength['score']) : result.score;
  return {
    score,
    warning: result.feedback.warning ?? (tooShort ? 'tooShort' : null),
    suggestions: result.feedback.suggestions,
    acceptable: score >= MIN_PASSPHRASE_SCORE,
  };
}

export async function checkPassphrase(passphrase: string, userInputs: readonly string[] = []): Promise<Result<PassphraseStrength, WeakPassphrase>> {
  const strength = await assessPassphrase(passphrase, userInputs);
  return strength.acceptable ? ok(strength) : err({ type: 'PassphraseTooWeak', strength });
}
