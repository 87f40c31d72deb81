// PQXDH key agreement (Signal, "The PQXDH Key Agreement Protocol", rev. 3) over Curve25519, SHA-256 and
// ML-KEM-768: X3DH's four agreements plus a KEM shared secret, all in one KDF, so a recording of the handshake is
// safe from a future quantum computer as long as ML-KEM holds. Computes SK and AD only; the Double Ratchet then owns
// every message key. Never reuses an ephemeral key or a KEM encapsulation.
import { utf8Encode } from '../encoding/utf8';
import { verifyPreKeyBundle, type PreKeyBundle } from './bundle';
import { concatBytes } from './bytes';
import { CryptoError } from './errors';
import { encodeX25519PublicKey, identityAgreementKey, type IdentityKeyPair } from './identity';
import type { KemPreKey, OneTimePreKey, SignedPreKey } from './prekeys';
import type { CryptoProvider, KeyPair } from './provider';

/** The spec's "info": the application, curve, hash and KEM. */
export const PQXDH_INFO = utf8Encode('Parley_PQXDH_CURVE25519_SHA-256_ML-KEM-768');
/** F: 32 0xFF bytes prepended to the key material, so it can never collide with an XEdDSA/EdDSA input. */
const PQXDH_F = new Uint8Array(32).fill(0xff);
const PQXDH_SALT = new Uint8Array(32);
export const PQXDH_SECRET_BYTES = 32;

/** What the initiator sends in its initial message (PQXDH §3.3) besides the first ciphertext. */
export interface PqxdhInitialHeader {
  /** IK_A: the initiator's Ed25519 identity key. */
  readonly identityKey: Uint8Array;
  /** EK_A: the ephemeral X25519 public key (also called the base key). */
  readonly ephemeralKey: Uint8Array;
  readonly signedPreKeyId: number;
  readonly oneTimePreKeyId?: number | undefined;
  /** Which KEM prekey (one-time or last-resort) the ciphertext was made for. */
  readonly kemPreKeyId: number;
  /** CT: the ML-KEM-768 encapsulation of SS to PQPK_B. */
  readonly kemCiphertext: Uint8Array;
}

export interface PqxdhResult {
  /** SK: the 32-byte secret the Double Ratchet starts from. */
  readonly sharedSecret: Uint8Array;
  /** AD = EncodeEC(IK_A) || EncodeEC(IK_B): binds both identities into every ciphertext of the session. */
  readonly associatedData: Uint8Array;
}

export interface PqxdhInitiation extends PqxdhResult {
  readonly header: PqxdhInitialHeader;
  /** SPK_B, which becomes the responder's first ratchet public key. */
  readonly remoteSignedPreKey: Uint8Array;
  readonly remoteIdentityKey: Uint8Array;
}

/** KDF(KM) = HKDF(salt = 32 zero bytes, IKM = F || KM, info), 32 bytes. */
export function pqxdhKdf(provider: CryptoProvider, keyMaterial: Uint8Array): Uint8Array {
  return provider.hkdfSha256(concatBytes(PQXDH_F, keyMaterial), PQXDH_SALT, PQXDH_INFO, PQXDH_SECRET_BYTES);
}

/** AD from the X25519 forms of the two identity keys (EncodeEC(IK_A) || EncodeEC(IK_B)). */
function associatedData(initiator: Uint8Array, responder: Uint8Array): Uint8Array {
  return concatBytes(encodeX25519PublicKey(initiator), encodeX25519PublicKey(responder));
}

/**
 * Alice's side: verifies Bob's bundle — both signatures (throws 'bad_bundle' / 'bad_signature') — then
 * (CT, SS) = ML-KEM.Encaps(PQPK_B), DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B),
 * DH4 = DH(EK_A, OPK_B) if present, and SK = KDF(DH1 || DH2 || DH3 [|| DH4] || SS).
 */
export function pqxdhInitiate(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  bundle: PreKeyBundle,
  options: { ephemeralKeyPair?: KeyPair } = {},
): PqxdhInitiation {
  verifyPreKeyBundle(provider, bundle);
  let kem: { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  try {
    kem = provider.mlKem768Encapsulate(bundle.kemPreKey.publicKey);
  } catch (error) {
    if (error instanceof CryptoError) throw new CryptoError('bad_bundle', 'prekey bundle: the KEM prekey is not a valid ML-KEM-768 key');
    throw error;
  }
  const ephemeral = options.ephemeralKeyPair ?? provider.x25519GenerateKeyPair();
  const spk = bundle.signedPreKey.publicKey;
  const remoteIdentity = identityAgreementKey(provider, bundle.identityKey);
  const dh1 = provider.x25519(identity.agreement, spk);
  const dh2 = provider.x25519(ephemeral, remoteIdentity);
  const dh3 = provider.x25519(ephemeral, spk);
  const dh4 = bundle.oneTimePreKey ? provider.x25519(ephemeral, bundle.oneTimePreKey.publicKey) : new Uint8Array(0);
  return {
    sharedSecret: pqxdhKdf(provider, concatBytes(dh1, dh2, dh3, dh4, kem.sharedSecret)),
    associatedData: associatedData(identity.agreement.publicKey, remoteIdentity),
    header: {
      identityKey: identity.signing.publicKey,
      ephemeralKey: ephemeral.publicKey,
      signedPreKeyId: bundle.signedPreKey.id,
      oneTimePreKeyId: bundle.oneTimePreKey?.id,
      kemPreKeyId: bundle.kemPreKey.id,
      kemCiphertext: kem.ciphertext,
    },
    remoteSignedPreKey: spk,
    remoteIdentityKey: bundle.identityKey,
  };
}

/** The prekeys a header names, as the responder found them (undefined: not held, or already used). */
export interface ResponderPreKeys {
  readonly signedPreKey: SignedPreKey | undefined;
  readonly oneTimePreKey?: OneTimePreKey | undefined;
  readonly kemPreKey: KemPreKey | undefined;
}

/**
 * Bob's side, given the prekeys the header names. Throws 'unknown_prekey' if they do not match the header, 'bad_key'
 * for an unusable identity or ephemeral key, 'bad_message' for a KEM ciphertext of the wrong size. A tampered
 * ciphertext decapsulates to an unrelated secret, so the first message then fails to authenticate ('tampered').
 * The caller deletes one-time prekeys (curve and KEM) only after the first message has decrypted.
 */
export function pqxdhRespond(provider: CryptoProvider, identity: IdentityKeyPair, header: PqxdhInitialHeader, preKeys: ResponderPreKeys): PqxdhResult {
  const { signedPreKey, oneTimePreKey, kemPreKey } = preKeys;
  if (!signedPreKey || signedPreKey.id !== header.signedPreKeyId) {
    throw new CryptoError('unknown_prekey', `no signed prekey with id ${header.signedPreKeyId}`);
  }
  if (header.oneTimePreKeyId !== undefined && (!oneTimePreKey || oneTimePreKey.id !== header.oneTimePreKeyId)) {
    throw new CryptoError('unknown_prekey', `no one-time prekey with id ${header.oneTimePreKeyId} (already used?)`);
  }
  if (!kemPreKey || kemPreKey.id !== header.kemPreKeyId) {
    throw new CryptoError('unknown_prekey', `no KEM prekey with id ${header.kemPreKeyId} (already used?)`);
  }
  const ss = provider.mlKem768Decapsulate(header.kemCiphertext, kemPreKey.keyPair.secretKey);
  const ek = header.ephemeralKey;
  const remoteIdentity = identityAgreementKey(provider, header.identityKey);
  const dh1 = provider.x25519(signedPreKey.keyPair, remoteIdentity);
  const dh2 = provider.x25519(identity.agreement, ek);
  const dh3 = provider.x25519(signedPreKey.keyPair, ek);
  const dh4 = header.oneTimePreKeyId !== undefined && oneTimePreKey ? provider.x25519(oneTimePreKey.keyPair, ek) : new Uint8Array(0);
  return {
    sharedSecret: pqxdhKdf(provider, concatBytes(dh1, dh2, dh3, dh4, ss)),
    associatedData: associatedData(remoteIdentity, identity.agreement.publicKey),
  };
}
