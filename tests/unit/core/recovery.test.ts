/** The recovery key's text form: every key round-trips, and what is not a key says so. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRecoveryKey, parseRecoveryKey, recoveryKeyGroups } from '../../../src/core/crypto/recovery.ts';

describe('recovery key text', () => {
  it('round-trips any 20 bytes through eight groups of four', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (key) => {
        const text = encodeRecoveryKey(key);
        expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
        expect(recoveryKeyGroups(text)).toHaveLength(8);
        expect(parseRecoveryKey(text.toLowerCase())).toEqual({ ok: true, value: key });
      }),
    );
  });

  it('refuses wrong lengths and characters outside the alphabet', () => {
    const malformed = { ok: false, error: { type: 'RecoveryKeyMalformed' } };
    expect(parseRecoveryKey('')).toEqual(malformed);
    expect(parseRecoveryKey('006H-M9SM-8575-PT3N-GA7S-SADP-RF8D-VTQ')).toEqual(malformed);
    expect(parseRecoveryKey('006H-M9SM-8575-PT3N-GA7S-SADP-RF8D-VTQQQ')).toEqual(malformed);
    expect(parseRecoveryKey('006H-M9SM-8575-PT3N-GA7S-SADP-RF8D-VTQU')).toEqual(malformed);
    expect(parseRecoveryKey('006H_M9SM_8575_PT3N_GA7S_SADP_RF8D_VTQQ')).toEqual(malformed);
  });

  it('refuses to encode a key of the wrong size', () => {
    expect(() => encodeRecoveryKey(new Uint8Array(16))).toThrow(RangeError);
  });
});
