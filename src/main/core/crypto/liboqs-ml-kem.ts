// ML-KEM-768 (FIPS 203) for the node provider, computed by liboqs (whose ML-KEM is mlkem-native) compiled to
// WebAssembly: the npm package @oqs/liboqs-js ships it as one plain JavaScript file with the module inlined, so
// nothing is built or downloaded at install. It takes about a fifth of the CPU of the pure-JS noble implementation,
// which stays the reference every output is checked against (liboqs-ml-kem.test.ts) and the fallback when
// WebAssembly is unavailable. Why it is trusted and what was reviewed: docs/security.md §2.1.
//
// The package's own wrapper frees its buffers without wiping them; this one keeps fixed buffers in the module's
// memory and zeroes the ones that held a secret key or a shared secret before returning.
import { CryptoError } from '../../../shared/crypto/errors';
import type { KemPrimitives } from '../../../shared/crypto/ml-kem';
import {
  ML_KEM_768_CIPHERTEXT_BYTES,
  ML_KEM_768_PUBLIC_KEY_BYTES,
  ML_KEM_768_SECRET_KEY_BYTES,
  ML_KEM_SHARED_SECRET_BYTES,
} from '../../../shared/crypto/provider';

/** The parts of the Emscripten module (liboqs' OQS_KEM API, see its kem.h) this file calls. */
export interface LiboqsModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _OQS_init(): void;
  _OQS_KEM_new(namePtr: number): number;
  _OQS_KEM_keypair(kem: number, publicKey: number, secretKey: number): number;
  _OQS_KEM_encaps(kem: number, ciphertext: number, sharedSecret: number, publicKey: number): number;
  _OQS_KEM_decaps(kem: number, sharedSecret: number, ciphertext: number, secretKey: number): number;
}

const OQS_SUCCESS = 0;

/**
 * The package exports only its wrapper, which hides the module; the module is the file beside it (the version is
 * pinned exactly in package.json, and the vector tests fail if the layout or the contents change).
 */
export async function instantiateLiboqsMlKem768(): Promise<LiboqsModule> {
  const moduleUrl = new URL('../dist/ml-kem-768.min.js', import.meta.resolve('@oqs/liboqs-js/kem'));
  const factory = ((await import(/* @vite-ignore */ moduleUrl.href)) as { default: () => Promise<LiboqsModule> }).default;
  const wasm = await factory();
  wasm._OQS_init();
  return wasm;
}

/** Loads the module and returns the three KEM operations; rejects when WebAssembly or the module is unavailable. */
export async function loadLiboqsMlKem768(): Promise<KemPrimitives> {
  return liboqsMlKem768(await instantiateLiboqsMlKem768());
}

/** The three KEM operations over one instance of the module (which no one else may use). */
export function liboqsMlKem768(wasm: LiboqsModule): KemPrimitives {
  const name = new TextEncoder().encode('ML-KEM-768\0');
  const namePtr = wasm._malloc(name.length);
  wasm.HEAPU8.set(name, namePtr);
  const kem = wasm._OQS_KEM_new(namePtr);
  if (!kem) throw new Error('liboqs has no ML-KEM-768');
  // One buffer per role, reused by every call (the provider is synchronous, so calls never overlap).
  const publicKey = wasm._malloc(ML_KEM_768_PUBLIC_KEY_BYTES);
  const secretKey = wasm._malloc(ML_KEM_768_SECRET_KEY_BYTES);
  const ciphertext = wasm._malloc(ML_KEM_768_CIPHERTEXT_BYTES);
  const sharedSecret = wasm._malloc(ML_KEM_SHARED_SECRET_BYTES);
  // HEAPU8 is read at each use: the view is replaced if the module's memory ever grows.
  const read = (ptr: number, length: number) => wasm.HEAPU8.slice(ptr, ptr + length);
  const wipe = (ptr: number, length: number) => wasm.HEAPU8.fill(0, ptr, ptr + length);

  return {
    mlKem768GenerateKeyPair() {
      try {
        if (wasm._OQS_KEM_keypair(kem, publicKey, secretKey) !== OQS_SUCCESS) throw new Error('ML-KEM-768 key generation failed');
        return { publicKey: read(publicKey, ML_KEM_768_PUBLIC_KEY_BYTES), secretKey: read(secretKey, ML_KEM_768_SECRET_KEY_BYTES) };
      } finally {
        wipe(secretKey, ML_KEM_768_SECRET_KEY_BYTES);
      }
    },
    mlKem768Encapsulate(key) {
      if (key.length !== ML_KEM_768_PUBLIC_KEY_BYTES) throw new CryptoError('bad_key', 'ML-KEM-768 public key must be 1184 bytes');
      wasm.HEAPU8.set(key, publicKey);
      try {
        if (wasm._OQS_KEM_encaps(kem, ciphertext, sharedSecret, publicKey) !== OQS_SUCCESS) {
          // mlkem-native's only refusal here is FIPS 203's modulus check of the encapsulation key.
          throw new CryptoError('bad_key', 'ML-KEM-768 public key fails the FIPS 203 encapsulation key check');
        }
        return { ciphertext: read(ciphertext, ML_KEM_768_CIPHERTEXT_BYTES), sharedSecret: read(sharedSecret, ML_KEM_SHARED_SECRET_BYTES) };
      } finally {
        wipe(sharedSecret, ML_KEM_SHARED_SECRET_BYTES);
      }
    },
    mlKem768Decapsulate(received, key) {
      if (received.length !== ML_KEM_768_CIPHERTEXT_BYTES) throw new CryptoError('bad_message', 'ML-KEM-768 ciphertext must be 1088 bytes');
      if (key.length !== ML_KEM_768_SECRET_KEY_BYTES) throw new CryptoError('bad_key', 'ML-KEM-768 secret key must be 2400 bytes');
      wasm.HEAPU8.set(received, ciphertext);
      wasm.HEAPU8.set(key, secretKey);
      try {
        if (wasm._OQS_KEM_decaps(kem, sharedSecret, ciphertext, secretKey) !== OQS_SUCCESS) {
          // Only a secret key whose embedded hash of the public key does not match: a corrupt key, not a peer's doing.
          throw new CryptoError('bad_key', 'ML-KEM-768 secret key fails the FIPS 203 decapsulation key check');
        }
        return read(sharedSecret, ML_KEM_SHARED_SECRET_BYTES);
      } finally {
        wipe(secretKey, ML_KEM_768_SECRET_KEY_BYTES);
        wipe(sharedSecret, ML_KEM_SHARED_SECRET_BYTES);
      }
    },
  };
}
