// The WebSocket side of the blob store: an authenticated device's blob_upload, blob_resume, blob_download and
// blob_grant frames answered through BlobAccess (docs/protocol.md, "Blobs"). A refusal is an error frame with the
// BlobError's code; nothing else about other devices' blobs is revealed.
import type { Address, BlobGrantFrame, BlobGrantedFrame, BlobTokenFrame, ErrorCode } from '../../shared/protocol';
import type { BlobDownloadFrame, BlobResumeFrame, BlobUploadFrame } from '../../shared/protocol';
import { BlobError, type BlobAccess } from './blob-access';

export type BlobRequestFrame = BlobUploadFrame | BlobResumeFrame | BlobDownloadFrame | BlobGrantFrame;

export type BlobAnswer = { ok: true; frame: BlobTokenFrame | BlobGrantedFrame } | { ok: false; code: ErrorCode; message: string };

const ERRORS: Record<BlobError['code'], ErrorCode> = {
  invalid_size: 'malformed_frame',
  blob_too_large: 'blob_too_large',
  quota_exceeded: 'quota_exceeded',
  blob_not_found: 'blob_not_found',
  too_many_recipients: 'too_many_recipients',
};

export async function answerBlobFrame(access: BlobAccess, device: Address, frame: BlobRequestFrame): Promise<BlobAnswer> {
  try {
    switch (frame.type) {
      case 'blob_upload':
        return token(frame.rid, await access.uploadToken(device, frame.size));
      case 'blob_resume':
        return token(frame.rid, await access.resumeToken(device, frame.blob));
      case 'blob_download':
        return token(frame.rid, await access.downloadToken(device, frame.blob));
      case 'blob_grant':
        await access.grant(device, frame.blob, frame.to);
        return { ok: true, frame: { type: 'blob_granted', rid: frame.rid } };
    }
  } catch (error) {
    if (error instanceof BlobError) return { ok: false, code: ERRORS[error.code], message: error.message };
    throw error;
  }
}

function token(rid: number, issued: { blobId: string; token: string; expiresAt: number }): BlobAnswer {
  return { ok: true, frame: { type: 'blob_token', rid, blob: issued.blobId, token: issued.token, expiresAt: issued.expiresAt } };
}
