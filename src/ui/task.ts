/**
 * A use case run from a form: one at a time, with its progress, cancellable, and its typed error
 * turned into words. An exception (a bug) is logged and shown as "unexpected", never swallowed
 * silently; a screen that runs its async work through a task is never left silent or "loading".
 */
import { createSignal } from 'solid-js';
import type { VaultProgress } from '../app/deps.ts';
import type { Result } from '../core/result.ts';
import { useApp } from './context.tsx';
import { describeError, type ShownError } from './errors.ts';

/** A bug, logged where a developer looks; the patient is shown `errors.unexpected` instead. */
export function logUnexpected(failure: unknown): void {
  console.error('carnet: unexpected failure', failure);
}

/** `P` is what the task reports as it goes: a key derivation's phase by default, a fraction for transfers. */
export function createTask<P = VaultProgress>() {
  const { t } = useApp();
  const [running, setRunning] = createSignal(false);
  const [progress, setProgress] = createSignal<P | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let controller: AbortController | null = null;

  /**
   * Runs `task` unless one is running; resolves to its value, or null after showing why not.
   * `start` is the progress shown until the task reports (null: none to show). The signal aborts
   * when `cancel()` is called; the task then returns its own typed "cancelled" error.
   */
  async function run<T>(
    start: P | null,
    task: (onProgress: (next: P) => void, signal: AbortSignal) => Promise<Result<T, ShownError>>,
  ): Promise<T | null> {
    if (running()) return null;
    const mine = new AbortController();
    controller = mine;
    setError(null);
    setRunning(true);
    // Functional updates: P may itself be a function type as far as Solid's setter knows.
    setProgress(() => start);
    try {
      const result = await task((next) => {
        if (controller === mine) setProgress(() => next);
      }, mine.signal);
      if (!result.ok) {
        setError(describeError(t(), result.error));
        return null;
      }
      return result.value;
    } catch (failure) {
      logUnexpected(failure);
      setError(t().errors.unexpected);
      return null;
    } finally {
      controller = null;
      setProgress(null);
      setRunning(false);
    }
  }

  return {
    progress,
    error,
    setError,
    run,
    busy: running,
    /** Asks the running task to stop; it ends with its own "cancelled" error. */
    cancel: () => controller?.abort(),
  };
}
