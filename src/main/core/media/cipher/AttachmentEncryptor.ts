// Encrypts a plaintext stream of unknown length into the attachment stream format as it flows: one chunk of
// memory, a SHA-256 of the ciphertext computed on the way, padding added at the end. It never holds the file.
// Whole chunks are encrypted straight from the input (a view, not a copy); only a chunk split across inputs is
// gathered in the pending buffer.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ATTACHMENT_CHUNK_BYTES, MAX_ATTACHMENT_BYTES, paddedAttachmentSize } from '../../../../shared/media/attachmentFormat';
import { AttachmentError } from './AttachmentError';
import { ATTACHMENT_KEY_BYTES, newHeader, sealChunk, streamKeys, type StreamKeys } from './streamKeys';

export interface EncryptedAttachment {
  /** The fresh random key (travels only inside the end-to-end message and the local vault). */
  key: Uint8Array;
  /** SHA-256 of the whole ciphertext. */
  digest: Uint8Array;
  /** Plaintext bytes. */
  size: number;
  /** Ciphertext bytes (header, padded chunks, tags). */
  ciphertextSize: number;
  chunkBytes: number;
}

export interface EncryptorOptions {
  /** Defaults to a fresh random key; tests pass their own. */
  key?: Uint8Array;
  chunkBytes?: number;
  /** Refuse more plaintext than this (default MAX_ATTACHMENT_BYTES). */
  maxBytes?: number;
}

export class AttachmentEncryptor extends Transform {
  private readonly key: Uint8Array;
  private readonly keys: StreamKeys;
  private readonly maxBytes: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly pending: Buffer;
  private fill = 0;
  /** A whole chunk of the input, not yet sealed because it may be the last one (then fill is 0). */
  private whole: Buffer | undefined;
  private index = 0;
  private plaintextBytes = 0;
  private ciphertextBytes = 0;
  private done: EncryptedAttachment | undefined;

  constructor(options: EncryptorOptions = {}) {
    super();
    this.key = options.key ?? randomBytes(ATTACHMENT_KEY_BYTES);
    const chunkBytes = options.chunkBytes ?? ATTACHMENT_CHUNK_BYTES;
    this.keys = streamKeys(this.key, newHeader(chunkBytes));
    this.maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
    this.pending = Buffer.allocUnsafe(chunkBytes);
    this.emit_(this.keys.header);
  }

  /** The key, digest and sizes; available once the stream has finished. */
  result(): EncryptedAttachment {
    if (!this.done) throw new Error('the attachment is not fully encrypted yet');
    return this.done;
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.plaintextBytes += data.length;
    if (this.plaintextBytes > this.maxBytes) {
      return callback(new AttachmentError('too_large', `Attachments can be at most ${formatGiB(this.maxBytes)}.`));
    }
    const chunkBytes = this.keys.chunkBytes;
    let offset = 0;
    while (offset < data.length) {
      // A chunk held back is full and more plaintext follows, so it is not the final one.
      if (this.whole) this.seal(this.whole, false);
      if (this.fill === chunkBytes) this.sealPending(false);
      if (this.fill === 0 && data.length - offset >= chunkBytes) {
        this.whole = data.subarray(offset, offset + chunkBytes);
        offset += chunkBytes;
        continue;
      }
      const take = Math.min(chunkBytes - this.fill, data.length - offset);
      data.copy(this.pending, this.fill, offset, offset + take);
      this.fill += take;
      offset += take;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const chunkBytes = this.keys.chunkBytes;
    if (this.whole) {
      this.whole.copy(this.pending);
      this.fill = chunkBytes;
      this.whole = undefined;
    }
    let remaining = paddedAttachmentSize(this.plaintextBytes) - this.index * chunkBytes;
    // Zero padding fills the pending chunk, then as many whole zero chunks as the bucket needs.
    let first = true;
    while (remaining > 0) {
      const length = Math.min(chunkBytes, remaining);
      if (!first) this.fill = 0;
      this.pending.fill(0, this.fill, length);
      this.fill = length;
      remaining -= length;
      this.sealPending(remaining === 0);
      first = false;
    }
    this.done = {
      key: this.key,
      digest: new Uint8Array(this.hash.digest()),
      size: this.plaintextBytes,
      ciphertextSize: this.ciphertextBytes,
      chunkBytes,
    };
    callback();
  }

  private sealPending(final: boolean): void {
    this.seal(this.pending.subarray(0, this.fill), final);
    this.fill = 0;
  }

  private seal(plaintext: Buffer, final: boolean): void {
    for (const part of sealChunk(this.keys, this.index, final, plaintext)) this.emit_(part);
    this.index += 1;
    this.whole = undefined;
  }

  private emit_(bytes: Buffer): void {
    this.hash.update(bytes);
    this.ciphertextBytes += bytes.length;
    this.push(bytes);
  }
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GiB`;
}
