// The Double Ratchet state (spec §3.2) as an immutable value, and its byte serialization for the vault.
// Functions never mutate a state or any Uint8Array inside one; they return a new state that shares what is unchanged.
import { ByteReader, ByteWriter } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { X25519_KEY_BYTES, type KeyPair } from './provider';

/** A message key kept for a message that has not arrived yet (out of order or lost). */
export interface SkippedMessageKey {
  /** The sender's ratchet public key of the chain this key belongs to. */
  readonly ratchetKey: Uint8Array;
  readonly n: number;
  readonly messageKey: Uint8Array;
  /** When it was derived (ms since the epoch): keys expire after RatchetLimits.skippedKeyMaxAgeMs. */
  readonly storedAt: number;
}

export interface RatchetState {
  /** DHs: our current ratchet key pair. */
  readonly dhs: KeyPair;
  /** DHr: the peer's current ratchet public key; null until the responder has received a message. */
  readonly dhr: Uint8Array | null;
  readonly rk: Uint8Array;
  readonly cks: Uint8Array | null;
  readonly ckr: Uint8Array | null;
  readonly ns: number;
  readonly nr: number;
  readonly pn: number;
  /** AD from X3DH: Encode(IK_A) || Encode(IK_B). */
  readonly associatedData: Uint8Array;
  /** MKSKIPPED, oldest first. */
  readonly skipped: readonly SkippedMessageKey[];
  /** The peer's earlier ratchet keys, newest first: a message on one of them with no stored key is a replay. */
  readonly previousRatchetKeys: readonly Uint8Array[];
}

const MAX_SERIALIZED_SKIPPED = 100_000;
const MAX_SERIALIZED_PREVIOUS = 1_000;
const MAX_AD_BYTES = 4_096;

export function serializeRatchetState(state: RatchetState): Uint8Array {
  const w = new ByteWriter().u8(FORMAT.ratchetState).bytes(state.dhs.publicKey).bytes(state.dhs.secretKey);
  w.u8((state.dhr ? 1 : 0) | (state.cks ? 2 : 0) | (state.ckr ? 4 : 0));
  if (state.dhr) w.bytes(state.dhr);
  w.bytes(state.rk);
  if (state.cks) w.bytes(state.cks);
  if (state.ckr) w.bytes(state.ckr);
  w.u32(state.ns).u32(state.nr).u32(state.pn).varBytes(state.associatedData);
  w.u32(state.skipped.length);
  for (const key of state.skipped) w.bytes(key.ratchetKey).u32(key.n).bytes(key.messageKey).u64(key.storedAt);
  w.u32(state.previousRatchetKeys.length);
  for (const key of state.previousRatchetKeys) w.bytes(key);
  return w.finish();
}

/** Throws CryptoError('bad_state') for anything that is not a complete, current-version state. */
export function deserializeRatchetState(bytes: Uint8Array): RatchetState {
  return readRatchetState(new ByteReader(bytes, 'bad_state', 'ratchet state'), true);
}

/** Reads a state from inside a larger structure (a session); `whole` requires nothing to follow. */
export function readRatchetState(r: ByteReader, whole = false): RatchetState {
  const K = X25519_KEY_BYTES;
  r.expectVersion(FORMAT.ratchetState);
  const dhs = { publicKey: r.bytes(K), secretKey: r.bytes(K) };
  const flags = r.u8();
  if (flags > 7) throw new CryptoError('bad_state', 'ratchet state: unknown flags');
  const dhr = flags & 1 ? r.bytes(K) : null;
  const rk = r.bytes(K);
  const cks = flags & 2 ? r.bytes(K) : null;
  const ckr = flags & 4 ? r.bytes(K) : null;
  const ns = r.u32();
  const nr = r.u32();
  const pn = r.u32();
  const associatedData = r.varBytes(MAX_AD_BYTES);
  const skipped: SkippedMessageKey[] = [];
  for (let i = r.count(MAX_SERIALIZED_SKIPPED); i > 0; i--) {
    skipped.push({ ratchetKey: r.bytes(K), n: r.u32(), messageKey: r.bytes(K), storedAt: r.u64() });
  }
  const previousRatchetKeys: Uint8Array[] = [];
  for (let i = r.count(MAX_SERIALIZED_PREVIOUS); i > 0; i--) previousRatchetKeys.push(r.bytes(K));
  if (whole) r.end();
  return { dhs, dhr, rk, cks, ckr, ns, nr, pn, associatedData, skipped, previousRatchetKeys };
}
