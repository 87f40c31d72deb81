// Opens the store the configuration names: the embedded SQLite database, or Redis (logging which durability
// promise its configuration gives a `sent`). A Redis store comes with the device bus that lets relays sharing it
// reach each other's devices, the blob index they share, and how far its commits may overlap.
import type { BlobIndex } from '../blobs/blob-index';
import { RedisDeviceBus, type DeviceBus, type DeviceBusEvents } from '../cluster/device-bus';
import type { RelayConfig } from '../config';
import { errorFields, type Logger } from '../log';
import type { RelayStore } from './relay-store';
import { RedisBlobIndex } from './redis/redis-blob-index';
import { checkRedisDurability } from './redis/redis-durability';
import { openRedisStore } from './redis/redis-store';
import { openSqliteStore } from './sqlite/sqlite-store';

export interface OpenedStore {
  store: RelayStore;
  /** Present when other relays may share the store. */
  openBus?: (events: DeviceBusEvents) => Promise<DeviceBus>;
  /** Present when other relays may share the store: blob records all of them see. */
  blobIndex?: BlobIndex;
  /** How far group commits may overlap, when the store's commits are round trips rather than fsyncs. */
  commitOverlap?: { maxInFlight: number; minOps: number };
}

/**
 * A Redis commit is three round trips whose batches overlap in the store (write-order.ts): while one is in flight, a
 * relay starts another once 16 operations are queued, up to eight at once, instead of waiting for the previous one
 * (fewer would spend a busy node's CPU on many tiny batches).
 */
const REDIS_COMMIT_OVERLAP = { maxInFlight: 8, minOps: 16 } as const;

export async function openRelayStore(config: RelayConfig, logger: Logger): Promise<OpenedStore> {
  if (config.store === 'sqlite') {
    const store = openSqliteStore({ dataDir: config.dataDir, durability: config.durability, onWarning: (event, message) => logger.warn(event, { message }) });
    return { store };
  }
  const store = await openRedisStore({
    urls: config.redisUrls,
    dedupRetentionMs: config.dedupRetentionMs,
    waitReplicas: config.redisWaitReplicas,
    waitTimeoutMs: config.redisWaitTimeoutMs,
  });
  const report = await checkRedisDurability(store.redis, config.durability);
  const nodes = report.nodes.map((n) => `${n.node} appendonly=${n.appendonly} appendfsync=${n.appendfsync}`).join('; ');
  const fields = { promise: report.promise, durability: config.durability, waitReplicas: config.redisWaitReplicas, nodes };
  if (report.meetsConfig) logger.info('relay.redis_durability', fields);
  else logger.warn('relay.redis_durability_weaker', fields);
  return {
    store,
    openBus: (events) => RedisDeviceBus.open(store.redis, events, (error) => logger.warn('relay.device_bus_error', errorFields(error))),
    blobIndex: new RedisBlobIndex(store.redis),
    commitOverlap: REDIS_COMMIT_OVERLAP,
  };
}
