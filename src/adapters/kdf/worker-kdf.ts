/**
 * The KdfRunner port over a dedicated Argon2id worker (argon2.worker.ts). One worker serves a
 * burst of derivations (calibration then derivation, when a vault is created), so its compiled
 * code is warm for the timed ones; it is terminated after a short idle time, which frees the
 * tens of megabytes Argon2 allocates.
 */
import type { Argon2Params } from '../../core/crypto/argon2.ts';
import type { KdfProgress, KdfRunner } from '../../core/ports.ts';
import type { KdfReply, KdfRequest } from './kdf-messages.ts';

const IDLE_MS = 2000;

interface Pending {
  resolve(key: Uint8Array): void;
  reject(error: Error): void;
  onProgress: KdfProgress | undefined;
}

export function createWorkerKdf(): KdfRunner {
  let worker: Worker | null = null;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const stop = () => {
    worker?.terminate();
    worker = null;
  };

  const failAll = (error: Error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    stop();
  };

  const start = (): Worker => {
    const created = new Worker(new URL('./argon2.worker.ts', import.meta.url), { type: 'module', name: 'carnet-kdf' });
    created.onmessage = (event: MessageEvent<KdfReply>) => {
      const message = event.data;
      const request = pending.get(message.id);
      if (request === undefined) return;
      if (message.type === 'progress') {
        request.onProgress?.(message.fraction);
        return;
      }
      pending.delete(message.id);
      if (message.type === 'done') request.resolve(message.key);
      else request.reject(new Error(`Argon2id worker failed: ${message.message}`));
      if (pending.size === 0) idle = setTimeout(stop, IDLE_MS);
    };
    created.onerror = (event) => failAll(new Error(`Argon2id worker crashed: ${event.message}`));
    return created;
  };

  return {
    argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2Params, onProgress?: KdfProgress): Promise<Uint8Array> {
      clearTimeout(idle);
      worker ??= start();
      const id = ++nextId;
      const active = worker;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        // The copy sent to the worker is transferred, then zeroed there; ours stays with the caller.
        const request: KdfRequest = { id, password: password.slice(), salt: salt.slice(), params };
        active.postMessage(request, [request.password.buffer]);
      });
    },
  };
}
