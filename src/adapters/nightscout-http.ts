/**
 * Sends the requests src/core/readings/nightscout-api.ts builds, and turns what goes wrong on the
 * way into its typed errors, once, here: a fetch that throws a TypeError (nothing came back: the
 * site is down, or it answered without the CORS headers that let this origin read it), a timeout
 * (AbortSignal.timeout), the patient's cancel, an HTTP status, a body that is not JSON.
 *
 * After a TypeError a second request in `no-cors` mode tells the two apart: it succeeds (with an
 * opaque answer) when the site is up but refuses cross-origin reads, and fails when nothing
 * answers. It is the same request, to the same site the patient named, so it tells no one else
 * anything.
 */
import type { NightscoutCredential, NightscoutError, NightscoutRequest } from '../core/readings/nightscout-api.ts';
import { statusError } from '../core/readings/nightscout-api.ts';
import { err, ok, type Result } from '../core/result.ts';

export interface NightscoutHttp {
  /** GET `request` and parse its JSON body; `signal` is the patient's cancel. */
  getJson(request: NightscoutRequest, credential: NightscoutCredential['kind'] | null, signal?: AbortSignal): Promise<Result<unknown, NightscoutError>>;
}

export interface NightscoutHttpOptions {
  readonly fetch?: typeof fetch;
  /** Per request; a page of 1,000 entries from a sleeping free-tier host can take a while. */
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function createNightscoutHttp(options: NightscoutHttpOptions = {}): NightscoutHttp {
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const seconds = Math.max(1, Math.round(timeoutMs / 1000));

  function failure(error: unknown, cancel: AbortSignal | undefined): NightscoutError | null {
    if (cancel?.aborted === true) return { type: 'NightscoutCancelled' };
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { type: 'NightscoutTimeout', seconds };
    return null;
  }

  return {
    async getJson(request, credential, cancel) {
      const signal = cancel === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([cancel, AbortSignal.timeout(timeoutMs)]);
      let response: Response;
      try {
        // No cookies and no referrer: the site learns the request, nothing about the app's origin state.
        response = await send(request.url, { headers: request.headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal });
      } catch (error) {
        const known = failure(error, cancel);
        if (known !== null) return err(known);
        if (!(error instanceof TypeError)) throw error;
        return err(await diagnose(request, cancel));
      }
      if (!response.ok) {
        // The body may say more, but the status is what the patient can act on.
        await response.body?.cancel().catch(() => {});
        return err(statusError(response.status, credential ?? 'token'));
      }
      let body: string;
      try {
        body = await response.text();
      } catch (error) {
        const known = failure(error, cancel);
        if (known !== null) return err(known);
        return err({ type: 'NightscoutUnreachable' });
      }
      try {
        return ok(JSON.parse(body) as unknown);
      } catch {
        return err({ type: 'NightscoutNotJson' });
      }
    },
  };

  /** Down, or up and refusing this origin: a no-cors request answers only in the second case. */
  async function diagnose(request: NightscoutRequest, cancel: AbortSignal | undefined): Promise<NightscoutError> {
    const signal = cancel === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([cancel, AbortSignal.timeout(timeoutMs)]);
    try {
      await send(request.url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal });
      return { type: 'NightscoutCorsBlocked' };
    } catch (error) {
      return failure(error, cancel) ?? { type: 'NightscoutUnreachable' };
    }
  }
}
