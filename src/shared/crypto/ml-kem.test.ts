// ML-KEM-768 against FIPS 203: the accumulated pq-crystals vectors of C2SP/CCTV (ML-KEM, final FIPS 203) — keys,
// encapsulations and implicit rejections drawn from a SHAKE-128 stream, every output hashed into one digest that
// must match the published one — then the provider's own contract (sizes, typed errors, implicit rejection).
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { shake128 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { errorCode } from './testing/errors';
import { nobleCryptoProvider as provider } from './noble-provider';

/** C2SP/CCTV ML-KEM README, "Accumulated pq-crystals vectors", ML-KEM-768, 100 tests, FIPS 203 final. */
const ACCUMULATED_100 = '8d65b902f28edc683cebee2872962fd165a4d197c9e24ec74caa4470270df0b7';

describe('ML-KEM-768', () => {
  it('matches the FIPS 203 accumulated vectors (100 keys, encapsulations and rejections)', () => {
    const rng = shake128.create({});
    expect(toHex(shake128.create({}).xof(16))).toBe('7f9c2ba4e88f827d616045507605853e');
    const accumulator = shake128.create({});
    for (let i = 0; i < 100; i++) {
      const d = rng.xof(32);
      const z = rng.xof(32);
      const m = rng.xof(32);
      const invalid = rng.xof(1088);
      const seed = new Uint8Array(64);
      seed.set(d);
      seed.set(z, 32);
      const { publicKey, secretKey } = ml_kem768.keygen(seed);
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, m);
      // The provider decapsulates what the reference encapsulated, and rejects the random ciphertext implicitly.
      expect(toHex(provider.mlKem768Decapsulate(cipherText, secretKey))).toBe(toHex(sharedSecret));
      const rejected = provider.mlKem768Decapsulate(invalid, secretKey);
      for (const part of [publicKey, secretKey, cipherText, sharedSecret, rejected]) accumulator.update(part);
    }
    expect(toHex(accumulator.xof(32))).toBe(ACCUMULATED_100);
  });

  it('provider round trip, sizes, and typed errors for wrong sizes and unreduced keys', () => {
    const keys = provider.mlKem768GenerateKeyPair();
    expect([keys.publicKey.length, keys.secretKey.length]).toEqual([1184, 2400]);
    const { ciphertext, sharedSecret } = provider.mlKem768Encapsulate(keys.publicKey);
    expect(ciphertext).toHaveLength(1088);
    expect(toHex(provider.mlKem768Decapsulate(ciphertext, keys.secretKey))).toBe(toHex(sharedSecret));
    expect(errorCode(() => provider.mlKem768Encapsulate(keys.publicKey.subarray(1)))).toBe('bad_key');
    const unreduced = keys.publicKey.slice();
    unreduced[0] = 0xff;
    unreduced[1] = 0xff;
    expect(errorCode(() => provider.mlKem768Encapsulate(unreduced))).toBe('bad_key');
    expect(errorCode(() => provider.mlKem768Decapsulate(ciphertext.subarray(1), keys.secretKey))).toBe('bad_message');
    expect(errorCode(() => provider.mlKem768Decapsulate(ciphertext, keys.secretKey.subarray(1)))).toBe('bad_key');
  });
});
