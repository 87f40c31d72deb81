// Serves bytes start…end (inclusive) of an attachment's plaintext from its local encrypted copy: reads only the
// chunks that cover the range, authenticates and decrypts each on its own, and cuts the range out. While the copy is
// still downloading it waits for the chunks it needs, which is what lets a video play and seek while it downloads.
// A chunk that fails authentication ends the stream with an error; nothing of it is passed on.
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  ATTACHMENT_HEADER_BYTES,
  ATTACHMENT_TAG_BYTES,
  chunkCount,
  chunkOffset,
  paddedAttachmentSize,
} from '../../../../shared/media/attachmentFormat';
import { openChunk, streamKeys, type StreamKeys } from '../cipher/streamKeys';
import type { FileGrowth } from './growingFile';

export interface PlaintextRangeOptions {
  file: string;
  key: Uint8Array;
  /** Plaintext size and chunk size, from the pointer. */
  size: number;
  chunkBytes: number;
  start: number;
  end: number;
  /** Present while the file is still being downloaded. */
  growth?: FileGrowth;
}

export function plaintextRange(options: PlaintextRangeOptions): Readable {
  const { chunkBytes, start, end } = options;
  if (!(start >= 0 && end >= start && end < options.size)) throw new RangeError('range outside the attachment');
  const lastChunk = chunkCount(paddedAttachmentSize(options.size), chunkBytes) - 1;
  let index = Math.floor(start / chunkBytes);
  const stopAt = Math.floor(end / chunkBytes);
  let handle: FileHandle | undefined;
  let keys: StreamKeys | undefined;

  const readExactly = async (position: number, length: number): Promise<Buffer> => {
    if (options.growth) {
      await options.growth.waitBeyond(position + length - 1);
      if (options.growth.failure) throw options.growth.failure;
    }
    handle ??= await open(options.file, 'r');
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead !== length) throw new Error('the local copy of the attachment is shorter than expected');
    return buffer;
  };

  return new Readable({
    highWaterMark: 4 * chunkBytes,
    read() {
      void (async () => {
        try {
          if (index > stopAt) return void this.push(null);
          keys ??= streamKeys(options.key, await readExactly(0, ATTACHMENT_HEADER_BYTES), chunkBytes);
          const padded = paddedAttachmentSize(options.size);
          const plainLength = index === lastChunk ? padded - lastChunk * chunkBytes : chunkBytes;
          const sealed = await readExactly(chunkOffset(index, chunkBytes), plainLength + ATTACHMENT_TAG_BYTES);
          const plaintext = openChunk(keys, index, index === lastChunk, sealed);
          const chunkStart = index * chunkBytes;
          const from = Math.max(start, chunkStart) - chunkStart;
          const to = Math.min(end, chunkStart + plainLength - 1) - chunkStart + 1;
          index += 1;
          this.push(plaintext.subarray(from, to));
        } catch (error) {
          this.destroy(error as Error);
        }
      })();
    },
    destroy(error, callback) {
      const closing = handle?.close() ?? Promise.resolve();
      closing.then(() => callback(error), () => callback(error));
    },
  });
}
