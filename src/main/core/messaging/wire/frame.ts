// The frame around the content protobuf inside a ciphertext: `version (u8) ‖ length (u32 BE) ‖ protobuf ‖ zero
// padding`, padded to size buckets so a ciphertext's length says little about what it holds (docs/protocol.md).
import { CodedError } from '../../../../shared/base';
import { ByteReader, ByteWriter } from '../../../../shared/crypto/bytes';

export const CONTENT_VERSION = 2;
/** Far above the largest legitimate content (a 16,000-character body, a 1,000-member group's state, 32 pointers). */
export const MAX_CONTENT_BYTES = 192 * 1024;

export type ContentErrorCode =
  /** Not content of any version: bad frame, bad protobuf, missing or invalid required fields. */
  | 'malformed_content'
  /** A frame version above the one this app writes: content from a newer Parley. */
  | 'newer_content_version';

export class ContentError extends CodedError<ContentErrorCode> {
  override readonly name = 'ContentError';
}

/** Content no honest sender writes: a missing or invalid field, a value out of range. */
export function malformedContent(detail: string): ContentError {
  return new ContentError('malformed_content', `The message content is malformed: ${detail}.`);
}

/** Powers of two from 256 B up to 16 KiB, then whole multiples of 16 KiB. */
export function paddedLength(length: number): number {
  let bucket = 256;
  while (bucket < length && bucket < 16 * 1024) bucket *= 2;
  if (length <= bucket) return bucket;
  return Math.ceil(length / (16 * 1024)) * 16 * 1024;
}

export function frameContent(protobuf: Uint8Array): Uint8Array {
  const body = new ByteWriter().u8(CONTENT_VERSION).varBytes(protobuf).finish();
  const padded = new Uint8Array(paddedLength(body.length));
  padded.set(body);
  return padded;
}

/** The protobuf inside a frame; throws ContentError. Padding must be zeros (anything else is not ours). */
export function unframeContent(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw new ContentError('malformed_content', 'empty content');
  const version = bytes[0]!;
  if (version > CONTENT_VERSION) throw new ContentError('newer_content_version', `content version ${version}`);
  if (version !== CONTENT_VERSION) throw new ContentError('malformed_content', `content version ${version} is not read by this version`);
  let protobuf: Uint8Array;
  let padding: Uint8Array;
  try {
    const reader = new ByteReader(bytes, 'bad_message', 'content');
    reader.u8();
    protobuf = reader.varBytes(MAX_CONTENT_BYTES);
    padding = reader.rest();
  } catch {
    throw new ContentError('malformed_content', 'content frame is truncated or too long');
  }
  if (padding.some((byte) => byte !== 0)) throw new ContentError('malformed_content', 'content padding is not zeros');
  return protobuf;
}
