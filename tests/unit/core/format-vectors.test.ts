/**
 * The vectors of docs/format.md §12, recomputed here from the layouts as the document writes
 * them, with @noble directly; then Carnet's own code is checked against the same hex. If either
 * side drifts from the document, this fails.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex as hex, concatBytes, hexToBytes, utf8ToBytes as utf8 } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { argon2id } from '../../../src/core/crypto/argon2.ts';
import { createContentMac } from '../../../src/core/crypto/content-mac.ts';
import { openEnvelope, sealEnvelope, envelopeAad } from '../../../src/core/crypto/envelope.ts';
import { openFromInbox, sealToInbox } from '../../../src/core/crypto/inbox.ts';
import { encodeKeyring, parseKeyring, passphraseBytes, sealInboxSecret, sealVaultKey, unwrapVaultKey, verifyKeyringMac } from '../../../src/core/crypto/keyring.ts';
import { asVaultId, asVaultKey, deriveListingKey, deriveSubkey, deriveVaultKeys, PURPOSES, type WrapKey } from '../../../src/core/crypto/keys.ts';
import { createStreamOpener, createStreamSealer, streamNonce } from '../../../src/core/crypto/stream.ts';
import { encodeHlc } from '../../../src/core/records/hlc.ts';
import { encodeRecoveryKey, parseRecoveryKey, recoveryWrapKey } from '../../../src/core/crypto/recovery.ts';
import type { DeviceId } from '../../../src/core/records/hlc.ts';
import { createAesGcmChunkCipher } from '../../../src/adapters/crypto/aes-gcm.ts';
import { asFileKey } from '../../../src/core/crypto/keys.ts';
import { seq, vector } from '../vectors.ts';

// --- the layouts, written again from docs/format.md ----------------------------------------
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const LP = (...parts: Uint8Array[]) => concatBytes(...parts.flatMap((p) => [u32(p.length), p]));
const VK = seq(0x00, 32);
const VID = seq(0xa0, 16);
const subkey = (purpose: string) => hkdf(sha256, VK, VID, utf8(`carnet/v1/${purpose}`), 32);
const RECORD_ID = '00112233445566778899aabbccddeeff';
const PAYLOAD = '{"v":1,"hlc":"018bcfe5680000050011223344556677","data":{"title":"Compte rendu","note":"","addedAt":1700000000000,"files":[]}}';
const CHANGE = '{"id":"00112233445566778899aabbccddeeff","kind":"document","hlc":"018bcfe5680000050011223344556677","op":"put"}';
const PASSPHRASE = 'Cafe\u0301 au lait, 7 lunes & 3 étoiles';
const streamNonceDoc = (i: number, last: boolean) => {
  const n = new Uint8Array(12);
  let x = i;
  for (let k = 10; k >= 0; k--) {
    n[k] = x % 256;
    x = Math.floor(x / 256);
  }
  n[11] = last ? 1 : 0;
  return n;
};
const recordAadDoc = (domain: string, kind: string) => LP(utf8(`carnet/v1/${domain}`), new Uint8Array([1]), VID, utf8(kind), utf8(RECORD_ID));

describe('docs/format.md vectors, recomputed from the documented layout with @noble', () => {
  it('subkeys (§2)', () => {
    for (const purpose of PURPOSES) expect(hex(subkey(purpose)), purpose).toBe(vector(`subkey-${purpose}`));
  });

  it('record and change envelopes (§5)', () => {
    expect(hex(recordAadDoc('record', 'document'))).toBe(vector('record-aad'));
    const nonce = seq(0x40, 24);
    const envelope = concatBytes(new Uint8Array([1]), nonce, xchacha20poly1305(subkey('record'), nonce, recordAadDoc('record', 'document')).encrypt(utf8(PAYLOAD)));
    expect(hex(envelope)).toBe(vector('record-envelope'));
    const changeNonce = seq(0x48, 24);
    const change = concatBytes(new Uint8Array([1]), changeNonce, xchacha20poly1305(subkey('change'), changeNonce, recordAadDoc('change', 'change')).encrypt(utf8(CHANGE)));
    expect(hex(change)).toBe(vector('change-envelope'));
  });

  it('passphrase wrap key, wrap and keyring (§3, §4)', () => {
    const wrapKey = nobleArgon2id(utf8(PASSPHRASE.normalize('NFC')), seq(0x90, 16), { m: 19456, t: 2, p: 1, dkLen: 32 });
    expect(hex(wrapKey)).toBe(vector('passphrase-wrap-key'));
    const wrapNonce = seq(0x80, 24);
    const sealedKey = concatBytes(wrapNonce, xchacha20poly1305(wrapKey, wrapNonce, LP(utf8('carnet/v1/wrap'), VID, new Uint8Array([1]), seq(0x70, 16))).encrypt(VK));
    expect(hex(sealedKey)).toBe(vector('wrap-sealed-key'));
    const inboxPublic = x25519.getPublicKey(seq(0xc0, 32));
    expect(hex(inboxPublic)).toBe(vector('inbox-public'));
    const inboxNonce = seq(0xd0, 24);
    const sealedInbox = concatBytes(inboxNonce, xchacha20poly1305(subkey('inbox-secret'), inboxNonce, LP(utf8('carnet/v1/inbox-secret'), VID, inboxPublic)).encrypt(seq(0xc0, 32)));
    const params = concatBytes(new Uint8Array([1]), u32(19456), u32(2), new Uint8Array([1]), seq(0x90, 16));
    const wrap = concatBytes(new Uint8Array([1]), seq(0x70, 16), new Uint8Array([0, params.length]), params, sealedKey);
    const body = concatBytes(utf8('CKRG'), new Uint8Array([1]), VID, u32(1), inboxPublic, sealedInbox, new Uint8Array([1]), wrap);
    expect(hex(concatBytes(body, hmac(sha256, subkey('header-mac'), body)))).toBe(vector('keyring'));
  });

  it('inbox box (§7)', () => {
    const recipient = x25519.getPublicKey(seq(0xc0, 32));
    const e = seq(0xe0, 32);
    const E = x25519.getPublicKey(e);
    const key = hkdf(sha256, x25519.getSharedSecret(e, recipient), concatBytes(E, recipient), utf8('carnet/v1/inbox-box'), 32);
    const nonce = seq(0x10, 24);
    const box = concatBytes(new Uint8Array([1]), E, nonce, xchacha20poly1305(key, nonce, LP(utf8('carnet/v1/inbox-box'), E, recipient)).encrypt(utf8('Ordonnance du Dr Martin')));
    expect(hex(box)).toBe(vector('inbox-box'));
  });

  it('backup file (§11)', () => {
    const keyring = hexToBytes(vector('keyring'));
    const envelope = hexToBytes(vector('record-envelope'));
    const header = concatBytes(utf8('CRNB'), new Uint8Array([1]), VID, u32(keyring.length), keyring);
    const labelNonce = seq(0x30, 24);
    const label = concatBytes(labelNonce, xchacha20poly1305(subkey('backup-label'), labelNonce, LP(utf8('carnet/v1/backup-label'), VID)).encrypt(utf8('Léa')));
    const recordFixed = concatBytes(new Uint8Array([8]), utf8('document'), hexToBytes(RECORD_ID));
    const frame = (type: number, fixed: Uint8Array, sealed: Uint8Array) => concatBytes(new Uint8Array([type]), u32(fixed.length + sealed.length), fixed, sealed);
    const tag = (sealed: Uint8Array) => sealed.subarray(sealed.length - 16);
    const counts = concatBytes(u32(1), u32(0), u32(0));
    const macInput = concatBytes(
      header,
      new Uint8Array([1]), u32(label.length), tag(label),
      new Uint8Array([2]), u32(recordFixed.length + envelope.length), recordFixed, tag(envelope),
      new Uint8Array([0xff]), u32(12 + 32), counts,
    );
    const mac = hmac(sha256, subkey('backup-mac'), macInput);
    const file = concatBytes(header, frame(1, new Uint8Array(), label), frame(2, recordFixed, envelope), frame(0xff, counts, mac));
    expect(hex(file)).toBe(vector('backup-file'));
  });

  it('recovery key text and wrap key (§3)', () => {
    const key = Uint8Array.from({ length: 20 }, (_, i) => (i * 13) & 0xff);
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const bits = [...key].map((b) => b.toString(2).padStart(8, '0')).join('');
    const text = Array.from({ length: 32 }, (_, i) => alphabet[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)]).join('');
    expect(text.match(/.{4}/g)?.join('-')).toBe(vector('recovery-key-text'));
    expect(hex(hkdf(sha256, key, seq(0x90, 16), utf8('carnet/v1/wrap/recovery'), 32))).toBe(vector('recovery-wrap-key'));
  });

  it('STREAM (§6)', () => {
    const key = seq(0xb0, 32);
    expect(hex(gcm(key, streamNonceDoc(0, true)).encrypt(utf8('hello, carnet')))).toBe(vector('stream-small'));
    expect(hex(streamNonceDoc(258, true))).toBe(vector('stream-nonce-258-last'));
    const file = Uint8Array.from({ length: 40000 }, (_, i) => (i * 7 + 3) & 0xff);
    const sums = [0, 1, 2].map((i) => hex(sha256(gcm(key, streamNonceDoc(i, i === 2)).encrypt(file.subarray(i * 16384, Math.min(40000, (i + 1) * 16384))))));
    expect(sums.join('')).toBe(vector('stream-3-chunks-sha256'));
  });

  it('listing key (§9.2)', () => {
    expect(hex(hkdf(sha256, subkey('search-index'), VID, utf8('carnet/v1/library-listing'), 32))).toBe(vector('listing-key'));
  });

  it('content MAC (§6.1)', () => {
    const file = Uint8Array.from({ length: 40000 }, (_, i) => (i * 7 + 3) & 0xff);
    const digests = [0, 1, 2].map((i) => sha256(file.subarray(i * 16384, Math.min(40000, (i + 1) * 16384))));
    const message = concatBytes(LP(utf8('carnet/v1/content-mac')), u32(16384), ...digests);
    expect(hex(hmac(sha256, subkey('name-mac'), message))).toBe(vector('content-mac'));
  });
});

describe("Carnet's own code produces and reads the same bytes", () => {
  const vaultKey = asVaultKey(VK.slice());
  const vaultId = asVaultId(VID.slice());
  const keys = deriveVaultKeys(vaultKey, vaultId);

  it('derives the same subkeys', () => {
    for (const purpose of PURPOSES) expect(hex(deriveSubkey(vaultKey, vaultId, purpose))).toBe(vector(`subkey-${purpose}`));
  });

  it('seals and opens the record and change envelopes', () => {
    const binding = { domain: 'record', vaultId, kind: 'document', id: RECORD_ID } as const;
    expect(hex(envelopeAad(1, binding))).toBe(vector('record-aad'));
    expect(hex(sealEnvelope(keys.record, seq(0x40, 24), binding, utf8(PAYLOAD)))).toBe(vector('record-envelope'));
    const opened = openEnvelope(keys.record, binding, hexToBytes(vector('record-envelope')));
    expect(opened.ok && new TextDecoder().decode(opened.value)).toBe(PAYLOAD);
    const change = { domain: 'change', vaultId, kind: 'change', id: RECORD_ID } as const;
    expect(hex(sealEnvelope(keys.change, seq(0x48, 24), change, utf8(CHANGE)))).toBe(vector('change-envelope'));
  });

  it('derives the wrap key through the Argon2id wrapper, with NFC', async () => {
    const key = await argon2id(passphraseBytes(PASSPHRASE), seq(0x90, 16), { memoryKiB: 19456, iterations: 2, parallelism: 1 });
    expect(hex(key)).toBe(vector('passphrase-wrap-key'));
    const decomposed = await argon2id(passphraseBytes('Café au lait, 7 lunes & 3 étoiles'), seq(0x90, 16), { memoryKiB: 19456, iterations: 2, parallelism: 1 });
    expect(hex(decomposed)).toBe(vector('passphrase-wrap-key'));
  });

  it('encodes, parses and verifies the keyring', () => {
    const wrapKey = hexToBytes(vector('passphrase-wrap-key')) as WrapKey;
    const sealedKey = sealVaultKey(vaultKey, wrapKey, vaultId, 'passphrase', seq(0x70, 16), seq(0x80, 24));
    expect(hex(sealedKey)).toBe(vector('wrap-sealed-key'));
    const inboxPublic = hexToBytes(vector('inbox-public'));
    const bytes = encodeKeyring(
      {
        vaultId,
        revision: 1,
        inboxPublicKey: inboxPublic,
        sealedInboxSecret: sealInboxSecret(keys.inboxSecret, vaultId, inboxPublic, seq(0xc0, 32), seq(0xd0, 24)),
        wraps: [{ method: 'passphrase', wrapId: seq(0x70, 16), kdf: { memoryKiB: 19456, iterations: 2, parallelism: 1 }, salt: seq(0x90, 16), sealedKey }],
      },
      keys.headerMac,
    );
    expect(hex(bytes)).toBe(vector('keyring'));
    const parsed = parseKeyring(hexToBytes(vector('keyring')));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.revision).toBe(1);
    expect(verifyKeyringMac(parsed.value.bytes, keys.headerMac)).toBe(true);
    const wrap = parsed.value.wraps[0];
    expect(wrap?.method).toBe('passphrase');
    const unwrapped = wrap === undefined ? null : unwrapVaultKey(wrap, wrapKey, vaultId);
    expect(unwrapped?.ok && hex(unwrapped.value)).toBe(hex(VK));
  });

  it('seals to and opens from the inbox', () => {
    const box = sealToInbox(hexToBytes(vector('inbox-public')), utf8('Ordonnance du Dr Martin'), seq(0xe0, 32), seq(0x10, 24));
    expect(hex(box)).toBe(vector('inbox-box'));
    const opened = openFromInbox(seq(0xc0, 32), box);
    expect(opened.ok && new TextDecoder().decode(opened.value)).toBe('Ordonnance du Dr Martin');
  });

  it('seals STREAM chunks with WebCrypto exactly as documented', async () => {
    expect(hex(streamNonce(258, true))).toBe(vector('stream-nonce-258-last'));
    const cipher = await createAesGcmChunkCipher(asFileKey(seq(0xb0, 32)));
    const small = await createStreamSealer(cipher).seal(utf8('hello, carnet'), true);
    expect(hex(small)).toBe(vector('stream-small'));
    const file = Uint8Array.from({ length: 40000 }, (_, i) => (i * 7 + 3) & 0xff);
    const sealer = createStreamSealer(cipher);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) chunks.push(await sealer.seal(file.subarray(i * 16384, Math.min(40000, (i + 1) * 16384)), i === 2));
    expect(chunks.map((c) => hex(sha256(c))).join('')).toBe(vector('stream-3-chunks-sha256'));
    const opener = createStreamOpener(cipher, 3);
    const back: Uint8Array[] = [];
    for (const chunk of chunks) {
      const opened = await opener.open(chunk);
      if (!opened.ok) throw new Error(opened.error.type);
      back.push(opened.value);
    }
    expect(opener.finish().ok).toBe(true);
    expect(hex(concatBytes(...back))).toBe(hex(file));
  });

  it('writes and reads the recovery key as documented', () => {
    const key = Uint8Array.from({ length: 20 }, (_, i) => (i * 13) & 0xff);
    expect(encodeRecoveryKey(key)).toBe(vector('recovery-key-text'));
    expect(parseRecoveryKey(vector('recovery-key-text'))).toEqual({ ok: true, value: key });
    expect(parseRecoveryKey(' 006h m9sm 8575 pt3n ga7s sadp rf8d vtqq ')).toEqual({ ok: true, value: key });
    expect(parseRecoveryKey(vector('recovery-key-text').replace(/0/g, 'O'))).toEqual({ ok: true, value: key });
    expect(hex(recoveryWrapKey(key, seq(0x90, 16)))).toBe(vector('recovery-wrap-key'));
  });

  it('computes the documented content MAC, and refuses a digest that is not one', () => {
    const file = Uint8Array.from({ length: 40000 }, (_, i) => (i * 7 + 3) & 0xff);
    const contentMac = createContentMac(keys.nameMac, 16384);
    for (let i = 0; i < 3; i++) contentMac.update(sha256(file.subarray(i * 16384, Math.min(40000, (i + 1) * 16384))));
    expect(hex(contentMac.finish())).toBe(vector('content-mac'));
    expect(() => createContentMac(keys.nameMac, 16384).update(new Uint8Array(31))).toThrow(RangeError);
    // Another chunk size is another identity: the same bytes cut differently do not match.
    const other = createContentMac(keys.nameMac, 32768);
    other.update(sha256(file.subarray(0, 32768)));
    other.update(sha256(file.subarray(32768)));
    expect(hex(other.finish())).not.toBe(vector('content-mac'));
  });

  it('derives the documented listing key', () => {
    expect(hex(deriveListingKey(keys.searchIndex, vaultId))).toBe(vector('listing-key'));
  });

  it('writes the documented clock stamp', () => {
    expect(encodeHlc({ millis: 1_700_000_000_000, counter: 5, deviceId: '0011223344556677' as DeviceId })).toBe('018bcfe5680000050011223344556677');
  });
});
