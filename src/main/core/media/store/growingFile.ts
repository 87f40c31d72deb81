// A file being written while it is read: the encryptor appends ciphertext and reports how far the file is durable
// in the page cache, and the uploader reads behind it, waiting when it catches up. This is what lets an attachment
// upload while it is still being encrypted, so sending costs about the slower of the two, not their sum.
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';

const READ_BYTES = 256 * 1024;

export class FileGrowth extends EventEmitter {
  written = 0;
  finished = false;
  failure: Error | undefined;

  grew(total: number): void {
    this.written = total;
    this.emit('change');
  }

  finish(): void {
    this.finished = true;
    this.emit('change');
  }

  fail(error: Error): void {
    this.failure = error;
    this.emit('change');
  }

  /** Resolves once more than `position` bytes exist, the file is finished, or writing failed. */
  waitBeyond(position: number): Promise<void> {
    if (this.written > position || this.finished || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.written > position || this.finished || this.failure) {
          this.off('change', check);
          resolve();
        }
      };
      this.on('change', check);
    });
  }
}

/** A Writable that appends to a new file and reports each write to `growth` once the OS has it. */
export function growingFileSink(file: string, growth: FileGrowth): Writable {
  let handle: FileHandle | undefined;
  let position = 0;
  const ensureOpen = async () => (handle ??= await open(file, 'wx', 0o600));
  const writeAll = async (buffers: Buffer[]) => {
    const target = await ensureOpen();
    for (const buffer of buffers) {
      let done = 0;
      while (done < buffer.length) {
        const { bytesWritten } = await target.write(buffer, done, buffer.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    }
    growth.grew(position);
  };
  return new Writable({
    highWaterMark: 1024 * 1024,
    writev(chunks, callback) {
      writeAll(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), callback);
    },
    final(callback) {
      ensureOpen()
        .then((target) => target.sync())
        .then(() => growth.finish())
        .then(() => callback(), callback);
    },
    destroy(error, callback) {
      if (error) growth.fail(error);
      const closing = handle?.close() ?? Promise.resolve();
      closing.then(() => callback(error), () => callback(error));
    },
  });
}

/** Reads `file` from `start` up to `end` (exclusive), following it while `growth` says it is still being written. */
export function readGrowingFile(file: string, growth: FileGrowth, start: number, end: number): Readable {
  let handle: FileHandle | undefined;
  let position = start;
  return new Readable({
    highWaterMark: READ_BYTES,
    read() {
      void (async () => {
        try {
          if (position >= end) return void this.push(null);
          await growth.waitBeyond(position);
          if (growth.failure) throw growth.failure;
          handle ??= await open(file, 'r');
          const want = Math.min(READ_BYTES, end - position, Math.max(0, growth.written - position));
          if (want === 0) throw new Error('the file ended before its expected length');
          const buffer = Buffer.allocUnsafe(want);
          const { bytesRead } = await handle.read(buffer, 0, want, position);
          position += bytesRead;
          this.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
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
