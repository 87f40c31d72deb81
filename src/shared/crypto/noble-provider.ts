// The portable CryptoProvider: @noble/curves, @noble/ciphers, @noble/hashes, nothing else. It is the reference
// every other provider must match byte for byte, and it runs anywhere (renderer, workers, tests).
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { isAllZero } from './bytes';
import { mlKem768 } from './ml-kem';
import { CryptoError } from './errors';
import { X25519_KEY_BYTES, type CryptoProvider, type KeyPair } from './provider';

function x25519Agree(ours: KeyPair, theirPublicKey: Uint8Array): Uint8Array {
  if (theirPublicKey.length !== X25519_KEY_BYTES) throw new CryptoError('bad_key', 'X25519 public key must be 32 bytes');
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ours.secretKey, theirPublicKey);
  } catch {
    // noble refuses low-order inputs; report it the way every provider does.
    throw new CryptoError('bad_key', 'X25519 agreement with a low-order public key');
  }
  if (isAllZero(shared)) throw new CryptoError('bad_key', 'X25519 agreement with a low-order public key');
  return shared;
}

export const nobleCryptoProvider: CryptoProvider = {
  name: 'noble',

  randomBytes: (length) => randomBytes(length),

  x25519GenerateKeyPair() {
    const secretKey = randomBytes(X25519_KEY_BYTES);
    return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
  },
  x25519PublicKey: (secretKey) => x25519.getPublicKey(secretKey),
  x25519: x25519Agree,

  ed25519GenerateKeyPair() {
    const secretKey = randomBytes(32);
    return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
  },
  ed25519PublicKey: (secretKey) => ed25519.getPublicKey(secretKey),
  ed25519Sign: (keyPair, message) => ed25519.sign(message, keyPair.secretKey),
  ed25519Verify(publicKey, message, signature) {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },

  ed25519PublicKeyToX25519(publicKey) {
    try {
      return ed25519.utils.toMontgomery(publicKey);
    } catch {
      throw new CryptoError('bad_key', 'identity key is not a valid Ed25519 point');
    }
  },
  ed25519SecretKeyToX25519(seed) {
    if (seed.length !== 32) throw new CryptoError('bad_key', 'Ed25519 seed must be 32 bytes');
    return ed25519.utils.toMontgomerySecret(seed);
  },

  ...mlKem768,

  sha512: (data) => sha512(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),

  aeadEncrypt: (key, nonce, plaintext, associatedData) => chacha20poly1305(key, nonce, associatedData).encrypt(plaintext),
  aeadDecrypt(key, nonce, ciphertext, associatedData) {
    try {
      return chacha20poly1305(key, nonce, associatedData).decrypt(ciphertext);
    } catch {
      return null;
    }
  },
};
