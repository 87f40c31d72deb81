// Where blob bytes live, behind the smallest interface the relay needs: a tus data store for creating, measuring and
// terminating uploads, appending a PATCH body to an upload, ranged reads of finished blobs, and removal. The
// local-disk implementation is the default; an object store (several relays sharing one bucket) implements the same
// with @tus/s3-store (its write() appends) and ranged GETs.
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/utils';
import { writeAllAt } from '../../shared/base';
import type { Durability } from '../config';

export interface BlobBytes {
  /** The tus data store: creation, the offset of an upload (getUpload), termination. */
  readonly uploads: DataStore;
  /**
   * Appends `body` to the unfinished upload `id`, whose bytes end at `offset`, and resolves to the bytes written.
   * A body longer than `maxBytes` rejects with UploadOverrun. On any failure what was written stays, so the
   * upload's offset is exactly what reached storage, and an interrupted upload resumes from there.
   */
  append(id: string, offset: number, body: Readable, maxBytes: number): Promise<number>;
  /**
   * Puts the bytes of the finished upload `id` on stable storage, so that they survive a power loss, if the relay's
   * durability asks for it ('disk'); with 'process' it does nothing.
   */
  persist(id: string): Promise<void>;
  /** Bytes `start` … `end` (inclusive) of a finished blob. */
  read(id: string, start: number, end: number): Readable;
  /** Deletes a blob's bytes and upload record; a blob that is already gone is not an error. */
  remove(id: string): Promise<void>;
}

/** A PATCH body went past the upload's declared length; nothing beyond that length was written. */
export class UploadOverrun extends Error {
  override readonly name = 'UploadOverrun';
}

/**
 * With durability 'disk', an upload's bytes are flushed while it is written, every FLUSH_EVERY_BYTES in the
 * background, so that the flush that finishes it (persist) has only the tail left: the page cache would otherwise
 * hold a whole large upload until that flush (the kernel starts writing back only at 10% of memory or after 30 s).
 */
const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

/** Blobs as files in one directory (`<dataDir>/blobs`): `<id>` holds the bytes, `<id>.json` the tus upload record. */
export class LocalDiskBlobBytes implements BlobBytes {
  readonly uploads: FileStore;

  private constructor(
    private readonly directory: string,
    private readonly durability: Durability,
  ) {
    this.uploads = new FileStore({ directory });
  }

  static async open(directory: string, durability: Durability): Promise<LocalDiskBlobBytes> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new LocalDiskBlobBytes(directory, durability);
  }

  /** The body as it arrives, each batch of buffered chunks in one writev at the end of what is written. */
  async append(id: string, offset: number, body: Readable, maxBytes: number): Promise<number> {
    // The error stays on the stream (body.errored) for nextChunks; without a listener it would be thrown.
    const ignore = () => {};
    body.on('error', ignore);
    const file = await open(join(this.directory, id), 'r+');
    const flushes = new BackgroundFlush(file, this.durability === 'disk' ? FLUSH_EVERY_BYTES : Number.POSITIVE_INFINITY);
    let written = 0;
    try {
      for (let chunks = await nextChunks(body); chunks !== null; chunks = await nextChunks(body)) {
        const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        if (written + size > maxBytes) throw new UploadOverrun(`the body is longer than the ${maxBytes} bytes the upload has room for`);
        await writeAllAt(file, chunks, offset + written);
        written += size;
        flushes.wrote(size);
      }
      // A failed flush fails the upload: the bytes it covered may be gone although a later flush succeeds.
      await flushes.settled();
      return written;
    } finally {
      body.off('error', ignore);
      await flushes.settled().catch(() => undefined);
      await file.close();
    }
  }

  /** fdatasync of the blob's file, then fsync of the directory that names it (the file was created by this upload). */
  async persist(id: string): Promise<void> {
    if (this.durability !== 'disk') return;
    for (const [path, flush] of [
      [join(this.directory, id), (file: FileHandle) => file.datasync()],
      [this.directory, (file: FileHandle) => file.sync()],
    ] as const) {
      const file = await open(path, 'r');
      try {
        await flush(file);
      } finally {
        await file.close();
      }
    }
  }

  read(id: string, start: number, end: number): Readable {
    return createReadStream(join(this.directory, id), { start, end, highWaterMark: 256 * 1024 });
  }

  async remove(id: string): Promise<void> {
    for (const file of [id, `${id}.json`]) {
      await unlink(join(this.directory, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }
}

/** Every chunk `body` holds now (waiting for one if it holds none), or null at its end; rejects if it fails or is cut. */
async function nextChunks(body: Readable): Promise<Buffer[] | null> {
  for (;;) {
    const chunks: Buffer[] = [];
    for (let chunk = body.read() as Buffer | null; chunk !== null; chunk = body.read() as Buffer | null) chunks.push(chunk);
    if (chunks.length > 0) return chunks;
    if (body.readableEnded) return null;
    if (body.errored) throw body.errored;
    if (body.destroyed) throw new Error('the request body was cut off');
    await new Promise<void>((resolve) => {
      const events = ['readable', 'end', 'error', 'close'] as const;
      const done = () => {
        for (const event of events) body.off(event, done);
        resolve();
      };
      for (const event of events) body.on(event, done);
    });
  }
}

/** fdatasync of a file being written, started in the background each time `every` more bytes were written, one at a time. */
class BackgroundFlush {
  private unflushed = 0;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly file: FileHandle,
    private readonly every: number,
  ) {}

  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < this.every || this.running) return;
    this.unflushed = 0;
    this.running = this.file.datasync().then(
      () => {
        this.running = undefined;
      },
      (error: unknown) => {
        this.running = undefined;
        this.failure ??= error;
      },
    );
  }

  /** Waits for the flush in progress; rejects if any flush failed. */
  async settled(): Promise<void> {
    await this.running;
    if (this.failure !== undefined) throw this.failure;
  }
}
