// Composition of the relay's blob store: the bytes (a directory: `<dataDir>/blobs` or PARLEY_RELAY_BLOB_DIR), the
// index (SQLite, or the one the relay store brings: Redis), the token signer, the HTTP endpoints, the access rules the
// WebSocket frames call, and the collector. startRelay opens one and closes it.
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_RECIPIENTS_PER_SEND } from '../../shared/protocol';
import type { RelayConfig } from '../config';
import type { Logger } from '../log';
import { BlobAccess } from './blob-access';
import { LocalDiskBlobBytes, type BlobBytes } from './blob-bytes';
import { BlobCollector } from './blob-collector';
import { createBlobHttpHandler } from './blob-http';
import type { BlobIndex } from './blob-index';
import { BlobTokens, loadBlobTokenSecret } from './blob-tokens';
import { SqliteBlobIndex } from './sqlite-blob-index';

export const BLOB_DIR = 'blobs';

export type BlobConfig = Pick<
  RelayConfig,
  'dataDir' | 'durability' | 'blobDir' | 'blobMaxBytes' | 'blobQuotaBytes' | 'blobExpiryMs' | 'blobAbandonMs' | 'blobTokenTtlMs' | 'blobTokenSecret' | 'blobGcIntervalMs' | 'blobUploadIdleMs'
>;

export interface BlobStore {
  access: BlobAccess;
  collector: BlobCollector;
  index: BlobIndex;
  handle(request: IncomingMessage, response: ServerResponse, path: string): void;
  close(): Promise<void>;
}

export interface BlobServices {
  now: () => number;
  logger: Logger;
  bytes?: BlobBytes;
  /** A shared index (relays on Redis); by default the SQLite one in the data directory. */
  index?: BlobIndex;
}

export async function openBlobStore(config: BlobConfig, services: BlobServices): Promise<BlobStore> {
  const bytes = services.bytes ?? (await LocalDiskBlobBytes.open(config.blobDir ?? join(config.dataDir, BLOB_DIR), config.durability));
  const index = services.index ?? new SqliteBlobIndex(config.dataDir, config.durability);
  const tokens = new BlobTokens(await loadBlobTokenSecret(config.dataDir, config.blobTokenSecret), services.now);
  const access = new BlobAccess(
    index,
    tokens,
    { maxBytes: config.blobMaxBytes, quotaBytes: config.blobQuotaBytes, tokenTtlMs: config.blobTokenTtlMs, maxGrantRecipients: MAX_RECIPIENTS_PER_SEND },
    services.now,
  );
  const handle = createBlobHttpHandler({
    index,
    bytes,
    tokens,
    maxBytes: config.blobMaxBytes,
    quotaBytes: config.blobQuotaBytes,
    expiryMs: config.blobExpiryMs,
    uploadIdleMs: config.blobUploadIdleMs,
    now: services.now,
    logger: services.logger,
  });
  const collector = new BlobCollector({ index, bytes, abandonMs: config.blobAbandonMs, intervalMs: config.blobGcIntervalMs, now: services.now, logger: services.logger });
  return {
    access,
    collector,
    index,
    handle,
    async close() {
      await collector.stop();
      await index.close();
    },
  };
}
