// tus 1.0 PATCH on /v1/blobs/<id> (docs/protocol.md, "Blobs"), answered by the relay itself: the request body goes
// straight from the socket to the upload's bytes (BlobBytes.append), without @tus/server's conversion of the
// request to a web stream and back, which cost the relay about twice the CPU per byte of a plain HTTP file copy.
// The tus rules hold as before: Tus-Resumable, the upload token for this blob, Content-Type
// application/offset+octet-stream, Upload-Offset equal to what the relay has (409), never past the declared length
// (413, which the creation held to the token's size, the per-blob limit and the account quota), one request per
// upload at a time (423), and what was written before a dropped connection stays for the resume.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log';
import { errorFields } from '../log';
import { UploadOverrun } from './blob-bytes';
import { finishUpload, type BlobFinishOptions } from './blob-finish';
import { answerError, bearer } from './blob-replies';
import type { BlobTokens } from './blob-tokens';
import type { UploadLocks } from './upload-locks';

export const TUS_VERSION = '1.0.0';
const OFFSET_PATTERN = /^(0|[1-9]\d{0,15})$/;

export interface PatchOptions extends BlobFinishOptions {
  tokens: BlobTokens;
  locks: UploadLocks;
  /** A body that sends nothing for this long is cut (its bytes so far kept), so its lock is freed. */
  idleMs: number;
  logger: Logger;
}

export function createPatchHandler(options: PatchOptions): (request: IncomingMessage, response: ServerResponse, blobId: string) => Promise<void> {
  const { index, bytes, tokens, locks, now, logger } = options;
  return async (request, response, blobId) => {
    // Refused before the body is read: close the connection rather than read the rest of the body to keep it.
    const refuse = (status: number, error: string, headers: Record<string, string> = {}) =>
      answerError(response, status, error, { 'Tus-Resumable': TUS_VERSION, Connection: 'close', ...headers });
    if (request.headers['tus-resumable'] !== TUS_VERSION) return refuse(412, 'tus_version_unsupported', { 'Tus-Version': TUS_VERSION });
    const check = tokens.verify(bearer(request.headers.authorization) ?? '', 'upload', blobId);
    if (!check.ok) return refuse(check.reason === 'expired' ? 401 : 403, `upload_token_${check.reason}`);
    if (request.headers['content-type'] !== 'application/offset+octet-stream') return refuse(415, 'content_type_not_offset_octet_stream');
    const offsetHeader = request.headers['upload-offset'];
    if (typeof offsetHeader !== 'string' || !OFFSET_PATTERN.test(offsetHeader)) return refuse(400, 'upload_offset_invalid');
    const offset = Number(offsetHeader);
    const declared = request.headers['content-length'];

    if (!locks.tryLock(blobId)) return refuse(423, 'upload_locked');
    try {
      const upload = await bytes.uploads.getUpload(blobId).catch(() => undefined);
      const record = upload && (await index.find(blobId));
      if (!upload || upload.size === undefined || !record) return refuse(404, 'not_found');
      if (offset !== upload.offset) return refuse(409, 'upload_offset_mismatch', { 'Upload-Offset': String(upload.offset) });
      const room = upload.size - offset;
      if (declared !== undefined && Number(declared) > room) return refuse(413, 'exceeds_upload_length');
      await index.touch(blobId, now());

      request.setTimeout(options.idleMs, () => request.destroy(new Error('the upload body stalled')));
      let written: number;
      try {
        written = await bytes.append(blobId, offset, request, room);
      } catch (error) {
        if (error instanceof UploadOverrun) return refuse(413, 'exceeds_upload_length');
        // The client went away or stalled: nothing to answer; its bytes so far are kept for the resume.
        if (!request.destroyed) throw error;
        response.destroy();
        return;
      } finally {
        request.setTimeout(0);
      }
      const reached = offset + written;
      if (reached === upload.size) await finishUpload(options, blobId);
      response.writeHead(204, { 'Tus-Resumable': TUS_VERSION, 'Upload-Offset': String(reached), 'Cache-Control': 'no-store' });
      response.end();
    } catch (error) {
      logger.error('relay.blob_upload_failed', errorFields(error));
      if (!response.headersSent) refuse(500, 'internal');
      else response.destroy();
    } finally {
      locks.unlock(blobId);
    }
  };
}
