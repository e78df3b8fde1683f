/**
 * A use case run from a form: one at a time, with its progress, and its typed error turned into
 * words. An exception (a bug) is logged and shown as "unexpected", never swallowed silently.
 */
import { createSignal } from 'solid-js';
import type { VaultProgress } from '../app/deps.ts';
import type { Result } from '../core/result.ts';
import { useApp } from './context.tsx';
import { describeError, type ShownError } from './errors.ts';

export function createTask() {
  const { t } = useApp();
  const [progress, setProgress] = createSignal<VaultProgress | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  /** Runs `task` unless one is running; resolves to its value, or null after showing why not. */
  async function run<T>(start: VaultProgress, task: (onProgress: (next: VaultProgress) => void) => Promise<Result<T, ShownError>>): Promise<T | null> {
    if (progress() !== null) return null;
    setError(null);
    setProgress(start);
    try {
      const result = await task(setProgress);
      if (!result.ok) {
        setError(describeError(t(), result.error));
        return null;
      }
      return result.value;
    } catch (failure) {
      console.error('carnet: unexpected failure', failure);
      setError(t().errors.unexpected);
      return null;
    } finally {
      setProgress(null);
    }
  }

  return { progress, error, setError, run, busy: () => progress() !== null };
}
