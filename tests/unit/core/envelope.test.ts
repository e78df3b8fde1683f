/** Record envelopes: property tests and every tamper case (docs/format.md §5). */
import fc from 'fast-check';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope, type EnvelopeBinding } from '../../../src/core/crypto/envelope.ts';
import { asVaultId, asVaultKey, deriveVaultKeys } from '../../../src/core/crypto/keys.ts';
import { seq, vector } from '../vectors.ts';

const keys = deriveVaultKeys(asVaultKey(seq(0, 32)), asVaultId(seq(0xa0, 16)));
const binding: EnvelopeBinding = { domain: 'record', vaultId: asVaultId(seq(0xa0, 16)), kind: 'document', id: '00112233445566778899aabbccddeeff' };
const sample = () => hexToBytes(vector('record-envelope'));

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const id = fc.stringMatching(/^[0-9a-f]{32}$/);

describe('record envelope properties', () => {
  it('opening what was sealed gives the plaintext back', () => {
    fc.assert(
      fc.property(bytes(0, 2048), bytes(24, 24), id, fc.constantFrom('document', 'profile'), (plaintext, nonce, recordId, kind) => {
        const where = { ...binding, id: recordId, kind };
        const opened = openEnvelope(keys.record, where, sealEnvelope(keys.record, nonce, where, plaintext));
        expect(opened.ok && opened.value).toEqual(plaintext);
      }),
    );
  });

  it('a wrong key never opens', () => {
    fc.assert(
      fc.property(bytes(0, 256), bytes(24, 24), bytes(32, 32), (plaintext, nonce, otherKey) => {
        fc.pre(otherKey.some((b, i) => b !== keys.record[i]));
        const envelope = sealEnvelope(keys.record, nonce, binding, plaintext);
        expect(openEnvelope(otherKey as typeof keys.record, binding, envelope)).toEqual({ ok: false, error: { type: 'DecryptFailed' } });
      }),
    );
  });

  it('wrong associated data (vault, kind, id, domain) never opens', () => {
    fc.assert(
      fc.property(bytes(0, 256), bytes(24, 24), id, bytes(16, 16), (plaintext, nonce, otherId, otherVault) => {
        const envelope = sealEnvelope(keys.record, nonce, binding, plaintext);
        const variants: EnvelopeBinding[] = [
          { ...binding, id: otherId },
          { ...binding, kind: 'profile' },
          { ...binding, vaultId: asVaultId(otherVault) },
          { ...binding, domain: 'change' },
        ];
        for (const other of variants) {
          const same = other.id === binding.id && other.kind === binding.kind && other.domain === binding.domain &&
            other.vaultId.every((b, i) => b === binding.vaultId[i]);
          if (!same) expect(openEnvelope(keys.record, other, envelope).ok).toBe(false);
        }
      }),
    );
  });

  it('any flipped bit is detected', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 7 }), (position, bit) => {
        const envelope = sample();
        const offset = position % envelope.length;
        envelope[offset] = (envelope[offset] as number) ^ (1 << bit);
        const opened = openEnvelope(keys.record, binding, envelope);
        expect(opened.ok).toBe(false);
        if (offset === 0) expect(opened).toMatchObject({ error: { type: 'EnvelopeVersionUnsupported' } });
        else expect(opened).toEqual({ ok: false, error: { type: 'DecryptFailed' } });
      }),
    );
  });
});

describe('record envelope tamper cases', () => {
  it('opens the vector', () => {
    expect(openEnvelope(keys.record, binding, sample()).ok).toBe(true);
  });

  it('refuses a newer version by number, before trying to decrypt', () => {
    const envelope = sample();
    envelope[0] = 2;
    expect(openEnvelope(keys.record, binding, envelope)).toEqual({ ok: false, error: { type: 'EnvelopeVersionUnsupported', version: 2 } });
  });

  it('reports truncation', () => {
    expect(openEnvelope(keys.record, binding, new Uint8Array())).toEqual({ ok: false, error: { type: 'EnvelopeTruncated' } });
    expect(openEnvelope(keys.record, binding, sample().subarray(0, 40))).toEqual({ ok: false, error: { type: 'EnvelopeTruncated' } });
    expect(openEnvelope(keys.record, binding, sample().subarray(0, 60))).toEqual({ ok: false, error: { type: 'DecryptFailed' } });
  });

  it('refuses a record moved onto another id or kind', () => {
    expect(openEnvelope(keys.record, { ...binding, id: 'ffeeddccbbaa99887766554433221100' }, sample()).ok).toBe(false);
    expect(openEnvelope(keys.record, { ...binding, kind: 'profile' }, sample()).ok).toBe(false);
  });

  it('refuses a change-log entry passed off as a record', () => {
    const change = hexToBytes(vector('change-envelope'));
    expect(openEnvelope(keys.record, binding, change).ok).toBe(false);
    expect(openEnvelope(keys.change, { ...binding, domain: 'change', kind: 'change' }, change).ok).toBe(true);
  });
});
