// The attachment pointer a message carries (content.proto's AttachmentPointer, docs/protocol.md "Attachment
// pointer"): what a receiving device needs to fetch, check and decrypt one file. It holds the file's key, so it
// lives only in main — in the vault and inside end-to-end ciphertexts — and never reaches the renderer.

export interface AttachmentPointerData {
  blobId: string;
  key: Uint8Array;
  digest: Uint8Array;
  size: number;
  contentType: string;
  chunkBytes: number;
  fileName: string;
  voiceNote: boolean;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  blurhash: string | null;
  thumbnail: { data: Uint8Array; contentType: string; width: number; height: number } | null;
}

/** Largest inline preview (it travels inside the message's ciphertext). */
export const MAX_THUMBNAIL_BYTES = 16 * 1024;
/** Largest preview side, in pixels. */
export const MAX_THUMBNAIL_SIDE = 4096;
/** What a preview may be: formats the renderer decodes in its sandbox. */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp']);
/** A BlurHash: base83 characters, at most 128 of them. */
export const BLURHASH_PATTERN = /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,128}$/;
/** Chunk sizes a pointer may name: 1 KiB to 1 MiB, powers of two (a receiver holds one chunk in memory). */
export const MIN_POINTER_CHUNK_BYTES = 1024;
export const MAX_POINTER_CHUNK_BYTES = 1024 * 1024;
