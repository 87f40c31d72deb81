// The liboqs WebAssembly ML-KEM-768 against FIPS 203 and against the noble reference. The accumulated vectors run
// entirely through the WebAssembly module: its key generation and encapsulation draw their randomness (d ‖ z, then m)
// from node:crypto's randomFillSync, which the test feeds with the vector stream for exactly those calls.
import { createRequire } from 'node:module';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { concatBytes, toHex } from '../../../shared/crypto/bytes';
import type { KemPrimitives } from '../../../shared/crypto/ml-kem';
import { accumulatedDigest, checkKemContract, ML_KEM_768_ACCUMULATED_100 } from '../../../shared/crypto/testing/ml-kem-suite';
import { instantiateLiboqsMlKem768, liboqsMlKem768, loadLiboqsMlKem768 } from './liboqs-ml-kem';

// The CommonJS face of node:crypto is the object the module's Emscripten glue calls randomFillSync on.
const nodeCrypto = createRequire(import.meta.url)('node:crypto') as { randomFillSync: (buffer: Uint8Array) => Uint8Array };

/** Runs fn with the module's next random draw answered by `bytes` (the draw must ask for exactly that many). */
function withRandomness<T>(bytes: Uint8Array, fn: () => T): T {
  const spy = vi.spyOn(nodeCrypto, 'randomFillSync').mockImplementationOnce((buffer: Uint8Array) => {
    expect(buffer.length).toBe(bytes.length);
    buffer.set(bytes);
    return buffer;
  });
  try {
    return fn();
  } finally {
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  }
}

let kem: KemPrimitives;
beforeAll(async () => {
  kem = await loadLiboqsMlKem768();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('ML-KEM-768 in WebAssembly (liboqs)', () => {
  it('matches the FIPS 203 accumulated vectors with its own key generation, encapsulation and decapsulation', () => {
    const digest = accumulatedDigest({
      keygen: (d, z) => withRandomness(concatBytes(d, z), () => kem.mlKem768GenerateKeyPair()),
      encapsulate: (publicKey, m) => withRandomness(m, () => kem.mlKem768Encapsulate(publicKey)),
      decapsulate: (ciphertext, secretKey) => kem.mlKem768Decapsulate(ciphertext, secretKey),
    });
    expect(digest).toBe(ML_KEM_768_ACCUMULATED_100);
  });

  it('round trip, sizes, and typed errors for wrong sizes, unreduced and corrupt keys', () => {
    checkKemContract(kem);
  });

  it('interoperates with the noble reference both ways on fresh random keys', () => {
    for (let i = 0; i < 5; i++) {
      const ours = kem.mlKem768GenerateKeyPair();
      const fromNoble = ml_kem768.encapsulate(ours.publicKey);
      expect(toHex(kem.mlKem768Decapsulate(fromNoble.cipherText, ours.secretKey))).toBe(toHex(fromNoble.sharedSecret));
      const theirs = ml_kem768.keygen();
      const toNoble = kem.mlKem768Encapsulate(theirs.publicKey);
      expect(toHex(ml_kem768.decapsulate(toNoble.ciphertext, theirs.secretKey))).toBe(toHex(toNoble.sharedSecret));
      expect(toHex(ml_kem768.getPublicKey(ours.secretKey))).toBe(toHex(ours.publicKey));
    }
  });
});

describe('what stays in the module’s memory', () => {
  /** Whether `needle` occurs anywhere in `heap`. */
  const occurs = (heap: Uint8Array, needle: Uint8Array) => Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength).includes(Buffer.from(needle));

  it('keeps no copy of a secret key or a shared secret once a call returns', async () => {
    const wasm = await instantiateLiboqsMlKem768();
    const own = liboqsMlKem768(wasm);
    const keys = own.mlKem768GenerateKeyPair();
    const { ciphertext, sharedSecret } = own.mlKem768Encapsulate(keys.publicKey);
    expect(toHex(own.mlKem768Decapsulate(ciphertext, keys.secretKey))).toBe(toHex(sharedSecret));
    // The secret parts of the decapsulation key (FIPS 203: dk_PKE, the first 1,152 bytes, and z, the last 32); its
    // middle is the public encapsulation key and its hash, which the module may keep.
    const secretParts = [keys.secretKey.subarray(0, 32), keys.secretKey.subarray(600, 632), keys.secretKey.subarray(2368)];
    for (const part of [...secretParts, sharedSecret]) expect(occurs(wasm.HEAPU8, part)).toBe(false);
    // The public key is still there (it is not wiped), which shows the search finds what is present.
    expect(occurs(wasm.HEAPU8, keys.publicKey.subarray(0, 32))).toBe(true);
  });
});
