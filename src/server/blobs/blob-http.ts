// The relay's blob endpoints beside the WebSocket (docs/protocol.md, "Blobs"): tus 1.0 resumable uploads at
// /v1/blobs — creation, HEAD and termination through @tus/server, PATCH by the relay's own handler (blob-patch.ts),
// which writes the body straight to the upload — and ranged downloads (GET /v1/blobs/<id>).
// Every request carries a token from the WebSocket; client-supplied tus metadata is dropped, never stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { EVENTS, Server as TusServer } from '@tus/server';
import type { Locker } from '@tus/utils';
import type { Logger } from '../log';
import { errorFields } from '../log';
import type { BlobBytes } from './blob-bytes';
import { finishUpload } from './blob-finish';
import type { BlobIndex } from './blob-index';
import { createPatchHandler } from './blob-patch';
import { answerError, bearer } from './blob-replies';
import { BLOB_ID_PATTERN, type BlobTokenClaims, type BlobTokens } from './blob-tokens';
import { UploadLocks } from './upload-locks';
import { parseByteRange } from '../../shared/http/byteRange';

export const BLOBS_PATH = '/v1/blobs';

export interface BlobHttpOptions {
  index: BlobIndex;
  bytes: BlobBytes;
  tokens: BlobTokens;
  maxBytes: number;
  quotaBytes: number;
  expiryMs: number;
  /** A PATCH body idle this long is cut. */
  uploadIdleMs: number;
  now: () => number;
  logger: Logger;
}

interface TusFailure {
  status_code: number;
  body: string;
}

const fail = (status_code: number, body: string): TusFailure => ({ status_code, body: `${body}\n` });

/** HEAD only reads an upload's offset: it takes no lock, so it answers while a PATCH is writing. */
const NO_LOCK: Locker = { newLock: () => ({ lock: async () => {}, unlock: async () => {} }) };

export function isBlobPath(path: string): boolean {
  return path === BLOBS_PATH || path.startsWith(`${BLOBS_PATH}/`);
}

export function createBlobHttpHandler(options: BlobHttpOptions): (request: IncomingMessage, response: ServerResponse, path: string) => void {
  const { index, tokens, now, logger } = options;
  const locks = new UploadLocks();
  const patch = createPatchHandler({ ...options, idleMs: options.uploadIdleMs, locks });

  const uploadClaims = (authorization: string | null, blobId: string): BlobTokenClaims => {
    const check = tokens.verify(bearer(authorization) ?? '', 'upload', blobId);
    if (!check.ok) throw fail(check.reason === 'expired' ? 401 : 403, `upload_token_${check.reason}`);
    return check.claims;
  };

  const tus = new TusServer({
    path: BLOBS_PATH,
    datastore: options.bytes.uploads,
    maxSize: options.maxBytes,
    relativeLocation: true,
    respectForwardedHeaders: false,
    allowedOrigins: [],
    disableTerminationForFinishedUploads: true,
    locker: (request) => (request.method === 'HEAD' ? NO_LOCK : locks),
    // The blob id was chosen by the relay when it issued the upload token.
    namingFunction: (request) => {
      const claims = tokenClaimsUnchecked(bearer(request.headers.get('authorization')));
      if (!claims) throw fail(403, 'upload_token_malformed');
      return uploadClaims(request.headers.get('authorization'), claims.blob).blob;
    },
    onIncomingRequest: async (request, id) => {
      if (!BLOB_ID_PATTERN.test(id)) throw fail(404, 'not_found');
      uploadClaims(request.headers.get('authorization'), id);
    },
    onUploadCreate: async (request, upload) => {
      const claims = uploadClaims(request.headers.get('authorization'), upload.id);
      if (claims.size === undefined || upload.size !== claims.size) throw fail(400, 'upload_length_differs_from_token');
      const owner = { user: claims.user, device: claims.device };
      const outcome = await index.reserve({ id: upload.id, owner, size: claims.size, now: now() }, options.quotaBytes);
      if (outcome === 'quota_exceeded') throw fail(413, 'quota_exceeded');
      if (outcome === 'exists') throw fail(409, 'blob_exists');
      return { metadata: {} };
    },
    // A creation with the whole body (tus creation-with-upload) finishes here; PATCH finishes in blob-patch.ts.
    onUploadFinish: async (_request, upload) => {
      await finishUpload(options, upload.id);
      return {};
    },
    onResponseError: (_request, error) => {
      if ((error as Partial<TusFailure>).status_code === undefined) logger.error('relay.blob_upload_failed', errorFields(error));
      return undefined;
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_request, _response, id: string) => {
    void index.remove(id).catch((error: unknown) => logger.error('relay.blob_remove_failed', errorFields(error)));
  });

  const download = async (request: IncomingMessage, response: ServerResponse, blobId: string): Promise<void> => {
    const check = tokens.verify(bearer(request.headers.authorization ?? null) ?? '', 'download', blobId);
    if (!check.ok) return answerError(response, check.reason === 'expired' ? 401 : 403, `download_token_${check.reason}`);
    const record = await index.find(blobId);
    if (!record || record.completedAt === null || (record.expiresAt !== null && record.expiresAt <= now())) {
      return answerError(response, 404, 'blob_not_found');
    }
    const range = parseByteRange(request.headers.range, record.size);
    const headers = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
    if (range.kind === 'unsatisfiable') {
      response.writeHead(416, { ...headers, 'Content-Range': `bytes */${record.size}`, 'Content-Length': 0 });
      return void response.end();
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, record.size - 1];
    response.writeHead(range.kind === 'partial' ? 206 : 200, {
      ...headers,
      'Content-Length': end - start + 1,
      ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${record.size}` } : {}),
    });
    if (request.method === 'HEAD') return void response.end();
    await pipeline(options.bytes.read(blobId, start, end), response).catch(() => {
      // The client went away or the file vanished under GC: nothing to answer any more.
      response.destroy();
    });
  };

  return (request, response, path) => {
    const blobId = path.slice(BLOBS_PATH.length + 1);
    if (request.method === 'GET' || request.method === 'PATCH') {
      if (!BLOB_ID_PATTERN.test(blobId)) return answerError(response, 404, 'not_found', request.method === 'PATCH' ? { Connection: 'close' } : {});
      if (request.method === 'PATCH') return void patch(request, response, blobId);
      void download(request, response, blobId).catch((error: unknown) => {
        logger.error('relay.blob_download_failed', errorFields(error));
        if (!response.headersSent) answerError(response, 500, 'internal');
        else response.destroy();
      });
      return;
    }
    void tus.handle(request, response).catch((error: unknown) => {
      logger.error('relay.blob_upload_failed', errorFields(error));
      if (!response.headersSent) answerError(response, 500, 'internal');
    });
  };
}

/** The claims a token states, before any check: only used to learn which blob id a creation asks for. */
function tokenClaimsUnchecked(token: string | undefined): { blob: string } | undefined {
  const body = token?.split('.')[1];
  if (!body) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { blob?: unknown };
    return typeof claims.blob === 'string' && BLOB_ID_PATTERN.test(claims.blob) ? { blob: claims.blob } : undefined;
  } catch {
    return undefined;
  }
}
