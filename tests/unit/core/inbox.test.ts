/** The inbox sealed box (format.md §7): round trips, and every field tampered with. */
import fc from 'fast-check';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { inboxPublicKey, openFromInbox, sealToInbox } from '../../../src/core/crypto/inbox.ts';
import { seq, vector } from '../vectors.ts';

const secret = seq(0xc0, 32);
const box = () => hexToBytes(vector('inbox-box'));

describe('inbox sealed box', () => {
  it('opens what was sealed to its public key, and only with its secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), (plaintext, ephemeral, nonce) => {
        const sealed = sealToInbox(inboxPublicKey(secret), plaintext, ephemeral, nonce);
        const opened = openFromInbox(secret, sealed);
        expect(opened.ok && opened.value).toEqual(plaintext);
        expect(openFromInbox(seq(0x01, 32), sealed).ok).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ['version', 0, 'InboxVersionUnsupported'],
    ['ephemeral key', 5, 'DecryptFailed'],
    ['nonce', 40, 'DecryptFailed'],
    ['ciphertext', 60, 'DecryptFailed'],
    ['tag', -1, 'DecryptFailed'],
  ] as const)('detects a flipped bit in the %s', (_field, offset, expected) => {
    const bytes = box();
    const at = offset < 0 ? bytes.length + offset : offset;
    bytes[at] = (bytes[at] as number) ^ 0x01;
    expect(openFromInbox(secret, bytes)).toMatchObject({ ok: false, error: { type: expected } });
  });

  it('reports truncation, and refuses a low-order ephemeral point without throwing', () => {
    expect(openFromInbox(secret, new Uint8Array())).toEqual({ ok: false, error: { type: 'InboxTruncated' } });
    expect(openFromInbox(secret, box().subarray(0, 72))).toEqual({ ok: false, error: { type: 'InboxTruncated' } });
    const lowOrder = box();
    lowOrder.fill(0, 1, 33);
    expect(openFromInbox(secret, lowOrder)).toEqual({ ok: false, error: { type: 'DecryptFailed' } });
  });
});
