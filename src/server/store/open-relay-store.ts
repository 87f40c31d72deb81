// Opens the store the configuration names: the embedded SQLite database, or Redis (logging which durability
// promise its configuration gives a `sent`).
import type { RelayConfig } from '../config';
import type { Logger } from '../log';
import type { RelayStore } from './relay-store';
import { checkRedisDurability } from './redis/redis-durability';
import { openRedisStore } from './redis/redis-store';
import { openSqliteStore } from './sqlite/sqlite-store';

export async function openRelayStore(config: RelayConfig, logger: Logger): Promise<RelayStore> {
  if (config.store === 'sqlite') {
    return openSqliteStore({ dataDir: config.dataDir, durability: config.durability, onWarning: (event, message) => logger.warn(event, { message }) });
  }
  const store = await openRedisStore({ urls: config.redisUrls, dedupRetentionMs: config.dedupRetentionMs });
  const report = await checkRedisDurability(store.redis, config.durability);
  const nodes = report.nodes.map((n) => `${n.node} appendonly=${n.appendonly} appendfsync=${n.appendfsync}`).join('; ');
  const fields = { promise: report.promise, durability: config.durability, nodes };
  if (report.meetsConfig) logger.info('relay.redis_durability', fields);
  else logger.warn('relay.redis_durability_weaker', fields);
  return store;
}
