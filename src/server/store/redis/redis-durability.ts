// What a `sent` means on Redis depends on Redis's configuration, not on the relay: at start the relay reads
// appendonly and appendfsync from every master and says which promise holds (docs/operations.md, "Redis").
import type { Durability } from '../../config';
import type { RedisClient } from './redis-scripts';

export type RedisPromise =
  /** appendonly yes, appendfsync always on every master: as on SQLite with durability `disk`. */
  | 'fsync_before_sent'
  /** appendonly yes, appendfsync everysec (or no): a Redis crash loses nothing, a power loss up to about a second. */
  | 'survives_redis_crash'
  /** appendonly no on some master: a Redis restart loses what came after the last snapshot. */
  | 'lost_on_redis_restart'
  /** CONFIG GET refused (a managed Redis): the operator must know. */
  | 'unknown';

export interface RedisDurabilityReport {
  promise: RedisPromise;
  /** Whether the promise is at least what PARLEY_RELAY_DURABILITY asks for. */
  meetsConfig: boolean;
  nodes: Array<{ node: string; appendonly: string; appendfsync: string }>;
}

const STRENGTH: Record<RedisPromise, number> = { unknown: 0, lost_on_redis_restart: 0, survives_redis_crash: 1, fsync_before_sent: 2 };
const NEEDED: Record<Durability, number> = { process: 1, disk: 2 };

export async function checkRedisDurability(redis: RedisClient, wanted: Durability): Promise<RedisDurabilityReport> {
  const masters = 'nodes' in redis ? redis.nodes('master') : [redis];
  const nodes: RedisDurabilityReport['nodes'] = [];
  let promise: RedisPromise = 'fsync_before_sent';
  for (const node of masters) {
    const name = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
    let appendonly: string;
    let appendfsync: string;
    try {
      appendonly = await configValue(node, 'appendonly');
      appendfsync = await configValue(node, 'appendfsync');
    } catch {
      nodes.push({ node: name, appendonly: '?', appendfsync: '?' });
      promise = weaker(promise, 'unknown');
      continue;
    }
    nodes.push({ node: name, appendonly, appendfsync });
    promise = weaker(promise, appendonly !== 'yes' ? 'lost_on_redis_restart' : appendfsync === 'always' ? 'fsync_before_sent' : 'survives_redis_crash');
  }
  return { promise, meetsConfig: STRENGTH[promise] >= NEEDED[wanted], nodes };
}

async function configValue(node: { config(op: 'GET', name: string): Promise<unknown> }, name: string): Promise<string> {
  const reply = (await node.config('GET', name)) as string[];
  if (reply.length < 2) throw new Error(`CONFIG GET ${name} answered nothing`);
  return String(reply[1]);
}

function weaker(a: RedisPromise, b: RedisPromise): RedisPromise {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return STRENGTH[a] <= STRENGTH[b] ? a : b;
}
