// What relays sharing one Redis share besides Redis: a blob directory and the blob token secret (both required with
// PARLEY_STORE=redis), as config overrides for in-process relays and as environment for relay processes.
import { randomBytes } from 'node:crypto';
import type { RelayConfig } from '../../src/server/config';
import { makeTempDir, removeDir } from './relay-harness';

export interface SharedBlobs {
  config: Pick<RelayConfig, 'blobDir' | 'blobTokenSecret'>;
  env: Record<'PARLEY_RELAY_BLOB_DIR' | 'PARLEY_RELAY_BLOB_TOKEN_SECRET', string>;
  /** Deletes the directory. */
  remove(): void;
}

export function sharedBlobs(): SharedBlobs {
  const dir = makeTempDir('parley-shared-blobs-');
  const secret = randomBytes(32);
  return {
    config: { blobDir: dir, blobTokenSecret: new Uint8Array(secret) },
    env: { PARLEY_RELAY_BLOB_DIR: dir, PARLEY_RELAY_BLOB_TOKEN_SECRET: secret.toString('base64') },
    remove: () => removeDir(dir),
  };
}
