/**
 * Untrusted files (a PDF, a TIFF) are decoded in dedicated workers, one job at a time, each job
 * bounded: when it outlives its timeout or the caller aborts, the worker is terminated with all
 * it holds, so a hostile or pathological file can neither hang the caller nor keep memory. A
 * worker serves a burst of jobs (its compiled code stays warm) and is terminated once idle.
 *
 * Protocol: the page posts `{ id, payload }`; the worker answers `accepted` when it has loaded
 * and taken the job, then `done` with the handler's value, or `error` when the handler threw
 * (a bug: expected failures are values). A crash before `accepted` means the worker could not
 * even start (a broken build), which is thrown; a crash after it is the file's doing.
 */

export type JobOutcome<T> =
  | { readonly type: 'done'; readonly value: T }
  | { readonly type: 'timedOut'; readonly timeoutMs: number }
  | { readonly type: 'crashed'; readonly detail: string };

export interface JobRequest<P> {
  readonly id: number;
  readonly payload: P;
}

export type JobReply<T> =
  | { readonly id: number; readonly type: 'accepted' }
  | { readonly id: number; readonly type: 'done'; readonly value: T }
  | { readonly id: number; readonly type: 'error'; readonly message: string };

export interface JobBounds {
  readonly timeoutMs: number;
  /** Aborting rejects the job with the signal's reason and terminates the worker. */
  readonly signal?: AbortSignal | undefined;
}

export interface JobWorker<P, T> {
  run(payload: P, transfer: Transferable[], bounds: JobBounds): Promise<JobOutcome<T>>;
}

export function createJobWorker<P, T>(start: () => Worker, idleMs: number): JobWorker<P, T> {
  let worker: Worker | null = null;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;
  // One job at a time, so that terminating the worker only ever ends the job that overran.
  let queue: Promise<unknown> = Promise.resolve();

  const stop = () => {
    worker?.terminate();
    worker = null;
  };

  const runNow = (payload: P, transfer: Transferable[], { timeoutMs, signal }: JobBounds): Promise<JobOutcome<T>> => {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    clearTimeout(idle);
    worker ??= start();
    const active = worker;
    const id = ++nextId;
    return new Promise<JobOutcome<T>>((resolve, reject) => {
      let accepted = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (settle: () => void, terminate: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        active.removeEventListener('message', onMessage);
        active.removeEventListener('error', onError);
        if (terminate) stop();
        else idle = setTimeout(stop, idleMs);
        settle();
      };
      const onMessage = (event: MessageEvent<JobReply<T>>) => {
        const reply = event.data;
        if (reply.id !== id) return;
        if (reply.type === 'accepted') accepted = true;
        else if (reply.type === 'done') finish(() => resolve({ type: 'done', value: reply.value }), false);
        else finish(() => reject(new Error(`worker job failed: ${reply.message}`)), true);
      };
      const onError = (event: ErrorEvent) => {
        event.preventDefault();
        if (accepted) finish(() => resolve({ type: 'crashed', detail: event.message }), true);
        else finish(() => reject(new Error(`worker failed to start: ${event.message}`)), true);
      };
      const onAbort = () => finish(() => reject(signal?.reason), true);
      timer = setTimeout(() => finish(() => resolve({ type: 'timedOut', timeoutMs }), true), timeoutMs);
      active.addEventListener('message', onMessage);
      active.addEventListener('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: JobRequest<P> = { id, payload };
      active.postMessage(request, transfer);
    });
  };

  return {
    run(payload, transfer, bounds) {
      const job = queue.then(() => runNow(payload, transfer, bounds));
      queue = job.catch(() => undefined);
      return job;
    },
  };
}

/** The worker's half: what a worker module needs of its global scope. */
export interface JobScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface JobResult<T> {
  readonly value: T;
  readonly transfer?: Transferable[];
}

/** Serves jobs in order with `handle`, which returns expected failures as values and throws only on bugs. */
export function serveJobs<P, T>(scope: JobScope, handle: (payload: P) => Promise<JobResult<T>>): void {
  let queue: Promise<void> = Promise.resolve();
  const reply = (message: JobReply<T>, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  scope.onmessage = (event: MessageEvent<JobRequest<P>>) => {
    const { id, payload } = event.data;
    queue = queue.then(async () => {
      reply({ id, type: 'accepted' });
      try {
        const { value, transfer } = await handle(payload);
        reply({ id, type: 'done', value }, transfer);
      } catch (error) {
        reply({ id, type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
    });
  };
}
