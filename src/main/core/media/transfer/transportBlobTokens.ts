// Blob tokens over the authenticated relay connection (the blob_* frames, docs/protocol.md "Blobs"), as the
// transfer engine wants them: a refusal becomes the AttachmentError the UI explains, and a connection that is down
// becomes a transient failure the transfer retries once the relay is back.
import type { Address } from '../../../../shared/protocol';
import { TransportError, type BlobToken } from '../../transport';
import { AttachmentError } from '../cipher/AttachmentError';
import type { BlobTokenSource, IssuedBlobToken } from './BlobTokenSource';
import { TransientTransferError } from './retrying';

export interface BlobTokenTransport {
  blobUploadToken(size: number): Promise<BlobToken>;
  blobResumeToken(blob: string): Promise<BlobToken>;
  blobDownloadToken(blob: string): Promise<BlobToken>;
  grantBlob(blob: string, to: readonly Address[]): Promise<void>;
}

export function transportBlobTokens(transport: BlobTokenTransport): BlobTokenSource & { grant(blobId: string, to: readonly Address[]): Promise<void> } {
  const issued = async (request: Promise<BlobToken>): Promise<IssuedBlobToken> => {
    try {
      const token = await request;
      return { blobId: token.blobId, token: token.token };
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    uploadToken: (size) => issued(transport.blobUploadToken(size)),
    resumeToken: (blobId) => issued(transport.blobResumeToken(blobId)),
    downloadToken: (blobId) => issued(transport.blobDownloadToken(blobId)),
    grant: (blobId, to) => transport.grantBlob(blobId, to).catch((error: unknown) => Promise.reject(translate(error))),
  };
}

function translate(error: unknown): Error {
  if (!(error instanceof TransportError)) return error as Error;
  if (error.code === 'blob_not_found' || error.code === 'quota_exceeded') return new AttachmentError('blob_unavailable', error.message);
  if (error.code === 'blob_too_large') return new AttachmentError('too_large', error.message);
  if (error.retryable || error.code === 'offline' || error.code === 'request_timeout') return new TransientTransferError(error.message);
  return new AttachmentError('transfer_failed', error.message);
}
