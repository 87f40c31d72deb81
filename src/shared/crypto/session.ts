// A pairwise session: PQXDH to start, the Double Ratchet after. Until the responder answers, every message the
// initiator sends is a prekey message (PQXDH header + ratchet message) so that whichever arrives first starts the
// session. Pure like the ratchet: state in, state out; on any error the caller keeps its state.
import { bytesEqual } from '../base';
import { ByteReader, ByteWriter } from './bytes';
import type { PreKeyBundle } from './bundle';
import { CryptoError } from './errors';
import { FORMAT, messageKind } from './formats';
import type { IdentityKeyPair } from './identity';
import { ED25519_PUBLIC_KEY_BYTES, ML_KEM_768_CIPHERTEXT_BYTES, X25519_KEY_BYTES, type CryptoProvider } from './provider';
import { ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob, type RatchetOptions } from './ratchet';
import { readRatchetState, serializeRatchetState, type RatchetState } from './ratchet-state';
import { pqxdhInitiate, pqxdhRespond, type PqxdhInitialHeader, type ResponderPreKeys } from './pqxdh';

export interface SessionState {
  readonly ratchet: RatchetState;
  /** Our Ed25519 identity key and the peer's, as PQXDH bound them (AD). */
  readonly localIdentityKey: Uint8Array;
  readonly remoteIdentityKey: Uint8Array;
  /** EK_A, Alice's PQXDH ephemeral key: names the session a prekey message belongs to. */
  readonly baseKey: Uint8Array;
  /** Initiator only, until the first reply decrypts: the PQXDH header every outgoing message repeats. */
  readonly pendingPreKey: PqxdhInitialHeader | null;
}

export interface PreKeyMessage {
  readonly header: PqxdhInitialHeader;
  /** A complete ratchet message (the spec's "initial ciphertext"). */
  readonly message: Uint8Array;
}

function writeHeader(w: ByteWriter, header: PqxdhInitialHeader): ByteWriter {
  w.bytes(header.identityKey).bytes(header.ephemeralKey).u32(header.signedPreKeyId);
  if (header.oneTimePreKeyId === undefined) w.u8(0);
  else w.u8(1).u32(header.oneTimePreKeyId);
  return w.u32(header.kemPreKeyId).bytes(header.kemCiphertext);
}

function readHeader(r: ByteReader, code: 'bad_message' | 'bad_state'): PqxdhInitialHeader {
  const identityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const ephemeralKey = r.bytes(X25519_KEY_BYTES);
  const signedPreKeyId = r.u32();
  const flag = r.u8();
  if (flag > 1) throw new CryptoError(code, 'prekey header: bad one-time prekey flag');
  const oneTimePreKeyId = flag === 1 ? r.u32() : undefined;
  const kemPreKeyId = r.u32();
  const kemCiphertext = r.bytes(ML_KEM_768_CIPHERTEXT_BYTES);
  return { identityKey, ephemeralKey, signedPreKeyId, oneTimePreKeyId, kemPreKeyId, kemCiphertext };
}

export function encodePreKeyMessage(m: PreKeyMessage): Uint8Array {
  return writeHeader(new ByteWriter().u8(FORMAT.preKeyMessage), m.header).bytes(m.message).finish();
}

/** Throws CryptoError('bad_message'). Use it to look up the prekeys the header names before sessionRespond. */
export function decodePreKeyMessage(bytes: Uint8Array): PreKeyMessage {
  const r = new ByteReader(bytes, 'bad_message', 'prekey message');
  r.expectVersion(FORMAT.preKeyMessage);
  const header = readHeader(r, 'bad_message');
  return { header, message: r.rest() };
}

/** Alice: verifies the bundle (throws 'bad_bundle' / 'bad_signature') and starts a session she can send on. */
export function sessionInitiate(provider: CryptoProvider, identity: IdentityKeyPair, bundle: PreKeyBundle): SessionState {
  const pqxdh = pqxdhInitiate(provider, identity, bundle);
  return {
    ratchet: ratchetInitAlice(provider, pqxdh.sharedSecret, pqxdh.remoteSignedPreKey, pqxdh.associatedData),
    localIdentityKey: identity.signing.publicKey,
    remoteIdentityKey: pqxdh.remoteIdentityKey,
    baseKey: pqxdh.header.ephemeralKey,
    pendingPreKey: pqxdh.header,
  };
}

export function sessionEncrypt(
  provider: CryptoProvider,
  session: SessionState,
  plaintext: Uint8Array,
  options: RatchetOptions = {},
): { session: SessionState; message: Uint8Array } {
  const { state, message } = ratchetEncrypt(provider, session.ratchet, plaintext, options);
  const wire = session.pendingPreKey ? encodePreKeyMessage({ header: session.pendingPreKey, message }) : message;
  return { session: { ...session, ratchet: state }, message: wire };
}

/**
 * Bob: starts a session from a prekey message with the prekeys its header names (undefined if not found:
 * 'unknown_prekey'). Nothing is consumed here; once the plaintext is safe, delete `usedOneTimePreKeyId` and, unless
 * it was the last-resort key, `usedKemPreKeyId`.
 */
export function sessionRespond(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  message: Uint8Array,
  preKeys: ResponderPreKeys,
  options: RatchetOptions = {},
): { session: SessionState; plaintext: Uint8Array; usedOneTimePreKeyId: number | undefined; usedKemPreKeyId: number } {
  const { header, message: inner } = decodePreKeyMessage(message);
  const pqxdh = pqxdhRespond(provider, identity, header, preKeys);
  const initial = ratchetInitBob(pqxdh.sharedSecret, preKeys.signedPreKey!.keyPair, pqxdh.associatedData);
  const { state, plaintext } = ratchetDecrypt(provider, initial, inner, options);
  const session: SessionState = {
    ratchet: state,
    localIdentityKey: identity.signing.publicKey,
    remoteIdentityKey: header.identityKey,
    baseKey: header.ephemeralKey,
    pendingPreKey: null,
  };
  return { session, plaintext, usedOneTimePreKeyId: header.oneTimePreKeyId, usedKemPreKeyId: header.kemPreKeyId };
}

/**
 * Decrypts a ratchet message, or a repeated prekey message of this same session. Throws 'unknown_session' when
 * there is no session, or when a prekey message starts a new one (then call sessionRespond).
 */
export function sessionDecrypt(
  provider: CryptoProvider,
  session: SessionState | undefined,
  message: Uint8Array,
  options: RatchetOptions = {},
): { session: SessionState; plaintext: Uint8Array } {
  let inner = message;
  if (messageKind(message) === 'preKey') {
    const { header, message: ratchetMessage } = decodePreKeyMessage(message);
    const sameSession =
      session && bytesEqual(header.ephemeralKey, session.baseKey) && bytesEqual(header.identityKey, session.remoteIdentityKey);
    if (!sameSession) throw new CryptoError('unknown_session', 'prekey message starts a new session');
    inner = ratchetMessage;
  }
  if (!session) throw new CryptoError('unknown_session', 'no session with this device');
  const { state, plaintext } = ratchetDecrypt(provider, session.ratchet, inner, options);
  return { session: { ...session, ratchet: state, pendingPreKey: null }, plaintext };
}

export function serializeSessionState(session: SessionState): Uint8Array {
  const w = new ByteWriter()
    .u8(FORMAT.sessionState)
    .bytes(session.localIdentityKey)
    .bytes(session.remoteIdentityKey)
    .bytes(session.baseKey);
  const pending = session.pendingPreKey;
  if (!pending) w.u8(0);
  else writeHeader(w.u8(1), pending);
  return w.bytes(serializeRatchetState(session.ratchet)).finish();
}

/**
 * Throws CryptoError('bad_state'). Reads PQXDH states, and X3DH-era states whose session was answered (their ratchet
 * goes on unchanged); an X3DH initiator's unanswered session cannot be continued and is refused, so the next send
 * starts a PQXDH one (docs/security.md, "Migration from X3DH").
 */
export function deserializeSessionState(bytes: Uint8Array): SessionState {
  const r = new ByteReader(bytes, 'bad_state', 'session state');
  const version = r.u8();
  if (version !== FORMAT.sessionState && version !== FORMAT.sessionStateV1) {
    throw new CryptoError('bad_state', `session state: unsupported version or type 0x${version.toString(16)}`);
  }
  const localIdentityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const remoteIdentityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const baseKey = r.bytes(X25519_KEY_BYTES);
  let pendingPreKey: PqxdhInitialHeader | null = null;
  const flag = r.u8();
  if (flag > 1) throw new CryptoError('bad_state', 'session state: bad flag');
  if (flag === 1 && version === FORMAT.sessionStateV1) throw new CryptoError('bad_state', 'session state: an unanswered X3DH session');
  if (flag === 1) pendingPreKey = readHeader(r, 'bad_state');
  const ratchet = readRatchetState(r, true);
  return { ratchet, localIdentityKey, remoteIdentityKey, baseKey, pendingPreKey };
}
