/**
 * Runs Argon2id off the main thread, so a one-second derivation never freezes the page, and
 * reports progress as memory passes complete. The password bytes are zeroed as soon as they are
 * used. Requests are handled one at a time, in order.
 */
import { argon2id } from '../../core/crypto/argon2.ts';
import type { KdfReply, KdfRequest } from './kdf-messages.ts';

declare const self: DedicatedWorkerGlobalScope;

const reply = (message: KdfReply, transfer: Transferable[] = []) => self.postMessage(message, transfer);
let queue: Promise<void> = Promise.resolve();

async function derive({ id, password, salt, params }: KdfRequest): Promise<void> {
  let lastReported = -1;
  try {
    const key = await argon2id(password, salt, params, {
      onProgress(fraction) {
        // A message per percent is plenty for a progress bar.
        if (fraction - lastReported >= 0.01 || fraction === 1) {
          lastReported = fraction;
          reply({ id, type: 'progress', fraction });
        }
      },
    });
    reply({ id, type: 'done', key }, [key.buffer]);
  } catch (error) {
    reply({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    password.fill(0);
  }
}

self.onmessage = (event: MessageEvent<KdfRequest>) => {
  queue = queue.then(() => derive(event.data));
};
