/**
 * Every field of the keyring, tampered with: each gets its typed error, either at parse time
 * (structure, policy) or right after the wrap opens (the MAC). Nothing is trusted before that.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/core/bytes.ts';
import { encodeKeyring, parseKeyring, sealVaultKey, unwrapVaultKey, verifyKeyringMac, type Wrap } from '../../../src/core/crypto/keyring.ts';
import { asVaultId, asVaultKey, deriveVaultKeys, type WrapKey } from '../../../src/core/crypto/keys.ts';
import { seq, vector } from '../vectors.ts';

const keyring = () => hexToBytes(vector('keyring'));
const wrapKey = () => hexToBytes(vector('passphrase-wrap-key')) as WrapKey;
const keys = deriveVaultKeys(asVaultKey(seq(0, 32)), asVaultId(seq(0xa0, 16)));

function flip(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = (copy[offset] as number) ^ 0x01;
  return copy;
}

/** Parses then, like unlock, opens the wrap and checks the MAC. */
function unlock(bytes: Uint8Array): string {
  const parsed = parseKeyring(bytes);
  if (!parsed.ok) return parsed.error.type;
  const wrap = parsed.value.wraps[0] as Wrap;
  if (!unwrapVaultKey(wrap, wrapKey(), parsed.value.vaultId).ok) return 'WrongPassphrase';
  return verifyKeyringMac(bytes, keys.headerMac) ? 'ok' : 'KeyringTampered';
}

// Offsets from docs/format.md §4.1 and §4.2 for the vector keyring (one passphrase wrap).
const FIELDS: Record<string, [offset: number, expected: string]> = {
  magic: [0, 'KeyringNotRecognised'],
  version: [4, 'KeyringVersionUnsupported'],
  'vault id': [5, 'WrongPassphrase'],
  revision: [24, 'KeyringTampered'],
  'inbox public key': [25, 'KeyringTampered'],
  'sealed inbox secret': [57 + 30, 'KeyringTampered'],
  'wrap count': [129, 'KeyringMalformed'],
  'wrap method': [130, 'KeyringMalformed'],
  'wrap id': [131, 'WrongPassphrase'],
  'parameter length': [148, 'KeyringMalformed'],
  'kdf code': [149, 'KeyringMalformed'],
  'kdf memory (low byte)': [153, 'KeyringTampered'],
  'kdf memory (high byte, raised)': [151, 'KeyringTampered'],
  'kdf iterations': [157, 'KeyringTampered'],
  'kdf parallelism': [158, 'KdfAboveCeiling'],
  salt: [160, 'KeyringTampered'],
  'wrap nonce': [175, 'WrongPassphrase'],
  'wrapped key': [210, 'WrongPassphrase'],
  mac: [-1, 'KeyringTampered'],
};

describe('keyring tampering', () => {
  it('opens the untouched vector', () => {
    expect(unlock(keyring())).toBe('ok');
  });

  for (const [field, [offset, expected]] of Object.entries(FIELDS)) {
    it(`detects a flipped bit in the ${field}`, () => {
      const bytes = keyring();
      expect(unlock(flip(bytes, offset < 0 ? bytes.length + offset : offset))).toBe(expected);
    });
  }

  it('refuses Argon2id parameters lowered below the floor before deriving anything', () => {
    const bytes = keyring();
    bytes[152] = 0x48; // memory 19,456 KiB -> 18,432 KiB
    expect(parseKeyring(bytes)).toEqual({ ok: false, error: { type: 'KdfBelowFloor' } });
    const fewer = keyring();
    fewer[157] = 0x01; // iterations 2 -> 1
    expect(parseKeyring(fewer)).toEqual({ ok: false, error: { type: 'KdfBelowFloor' } });
  });

  it('refuses a keyring of a newer version explicitly', () => {
    const bytes = keyring();
    bytes[4] = 2;
    expect(parseKeyring(bytes)).toEqual({ ok: false, error: { type: 'KeyringVersionUnsupported', version: 2 } });
  });

  it('refuses every truncation and any trailing byte', () => {
    const bytes = keyring();
    for (let length = 0; length < bytes.length; length++) {
      const parsed = parseKeyring(bytes.subarray(0, length));
      expect(parsed.ok, `length ${length}`).toBe(false);
    }
    expect(parseKeyring(concatBytes(bytes, new Uint8Array([0]))).ok).toBe(false);
  });

  it('detects a wrap transplanted from another vault', () => {
    const otherVault = asVaultId(seq(0x10, 16));
    const bytes = keyring();
    const parsed = parseKeyring(bytes);
    if (!parsed.ok) throw new Error('vector does not parse');
    const wrap = parsed.value.wraps[0] as Wrap;
    const foreign = sealVaultKey(asVaultKey(seq(0, 32)), wrapKey(), otherVault, 'passphrase', wrap.wrapId, seq(0x80, 24));
    expect(unwrapVaultKey({ ...wrap, sealedKey: foreign }, wrapKey(), parsed.value.vaultId).ok).toBe(false);
  });

  it('detects a wrap passed off as another unlock method', () => {
    const parsed = parseKeyring(keyring());
    if (!parsed.ok) throw new Error('vector does not parse');
    const wrap = parsed.value.wraps[0] as Wrap;
    const asRecovery: Wrap = { method: 'recovery', wrapId: wrap.wrapId, salt: seq(0x90, 16), sealedKey: wrap.sealedKey };
    expect(unwrapVaultKey(asRecovery, wrapKey(), parsed.value.vaultId).ok).toBe(false);
  });

  it('detects a second wrap added by someone without the vault key', () => {
    const parsed = parseKeyring(keyring());
    if (!parsed.ok) throw new Error('vector does not parse');
    const attackerKey = seq(0x33, 32) as WrapKey;
    const extra: Wrap = {
      method: 'recovery',
      wrapId: seq(0x01, 16),
      salt: seq(0x02, 16),
      sealedKey: sealVaultKey(asVaultKey(seq(0x55, 32)), attackerKey, parsed.value.vaultId, 'recovery', seq(0x01, 16), seq(0x03, 24)),
    };
    const forged = encodeKeyring({ ...parsed.value, wraps: [...parsed.value.wraps, extra] }, seq(0x99, 32) as typeof keys.headerMac);
    expect(unlock(forged)).toBe('KeyringTampered');
  });

  it('refuses duplicate wrap ids and a second passphrase wrap', () => {
    const parsed = parseKeyring(keyring());
    if (!parsed.ok) throw new Error('vector does not parse');
    const twice = encodeKeyring({ ...parsed.value, wraps: [parsed.value.wraps[0] as Wrap, parsed.value.wraps[0] as Wrap] }, keys.headerMac);
    expect(parseKeyring(twice)).toMatchObject({ ok: false, error: { type: 'KeyringMalformed' } });
    const second = { ...(parsed.value.wraps[0] as Wrap), wrapId: seq(0x44, 16) };
    const two = encodeKeyring({ ...parsed.value, wraps: [parsed.value.wraps[0] as Wrap, second] }, keys.headerMac);
    expect(parseKeyring(two)).toMatchObject({ ok: false, error: { type: 'KeyringMalformed', reason: 'more than one passphrase wrap' } });
  });

  it('round-trips recovery and passkey wraps', () => {
    const parsed = parseKeyring(keyring());
    if (!parsed.ok) throw new Error('vector does not parse');
    const recovery: Wrap = { method: 'recovery', wrapId: seq(0x01, 16), salt: seq(0x02, 16), sealedKey: seq(0x03, 72) };
    const passkey: Wrap = { method: 'passkey', wrapId: seq(0x04, 16), credentialId: seq(0x05, 64), prfSalt: seq(0x06, 32), sealedKey: seq(0x07, 72) };
    const bytes = encodeKeyring({ ...parsed.value, wraps: [...parsed.value.wraps, recovery, passkey] }, keys.headerMac);
    const again = parseKeyring(bytes);
    expect(again.ok && again.value.wraps).toEqual([...parsed.value.wraps, recovery, passkey]);
    expect(verifyKeyringMac(bytes, keys.headerMac)).toBe(true);
  });

  it('refuses input that is not a keyring at all', () => {
    expect(parseKeyring(new TextEncoder().encode('{"not":"a keyring"}'))).toEqual({ ok: false, error: { type: 'KeyringNotRecognised' } });
    expect(parseKeyring(new Uint8Array())).toEqual({ ok: false, error: { type: 'KeyringNotRecognised' } });
  });
});
