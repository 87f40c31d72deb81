// Decrypts an attachment stream as it flows, verifying every chunk on its own before a byte of it is passed on,
// and (when the sender's digest is given) the SHA-256 of the whole ciphertext at the end. Padding is cut off.
// Instead of the plaintext it can pass on the ciphertext itself, each chunk once it has been verified (the input as
// it came, nothing copied): what a download keeps as the encrypted local copy.
// A consumer that persists the output must discard it when this stream errors: the error may come at the end.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { bytesEqual } from '../../../../shared/base';
import {
  ATTACHMENT_CHUNK_BYTES,
  ATTACHMENT_HEADER_BYTES,
  ATTACHMENT_TAG_BYTES,
  attachmentCiphertextSize,
  chunkCount,
  paddedAttachmentSize,
} from '../../../../shared/media/attachmentFormat';
import { AttachmentError } from './AttachmentError';
import { openChunk, streamKeys, type StreamKeys } from './streamKeys';

export interface DecryptorOptions {
  key: Uint8Array;
  /** Plaintext size, from the pointer. */
  size: number;
  chunkBytes?: number;
  /** SHA-256 of the ciphertext, from the pointer; checked when the stream ends. */
  digest?: Uint8Array;
  /**
   * Pass on the verified ciphertext instead of the plaintext, from this byte of the blob on (bytes before it were
   * kept earlier: they are verified again, not passed on). The header counts as verified with the first chunk.
   */
  ciphertextFrom?: number;
}

export class AttachmentDecryptor extends Transform {
  private readonly chunkBytes: number;
  private readonly expectedBytes: number;
  private readonly lastIndex: number;
  private readonly hash: Hash | undefined;
  private readonly unit: Buffer;
  private keys: StreamKeys | undefined;
  private fill = 0;
  private index = 0;
  private received = 0;
  private plaintextLeft: number;
  /** Ciphertext mode: input not yet passed on (views), from blob byte `heldFrom`; verified through `verified`. */
  private held: Buffer[] = [];
  private heldFrom = 0;
  private verified = 0;

  constructor(private readonly options: DecryptorOptions) {
    super();
    this.chunkBytes = options.chunkBytes ?? ATTACHMENT_CHUNK_BYTES;
    this.expectedBytes = attachmentCiphertextSize(options.size, this.chunkBytes);
    this.lastIndex = chunkCount(paddedAttachmentSize(options.size), this.chunkBytes) - 1;
    this.hash = options.digest ? createHash('sha256') : undefined;
    this.unit = Buffer.allocUnsafe(this.chunkBytes + ATTACHMENT_TAG_BYTES);
    this.plaintextLeft = options.size;
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      // Chunks up to the expected length are checked first, so a chunk inserted mid-stream reads as tampering.
      const room = this.expectedBytes - this.received;
      const extra = data.length > room;
      if (extra) data = data.subarray(0, room);
      const at = this.received;
      this.received += data.length;
      this.hash?.update(data);
      if (this.options.ciphertextFrom !== undefined && data.length > 0) this.held.push(data);
      let offset = 0;
      while (offset < data.length) {
        const want = this.keys ? this.unitLength() : ATTACHMENT_HEADER_BYTES;
        const take = Math.min(want - this.fill, data.length - offset);
        data.copy(this.unit, this.fill, offset, offset + take);
        this.fill += take;
        offset += take;
        if (this.fill === want) {
          this.consumeUnit();
          if (this.index > 0) this.verified = at + offset;
        }
      }
      this.passVerified();
      if (extra) throw new AttachmentError('trailing_data', 'The attachment is longer than its sender said.');
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.received < this.expectedBytes) {
      return callback(new AttachmentError('truncated', 'The attachment ends before its last part.'));
    }
    if (this.hash && this.options.digest) {
      if (!bytesEqual(this.hash.digest(), this.options.digest)) {
        return callback(new AttachmentError('digest_mismatch', 'The attachment is not the one its sender sent.'));
      }
    }
    callback();
  }

  /** Ciphertext bytes of the current chunk: whole chunks, except a shorter last one. */
  private unitLength(): number {
    if (this.index < this.lastIndex) return this.chunkBytes + ATTACHMENT_TAG_BYTES;
    const padded = paddedAttachmentSize(this.options.size);
    return padded - this.lastIndex * this.chunkBytes + ATTACHMENT_TAG_BYTES;
  }

  private consumeUnit(): void {
    if (!this.keys) {
      this.keys = streamKeys(this.options.key, this.unit.subarray(0, ATTACHMENT_HEADER_BYTES), this.chunkBytes);
      this.fill = 0;
      return;
    }
    const plaintext = openChunk(this.keys, this.index, this.index === this.lastIndex, this.unit.subarray(0, this.fill));
    this.index += 1;
    this.fill = 0;
    if (this.options.ciphertextFrom === undefined && this.plaintextLeft > 0) {
      const keep = Math.min(plaintext.length, this.plaintextLeft);
      this.plaintextLeft -= keep;
      this.push(keep === plaintext.length ? plaintext : plaintext.subarray(0, keep));
    }
  }

  /** Ciphertext mode: passes on the held input up to the end of the last verified chunk, from `ciphertextFrom` on. */
  private passVerified(): void {
    const from = this.options.ciphertextFrom;
    if (from === undefined) return;
    while (this.held.length > 0 && this.heldFrom < this.verified) {
      const piece = this.held[0]!;
      const end = Math.min(this.heldFrom + piece.length, this.verified);
      const start = Math.max(this.heldFrom, from);
      if (start < end) this.push(piece.subarray(start - this.heldFrom, end - this.heldFrom));
      if (end === this.heldFrom + piece.length) this.held.shift();
      else this.held[0] = piece.subarray(end - this.heldFrom);
      this.heldFrom = end;
    }
  }
}
