// The primitives the protocol is built from, behind one small interface so that the portable implementation
// (noble, src/shared) and an accelerated one (node:crypto, src/main/core/crypto) are interchangeable and provably
// byte-identical. Protocol functions take a provider as their first argument; there is no global default.

export const X25519_KEY_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
/** ChaCha20-Poly1305 (RFC 8439): 256-bit key, 96-bit nonce, 128-bit tag. */
export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

/** ML-KEM-768 (FIPS 203): encapsulation key, decapsulation key, ciphertext and shared secret sizes. */
export const ML_KEM_768_PUBLIC_KEY_BYTES = 1184;
export const ML_KEM_768_SECRET_KEY_BYTES = 2400;
export const ML_KEM_768_CIPHERTEXT_BYTES = 1088;
export const ML_KEM_SHARED_SECRET_BYTES = 32;

/** A key pair as raw bytes. For Ed25519 `secretKey` is the 32-byte RFC 8032 seed. */
export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface CryptoProvider {
  /** For benchmarks and logs only. */
  readonly name: string;

  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;

  /** A fresh X25519 key pair (RFC 7748). */
  x25519GenerateKeyPair(): KeyPair;
  /** X25519(k, 9): the public key of a 32-byte secret (clamped as RFC 7748 says). */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /**
   * X25519(ours.secretKey, theirPublicKey). Takes our whole pair because some backends import a private key
   * together with its public half. Throws CryptoError('bad_key') when the result is all zeros (a low-order peer key).
   */
  x25519(ours: KeyPair, theirPublicKey: Uint8Array): Uint8Array;

  /** A fresh Ed25519 key pair (RFC 8032); `secretKey` is the seed. */
  ed25519GenerateKeyPair(): KeyPair;
  ed25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** Pure Ed25519 (deterministic): the same key and message always give the same 64 bytes. */
  ed25519Sign(keyPair: KeyPair, message: Uint8Array): Uint8Array;
  /** Strict RFC 8032 verification; false (never a throw) for any malformed key or signature. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /**
   * The X25519 (Montgomery u) form of an Ed25519 public key, through the birational map; throws
   * CryptoError('bad_key') when the bytes are not a valid Ed25519 point.
   */
  ed25519PublicKeyToX25519(publicKey: Uint8Array): Uint8Array;
  /** The X25519 secret of an Ed25519 seed: the clamped first half of SHA-512(seed), the scalar Ed25519 signs with. */
  ed25519SecretKeyToX25519(seed: Uint8Array): Uint8Array;

  /** A fresh ML-KEM-768 key pair (FIPS 203 ML-KEM.KeyGen); `publicKey` is the encapsulation key. */
  mlKem768GenerateKeyPair(): KeyPair;
  /**
   * ML-KEM.Encaps to `publicKey`: a fresh shared secret and the ciphertext that carries it. Throws
   * CryptoError('bad_key') for a key that fails FIPS 203's encapsulation-key checks (length, modulus).
   */
  mlKem768Encapsulate(publicKey: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  /**
   * ML-KEM.Decaps. A wrong or altered ciphertext of the right length yields an unrelated secret (implicit
   * rejection), never an error; a wrong length throws CryptoError('bad_message').
   */
  mlKem768Decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;

  sha512(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-SHA256 (RFC 5869); an empty salt means HashLen zero bytes, as the RFC specifies. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** ChaCha20-Poly1305 (RFC 8439): returns ciphertext || tag. */
  aeadEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when the tag does not authenticate (nothing is released then). */
  aeadDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Uint8Array | null;
}
