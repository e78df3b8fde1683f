/**
 * Runs Argon2id off the main thread, so a one-second derivation never freezes the page, and
 * reports progress as memory passes complete. One worker per derivation: terminating it frees the
 * tens of megabytes Argon2 allocates. The password bytes are zeroed as soon as they are used.
 */
import { argon2id } from '../../core/crypto/argon2.ts';
import type { KdfReply, KdfRequest } from './kdf-messages.ts';

declare const self: DedicatedWorkerGlobalScope;

const reply = (message: KdfReply, transfer: Transferable[] = []) => self.postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<KdfRequest>) => {
  const { password, salt, params } = event.data;
  let lastReported = -1;
  try {
    const key = await argon2id(password, salt, params, {
      onProgress(fraction) {
        // A message per percent is plenty for a progress bar.
        if (fraction - lastReported >= 0.01 || fraction === 1) {
          lastReported = fraction;
          reply({ type: 'progress', fraction });
        }
      },
    });
    reply({ type: 'done', key }, [key.buffer]);
  } catch (error) {
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    password.fill(0);
  }
};
