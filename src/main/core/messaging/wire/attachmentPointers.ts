// Attachment pointers between the core's form (media/AttachmentPointer.ts) and content.proto's. A received pointer
// is untrusted: every field is checked here, and anything out of range makes the content malformed rather than
// reaching the media library. Optional facts (dimensions, duration, blurhash, preview) are dropped when absent.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { MAX_ATTACHMENT_BYTES } from '../../../../shared/media/attachmentFormat';
import { BlobId } from '../../../../shared/protocol';
import {
  BLURHASH_PATTERN,
  MAX_POINTER_CHUNK_BYTES,
  MAX_THUMBNAIL_BYTES,
  MAX_THUMBNAIL_SIDE,
  MIN_POINTER_CHUNK_BYTES,
  THUMBNAIL_TYPES,
  type AttachmentPointerData,
} from '../../media/AttachmentPointer';
import { ATTACHMENT_KEY_BYTES } from '../../media/cipher/streamKeys';
import { malformedContent } from './frame';
import { AttachmentFlag, type AttachmentPointer, type AttachmentPointerSchema } from './gen/content_pb';

const DIGEST_BYTES = 32;
/** A MIME type: type/subtype of RFC 6838 characters, no parameters. */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
/** A name longer than this is not a file name (the media library shortens names for display anyway). */
const MAX_FILE_NAME_CHARS = 1024;
/** Pixel sides and durations above these are not real media. */
const MAX_SIDE = 65_535;
const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export function toPointer(pointer: AttachmentPointerData): MessageInitShape<typeof AttachmentPointerSchema> {
  return {
    id: pointer.blobId,
    key: pointer.key,
    digest: pointer.digest,
    size: BigInt(pointer.size),
    contentType: pointer.contentType,
    chunkSize: pointer.chunkBytes,
    fileName: pointer.fileName,
    width: pointer.width ?? 0,
    height: pointer.height ?? 0,
    durationMs: pointer.durationMs ?? 0,
    blurhash: pointer.blurhash ?? '',
    flags: pointer.voiceNote ? AttachmentFlag.VOICE_NOTE : AttachmentFlag.NONE,
    ...(pointer.thumbnail ? { thumbnail: pointer.thumbnail } : {}),
  };
}

/** Throws ContentError('malformed_content') (frame.ts) for a pointer no honest sender writes. */
export function fromPointer(pointer: AttachmentPointer): AttachmentPointerData {
  if (!BlobId.safeParse(pointer.id).success) throw malformed('blob id');
  if (pointer.key.length !== ATTACHMENT_KEY_BYTES) throw malformed('key length');
  if (pointer.digest.length !== DIGEST_BYTES) throw malformed('digest length');
  if (pointer.size < 1n || pointer.size > BigInt(MAX_ATTACHMENT_BYTES)) throw malformed('size');
  if (!CONTENT_TYPE.test(pointer.contentType)) throw malformed('content type');
  const chunk = pointer.chunkSize;
  if (chunk < MIN_POINTER_CHUNK_BYTES || chunk > MAX_POINTER_CHUNK_BYTES || (chunk & (chunk - 1)) !== 0) throw malformed('chunk size');
  if (pointer.fileName.length > MAX_FILE_NAME_CHARS) throw malformed('file name');
  if (pointer.width > MAX_SIDE || pointer.height > MAX_SIDE) throw malformed('dimensions');
  if (pointer.durationMs > MAX_DURATION_MS) throw malformed('duration');
  if (pointer.blurhash !== '' && !BLURHASH_PATTERN.test(pointer.blurhash)) throw malformed('blurhash');
  return {
    blobId: pointer.id,
    key: pointer.key,
    digest: pointer.digest,
    size: Number(pointer.size),
    contentType: pointer.contentType.toLowerCase(),
    chunkBytes: chunk,
    fileName: pointer.fileName,
    voiceNote: (pointer.flags & AttachmentFlag.VOICE_NOTE) !== 0,
    width: pointer.width || null,
    height: pointer.height || null,
    durationMs: pointer.durationMs || null,
    blurhash: pointer.blurhash || null,
    thumbnail: fromThumbnail(pointer.thumbnail),
  };
}

function fromThumbnail(thumbnail: AttachmentPointer['thumbnail']): AttachmentPointerData['thumbnail'] {
  if (!thumbnail || thumbnail.data.length === 0) return null;
  const { data, contentType, width, height } = thumbnail;
  if (data.length > MAX_THUMBNAIL_BYTES || !THUMBNAIL_TYPES.has(contentType)) throw malformed('thumbnail');
  if (width < 1 || height < 1 || width > MAX_THUMBNAIL_SIDE || height > MAX_THUMBNAIL_SIDE) throw malformed('thumbnail size');
  return { data, contentType, width, height };
}

const malformed = (detail: string) => malformedContent(`attachment ${detail}`);
