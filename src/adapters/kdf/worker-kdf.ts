/** The KdfRunner port over a dedicated Argon2id worker (argon2.worker.ts). */
import type { Argon2Params } from '../../core/crypto/argon2.ts';
import type { KdfProgress, KdfRunner } from '../../core/ports.ts';
import type { KdfReply, KdfRequest } from './kdf-messages.ts';

export function createWorkerKdf(): KdfRunner {
  return {
    argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2Params, onProgress?: KdfProgress): Promise<Uint8Array> {
      const worker = new Worker(new URL('./argon2.worker.ts', import.meta.url), { type: 'module', name: 'carnet-kdf' });
      return new Promise<Uint8Array>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<KdfReply>) => {
          const message = event.data;
          if (message.type === 'progress') onProgress?.(message.fraction);
          else {
            worker.terminate();
            if (message.type === 'done') resolve(message.key);
            else reject(new Error(`Argon2id worker failed: ${message.message}`));
          }
        };
        worker.onerror = (event) => {
          worker.terminate();
          reject(new Error(`Argon2id worker crashed: ${event.message}`));
        };
        // The copy sent to the worker is transferred, then zeroed there; ours stays with the caller.
        const request: KdfRequest = { password: password.slice(), salt: salt.slice(), params };
        worker.postMessage(request, [request.password.buffer]);
      });
    },
  };
}
