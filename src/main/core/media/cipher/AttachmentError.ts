// Typed failures of attachments: the stream format, transfers and the local store. Each code names one cause a test
// can assert and the UI can explain; messages never carry key material, digests or plaintext.

import { CodedError } from '../../../../shared/base';

export type AttachmentErrorCode =
  /** The blob does not start with a header this version reads, or its chunk size differs from the pointer's. */
  | 'bad_header'
  /** A chunk failed authentication: changed bytes, chunks swapped or repeated, or the wrong key. */
  | 'chunk_tampered'
  /** The blob ends before its final chunk. */
  | 'truncated'
  /** Bytes follow the final chunk. */
  | 'trailing_data'
  /** The blob is complete and every chunk authenticates, but its SHA-256 is not the one the sender named. */
  | 'digest_mismatch'
  /** Larger than MAX_ATTACHMENT_BYTES, or a size that does not match what was declared. */
  | 'too_large'
  /** The file could not be read (gone, permissions) or is empty. */
  | 'unreadable'
  /** The relay refused or lost the blob: expired, not granted to this device, quota. */
  | 'blob_unavailable'
  /** The relay or the network failed; the transfer resumes where it stopped. */
  | 'transfer_failed'
  /** The user cancelled the transfer. */
  | 'cancelled'
  /** No attachment with this id exists on this device. */
  | 'unknown_attachment';

export class AttachmentError extends CodedError<AttachmentErrorCode> {
  override readonly name = 'AttachmentError';
}

export function isAttachmentError(error: unknown, code?: AttachmentErrorCode): error is AttachmentError {
  return error instanceof AttachmentError && (code === undefined || error.code === code);
}
