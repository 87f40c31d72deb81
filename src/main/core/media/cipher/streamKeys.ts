// Keys and nonces of the attachment stream (STREAM construction, Hoang–Reyhanitabar–Rogaway–Vizár 2015): an
// AES-256-GCM key and a 7-byte nonce prefix are derived from the attachment key and the header's salt; chunk i's
// nonce is prefix ‖ i (32-bit big-endian) ‖ final flag, and every chunk authenticates the header as associated
// data. So a chunk only opens at its own position, and only the last chunk opens as the last.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import {
  ATTACHMENT_CHUNK_BYTES,
  ATTACHMENT_FORMAT_VERSION,
  ATTACHMENT_HEADER_BYTES,
  ATTACHMENT_TAG_BYTES,
} from '../../../../shared/media/attachmentFormat';
import { AttachmentError } from './AttachmentError';

export const ATTACHMENT_KEY_BYTES = 32;
const SALT_OFFSET = 4;
const NONCE_PREFIX_BYTES = 7;
const INFO = Buffer.from('parley attachment stream v1');
const MAX_CHUNKS = 2 ** 32;

export interface StreamKeys {
  header: Buffer;
  chunkBytes: number;
  aesKey: Buffer;
  noncePrefix: Buffer;
}

/** A fresh header: version, chunk size and 28 random bytes of salt. */
export function newHeader(chunkBytes = ATTACHMENT_CHUNK_BYTES): Buffer {
  const header = Buffer.alloc(ATTACHMENT_HEADER_BYTES);
  header[0] = ATTACHMENT_FORMAT_VERSION;
  header[1] = Math.log2(chunkBytes);
  randomBytes(ATTACHMENT_HEADER_BYTES - SALT_OFFSET).copy(header, SALT_OFFSET);
  return header;
}

/** Checks the header and derives the chunk keys; `bad_header` for anything this version does not write. */
export function streamKeys(attachmentKey: Uint8Array, header: Uint8Array, expectedChunkBytes?: number): StreamKeys {
  if (attachmentKey.length !== ATTACHMENT_KEY_BYTES) throw new AttachmentError('bad_header', 'The attachment key has the wrong length.');
  if (header.length !== ATTACHMENT_HEADER_BYTES || header[0] !== ATTACHMENT_FORMAT_VERSION || header[2] !== 0 || header[3] !== 0) {
    throw new AttachmentError('bad_header', 'The attachment is not in a format this version of Parley reads.');
  }
  const log2 = header[1]!;
  if (log2 < 10 || log2 > 24) throw new AttachmentError('bad_header', 'The attachment names an unsupported chunk size.');
  const chunkBytes = 2 ** log2;
  if (expectedChunkBytes !== undefined && chunkBytes !== expectedChunkBytes) {
    throw new AttachmentError('bad_header', 'The attachment chunk size differs from the one its sender named.');
  }
  const okm = Buffer.from(hkdfSync('sha256', attachmentKey, header.subarray(SALT_OFFSET), INFO, ATTACHMENT_KEY_BYTES + NONCE_PREFIX_BYTES));
  return { header: Buffer.from(header), chunkBytes, aesKey: okm.subarray(0, ATTACHMENT_KEY_BYTES), noncePrefix: okm.subarray(ATTACHMENT_KEY_BYTES) };
}

function nonce(keys: StreamKeys, index: number, final: boolean): Buffer {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CHUNKS) throw new RangeError(`chunk index out of range: ${index}`);
  const out = Buffer.alloc(12);
  keys.noncePrefix.copy(out, 0);
  out.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  out[11] = final ? 1 : 0;
  return out;
}

/** Ciphertext and tag of one chunk, as the two buffers the cipher gives (written one after the other; nothing copied). */
export function sealChunk(keys: StreamKeys, index: number, final: boolean, plaintext: Uint8Array): [body: Buffer, tag: Buffer] {
  const cipher = createCipheriv('aes-256-gcm', keys.aesKey, nonce(keys, index, final));
  cipher.setAAD(keys.header);
  const body = cipher.update(plaintext);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** The plaintext of one chunk, or `chunk_tampered` (or `truncated` when it is not the final chunk it claims to be). */
export function openChunk(keys: StreamKeys, index: number, final: boolean, sealed: Uint8Array): Buffer {
  if (sealed.length <= ATTACHMENT_TAG_BYTES) throw new AttachmentError('truncated', 'The attachment ends inside a chunk.');
  const bodyLength = sealed.length - ATTACHMENT_TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', keys.aesKey, nonce(keys, index, final));
  decipher.setAAD(keys.header);
  decipher.setAuthTag(sealed.subarray(bodyLength));
  const plaintext = decipher.update(sealed.subarray(0, bodyLength));
  try {
    decipher.final();
  } catch {
    throw new AttachmentError('chunk_tampered', `Part ${index + 1} of the attachment failed verification; it was changed or is not from its sender.`);
  }
  return plaintext;
}
