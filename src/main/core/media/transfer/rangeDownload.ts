// Downloads a blob into a local file with HTTP Range, resuming from the bytes the file already holds. Every chunk is
// authenticated as it arrives (a changed, reordered or foreign chunk stops the download at once) and the SHA-256
// of the whole blob is checked at the end; on either failure the partial file is deleted: nothing unverified stays.
// The file keeps the ciphertext: it is the encrypted local copy (docs/security.md §17). It only ever gains whole
// chunks that have been verified (the decryptor passes them on), written in batches of up to 1 MiB.
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeAllAt } from '../../../../shared/base';
import { AttachmentDecryptor } from '../cipher/AttachmentDecryptor';
import { AttachmentError, isAttachmentError } from '../cipher/AttachmentError';
import type { FileGrowth } from '../store/growingFile';
import type { BlobTokenSource } from './BlobTokenSource';
import { blobRequest, readErrorBody } from './blobHttp';
import { TransientTransferError, retrying, type RetryOptions } from './retrying';

export interface DownloadOptions extends RetryOptions {
  endpoint: URL;
  blobId: string;
  /** Where the ciphertext goes; an existing file is taken as the first bytes of the blob. */
  file: string;
  tokens: BlobTokenSource;
  /** From the pointer: the attachment key, plaintext size, chunk size and ciphertext digest. */
  key: Uint8Array;
  size: number;
  chunkBytes: number;
  digest: Uint8Array;
  /** Ciphertext bytes on disk, as they grow. */
  onProgress?: (received: number) => void;
  /** Told how far the file has grown, so playback can read behind the download (plaintextRange). */
  growth?: FileGrowth;
}

export async function downloadBlob(options: DownloadOptions): Promise<void> {
  const blobUrl = new URL(`${options.endpoint.pathname}/${options.blobId}`, options.endpoint);
  let token: string | undefined;
  try {
    await retrying(async () => {
      token ??= (await options.tokens.downloadToken(options.blobId)).token;
      const outcome = await resumeOnce(blobUrl, token, options);
      if (outcome === 'token_expired') {
        token = undefined;
        throw new TransientTransferError('The download token expired.');
      }
    }, options);
  } catch (error) {
    // A verification failure means these bytes must never be used: delete them. A pause or a network failure keeps them.
    if (isAttachmentError(error) && error.code !== 'cancelled' && error.code !== 'transfer_failed') {
      await rm(options.file, { force: true });
      options.growth?.fail(error);
    }
    throw error;
  }
}

/** One GET from the current end of the file; verifies the prefix already on disk first. */
async function resumeOnce(url: URL, token: string, options: DownloadOptions): Promise<'done' | 'token_expired'> {
  const have = await fileSize(options.file);
  // Passes on the ciphertext from the end of the file, each chunk once it has been verified: the file only ever gains
  // verified chunks. (A partial chunk left at its end by an earlier version is verified with the rest of its chunk.)
  const verifier = new AttachmentDecryptor({ key: options.key, size: options.size, chunkBytes: options.chunkBytes, digest: options.digest, ciphertextFrom: have });
  try {
    if (have > 0) await pipeline(createReadStream(options.file, { end: have - 1, highWaterMark: 256 * 1024 }), verifier, { end: false });
    options.onProgress?.(have);
    options.growth?.grew(have);

    const response = await blobRequest({
      method: 'GET',
      url,
      headers: { Authorization: `Bearer ${token}`, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) },
      signal: options.signal,
    });
    if (response.statusCode === 401) {
      response.resume();
      verifier.destroy();
      return 'token_expired';
    }
    if (response.statusCode !== (have > 0 ? 206 : 200)) {
      const body = await readErrorBody(response);
      const status = response.statusCode ?? 0;
      if (status >= 500 || status === 429) throw new TransientTransferError(`The relay answered ${status}.`);
      throw new AttachmentError('blob_unavailable', status === 404 ? 'The attachment has expired on the relay or was never sent to you.' : `The relay refused the download (${status}${body ? `: ${body.slice(0, 80)}` : ''}).`);
    }
    await pipeline(response, verifier, await appendingSink(options, have)).catch((error: unknown) => {
      if (isAttachmentError(error)) throw error;
      // The relay went away mid-body: what reached the file is verified, the next try continues from there.
      throw new TransientTransferError(`The download was interrupted (${(error as Error).message}).`);
    });
  } catch (error) {
    verifier.destroy();
    throw error;
  }
  options.growth?.finish();
  return 'done';
}

/** Appends to the download's file from `have` on, reports progress, and syncs the file at the end. */
async function appendingSink(options: DownloadOptions, have: number): Promise<Writable> {
  const handle = await open(options.file, have > 0 ? 'r+' : 'w');
  let received = have;
  return new Writable({
    highWaterMark: 1024 * 1024,
    writev(chunks, callback) {
      const buffers = chunks.map((c) => c.chunk as Buffer);
      writeAllAt(handle, buffers, received).then((end) => {
        received = end;
        options.growth?.grew(received);
        options.onProgress?.(received);
        callback();
      }, callback);
    },
    final(callback) {
      handle.sync().then(() => callback(), callback);
    },
    destroy(error, callback) {
      handle.close().then(() => callback(error), () => callback(error));
    },
  });
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
