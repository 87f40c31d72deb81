// The device's Ed25519 identity key: generated here in main, used to sign the relay's login challenges. The private
// key never leaves main and is never logged; at rest it is protected by a SecretStore (see AccountStore).
import { ed25519 } from '@noble/curves/ed25519.js';
import type { DeviceSigner } from '../transport/types';

export interface IdentityKeyPair {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** 32-byte Ed25519 secret key (seed). */
  readonly privateKey: Uint8Array;
}

export function generateIdentity(): IdentityKeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { publicKey: ed25519.getPublicKey(privateKey), privateKey };
}

/** Rebuilds the key pair from a stored private key; throws RangeError for anything that is not a 32-byte key. */
export function identityFromPrivateKey(privateKey: Uint8Array): IdentityKeyPair {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) throw new RangeError('an Ed25519 private key is 32 bytes');
  return { publicKey: ed25519.getPublicKey(privateKey), privateKey: privateKey.slice() };
}

/** A signer for the transport; it keeps its own copy of the key. */
export function identitySigner(identity: IdentityKeyPair): DeviceSigner {
  const privateKey = identity.privateKey.slice();
  return { sign: async (message) => ed25519.sign(message, privateKey) };
}

export function verifyIdentitySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
