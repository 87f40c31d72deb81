// The Double Ratchet message on the wire: HEADER(dh, pn, n) || ciphertext. The header travels in the clear and is
// authenticated as part of the AEAD's associated data, so changing any header byte makes decryption fail.
import { ByteReader, ByteWriter } from './bytes';
import { CryptoError } from './errors';
import { FORMAT } from './formats';
import { AEAD_TAG_BYTES, X25519_KEY_BYTES } from './provider';

export interface RatchetHeader {
  /** The sender's current ratchet public key. */
  readonly dh: Uint8Array;
  /** Number of messages in the sender's previous sending chain. */
  readonly pn: number;
  /** This message's number in the current sending chain. */
  readonly n: number;
}

/** 1 format byte + 32 + 4 + 4. */
export const RATCHET_HEADER_BYTES = 1 + X25519_KEY_BYTES + 8;

export function encodeRatchetHeader(header: RatchetHeader): Uint8Array {
  return new ByteWriter().u8(FORMAT.ratchetMessage).bytes(header.dh).u32(header.pn).u32(header.n).finish();
}

export function decodeRatchetHeader(bytes: Uint8Array): RatchetHeader {
  const r = new ByteReader(bytes.subarray(0, RATCHET_HEADER_BYTES), 'bad_message', 'ratchet header');
  r.expectVersion(FORMAT.ratchetMessage);
  const header = { dh: r.bytes(X25519_KEY_BYTES), pn: r.u32(), n: r.u32() };
  r.end();
  return header;
}

export interface DecodedRatchetMessage {
  readonly header: RatchetHeader;
  /** The exact header bytes received: they, not a re-encoding, go into the associated data. */
  readonly headerBytes: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function encodeRatchetMessage(headerBytes: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(headerBytes).bytes(ciphertext).finish();
}

/** Throws CryptoError('bad_message') for anything shorter than a header plus a tag, or of another kind. */
export function decodeRatchetMessage(bytes: Uint8Array): DecodedRatchetMessage {
  const header = decodeRatchetHeader(bytes);
  const r = new ByteReader(bytes, 'bad_message', 'ratchet message');
  const headerBytes = r.bytes(RATCHET_HEADER_BYTES);
  const ciphertext = r.rest();
  if (ciphertext.length < AEAD_TAG_BYTES) throw new CryptoError('bad_message', 'ratchet message: truncated');
  return { header, headerBytes, ciphertext };
}
