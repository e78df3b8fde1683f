/**
 * Mounting a component in the test page with the French words of the app context (all the
 * viewers use), and waiting for what it draws. Everything mounted is removed after each test.
 */
import type { JSX } from 'solid-js';
import { render } from 'solid-js/web';
import { afterEach } from 'vitest';
import { AppProvider } from '../../src/ui/context.tsx';
import { dictionaryFor, loadFeatureWords } from '../../src/ui/i18n/i18n.ts';

// The feature screens' words load with those screens; here, at once.
await loadFeatureWords();
const fr = dictionaryFor('fr');

const mounted: (() => void)[] = [];

/** Unmounts everything mounted so far (what a component frees on cleanup can then be checked). */
export function unmountAll(): void {
  for (const dispose of mounted.splice(0)) dispose();
}

afterEach(() => {
  unmountAll();
  document.body.replaceChildren();
});

type AppValue = Parameters<typeof AppProvider>[0]['value'];

export function mount(ui: () => JSX.Element, width: number): HTMLElement {
  const host = document.createElement('div');
  host.style.width = `${width}px`;
  document.body.append(host);
  const app = { t: () => fr } as unknown as AppValue;
  const dispose = render(() => <AppProvider value={app}>{ui()}</AppProvider>, host);
  mounted.push(() => {
    dispose();
    host.remove();
  });
  return host;
}

/** Polls `probe` until it gives a value, or fails after `timeoutMs`. */
export async function until<T>(probe: () => T | null | undefined | false, timeoutMs: number): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
