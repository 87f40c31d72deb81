// ML-KEM-768 against FIPS 203: the accumulated pq-crystals vectors of C2SP/CCTV (ML-KEM, final FIPS 203) — keys,
// encapsulations and implicit rejections drawn from a SHAKE-128 stream, every output hashed into one digest that
// must match the published one — then the provider's own contract (sizes, typed errors, implicit rejection).
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { shake128 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { nobleCryptoProvider as provider } from './noble-provider';
import { accumulatedDigest, checkKemContract, ML_KEM_768_ACCUMULATED_100 } from './testing/ml-kem-suite';

describe('ML-KEM-768', () => {
  it('matches the FIPS 203 accumulated vectors (100 keys, encapsulations and rejections)', () => {
    expect(toHex(shake128.create({}).xof(16))).toBe('7f9c2ba4e88f827d616045507605853e');
    const digest = accumulatedDigest({
      keygen: (d, z) => {
        const seed = new Uint8Array(64);
        seed.set(d);
        seed.set(z, 32);
        return ml_kem768.keygen(seed);
      },
      encapsulate: (publicKey, m) => {
        const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, m);
        return { ciphertext: cipherText, sharedSecret };
      },
      // The provider decapsulates what the reference encapsulated, and rejects the random ciphertext implicitly.
      decapsulate: (ciphertext, secretKey) => provider.mlKem768Decapsulate(ciphertext, secretKey),
    });
    expect(digest).toBe(ML_KEM_768_ACCUMULATED_100);
  });

  it('provider round trip, sizes, and typed errors for wrong sizes, unreduced and corrupt keys', () => {
    checkKemContract(provider);
  });
});
