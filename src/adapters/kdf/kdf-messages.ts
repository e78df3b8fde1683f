/** Messages between the page and the Argon2id worker. */
import type { Argon2Params } from '../../core/crypto/argon2.ts';

export interface KdfRequest {
  readonly id: number;
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly params: Argon2Params;
}

export type KdfReply =
  | { readonly id: number; readonly type: 'progress'; readonly fraction: number }
  | { readonly id: number; readonly type: 'done'; readonly key: Uint8Array }
  | { readonly id: number; readonly type: 'error'; readonly message: string };
