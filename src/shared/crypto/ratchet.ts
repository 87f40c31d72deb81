// The Double Ratchet (Signal, "The Double Ratchet Algorithm", rev. 1) with header fields (dh, pn, n), MAX_SKIP
// and expiry of skipped keys. Pure: state in, state out. A failed decrypt throws a CryptoError and, because the
// input state is never mutated, leaves the caller's state exactly as it was.
import { bytesEqual } from '../base';
import { MAX_UINT32, concatBytes } from './bytes';
import { CryptoError } from './errors';
import { openWithMessageKey, sealWithMessageKey } from './message-key';
import { kdfCk, kdfRk } from './ratchet-kdf';
import { decodeRatchetMessage, encodeRatchetHeader, encodeRatchetMessage } from './ratchet-header';
import type { RatchetState, SkippedMessageKey } from './ratchet-state';
import type { CryptoProvider, KeyPair } from './provider';

export interface RatchetLimits {
  /** MAX_SKIP: most message keys one message may make us skip (and store) in one chain. */
  readonly maxSkip: number;
  /** Most skipped keys kept in total; the oldest go first. */
  readonly maxSkippedKeys: number;
  /** A skipped key older than this is deleted: its message counts as lost. */
  readonly skippedKeyMaxAgeMs: number;
  /** How many of the peer's earlier ratchet keys are remembered to recognise replays. */
  readonly maxPreviousRatchetKeys: number;
}

export const DEFAULT_RATCHET_LIMITS: RatchetLimits = {
  maxSkip: 1_000,
  maxSkippedKeys: 2_000,
  skippedKeyMaxAgeMs: 30 * 24 * 60 * 60 * 1000,
  maxPreviousRatchetKeys: 20,
};

export interface RatchetOptions extends Partial<RatchetLimits> {
  /** Milliseconds since the epoch; defaults to Date.now(). Drives skipped-key expiry. */
  readonly now?: number;
}

function limitsOf(options: RatchetOptions): RatchetLimits & { now: number } {
  const d = DEFAULT_RATCHET_LIMITS;
  return {
    maxSkip: options.maxSkip ?? d.maxSkip,
    maxSkippedKeys: options.maxSkippedKeys ?? d.maxSkippedKeys,
    skippedKeyMaxAgeMs: options.skippedKeyMaxAgeMs ?? d.skippedKeyMaxAgeMs,
    maxPreviousRatchetKeys: options.maxPreviousRatchetKeys ?? d.maxPreviousRatchetKeys,
    now: options.now ?? Date.now(),
  };
}

/** RatchetInitAlice: Alice knows Bob's signed prekey (his first ratchet key) and sends first. */
export function ratchetInitAlice(
  provider: CryptoProvider,
  sharedSecret: Uint8Array,
  bobRatchetPublicKey: Uint8Array,
  associatedData: Uint8Array,
  options: { ratchetKeyPair?: KeyPair } = {},
): RatchetState {
  const dhs = options.ratchetKeyPair ?? provider.x25519GenerateKeyPair();
  const [rk, cks] = kdfRk(provider, sharedSecret, provider.x25519(dhs, bobRatchetPublicKey));
  return {
    dhs,
    dhr: bobRatchetPublicKey,
    rk,
    cks,
    ckr: null,
    ns: 0,
    nr: 0,
    pn: 0,
    associatedData,
    skipped: [],
    previousRatchetKeys: [],
  };
}

/** RatchetInitBob: Bob's first ratchet key pair is the signed prekey Alice used; he cannot send until she has. */
export function ratchetInitBob(sharedSecret: Uint8Array, bobRatchetKeyPair: KeyPair, associatedData: Uint8Array): RatchetState {
  return {
    dhs: bobRatchetKeyPair,
    dhr: null,
    rk: sharedSecret,
    cks: null,
    ckr: null,
    ns: 0,
    nr: 0,
    pn: 0,
    associatedData,
    skipped: [],
    previousRatchetKeys: [],
  };
}

export function ratchetEncrypt(
  provider: CryptoProvider,
  state: RatchetState,
  plaintext: Uint8Array,
  options: RatchetOptions = {},
): { state: RatchetState; message: Uint8Array } {
  if (!state.cks) throw new CryptoError('invalid_state', 'this session cannot send before it has received a message');
  const limits = limitsOf(options);
  const [cks, mk] = kdfCk(provider, state.cks);
  const headerBytes = encodeRatchetHeader({ dh: state.dhs.publicKey, pn: state.pn, n: state.ns });
  const ciphertext = sealWithMessageKey(provider, mk, plaintext, concatBytes(state.associatedData, headerBytes));
  return {
    state: { ...state, cks, ns: state.ns + 1, skipped: expireSkippedKeys(state.skipped, limits) },
    message: encodeRatchetMessage(headerBytes, ciphertext),
  };
}

/**
 * Throws CryptoError: 'bad_message' (does not parse), 'tampered' (does not authenticate), 'replayed' (its key was
 * used or has expired), 'too_many_skipped' (beyond MAX_SKIP), 'bad_key' (a low-order ratchet key).
 */
export function ratchetDecrypt(
  provider: CryptoProvider,
  state: RatchetState,
  message: Uint8Array,
  options: RatchetOptions = {},
): { state: RatchetState; plaintext: Uint8Array } {
  const limits = limitsOf(options);
  const { header, headerBytes, ciphertext } = decodeRatchetMessage(message);
  if (header.n >= MAX_UINT32) throw new CryptoError('bad_message', 'message number out of range');
  const ad = concatBytes(state.associatedData, headerBytes);
  const skipped = expireSkippedKeys(state.skipped, limits);

  // TrySkippedMessageKeys
  const index = skipped.findIndex((k) => k.n === header.n && bytesEqual(k.ratchetKey, header.dh));
  if (index >= 0) {
    const plaintext = openWithMessageKey(provider, skipped[index]!.messageKey, ciphertext, ad);
    return { state: { ...state, skipped: skipped.filter((_, i) => i !== index) }, plaintext };
  }

  let next: RatchetState = { ...state, skipped };
  if (!state.dhr || !bytesEqual(header.dh, state.dhr)) {
    if (state.previousRatchetKeys.some((key) => bytesEqual(key, header.dh))) {
      throw new CryptoError('replayed', 'message from an earlier chain was already received, or its key expired');
    }
    next = skipMessageKeys(provider, next, header.pn, limits);
    next = dhRatchet(provider, next, header.dh, limits);
  } else if (!state.ckr) {
    // Only Alice's initial state has a DHr without a receiving chain: Bob's signed prekey, which never sends.
    throw new CryptoError('tampered', 'message claims a ratchet key that cannot have sent it');
  } else if (header.n < state.nr) {
    throw new CryptoError('replayed', 'message was already received, or its key expired');
  }
  next = skipMessageKeys(provider, next, header.n, limits);
  const [ckr, mk] = kdfCk(provider, next.ckr!);
  const plaintext = openWithMessageKey(provider, mk, ciphertext, ad);
  return { state: { ...next, ckr, nr: next.nr + 1 }, plaintext };
}

/** Deletes skipped keys past their age; returns the same array when nothing expired. */
export function expireSkippedKeys(
  skipped: readonly SkippedMessageKey[],
  limits: { skippedKeyMaxAgeMs: number; now: number },
): readonly SkippedMessageKey[] {
  if (skipped.length === 0) return skipped;
  const oldest = limits.now - limits.skippedKeyMaxAgeMs;
  return skipped.some((k) => k.storedAt < oldest) ? skipped.filter((k) => k.storedAt >= oldest) : skipped;
}

/** For the session store's periodic clean-up: the state minus its expired skipped keys. */
export function ratchetExpireSkippedKeys(state: RatchetState, options: RatchetOptions = {}): RatchetState {
  const skipped = expireSkippedKeys(state.skipped, limitsOf(options));
  return skipped === state.skipped ? state : { ...state, skipped };
}

/** SkipMessageKeys(state, until): derives and stores the keys of messages nr..until-1 of the receiving chain. */
function skipMessageKeys(
  provider: CryptoProvider,
  state: RatchetState,
  until: number,
  limits: RatchetLimits & { now: number },
): RatchetState {
  if (!state.ckr || until <= state.nr) return state;
  if (until - state.nr > limits.maxSkip) {
    throw new CryptoError('too_many_skipped', `message would skip ${until - state.nr} keys (MAX_SKIP ${limits.maxSkip})`);
  }
  const added: SkippedMessageKey[] = [];
  let ckr = state.ckr;
  for (let n = state.nr; n < until; n++) {
    const [nextCk, mk] = kdfCk(provider, ckr);
    added.push({ ratchetKey: state.dhr!, n, messageKey: mk, storedAt: limits.now });
    ckr = nextCk;
  }
  const all = state.skipped.concat(added);
  const skipped = all.length > limits.maxSkippedKeys ? all.slice(all.length - limits.maxSkippedKeys) : all;
  return { ...state, ckr, nr: until, skipped };
}

/** DHRatchet(state, header): a new receiving chain from their new key, then a new sending chain from a fresh pair. */
function dhRatchet(provider: CryptoProvider, state: RatchetState, theirKey: Uint8Array, limits: RatchetLimits): RatchetState {
  const [rk1, ckr] = kdfRk(provider, state.rk, provider.x25519(state.dhs, theirKey));
  const dhs = provider.x25519GenerateKeyPair();
  const [rk, cks] = kdfRk(provider, rk1, provider.x25519(dhs, theirKey));
  const previousRatchetKeys = state.dhr
    ? [state.dhr, ...state.previousRatchetKeys].slice(0, limits.maxPreviousRatchetKeys)
    : state.previousRatchetKeys;
  return { ...state, dhs, dhr: theirKey, rk, cks, ckr, pn: state.ns, ns: 0, nr: 0, previousRatchetKeys };
}
