// Where blob bytes live, behind the smallest interface the relay needs: a tus data store that uploads are written
// through, ranged reads of finished blobs, and removal. The local-disk implementation is the default; an object
// store (several relays sharing one bucket) implements the same three things with @tus/s3-store and ranged GETs.
import { createReadStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/utils';

export interface BlobBytes {
  /** The tus data store uploads are written through. */
  readonly uploads: DataStore;
  /** Bytes `start` … `end` (inclusive) of a finished blob. */
  read(id: string, start: number, end: number): Readable;
  /** Deletes a blob's bytes and upload record; a blob that is already gone is not an error. */
  remove(id: string): Promise<void>;
}

/** Blobs as files in one directory (`<dataDir>/blobs`): `<id>` holds the bytes, `<id>.json` the tus upload record. */
export class LocalDiskBlobBytes implements BlobBytes {
  readonly uploads: FileStore;

  private constructor(private readonly directory: string) {
    this.uploads = new FileStore({ directory });
  }

  static async open(directory: string): Promise<LocalDiskBlobBytes> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new LocalDiskBlobBytes(directory);
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
