// Decrypting one pairwise message against a device's sessions (pure): a prekey message either continues the session
// it started (a repeat before our first reply) or starts a new one from our prekeys; a ratchet message is tried on
// the active session, then on the earlier ones. The session that decrypts becomes the active one. On any failure
// nothing is returned but the error: the caller's sessions stay exactly as they were.
import { bytesEqual } from '../../../shared/base';
import { CryptoError } from '../../../shared/crypto/errors';
import type { IdentityKeyPair } from '../../../shared/crypto/identity';
import type { KemPreKey, OneTimePreKey, SignedPreKey } from '../../../shared/crypto/prekeys';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import { decodePreKeyMessage, sessionDecrypt, sessionRespond, type SessionState } from '../../../shared/crypto/session';

export interface PreKeyLookup {
  signedPreKey(id: number): SignedPreKey | undefined;
  oneTimePreKey(id: number): OneTimePreKey | undefined;
  /** A one-time KEM prekey not used yet, or a last-resort one. */
  kemPreKey(id: number): KemPreKey | undefined;
  /** Whether a session with this base key existed and was dropped: its first message coming again is a replay. */
  isRetiredBaseKey?(baseKey: Uint8Array): boolean;
}

export interface PairwiseDecryption {
  /** The device's sessions after this message, the one that decrypted it first. */
  sessions: SessionState[];
  plaintext: Uint8Array;
  /** The sender's identity key as this session binds it. */
  remoteIdentityKey: Uint8Array;
  /** A prekey message started a new session with this one-time prekey: delete it once `sessions` is stored. */
  usedOneTimePreKeyId: number | undefined;
  /** A prekey message started a new session with this one-time KEM prekey: delete it too (never a last-resort one). */
  usedKemPreKeyId: number | undefined;
  newSession: boolean;
}

export function decryptPairwise(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  sessions: readonly SessionState[],
  kind: 'preKey' | 'ratchet',
  ciphertext: Uint8Array,
  preKeys: PreKeyLookup,
): PairwiseDecryption {
  if (kind === 'preKey') {
    const { header } = decodePreKeyMessage(ciphertext);
    const index = sessions.findIndex((s) => bytesEqual(s.baseKey, header.ephemeralKey) && bytesEqual(s.remoteIdentityKey, header.identityKey));
    if (index >= 0) return promote(sessions, index, sessionDecrypt(provider, sessions[index], ciphertext), false, undefined);
    if (preKeys.isRetiredBaseKey?.(header.ephemeralKey)) throw new CryptoError('replayed', 'prekey message of a session that was already used');
    const signedPreKey = preKeys.signedPreKey(header.signedPreKeyId);
    const oneTimePreKey = header.oneTimePreKeyId === undefined ? undefined : preKeys.oneTimePreKey(header.oneTimePreKeyId);
    const kemPreKey = preKeys.kemPreKey(header.kemPreKeyId);
    const started = sessionRespond(provider, identity, ciphertext, { signedPreKey, oneTimePreKey, kemPreKey });
    return {
      sessions: [started.session, ...sessions],
      plaintext: started.plaintext,
      remoteIdentityKey: started.session.remoteIdentityKey,
      usedOneTimePreKeyId: started.usedOneTimePreKeyId,
      usedKemPreKeyId: kemPreKey && !kemPreKey.lastResort ? kemPreKey.id : undefined,
      newSession: true,
    };
  }
  if (sessions.length === 0) throw new CryptoError('unknown_session', 'no session with this device');
  let first: unknown;
  for (let index = 0; index < sessions.length; index++) {
    try {
      return promote(sessions, index, sessionDecrypt(provider, sessions[index], ciphertext), false, undefined);
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}

function promote(
  sessions: readonly SessionState[],
  index: number,
  result: { session: SessionState; plaintext: Uint8Array },
  newSession: boolean,
  usedOneTimePreKeyId: number | undefined,
): PairwiseDecryption {
  const rest = sessions.filter((_, i) => i !== index);
  return {
    sessions: [result.session, ...rest],
    plaintext: result.plaintext,
    remoteIdentityKey: result.session.remoteIdentityKey,
    usedOneTimePreKeyId,
    usedKemPreKeyId: undefined,
    newSession,
  };
}
