// Uploads a local encrypted attachment file to the relay with tus 1.0 (docs/protocol.md, "Blobs"): create the blob,
// then PATCH the file from whatever offset the relay reports, streamed from disk (memory stays one buffer).
// After a dropped connection, a relay restart or an app restart it asks for the offset again and continues.
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { AttachmentError } from '../cipher/AttachmentError';
import type { BlobTokenSource, IssuedBlobToken } from './BlobTokenSource';
import { blobRequest, readErrorBody } from './blobHttp';
import { TransientTransferError, retrying, type RetryOptions } from './retrying';

const TUS = { 'Tus-Resumable': '1.0.0' };
const READ_BUFFER_BYTES = 256 * 1024;

export interface UploadOptions extends RetryOptions {
  /** The relay's blob endpoint (blobEndpoint()). */
  endpoint: URL;
  /** The file to upload, exactly `size` bytes. */
  file: string;
  size: number;
  tokens: BlobTokenSource;
  /** A blob this device began uploading before (resume); omitted for a new upload. */
  blobId?: string;
  /** Called with the new blob's id before any byte is sent, so the caller can persist it and resume later. */
  onBlobId?: (blobId: string) => Promise<void> | void;
  /** Bytes the relay has, as they grow. */
  onProgress?: (sent: number) => void;
  /** Reads the file from `start` to its end; defaults to reading it from disk (a file still growing passes its own). */
  source?: (start: number) => Readable;
}

/** Resolves with the blob id once the relay has every byte. */
export async function uploadBlob(options: UploadOptions): Promise<string> {
  let issued: IssuedBlobToken;
  let created: boolean;
  if (options.blobId) {
    issued = await options.tokens.resumeToken(options.blobId).catch(() => {
      throw new AttachmentError('blob_unavailable', 'The relay no longer has this unfinished upload.');
    });
    created = true;
  } else {
    issued = await options.tokens.uploadToken(options.size);
    await options.onBlobId?.(issued.blobId);
    created = false;
  }
  const blobUrl = new URL(`${options.endpoint.pathname}/${issued.blobId}`, options.endpoint);

  const refresh = async () => {
    issued = await options.tokens.resumeToken(issued.blobId);
  };

  await retrying(async () => {
    if (!created) created = await create(options, issued.token);
    for (;;) {
      const offset = await currentOffset(blobUrl, issued.token, options.signal);
      if (offset === 'token_expired') {
        await refresh();
        continue;
      }
      if (offset === 'missing') {
        // A create whose answer was lost never happened, or the upload was collected: create it afresh.
        created = await create(options, issued.token);
        continue;
      }
      options.onProgress?.(offset);
      if (offset === options.size) return;
      const outcome = await patch(blobUrl, issued.token, options, offset);
      if (outcome === 'token_expired') await refresh();
    }
  }, options);
  return issued.blobId;
}

async function create(options: UploadOptions, token: string): Promise<true> {
  const response = await blobRequest({
    method: 'POST',
    url: options.endpoint,
    headers: { ...TUS, Authorization: `Bearer ${token}`, 'Upload-Length': String(options.size), 'Content-Length': '0' },
    signal: options.signal,
  });
  const body = await readErrorBody(response);
  if (response.statusCode === 201 || response.statusCode === 409) return true;
  throw failure(response, body);
}

async function currentOffset(url: URL, token: string, signal: AbortSignal | undefined): Promise<number | 'missing' | 'token_expired'> {
  const response = await blobRequest({ method: 'HEAD', url, headers: { ...TUS, Authorization: `Bearer ${token}` }, signal });
  response.resume();
  if (response.statusCode === 404 || response.statusCode === 410) return 'missing';
  if (response.statusCode === 401) return 'token_expired';
  if (response.statusCode !== 200) throw failure(response, '');
  const offset = Number(response.headers['upload-offset']);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TransientTransferError('The relay reported no upload offset.');
  return offset;
}

async function patch(url: URL, token: string, options: UploadOptions, offset: number): Promise<'done' | 'token_expired'> {
  let sent = offset;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      options.onProgress?.(sent);
      callback(null, chunk);
    },
  });
  const source = options.source?.(offset) ?? createReadStream(options.file, { start: offset, highWaterMark: READ_BUFFER_BYTES });
  source.once('error', (error: Error) => counter.destroy(error));
  source.pipe(counter);
  const response = await blobRequest({
    method: 'PATCH',
    url,
    headers: {
      ...TUS,
      Authorization: `Bearer ${token}`,
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': String(options.size - offset),
    },
    body: counter,
    signal: options.signal,
  }).finally(() => source.destroy());
  const body = await readErrorBody(response);
  if (response.statusCode === 204) return 'done';
  if (response.statusCode === 401) return 'token_expired';
  throw failure(response, body);
}

/** 409 (offset moved), 423 (a dead PATCH still holds the lock), 5xx: try again; others are final. */
function failure(response: IncomingMessage, body: string): Error {
  const status = response.statusCode ?? 0;
  if (status === 409 || status === 423 || status === 429 || status >= 500) return new TransientTransferError(`The relay answered ${status}.`);
  if (status === 413 && body.includes('quota_exceeded')) {
    return new AttachmentError('blob_unavailable', 'Your account has no room left on the relay for attachments; older ones free their room when they expire.');
  }
  if (status === 413) return new AttachmentError('too_large', 'The relay does not accept attachments this large.');
  return new AttachmentError('blob_unavailable', `The relay refused the upload (${status}${body ? `: ${body.slice(0, 80)}` : ''}).`);
}
