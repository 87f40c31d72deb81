// Sender Keys, the receiving side: what one member knows of another member's stream in one group (a few chains,
// newest first, so messages sent just before a rotation still decrypt). Pure: record in, record out; a message
// that fails (forged, tampered, replayed, too far ahead, unknown chain) leaves the caller's record as it was.
import { bytesEqual } from '../base';
import { ByteReader, ByteWriter, MAX_UINT32 } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { openWithMessageKey } from './message-key';
import { ED25519_PUBLIC_KEY_BYTES, type CryptoProvider } from './provider';
import { kdfCk } from './ratchet-kdf';
import { DISTRIBUTION_ID_BYTES, decodeSenderKeyMessage, type SenderKeyDistributionMessage } from './sender-key-message';

export interface SenderKeySkippedKey {
  readonly iteration: number;
  readonly messageKey: Uint8Array;
  readonly storedAt: number;
}

export interface SenderKeyChain {
  readonly chainId: number;
  /** The next iteration expected: earlier ones decrypt only from `skipped`. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingKey: Uint8Array;
  /** Oldest first. */
  readonly skipped: readonly SenderKeySkippedKey[];
}

export interface SenderKeyRecord {
  readonly distributionId: Uint8Array;
  /** Newest first. */
  readonly chains: readonly SenderKeyChain[];
}

export interface SenderKeyLimits {
  /** Most message keys one message may make us skip. */
  readonly maxSkip: number;
  /** Most skipped keys kept per chain; the oldest go first. */
  readonly maxSkippedKeys: number;
  readonly skippedKeyMaxAgeMs: number;
  /** Chains kept per sender after rotations. */
  readonly maxChains: number;
}

export const DEFAULT_SENDER_KEY_LIMITS: SenderKeyLimits = {
  maxSkip: 2_000,
  maxSkippedKeys: 2_000,
  skippedKeyMaxAgeMs: 30 * 24 * 60 * 60 * 1000,
  maxChains: 5,
};

export interface SenderKeyOptions extends Partial<SenderKeyLimits> {
  readonly now?: number;
}

function limitsOf(o: SenderKeyOptions): SenderKeyLimits & { now: number } {
  const d = DEFAULT_SENDER_KEY_LIMITS;
  return {
    maxSkip: o.maxSkip ?? d.maxSkip,
    maxSkippedKeys: o.maxSkippedKeys ?? d.maxSkippedKeys,
    skippedKeyMaxAgeMs: o.skippedKeyMaxAgeMs ?? d.skippedKeyMaxAgeMs,
    maxChains: o.maxChains ?? d.maxChains,
    now: o.now ?? Date.now(),
  };
}

/**
 * Adds the chain a distribution message describes. A repeated message for a chain we already have never moves it
 * backwards (that would reopen old message keys to replay).
 */
export function processSenderKeyDistributionMessage(
  record: SenderKeyRecord | undefined,
  message: SenderKeyDistributionMessage,
  options: SenderKeyOptions = {},
): SenderKeyRecord {
  if (record && !bytesEqual(record.distributionId, message.distributionId)) {
    throw new CryptoError('invalid_state', 'distribution message is for another sender key record');
  }
  const chains = record?.chains ?? [];
  const existing = chains.find((c) => c.chainId === message.chainId);
  if (existing && bytesEqual(existing.signingKey, message.signingKey)) return record!;
  const chain: SenderKeyChain = {
    chainId: message.chainId,
    iteration: message.iteration,
    chainKey: message.chainKey,
    signingKey: message.signingKey,
    skipped: [],
  };
  const others = chains.filter((c) => c.chainId !== message.chainId);
  return {
    distributionId: message.distributionId,
    chains: [chain, ...others].slice(0, limitsOf(options).maxChains),
  };
}

/**
 * Throws CryptoError: 'bad_message', 'unknown_session' (no chain: not distributed to us, or we were removed),
 * 'bad_signature', 'replayed', 'too_many_skipped', 'tampered'.
 */
export function groupDecrypt(
  provider: CryptoProvider,
  record: SenderKeyRecord | undefined,
  message: Uint8Array,
  options: SenderKeyOptions = {},
): { record: SenderKeyRecord; plaintext: Uint8Array } {
  const limits = limitsOf(options);
  const m = decodeSenderKeyMessage(message);
  const index = record && bytesEqual(record.distributionId, m.header.distributionId)
    ? record.chains.findIndex((c) => c.chainId === m.header.chainId)
    : -1;
  if (!record || index < 0) throw new CryptoError('unknown_session', 'no sender key for this group message');
  const chain = record.chains[index]!;
  if (!provider.ed25519Verify(chain.signingKey, m.signedBytes, m.signature)) {
    throw new CryptoError('bad_signature', 'group message signature does not verify');
  }
  const oldest = limits.now - limits.skippedKeyMaxAgeMs;
  let skipped = chain.skipped.some((k) => k.storedAt < oldest) ? chain.skipped.filter((k) => k.storedAt >= oldest) : chain.skipped;
  const target = m.header.iteration;
  if (target >= MAX_UINT32) throw new CryptoError('bad_message', 'group message iteration out of range');
  let next: SenderKeyChain;
  let messageKey: Uint8Array;
  if (target < chain.iteration) {
    const at = skipped.findIndex((k) => k.iteration === target);
    if (at < 0) throw new CryptoError('replayed', 'group message was already received, or its key expired');
    messageKey = skipped[at]!.messageKey;
    next = { ...chain, skipped: skipped.filter((_, i) => i !== at) };
  } else {
    if (target - chain.iteration > limits.maxSkip) {
      throw new CryptoError('too_many_skipped', `group message would skip ${target - chain.iteration} keys`);
    }
    const added: SenderKeySkippedKey[] = [];
    let chainKey = chain.chainKey;
    for (let i = chain.iteration; i < target; i++) {
      const [ck, mk] = kdfCk(provider, chainKey);
      added.push({ iteration: i, messageKey: mk, storedAt: limits.now });
      chainKey = ck;
    }
    const [nextChainKey, mk] = kdfCk(provider, chainKey);
    messageKey = mk;
    if (added.length > 0) {
      const all = skipped.concat(added);
      skipped = all.length > limits.maxSkippedKeys ? all.slice(all.length - limits.maxSkippedKeys) : all;
    }
    next = { ...chain, iteration: target + 1, chainKey: nextChainKey, skipped };
  }
  const plaintext = openWithMessageKey(provider, messageKey, m.ciphertext, m.headerBytes);
  const chains = record.chains.slice();
  chains[index] = next;
  return { record: { ...record, chains }, plaintext };
}

export function serializeSenderKeyRecord(record: SenderKeyRecord): Uint8Array {
  const w = new ByteWriter().u8(FORMAT.senderKeyRecord).bytes(record.distributionId).u32(record.chains.length);
  for (const c of record.chains) {
    w.u32(c.chainId).u32(c.iteration).bytes(c.chainKey).bytes(c.signingKey).u32(c.skipped.length);
    for (const k of c.skipped) w.u32(k.iteration).bytes(k.messageKey).u64(k.storedAt);
  }
  return w.finish();
}

export function deserializeSenderKeyRecord(bytes: Uint8Array): SenderKeyRecord {
  const r = new ByteReader(bytes, 'bad_state', 'sender key record');
  r.expectVersion(FORMAT.senderKeyRecord);
  const distributionId = r.bytes(DISTRIBUTION_ID_BYTES);
  const chains: SenderKeyChain[] = [];
  for (let i = r.count(64); i > 0; i--) {
    const chainId = r.u32();
    const iteration = r.u32();
    const chainKey = r.bytes(32);
    const signingKey = r.bytes(ED25519_PUBLIC_KEY_BYTES);
    const skipped: SenderKeySkippedKey[] = [];
    for (let j = r.count(100_000); j > 0; j--) skipped.push({ iteration: r.u32(), messageKey: r.bytes(32), storedAt: r.u64() });
    chains.push({ chainId, iteration, chainKey, signingKey, skipped });
  }
  r.end();
  return { distributionId, chains };
}
