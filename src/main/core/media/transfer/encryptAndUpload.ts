// Sending an attachment: encrypt the plaintext stream into the local encrypted copy and upload that copy while it
// is still being written (tus, from whatever offset the relay has). If either side fails the other is stopped;
// a later resume uploads from the finished local copy alone (uploadBlob with the blob id).
import type { Readable } from 'node:stream';
import { attachmentCiphertextSize } from '../../../../shared/media/attachmentFormat';
import type { EncryptedAttachment } from '../cipher/AttachmentEncryptor';
import { AttachmentError } from '../cipher/AttachmentError';
import { encryptToFile } from '../store/encryptToFile';
import { FileGrowth, readGrowingFile } from '../store/growingFile';
import type { BlobTokenSource } from './BlobTokenSource';
import { uploadBlob } from './tusUpload';
import type { RetryOptions } from './retrying';

/** Ciphertext held for the upload close behind the encryptor (growingFile.ts); further behind, it reads the file. */
export const UPLOAD_WINDOW_BYTES = 4 * 1024 * 1024;

export interface EncryptAndUploadOptions extends RetryOptions {
  source: Readable;
  /** Plaintext bytes the source will deliver (the file's size, or the Content-Length it came with). */
  plaintextSize: number;
  /** The attachment key, when the caller recorded it before starting; otherwise a fresh one. */
  key?: Uint8Array;
  /** The local encrypted copy to create. */
  file: string;
  endpoint: URL;
  tokens: BlobTokenSource;
  onBlobId?: (blobId: string) => Promise<void> | void;
  onProgress?: (sent: number, total: number) => void;
}

export async function encryptAndUpload(options: EncryptAndUploadOptions): Promise<{ attachment: EncryptedAttachment; blobId: string }> {
  const total = attachmentCiphertextSize(options.plaintextSize);
  const growth = new FileGrowth(UPLOAD_WINDOW_BYTES);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const encrypting = encryptToFile(options.source, options.file, {
    growth,
    maxBytes: options.plaintextSize,
    ...(options.key ? { key: options.key } : {}),
  }).catch((error: unknown) => {
    stop.abort();
    throw error;
  });
  const uploading = uploadBlob({
    endpoint: options.endpoint,
    file: options.file,
    size: total,
    tokens: options.tokens,
    signal: stop.signal,
    policy: options.policy,
    onRetry: options.onRetry,
    onBlobId: options.onBlobId,
    onProgress: (sent) => options.onProgress?.(sent, total),
    source: (start) => readGrowingFile(options.file, growth, start, total),
  }).catch((error: unknown) => {
    options.source.destroy();
    throw error;
  });
  try {
    const [attachment, blobId] = await Promise.all([encrypting, uploading]);
    if (attachment.ciphertextSize !== total) throw new AttachmentError('unreadable', 'The file changed size while it was being sent.');
    return { attachment, blobId };
  } catch (error) {
    // Prefer the cause over the stop it triggered on the other side.
    const settled = await Promise.allSettled([encrypting, uploading]);
    const cause = settled.find((s) => s.status === 'rejected' && !(s.reason instanceof AttachmentError && s.reason.code === 'cancelled'));
    throw cause?.status === 'rejected' ? cause.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
