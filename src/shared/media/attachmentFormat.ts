// Sizes of the attachment stream format (docs/security.md §17), shared by the client that writes it and the relay
// that must accept the largest legal blob: pure arithmetic, no cryptography. The format itself is implemented in
// src/main/core/media/cipher.

/** Largest attachment a user may send. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024 * 1024;
/** Plaintext bytes per authenticated chunk: small enough to seek in a video, large enough to cost little. */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
/** version (1) ‖ log2 chunk size (1) ‖ reserved zeros (2) ‖ random salt (28). */
export const ATTACHMENT_HEADER_BYTES = 32;
/** AES-GCM tag after every chunk. */
export const ATTACHMENT_TAG_BYTES = 16;
export const ATTACHMENT_FORMAT_VERSION = 1;

/** Smallest padded size; every smaller attachment (a short voice note, a tiny image) looks the same. */
const MIN_PADDED_BYTES = 541;
const PADDING_GROWTH = 1.05;

/**
 * The size an attachment is padded to before encryption: the next bucket on a geometric scale (×1.05), so the
 * relay learns a size only to within 5% (the buckets Signal uses).
 */
export function paddedAttachmentSize(size: number): number {
  assertSize(size);
  if (size <= MIN_PADDED_BYTES) return MIN_PADDED_BYTES;
  const bucket = Math.floor(PADDING_GROWTH ** Math.ceil(Math.log(size) / Math.log(PADDING_GROWTH)));
  // Floating point may land one step low; the bucket must hold the attachment.
  return Math.max(bucket, size);
}

/** Number of chunks of a padded plaintext. */
export function chunkCount(paddedSize: number, chunkBytes = ATTACHMENT_CHUNK_BYTES): number {
  return Math.max(1, Math.ceil(paddedSize / chunkBytes));
}

/** Length of the whole encrypted blob of an attachment of `size` plaintext bytes. */
export function attachmentCiphertextSize(size: number, chunkBytes = ATTACHMENT_CHUNK_BYTES): number {
  const padded = paddedAttachmentSize(size);
  return ATTACHMENT_HEADER_BYTES + padded + chunkCount(padded, chunkBytes) * ATTACHMENT_TAG_BYTES;
}

/** Where chunk `index` starts in the blob. */
export function chunkOffset(index: number, chunkBytes = ATTACHMENT_CHUNK_BYTES): number {
  return ATTACHMENT_HEADER_BYTES + index * (chunkBytes + ATTACHMENT_TAG_BYTES);
}

/** The largest blob a relay must accept for a legal attachment. */
export const MAX_ATTACHMENT_CIPHERTEXT_BYTES = attachmentCiphertextSize(MAX_ATTACHMENT_BYTES);

function assertSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`not an attachment size: ${size}`);
}
