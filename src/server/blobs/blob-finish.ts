// An upload that reached its declared length becomes a blob: with durability 'disk' its bytes are flushed to stable
// storage first, then the index marks it complete (which flushes too), so a client told "finished" (and a message
// naming the blob, answered `sent` after its own flush) never outlives the blob in a power loss
// (docs/operations.md, "Data directory and durability").
import type { Durability } from '../config';
import type { BlobBytes } from './blob-bytes';
import type { BlobIndex } from './blob-index';

export interface BlobFinishOptions {
  index: BlobIndex;
  bytes: BlobBytes;
  durability: Durability;
  expiryMs: number;
  now: () => number;
}

export async function finishUpload(options: BlobFinishOptions, id: string): Promise<void> {
  if (options.durability === 'disk') await options.bytes.persist(id);
  const at = options.now();
  await options.index.complete(id, at, at + options.expiryMs);
}
