// Profile pointers between the core's form (profiles/ProfilePointer.ts) and content.proto's. A received pointer is
// untrusted and optional: one that is out of range is ignored (the message it came with is still shown), never
// handed to the profile fetcher.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { BlobId } from '../../../../shared/protocol';
import { MAX_POINTER_CHUNK_BYTES, MIN_POINTER_CHUNK_BYTES } from '../../media/AttachmentPointer';
import { ATTACHMENT_KEY_BYTES } from '../../media/cipher/streamKeys';
import { MAX_PROFILE_DOCUMENT_BYTES, type ProfilePointerData } from '../../profiles/ProfilePointer';
import type { ProfilePointer, ProfilePointerSchema } from './gen/content_pb';

const DIGEST_BYTES = 32;

export function toProfilePointer(pointer: ProfilePointerData): MessageInitShape<typeof ProfilePointerSchema> {
  return { id: pointer.blobId, key: pointer.key, digest: pointer.digest, size: BigInt(pointer.size), chunkSize: pointer.chunkBytes };
}

/** The pointer, or undefined when there is none or it is not one an honest sender writes. */
export function fromProfilePointer(pointer: ProfilePointer | undefined): ProfilePointerData | undefined {
  if (!pointer) return undefined;
  const chunk = pointer.chunkSize;
  const valid =
    BlobId.safeParse(pointer.id).success &&
    pointer.key.length === ATTACHMENT_KEY_BYTES &&
    pointer.digest.length === DIGEST_BYTES &&
    pointer.size >= 1n &&
    pointer.size <= BigInt(MAX_PROFILE_DOCUMENT_BYTES) &&
    chunk >= MIN_POINTER_CHUNK_BYTES &&
    chunk <= MAX_POINTER_CHUNK_BYTES &&
    (chunk & (chunk - 1)) === 0;
  if (!valid) return undefined;
  return { blobId: pointer.id, key: pointer.key, digest: pointer.digest, size: Number(pointer.size), chunkBytes: chunk };
}
