/** Published vectors through Carnet's own wrappers (sources in tests/unit/README.md). */
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { xchachaOpen, xchachaSeal } from '../../../src/core/crypto/aead.ts';
import { argon2id, ARGON2_FLOOR, checkArgon2Policy } from '../../../src/core/crypto/argon2.ts';

const hex = (text: string) => hexToBytes(text.replace(/\s+/g, ''));

describe('AEAD_XChaCha20_Poly1305, draft-irtf-cfrg-xchacha-03 A.3.1', () => {
  const plaintext = utf8ToBytes(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  );
  const aad = hex('50515253c0c1c2c3c4c5c6c7');
  const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
  const ciphertext = hex(`
    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
    2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e`);
  const tag = hex('c0875924c1c7987947deafd8780acf49');

  it('seals to the published ciphertext and tag', () => {
    const sealed = xchachaSeal(key, nonce, plaintext, aad);
    expect(sealed.subarray(0, plaintext.length)).toEqual(ciphertext);
    expect(sealed.subarray(plaintext.length)).toEqual(tag);
  });

  it('opens the published ciphertext, and refuses it with other associated data', () => {
    const sealed = new Uint8Array([...ciphertext, ...tag]);
    const opened = xchachaOpen(key, nonce, sealed, aad);
    expect(opened.ok && opened.value).toEqual(plaintext);
    expect(xchachaOpen(key, nonce, sealed, hex('50515253c0c1c2c3c4c5c6c6'))).toEqual({ ok: false, error: { type: 'DecryptFailed' } });
  });

  it('works on unaligned views of a larger buffer', () => {
    const backing = new Uint8Array(plaintext.length + 3);
    backing.set(plaintext, 3);
    const view = backing.subarray(3);
    expect(xchachaSeal(key, nonce, view, aad).subarray(0, plaintext.length)).toEqual(ciphertext);
  });
});

describe('Argon2id, RFC 9106 §5.3', () => {
  it('gives the published tag through the wrapper, whatever the vault policy says', async () => {
    const tag = await argon2id(
      new Uint8Array(32).fill(1),
      new Uint8Array(16).fill(2),
      { memoryKiB: 32, iterations: 3, parallelism: 4 },
      { secret: new Uint8Array(8).fill(3), associatedData: new Uint8Array(12).fill(4), outputBytes: 32 },
    );
    expect(tag).toEqual(hex('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659'));
  });

  it('reports progress up to completion', async () => {
    const seen: number[] = [];
    await argon2id(new Uint8Array(8), new Uint8Array(16), { memoryKiB: 256, iterations: 2, parallelism: 1 }, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBeCloseTo(1, 5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('Argon2id vault policy, separate from the wrapper', () => {
  it('accepts the OWASP floor and refuses anything weaker', () => {
    expect(checkArgon2Policy(ARGON2_FLOOR)).toBeNull();
    expect(checkArgon2Policy({ memoryKiB: 32, iterations: 3, parallelism: 1 })).toEqual({ type: 'KdfBelowFloor' });
    expect(checkArgon2Policy({ ...ARGON2_FLOOR, memoryKiB: ARGON2_FLOOR.memoryKiB - 1 })).toEqual({ type: 'KdfBelowFloor' });
    expect(checkArgon2Policy({ ...ARGON2_FLOOR, iterations: 1 })).toEqual({ type: 'KdfBelowFloor' });
  });

  it('refuses parameters that would freeze or crash the device', () => {
    expect(checkArgon2Policy({ ...ARGON2_FLOOR, parallelism: 4 })).toEqual({ type: 'KdfAboveCeiling' });
    expect(checkArgon2Policy({ ...ARGON2_FLOOR, memoryKiB: 4 * 1024 * 1024 })).toEqual({ type: 'KdfAboveCeiling' });
    expect(checkArgon2Policy({ ...ARGON2_FLOOR, iterations: 1000 })).toEqual({ type: 'KdfAboveCeiling' });
  });
});
