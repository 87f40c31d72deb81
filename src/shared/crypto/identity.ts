// Identity keys. A Parley device has one Ed25519 identity key (it already signs in to the relay with it); X3DH
// uses the same key on the Montgomery curve through the birational map Ed25519 → X25519 (docs/security.md,
// "Identity keys", says why). This module derives that X25519 form and encodes keys the way the Signal specs do.
import { concatBytes, toHex } from './bytes';
import { CryptoError } from './errors';
import { ED25519_PUBLIC_KEY_BYTES, X25519_KEY_BYTES, type CryptoProvider, type KeyPair } from './provider';

/** Signal's type byte for a Curve25519 (Montgomery) public key in Encode(PK). */
export const DJB_KEY_TYPE = 0x05;

export interface IdentityKeyPair {
  /** Ed25519: signs relay challenges and signed prekeys. `secretKey` is the RFC 8032 seed. */
  readonly signing: KeyPair;
  /** X25519 form of the same key, used in the X3DH agreements. Derived, never stored separately. */
  readonly agreement: KeyPair;
}

// Converting means decoding the Edwards point (a field square root): about as costly as an X25519 agreement with
// noble. Identity keys are public and few (one per contact device), so the conversion is memoized, bounded; the
// map is the same on every provider (node-provider.test.ts proves it), so one memo serves them all.
const agreementKeys = new Map<string, Uint8Array>();
const MAX_MEMOIZED_IDENTITY_KEYS = 1024;

/** The X25519 public key (u-coordinate) of an Ed25519 public key; throws 'bad_key' if it is not a valid point. */
export function identityAgreementKey(provider: CryptoProvider, identityKey: Uint8Array): Uint8Array {
  if (identityKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new CryptoError('bad_key', 'identity key must be a 32-byte Ed25519 public key');
  }
  const memoKey = toHex(identityKey);
  const known = agreementKeys.get(memoKey);
  if (known) return known.slice();
  const agreementKey = provider.ed25519PublicKeyToX25519(identityKey);
  if (agreementKeys.size >= MAX_MEMOIZED_IDENTITY_KEYS) agreementKeys.delete(agreementKeys.keys().next().value!);
  agreementKeys.set(memoKey, agreementKey);
  return agreementKey.slice();
}

/** Builds the identity key pair from the device's Ed25519 seed (the key the account already has). */
export function identityKeyPairFromSeed(provider: CryptoProvider, seed: Uint8Array): IdentityKeyPair {
  if (seed.length !== 32) throw new CryptoError('bad_key', 'Ed25519 seed must be 32 bytes');
  const publicKey = provider.ed25519PublicKey(seed);
  return {
    signing: { secretKey: seed, publicKey },
    // The X25519 scalar is the clamped first half of SHA-512(seed): the same scalar Ed25519 signs with.
    agreement: { secretKey: provider.ed25519SecretKeyToX25519(seed), publicKey: identityAgreementKey(provider, publicKey) },
  };
}

export function generateIdentityKeyPair(provider: CryptoProvider): IdentityKeyPair {
  return identityKeyPairFromSeed(provider, provider.ed25519GenerateKeyPair().secretKey);
}

/** Encode(PK) of the X3DH spec: 0x05 || the 32-byte X25519 public key (what libsignal serializes). */
export function encodeX25519PublicKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== X25519_KEY_BYTES) throw new CryptoError('bad_key', 'X25519 public key must be 32 bytes');
  return concatBytes(Uint8Array.of(DJB_KEY_TYPE), publicKey);
}

/** Encode(IK) for an Ed25519 identity key: the encoding of its X25519 form. */
export function encodeIdentityKey(provider: CryptoProvider, identityKey: Uint8Array): Uint8Array {
  return encodeX25519PublicKey(identityAgreementKey(provider, identityKey));
}
