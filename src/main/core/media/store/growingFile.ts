// A file being written while it is read: the encryptor appends ciphertext and reports how far the file is durable
// in the page cache, and the uploader reads behind it, waiting when it catches up. This is what lets an attachment
// upload while it is still being encrypted, so sending costs about the slower of the two, not their sum. The newest
// bytes written stay in memory for a while (a bounded window), so a reader close behind the writer takes them from
// there instead of reading the file back; one that falls behind the window reads the file. While the reader keeps
// moving, the writer waits for it to stay within the window (the encryptor runs at the upload's pace, and nothing is
// read back from disk); when the reader stops (the relay is unreachable), the writer goes on at full speed, so the
// local copy is finished whatever the network does.
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { writeAllAt } from '../../../../shared/base';

const READ_BYTES = 256 * 1024;
/** A reader that moved this recently is waited for; one quiet for longer no longer holds the writer back. */
export const READER_PACE_MS = 1_000;

export class FileGrowth extends EventEmitter {
  written = 0;
  finished = false;
  failure: Error | undefined;
  private readonly recent: Buffer[] = [];
  private recentStart = 0;
  private recentBytes = 0;
  private readerAt: number | undefined;
  private readerMovedAt = 0;

  /** `keepBytes`: how many of the newest written bytes to hold for readers (0: none, every read goes to the file). */
  constructor(private readonly keepBytes = 0) {
    super();
  }

  grew(total: number): void {
    this.written = total;
    this.emit('change');
  }

  /** The sink wrote `buffers` (never changed afterwards) at the end of the file: keep the newest, then report growth. */
  wrote(buffers: readonly Buffer[]): void {
    let total = this.written;
    for (const buffer of buffers) {
      total += buffer.length;
      if (this.keepBytes === 0) continue;
      this.recent.push(buffer);
      this.recentBytes += buffer.length;
    }
    while (this.recentBytes > this.keepBytes) {
      const dropped = this.recent.shift()!;
      this.recentBytes -= dropped.length;
    }
    this.recentStart = total - this.recentBytes;
    this.grew(total);
  }

  /** Bytes of the file held in memory now (never more than `keepBytes`). */
  get heldBytes(): number {
    return this.recentBytes;
  }

  /** The first byte memory holds (the file's length when it holds none). */
  get heldFrom(): number {
    return this.recentStart;
  }

  /** Up to `max` bytes from `position` if memory still holds them (a view, nothing copied); otherwise undefined. */
  held(position: number, max: number): Buffer | undefined {
    if (position < this.recentStart || position >= this.written) return undefined;
    let start = this.recentStart;
    for (const buffer of this.recent) {
      if (position < start + buffer.length) return buffer.subarray(position - start, Math.min(buffer.length, position - start + max));
      start += buffer.length;
    }
    return undefined;
  }

  /** The reader has taken everything before `position`. */
  readerReached(position: number): void {
    this.readerAt = position;
    this.readerMovedAt = performance.now();
    this.emit('change');
  }

  /**
   * Resolves when the writer may add `bytes`: at once without a window or a reader, when the reader stays within the
   * window after them (or has caught up), once the reader has not moved for READER_PACE_MS, or when writing failed.
   */
  async paceWriter(bytes: number): Promise<void> {
    for (;;) {
      if (this.keepBytes === 0 || this.readerAt === undefined || this.failure) return;
      if (this.written + bytes - this.readerAt <= this.keepBytes || this.readerAt >= this.written) return;
      const quietFor = performance.now() - this.readerMovedAt;
      if (quietFor >= READER_PACE_MS) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.off('change', done);
          resolve();
        };
        const timer = setTimeout(done, READER_PACE_MS - quietFor);
        this.on('change', done);
      });
    }
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
    await growth.paceWriter(buffers.reduce((sum, buffer) => sum + buffer.length, 0));
    const target = await ensureOpen();
    position = await writeAllAt(target, buffers, position);
    growth.wrote(buffers);
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
          const want = Math.min(READ_BYTES, end - position, Math.max(0, growth.written - position));
          if (want === 0) throw new Error('the file ended before its expected length');
          const kept = growth.held(position, want);
          if (kept) {
            position += kept.length;
            growth.readerReached(position);
            return void this.push(kept);
          }
          // From the file only up to what memory holds, so the reader moves on to memory once it catches up.
          const fromFile = growth.heldFrom > position ? Math.min(want, growth.heldFrom - position) : want;
          handle ??= await open(file, 'r');
          const buffer = Buffer.allocUnsafe(fromFile);
          const { bytesRead } = await handle.read(buffer, 0, fromFile, position);
          position += bytesRead;
          growth.readerReached(position);
          this.push(bytesRead === fromFile ? buffer : buffer.subarray(0, bytesRead));
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
