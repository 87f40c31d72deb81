// X3DH key agreement (Signal, "The X3DH Key Agreement Protocol", rev. 1), over Curve25519 with SHA-256.
// Computes SK and AD only; the Double Ratchet then owns every message key. Never reuses an ephemeral key.
import { utf8Encode } from '../encoding/utf8';
import { verifyPreKeyBundle, type PreKeyBundle } from './bundle';
import { concatBytes } from './bytes';
import { CryptoError } from './errors';
import { encodeIdentityKey, encodeX25519PublicKey, identityAgreementKey, type IdentityKeyPair } from './identity';
import type { OneTimePreKey, SignedPreKey } from './prekeys';
import type { CryptoProvider, KeyPair } from './provider';

/** The spec's "info": an ASCII string identifying the application. */
export const X3DH_INFO = utf8Encode('Parley_X3DH_Curve25519_SHA256_v1');
/** F: 32 0xFF bytes prepended to the key material, so it can never collide with an XEdDSA/EdDSA input. */
const X3DH_F = new Uint8Array(32).fill(0xff);
const X3DH_SALT = new Uint8Array(32);
export const X3DH_SECRET_BYTES = 32;

/** What the initiator sends in its initial message (X3DH §3.3) besides the first ciphertext. */
export interface X3dhInitialHeader {
  /** IK_A: the initiator's Ed25519 identity key. */
  readonly identityKey: Uint8Array;
  /** EK_A: the ephemeral X25519 public key (also called the base key). */
  readonly ephemeralKey: Uint8Array;
  readonly signedPreKeyId: number;
  readonly oneTimePreKeyId?: number | undefined;
}

export interface X3dhResult {
  /** SK: the 32-byte secret the Double Ratchet starts from. */
  readonly sharedSecret: Uint8Array;
  /** AD = Encode(IK_A) || Encode(IK_B): binds both identities into every ciphertext of the session. */
  readonly associatedData: Uint8Array;
}

export interface X3dhInitiation extends X3dhResult {
  readonly header: X3dhInitialHeader;
  /** SPK_B, which becomes the responder's first ratchet public key. */
  readonly remoteSignedPreKey: Uint8Array;
  readonly remoteIdentityKey: Uint8Array;
}

/** KDF(KM) = HKDF(salt = 32 zero bytes, IKM = F || KM, info), 32 bytes. */
export function x3dhKdf(provider: CryptoProvider, keyMaterial: Uint8Array): Uint8Array {
  return provider.hkdfSha256(concatBytes(X3DH_F, keyMaterial), X3DH_SALT, X3DH_INFO, X3DH_SECRET_BYTES);
}

/** AD from the two Ed25519 identity keys. */
export function x3dhAssociatedData(provider: CryptoProvider, initiatorIdentityKey: Uint8Array, responderIdentityKey: Uint8Array): Uint8Array {
  return concatBytes(encodeIdentityKey(provider, initiatorIdentityKey), encodeIdentityKey(provider, responderIdentityKey));
}

/** The same AD from X25519 forms already at hand (converting an Ed25519 key costs a point decoding). */
function associatedDataFromAgreementKeys(initiator: Uint8Array, responder: Uint8Array): Uint8Array {
  return concatBytes(encodeX25519PublicKey(initiator), encodeX25519PublicKey(responder));
}

/**
 * Alice's side: verifies Bob's bundle (throws 'bad_bundle' / 'bad_signature'), then
 * DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B) if present.
 */
export function x3dhInitiate(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  bundle: PreKeyBundle,
  options: { ephemeralKeyPair?: KeyPair } = {},
): X3dhInitiation {
  verifyPreKeyBundle(provider, bundle);
  const ephemeral = options.ephemeralKeyPair ?? provider.x25519GenerateKeyPair();
  const spk = bundle.signedPreKey.publicKey;
  const remoteIdentity = identityAgreementKey(provider, bundle.identityKey);
  const dh1 = provider.x25519(identity.agreement, spk);
  const dh2 = provider.x25519(ephemeral, remoteIdentity);
  const dh3 = provider.x25519(ephemeral, spk);
  const dh4 = bundle.oneTimePreKey ? provider.x25519(ephemeral, bundle.oneTimePreKey.publicKey) : new Uint8Array(0);
  return {
    sharedSecret: x3dhKdf(provider, concatBytes(dh1, dh2, dh3, dh4)),
    associatedData: associatedDataFromAgreementKeys(identity.agreement.publicKey, remoteIdentity),
    header: {
      identityKey: identity.signing.publicKey,
      ephemeralKey: ephemeral.publicKey,
      signedPreKeyId: bundle.signedPreKey.id,
      oneTimePreKeyId: bundle.oneTimePreKey?.id,
    },
    remoteSignedPreKey: spk,
    remoteIdentityKey: bundle.identityKey,
  };
}

/**
 * Bob's side, given the prekeys the header names (the caller looks them up by id). Throws 'unknown_prekey' if they
 * do not match the header, 'bad_key' for an unusable identity or ephemeral key. The caller deletes the one-time
 * prekey only after the first message has decrypted.
 */
export function x3dhRespond(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  header: X3dhInitialHeader,
  signedPreKey: SignedPreKey | undefined,
  oneTimePreKey: OneTimePreKey | undefined,
): X3dhResult {
  if (!signedPreKey || signedPreKey.id !== header.signedPreKeyId) {
    throw new CryptoError('unknown_prekey', `no signed prekey with id ${header.signedPreKeyId}`);
  }
  if (header.oneTimePreKeyId !== undefined && (!oneTimePreKey || oneTimePreKey.id !== header.oneTimePreKeyId)) {
    throw new CryptoError('unknown_prekey', `no one-time prekey with id ${header.oneTimePreKeyId} (already used?)`);
  }
  const ek = header.ephemeralKey;
  const remoteIdentity = identityAgreementKey(provider, header.identityKey);
  const dh1 = provider.x25519(signedPreKey.keyPair, remoteIdentity);
  const dh2 = provider.x25519(identity.agreement, ek);
  const dh3 = provider.x25519(signedPreKey.keyPair, ek);
  const dh4 =
    header.oneTimePreKeyId !== undefined && oneTimePreKey ? provider.x25519(oneTimePreKey.keyPair, ek) : new Uint8Array(0);
  return {
    sharedSecret: x3dhKdf(provider, concatBytes(dh1, dh2, dh3, dh4)),
    associatedData: associatedDataFromAgreementKeys(remoteIdentity, identity.agreement.publicKey),
  };
}
