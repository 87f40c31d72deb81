// The FIPS 203 checks every ML-KEM-768 backend must pass, shared by the noble test (ml-kem.test.ts) and the
// liboqs WebAssembly test (src/main/core/crypto/liboqs-ml-kem.test.ts).
import { shake128 } from '@noble/hashes/sha3.js';
import { expect } from 'vitest';
import { toHex } from '../bytes';
import type { KemPrimitives } from '../ml-kem';
import { errorCode } from './errors';

/** C2SP/CCTV ML-KEM README, "Accumulated pq-crystals vectors", ML-KEM-768, 100 tests, FIPS 203 final. */
export const ML_KEM_768_ACCUMULATED_100 = '8d65b902f28edc683cebee2872962fd165a4d197c9e24ec74caa4470270df0b7';

/** A backend driven with given randomness: FIPS 203 ML-KEM.KeyGen_internal(d, z) and Encaps_internal(ek, m). */
export interface DeterministicKem {
  keygen(d: Uint8Array, z: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  encapsulate(publicKey: Uint8Array, m: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/**
 * The accumulated pq-crystals vectors: keys, encapsulations and implicit rejections drawn from a SHAKE-128 stream,
 * every output hashed into one digest; returns it (hex) for comparison with ML_KEM_768_ACCUMULATED_100. Each
 * decapsulation must also give the encapsulated secret back.
 */
export function accumulatedDigest(kem: DeterministicKem, count = 100): string {
  const rng = shake128.create({});
  const accumulator = shake128.create({});
  for (let i = 0; i < count; i++) {
    const d = rng.xof(32);
    const z = rng.xof(32);
    const m = rng.xof(32);
    const invalid = rng.xof(1088);
    const { publicKey, secretKey } = kem.keygen(d, z);
    const { ciphertext, sharedSecret } = kem.encapsulate(publicKey, m);
    expect(toHex(kem.decapsulate(ciphertext, secretKey))).toBe(toHex(sharedSecret));
    const rejected = kem.decapsulate(invalid, secretKey);
    for (const part of [publicKey, secretKey, ciphertext, sharedSecret, rejected]) accumulator.update(part);
  }
  return toHex(accumulator.xof(32));
}

/** The provider contract: sizes, a round trip, typed errors for wrong sizes, unreduced keys and corrupt secret keys. */
export function checkKemContract(kem: KemPrimitives): void {
  const keys = kem.mlKem768GenerateKeyPair();
  expect([keys.publicKey.length, keys.secretKey.length]).toEqual([1184, 2400]);
  const { ciphertext, sharedSecret } = kem.mlKem768Encapsulate(keys.publicKey);
  expect(ciphertext).toHaveLength(1088);
  expect(toHex(kem.mlKem768Decapsulate(ciphertext, keys.secretKey))).toBe(toHex(sharedSecret));
  expect(errorCode(() => kem.mlKem768Encapsulate(keys.publicKey.subarray(1)))).toBe('bad_key');
  const unreduced = keys.publicKey.slice();
  unreduced[0] = 0xff;
  unreduced[1] = 0xff;
  expect(errorCode(() => kem.mlKem768Encapsulate(unreduced))).toBe('bad_key');
  expect(errorCode(() => kem.mlKem768Decapsulate(ciphertext.subarray(1), keys.secretKey))).toBe('bad_message');
  expect(errorCode(() => kem.mlKem768Decapsulate(ciphertext, keys.secretKey.subarray(1)))).toBe('bad_key');
  // The secret key embeds H(ek) (FIPS 203 §7.3's hash check): a changed byte of its public key half is refused.
  const corrupt = keys.secretKey.slice();
  corrupt[1152 + 5]! ^= 1;
  expect(errorCode(() => kem.mlKem768Decapsulate(ciphertext, corrupt))).toBe('bad_key');
  // The caller's arrays are never changed.
  expect(toHex(kem.mlKem768Decapsulate(ciphertext, keys.secretKey))).toBe(toHex(sharedSecret));
}
