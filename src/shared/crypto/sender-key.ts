// Sender Keys, the sending side: one chain key and one Ed25519 signature key per member per group. A group send
// is one KDF step, one AEAD and one signature whatever the group's size. Rotation makes a fresh key (new chain id,
// chain key and signature key) that the group code distributes to the remaining members only.
import { ByteReader, ByteWriter, MAX_UINT32 } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { sealWithMessageKey } from './message-key';
import { ED25519_PUBLIC_KEY_BYTES, type CryptoProvider, type KeyPair } from './provider';
import { kdfCk } from './ratchet-kdf';
import {
  DISTRIBUTION_ID_BYTES,
  encodeSenderKeyHeader,
  type SenderKeyDistributionMessage,
} from './sender-key-message';

export interface SenderKeyState {
  readonly distributionId: Uint8Array;
  readonly chainId: number;
  /** Number of the next message this chain sends. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingKey: KeyPair;
}

function randomChainId(provider: CryptoProvider, avoid?: number): number {
  for (;;) {
    const b = provider.randomBytes(4);
    const id = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (id !== 0 && id !== avoid) return id;
  }
}

/** A fresh sender key. Pass the distribution id to keep a stream (rotation); omit it for a new group. */
export function createSenderKey(provider: CryptoProvider, distributionId?: Uint8Array, avoidChainId?: number): SenderKeyState {
  const id = distributionId ?? provider.randomBytes(DISTRIBUTION_ID_BYTES);
  if (id.length !== DISTRIBUTION_ID_BYTES) throw new RangeError(`distribution id must be ${DISTRIBUTION_ID_BYTES} bytes`);
  return {
    distributionId: id,
    chainId: randomChainId(provider, avoidChainId),
    iteration: 0,
    chainKey: provider.randomBytes(32),
    signingKey: provider.ed25519GenerateKeyPair(),
  };
}

/** After a member leaves or is removed: nothing of the old key (chain key, signature key) carries over. */
export function rotateSenderKey(provider: CryptoProvider, state: SenderKeyState): SenderKeyState {
  return createSenderKey(provider, state.distributionId, state.chainId);
}

/** What to send each member over the pairwise session so they can read this chain from now on. */
export function senderKeyDistributionMessage(state: SenderKeyState): SenderKeyDistributionMessage {
  return {
    distributionId: state.distributionId,
    chainId: state.chainId,
    iteration: state.iteration,
    chainKey: state.chainKey,
    signingKey: state.signingKey.publicKey,
  };
}

/** One ciphertext for the whole group: header || AEAD(plaintext, AD = header) || Ed25519 signature. */
export function groupEncrypt(
  provider: CryptoProvider,
  state: SenderKeyState,
  plaintext: Uint8Array,
): { state: SenderKeyState; message: Uint8Array } {
  if (state.iteration >= MAX_UINT32) throw new CryptoError('invalid_state', 'sender key exhausted: rotate it');
  const [chainKey, messageKey] = kdfCk(provider, state.chainKey);
  const header = encodeSenderKeyHeader(state);
  const ciphertext = sealWithMessageKey(provider, messageKey, plaintext, header);
  const signed = new ByteWriter().bytes(header).bytes(ciphertext).finish();
  const signature = provider.ed25519Sign(state.signingKey, signed);
  return {
    state: { ...state, chainKey, iteration: state.iteration + 1 },
    message: new ByteWriter().bytes(signed).bytes(signature).finish(),
  };
}

export function serializeSenderKeyState(state: SenderKeyState): Uint8Array {
  return new ByteWriter()
    .u8(FORMAT.senderKeyState)
    .bytes(state.distributionId)
    .u32(state.chainId)
    .u32(state.iteration)
    .bytes(state.chainKey)
    .bytes(state.signingKey.publicKey)
    .bytes(state.signingKey.secretKey)
    .finish();
}

export function deserializeSenderKeyState(bytes: Uint8Array): SenderKeyState {
  const r = new ByteReader(bytes, 'bad_state', 'sender key state');
  r.expectVersion(FORMAT.senderKeyState);
  const state = {
    distributionId: r.bytes(DISTRIBUTION_ID_BYTES),
    chainId: r.u32(),
    iteration: r.u32(),
    chainKey: r.bytes(32),
    signingKey: { publicKey: r.bytes(ED25519_PUBLIC_KEY_BYTES), secretKey: r.bytes(32) },
  };
  r.end();
  return state;
}
