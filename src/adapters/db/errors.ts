/** Converts IndexedDB and Dexie failures into core's StoreError, once, at the boundary. */
import type { StoreError } from '../../core/ports.ts';
import { err, ok, type Result } from '../../core/result.ts';

function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const named = error as { name?: unknown; inner?: unknown };
  if (named.name === 'QuotaExceededError') return true;
  return named.inner !== undefined && named.inner !== error && isQuotaError(named.inner);
}

export async function attempt<T>(write: () => Promise<T>): Promise<Result<T, StoreError>> {
  try {
    return ok(await write());
  } catch (error) {
    if (isQuotaError(error)) return err({ type: 'QuotaExceeded' });
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return err({ type: 'StoreUnavailable', detail });
  }
}
