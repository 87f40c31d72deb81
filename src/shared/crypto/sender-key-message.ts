// Wire formats of Sender Keys: the distribution message (sent over pairwise sessions, never to the relay in the
// clear) and the group message (one ciphertext for every member, signed by the sender's signature key).
import { ByteReader, ByteWriter } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { AEAD_TAG_BYTES, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from './provider';

export const DISTRIBUTION_ID_BYTES = 16;
const CHAIN_KEY_BYTES = 32;

export interface SenderKeyDistributionMessage {
  /** Names the sender's stream in one group; stays the same across rotations. */
  readonly distributionId: Uint8Array;
  /** Names one sender key; a rotation picks a new one. */
  readonly chainId: number;
  /** The iteration `chainKey` is at: the receiver can decrypt from this message number on, never before. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  /** Ed25519 public key every group message of this chain is signed with. */
  readonly signingKey: Uint8Array;
}

export function encodeSenderKeyDistributionMessage(m: SenderKeyDistributionMessage): Uint8Array {
  return new ByteWriter()
    .u8(FORMAT.senderKeyDistributionMessage)
    .bytes(m.distributionId)
    .u32(m.chainId)
    .u32(m.iteration)
    .bytes(m.chainKey)
    .bytes(m.signingKey)
    .finish();
}

export function decodeSenderKeyDistributionMessage(bytes: Uint8Array): SenderKeyDistributionMessage {
  const r = new ByteReader(bytes, 'bad_message', 'sender key distribution message');
  r.expectVersion(FORMAT.senderKeyDistributionMessage);
  const m = {
    distributionId: r.bytes(DISTRIBUTION_ID_BYTES),
    chainId: r.u32(),
    iteration: r.u32(),
    chainKey: r.bytes(CHAIN_KEY_BYTES),
    signingKey: r.bytes(ED25519_PUBLIC_KEY_BYTES),
  };
  r.end();
  return m;
}

export interface SenderKeyMessageHeader {
  readonly distributionId: Uint8Array;
  readonly chainId: number;
  readonly iteration: number;
}

/** 1 format byte + distribution id + chain id + iteration. */
export const SENDER_KEY_HEADER_BYTES = 1 + DISTRIBUTION_ID_BYTES + 8;

export function encodeSenderKeyHeader(h: SenderKeyMessageHeader): Uint8Array {
  return new ByteWriter().u8(FORMAT.senderKeyMessage).bytes(h.distributionId).u32(h.chainId).u32(h.iteration).finish();
}

export interface DecodedSenderKeyMessage {
  readonly header: SenderKeyMessageHeader;
  /** header || ciphertext: what the signature covers; the header alone is the AEAD's associated data. */
  readonly signedBytes: Uint8Array;
  readonly headerBytes: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly signature: Uint8Array;
}

/** Throws CryptoError('bad_message'). */
export function decodeSenderKeyMessage(bytes: Uint8Array): DecodedSenderKeyMessage {
  if (bytes.length < SENDER_KEY_HEADER_BYTES + AEAD_TAG_BYTES + ED25519_SIGNATURE_BYTES) {
    throw new CryptoError('bad_message', 'sender key message: truncated');
  }
  const r = new ByteReader(bytes, 'bad_message', 'sender key message');
  r.expectVersion(FORMAT.senderKeyMessage);
  const header = { distributionId: r.bytes(DISTRIBUTION_ID_BYTES), chainId: r.u32(), iteration: r.u32() };
  const signedLength = bytes.length - ED25519_SIGNATURE_BYTES;
  return {
    header,
    signedBytes: bytes.subarray(0, signedLength),
    headerBytes: bytes.subarray(0, SENDER_KEY_HEADER_BYTES),
    ciphertext: bytes.subarray(SENDER_KEY_HEADER_BYTES, signedLength),
    signature: bytes.subarray(signedLength),
  };
}
