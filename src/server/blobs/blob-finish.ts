// An upload that reached its declared length becomes a blob: its bytes are put on stable storage first (with
// durability 'disk': BlobBytes.persist), then the index marks it complete (which flushes too), so a client told
// "finished" (and a message naming the blob, answered `sent` after its own flush) never outlives the blob in a power
// loss (docs/operations.md, "Data directory and durability").
import type { BlobBytes } from './blob-bytes';
import type { BlobIndex } from './blob-index';

export interface BlobFinishOptions {
  index: BlobIndex;
  bytes: BlobBytes;
  expiryMs: number;
  now: () => number;
}

export async function finishUpload(options: BlobFinishOptions, id: string): Promise<void> {
  await options.bytes.persist(id);
  const at = options.now();
  await options.index.complete(id, at, at + options.expiryMs);
}
