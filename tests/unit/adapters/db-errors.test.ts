/**
 * The storage boundary (adapters/db/errors.ts): a full disk, thrown by IndexedDB as a DOMException
 * or by Dexie wrapped around one, becomes QuotaExceeded; anything else StoreUnavailable with its
 * detail; a success passes through.
 */
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { attempt } from '../../../src/adapters/db/errors.ts';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const failing = (error: unknown) => () => Promise.reject(error);

describe('attempt', () => {
  it('passes a success through', async () => {
    expect(await attempt(async () => 42)).toEqual({ ok: true, value: 42 });
    expect(await attempt(async () => undefined)).toEqual({ ok: true, value: undefined });
  });

  it('maps the DOMException IndexedDB throws on a full disk', async () => {
    expect(quota().name).toBe('QuotaExceededError');
    expect(await attempt(failing(quota()))).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
  });

  it('maps a throw inside the write, not only a rejection', async () => {
    expect(
      await attempt(() => {
        throw quota();
      }),
    ).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
  });

  it("maps Dexie's own QuotaExceededError", async () => {
    const error = new Dexie.QuotaExceededError(quota());
    expect(error.name).toBe('QuotaExceededError');
    expect(await attempt(failing(error))).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
  });

  it('maps a transaction Dexie aborted because the disk was full (the quota error is its inner)', async () => {
    // What Dexie rejects with when IndexedDB aborts the transaction: AbortError, inner = the cause.
    const aborted = new Dexie.AbortError(quota());
    expect(aborted.name).toBe('AbortError');
    expect(aborted.inner).toBeInstanceOf(DOMException);
    expect(await attempt(failing(aborted))).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
    // Nested twice, as a transaction wrapping another's failure does.
    const nested = new Dexie.AbortError('Transaction aborted', new Dexie.AbortError(quota()));
    expect(await attempt(failing(nested))).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
    // Any object of that shape, not only Dexie's classes.
    expect(await attempt(failing({ name: 'AbortError', inner: { name: 'QuotaExceededError' } }))).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
  });

  it('reports every other failure as StoreUnavailable, with its name and message', async () => {
    const aborted = new Dexie.AbortError(new DOMException('Version change transaction was aborted.', 'AbortError'));
    expect(await attempt(failing(aborted))).toMatchObject({ ok: false, error: { type: 'StoreUnavailable', detail: expect.stringMatching(/^AbortError: /) } });
    expect(await attempt(failing(new Dexie.AbortError()))).toEqual({ ok: false, error: { type: 'StoreUnavailable', detail: 'AbortError: Transaction aborted' } });
    expect(await attempt(failing(new DOMException('gone', 'InvalidStateError')))).toEqual({ ok: false, error: { type: 'StoreUnavailable', detail: 'InvalidStateError: gone' } });
    expect(await attempt(failing(new TypeError('bad key')))).toEqual({ ok: false, error: { type: 'StoreUnavailable', detail: 'TypeError: bad key' } });
    expect(await attempt(failing('a string'))).toEqual({ ok: false, error: { type: 'StoreUnavailable', detail: 'a string' } });
    expect(await attempt(failing(null))).toEqual({ ok: false, error: { type: 'StoreUnavailable', detail: 'null' } });
  });

  it('does not loop on an error that is its own inner', async () => {
    const looping: { name: string; inner?: unknown } = { name: 'AbortError' };
    looping.inner = looping;
    expect(await attempt(failing(looping))).toMatchObject({ ok: false, error: { type: 'StoreUnavailable' } });
  });
});
