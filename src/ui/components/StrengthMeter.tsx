/**
 * Passphrase strength as the patient types, with zxcvbn's reason in their language. The check is
 * debounced and runs on the lazily loaded dictionaries; nothing typed leaves the page.
 */
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { assessPassphrase, type PassphraseStrength } from '../../app/passphrase-strength.ts';
import { useApp } from '../context.tsx';

type Translations = { warnings: Record<string, string>; suggestions: Record<string, string> };

async function loadTranslations(language: string): Promise<Translations> {
  const pack = language === 'fr' ? await import('@zxcvbn-ts/language-fr') : await import('@zxcvbn-ts/language-en');
  return pack.translations as Translations;
}

export function StrengthMeter(props: { passphrase: string; userInputs: readonly string[]; id: string; onResult: (strength: PassphraseStrength | null) => void }) {
  const { t, preferences } = useApp();
  const [strength, setStrength] = createSignal<PassphraseStrength | null>(null);
  const [translations] = createResource(() => preferences.language(), loadTranslations);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  createEffect(() => {
    const passphrase = props.passphrase;
    const inputs = [...props.userInputs];
    clearTimeout(timer);
    const mine = ++generation;
    if (passphrase === '') {
      setStrength(null);
      props.onResult(null);
      return;
    }
    timer = setTimeout(() => {
      void assessPassphrase(passphrase, inputs).then((result) => {
        if (mine !== generation) return;
        setStrength(result);
        props.onResult(result);
      });
    }, 120);
  });
  onCleanup(() => clearTimeout(timer));

  const word = (key: string, kind: 'warnings' | 'suggestions') =>
    key === 'tooShort' ? t().strength.tooShort : (translations()?.[kind][key] ?? '');

  return (
    <div class="strength" id={props.id} aria-live="polite">
      <Show when={strength()}>
        {(result) => (
          <>
            <div class="strength-row">
              <span>{t().strength.label}</span>
              <meter min={0} max={4} low={2} high={3} optimum={4} value={result().score} aria-label={t().strength.label} />
              <strong>{t().strength.levels[result().score]}</strong>
            </div>
            <p>{result().acceptable ? t().strength.acceptable : t().strength.tooWeak}</p>
            <Show when={result().warning !== null && !result().acceptable}>
              <p class="hint">{word(result().warning ?? '', 'warnings')}</p>
            </Show>
            <Show when={!result().acceptable && result().suggestions.length > 0}>
              <ul class="hint">
                <For each={result().suggestions}>{(key) => <li>{word(key, 'suggestions')}</li>}</For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
