// A pairwise session: X3DH to start, the Double Ratchet after. Until the responder answers, every message the
// initiator sends is a prekey message (X3DH header + ratchet message) so that whichever arrives first starts the
// session. Pure like the ratchet: state in, state out; on any error the caller keeps its state.
import { bytesEqual } from '../base';
import { ByteReader, ByteWriter } from './bytes';
import type { PreKeyBundle } from './bundle';
import { CryptoError } from './errors';
import { FORMAT, messageKind } from './formats';
import type { IdentityKeyPair } from './identity';
import type { OneTimePreKey, SignedPreKey } from './prekeys';
import { ED25519_PUBLIC_KEY_BYTES, X25519_KEY_BYTES, type CryptoProvider } from './provider';
import { ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob, type RatchetOptions } from './ratchet';
import { readRatchetState, serializeRatchetState, type RatchetState } from './ratchet-state';
import { x3dhInitiate, x3dhRespond, type X3dhInitialHeader } from './x3dh';

export interface SessionState {
  readonly ratchet: RatchetState;
  /** Our Ed25519 identity key and the peer's, as X3DH bound them (AD). */
  readonly localIdentityKey: Uint8Array;
  readonly remoteIdentityKey: Uint8Array;
  /** EK_A, Alice's X3DH ephemeral key: names the session a prekey message belongs to. */
  readonly baseKey: Uint8Array;
  /** Initiator only, until the first reply decrypts: the X3DH header every outgoing message repeats. */
  readonly pendingPreKey: X3dhInitialHeader | null;
}

export interface PreKeyMessage {
  readonly header: X3dhInitialHeader;
  /** A complete ratchet message (the X3DH spec's "initial ciphertext"). */
  readonly message: Uint8Array;
}

export function encodePreKeyMessage(m: PreKeyMessage): Uint8Array {
  const w = new ByteWriter().u8(FORMAT.preKeyMessage).bytes(m.header.identityKey).bytes(m.header.ephemeralKey);
  w.u32(m.header.signedPreKeyId);
  if (m.header.oneTimePreKeyId === undefined) w.u8(0);
  else w.u8(1).u32(m.header.oneTimePreKeyId);
  return w.bytes(m.message).finish();
}

/** Throws CryptoError('bad_message'). Use it to look up the prekeys the header names before sessionRespond. */
export function decodePreKeyMessage(bytes: Uint8Array): PreKeyMessage {
  const r = new ByteReader(bytes, 'bad_message', 'prekey message');
  r.expectVersion(FORMAT.preKeyMessage);
  const identityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const ephemeralKey = r.bytes(X25519_KEY_BYTES);
  const signedPreKeyId = r.u32();
  const flag = r.u8();
  if (flag > 1) throw new CryptoError('bad_message', 'prekey message: bad one-time prekey flag');
  const oneTimePreKeyId = flag === 1 ? r.u32() : undefined;
  return { header: { identityKey, ephemeralKey, signedPreKeyId, oneTimePreKeyId }, message: r.rest() };
}

/** Alice: verifies the bundle (throws 'bad_bundle' / 'bad_signature') and starts a session she can send on. */
export function sessionInitiate(provider: CryptoProvider, identity: IdentityKeyPair, bundle: PreKeyBundle): SessionState {
  const x3dh = x3dhInitiate(provider, identity, bundle);
  return {
    ratchet: ratchetInitAlice(provider, x3dh.sharedSecret, x3dh.remoteSignedPreKey, x3dh.associatedData),
    localIdentityKey: identity.signing.publicKey,
    remoteIdentityKey: x3dh.remoteIdentityKey,
    baseKey: x3dh.header.ephemeralKey,
    pendingPreKey: x3dh.header,
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
 * 'unknown_prekey'). Nothing is consumed here; delete `usedOneTimePreKeyId` once the plaintext is safe.
 */
export function sessionRespond(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  message: Uint8Array,
  preKeys: { signedPreKey: SignedPreKey | undefined; oneTimePreKey?: OneTimePreKey | undefined },
  options: RatchetOptions = {},
): { session: SessionState; plaintext: Uint8Array; usedOneTimePreKeyId: number | undefined } {
  const { header, message: inner } = decodePreKeyMessage(message);
  const x3dh = x3dhRespond(provider, identity, header, preKeys.signedPreKey, preKeys.oneTimePreKey);
  const initial = ratchetInitBob(x3dh.sharedSecret, preKeys.signedPreKey!.keyPair, x3dh.associatedData);
  const { state, plaintext } = ratchetDecrypt(provider, initial, inner, options);
  const session: SessionState = {
    ratchet: state,
    localIdentityKey: identity.signing.publicKey,
    remoteIdentityKey: header.identityKey,
    baseKey: header.ephemeralKey,
    pendingPreKey: null,
  };
  return { session, plaintext, usedOneTimePreKeyId: header.oneTimePreKeyId };
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
  else {
    w.u8(1).bytes(pending.identityKey).bytes(pending.ephemeralKey).u32(pending.signedPreKeyId);
    if (pending.oneTimePreKeyId === undefined) w.u8(0);
    else w.u8(1).u32(pending.oneTimePreKeyId);
  }
  return w.bytes(serializeRatchetState(session.ratchet)).finish();
}

/** Throws CryptoError('bad_state'). */
export function deserializeSessionState(bytes: Uint8Array): SessionState {
  const r = new ByteReader(bytes, 'bad_state', 'session state');
  r.expectVersion(FORMAT.sessionState);
  const localIdentityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const remoteIdentityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
  const baseKey = r.bytes(X25519_KEY_BYTES);
  let pendingPreKey: X3dhInitialHeader | null = null;
  const flag = r.u8();
  if (flag > 1) throw new CryptoError('bad_state', 'session state: bad flag');
  if (flag === 1) {
    const identityKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
    const ephemeralKey = r.bytes(X25519_KEY_BYTES);
    const signedPreKeyId = r.u32();
    const opk = r.u8();
    if (opk > 1) throw new CryptoError('bad_state', 'session state: bad flag');
    pendingPreKey = { identityKey, ephemeralKey, signedPreKeyId, oneTimePreKeyId: opk === 1 ? r.u32() : undefined };
  }
  const ratchet = readRatchetState(r, true);
  return { ratchet, localIdentityKey, remoteIdentityKey, baseKey, pendingPreKey };
}
