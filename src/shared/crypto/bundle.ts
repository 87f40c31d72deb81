// The prekey bundle a device publishes on the relay (PQXDH §3.2) and what an initiator checks before trusting it.
// A bundle whose signed-prekey or KEM-prekey signature fails, or whose keys are malformed, is rejected with a typed
// error. Every bundle carries a KEM prekey: every new session is PQXDH.
import { ByteReader, ByteWriter } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { identityAgreementKey } from './identity';
import { isValidPreKeyId, kemPreKeySigningBytes, signedPreKeySigningBytes, type KemPreKey, type OneTimePreKey, type SignedPreKey } from './prekeys';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ML_KEM_768_PUBLIC_KEY_BYTES,
  X25519_KEY_BYTES,
  type CryptoProvider,
} from './provider';
import type { IdentityKeyPair } from './identity';

export interface PreKeyBundle {
  /** The device's Ed25519 identity key. */
  readonly identityKey: Uint8Array;
  readonly signedPreKey: { readonly id: number; readonly publicKey: Uint8Array; readonly signature: Uint8Array };
  /** Absent when the relay has run out of one-time prekeys; PQXDH then runs without DH4. */
  readonly oneTimePreKey?: { readonly id: number; readonly publicKey: Uint8Array } | undefined;
  /** PQPK_B: a one-time KEM prekey, or the last-resort one when those are used up. */
  readonly kemPreKey: { readonly id: number; readonly publicKey: Uint8Array; readonly signature: Uint8Array };
}

export function createPreKeyBundle(
  identity: IdentityKeyPair,
  signedPreKey: SignedPreKey,
  kemPreKey: KemPreKey,
  oneTimePreKey?: OneTimePreKey,
): PreKeyBundle {
  return {
    identityKey: identity.signing.publicKey,
    signedPreKey: { id: signedPreKey.id, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
    oneTimePreKey: oneTimePreKey && { id: oneTimePreKey.id, publicKey: oneTimePreKey.keyPair.publicKey },
    kemPreKey: { id: kemPreKey.id, publicKey: kemPreKey.keyPair.publicKey, signature: kemPreKey.signature },
  };
}

function checkShape(bundle: PreKeyBundle): void {
  const bad = (reason: string): never => {
    throw new CryptoError('bad_bundle', `prekey bundle: ${reason}`);
  };
  if (bundle.identityKey.length !== ED25519_PUBLIC_KEY_BYTES) bad('identity key must be 32 bytes');
  const spk = bundle.signedPreKey;
  if (!isValidPreKeyId(spk.id)) bad('signed prekey id out of range');
  if (spk.publicKey.length !== X25519_KEY_BYTES) bad('signed prekey must be 32 bytes');
  if (spk.signature.length !== ED25519_SIGNATURE_BYTES) bad('signature must be 64 bytes');
  const opk = bundle.oneTimePreKey;
  if (opk && !isValidPreKeyId(opk.id)) bad('one-time prekey id out of range');
  if (opk && opk.publicKey.length !== X25519_KEY_BYTES) bad('one-time prekey must be 32 bytes');
  const kem = bundle.kemPreKey;
  if (!kem) bad('no KEM prekey');
  if (!isValidPreKeyId(kem.id)) bad('KEM prekey id out of range');
  if (kem.publicKey.length !== ML_KEM_768_PUBLIC_KEY_BYTES) bad('KEM prekey must be 1184 bytes');
  if (kem.signature.length !== ED25519_SIGNATURE_BYTES) bad('KEM prekey signature must be 64 bytes');
}

/**
 * Throws CryptoError 'bad_bundle' (malformed, identity key not a point) or 'bad_signature' (the identity key did
 * not sign this signed prekey). Low-order prekeys are caught later, when the agreement comes out all zeros.
 */
export function verifyPreKeyBundle(provider: CryptoProvider, bundle: PreKeyBundle): void {
  checkShape(bundle);
  const spk = bundle.signedPreKey;
  const kem = bundle.kemPreKey;
  if (
    provider.ed25519Verify(bundle.identityKey, signedPreKeySigningBytes(spk.id, spk.publicKey), spk.signature) &&
    provider.ed25519Verify(bundle.identityKey, kemPreKeySigningBytes(kem.id, kem.publicKey), kem.signature)
  ) {
    return;
  }
  // A signature never verifies under a key that is not a curve point; tell the two failures apart only now,
  // so that the common (valid) path pays for one point decoding, in the verification itself.
  try {
    identityAgreementKey(provider, bundle.identityKey);
  } catch {
    throw new CryptoError('bad_bundle', 'prekey bundle: identity key is not a valid Ed25519 point');
  }
  throw new CryptoError('bad_signature', 'prekey bundle: a prekey signature (curve or KEM) does not verify');
}

export function serializePreKeyBundle(bundle: PreKeyBundle): Uint8Array {
  checkShape(bundle);
  const w = new ByteWriter()
    .u8(FORMAT.preKeyBundle)
    .bytes(bundle.identityKey)
    .u32(bundle.signedPreKey.id)
    .bytes(bundle.signedPreKey.publicKey)
    .bytes(bundle.signedPreKey.signature);
  if (bundle.oneTimePreKey) w.u8(1).u32(bundle.oneTimePreKey.id).bytes(bundle.oneTimePreKey.publicKey);
  else w.u8(0);
  return w.u32(bundle.kemPreKey.id).bytes(bundle.kemPreKey.publicKey).bytes(bundle.kemPreKey.signature).finish();
}

/** Parses the shape only; call verifyPreKeyBundle before using it. */
export function deserializePreKeyBundle(bytes: Uint8Array): PreKeyBundle {
  const r = new ByteReader(bytes, 'bad_bundle', 'prekey bundle');
  r.expectVersion(FORMAT.preKeyBundle);
  const identityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const signedPreKey = { id: r.u32(), publicKey: r.bytes(X25519_KEY_BYTES), signature: r.bytes(ED25519_SIGNATURE_BYTES) };
  const flag = r.u8();
  if (flag > 1) throw new CryptoError('bad_bundle', 'prekey bundle: bad one-time prekey flag');
  const oneTimePreKey = flag === 1 ? { id: r.u32(), publicKey: r.bytes(X25519_KEY_BYTES) } : undefined;
  const kemPreKey = { id: r.u32(), publicKey: r.bytes(ML_KEM_768_PUBLIC_KEY_BYTES), signature: r.bytes(ED25519_SIGNATURE_BYTES) };
  r.end();
  const bundle: PreKeyBundle = { identityKey, signedPreKey, oneTimePreKey, kemPreKey };
  checkShape(bundle);
  return bundle;
}
