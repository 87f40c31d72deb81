// The blob index on Redis, for relays that share one Redis (and one blob directory): a node serves downloads of
// blobs uploaded through any other. Every step touches one slot, so it runs on Redis Cluster too:
//   parley:{blob:<id>}           hash: owner, size, times                 (the blob's own slot)
//   parley:{blob:<id>}:grants    set of "<user>:<device>" it was granted to
//   parley:{<user>}:blobs        hash: blob id → size, the user's quota   (the owner's slot)
//   parley:{<user>}:blobbytes    counter: the sum of that hash
//   parley:blobs:expiry          sorted set: finished blobs by expiry     (the collector's queues)
//   parley:blobs:unfinished      sorted set: unfinished uploads by last activity
// A reservation writes the blob first, queues it as unfinished, then counts it against the quota (undone when over
// it). A relay dying between steps leaves at worst a blob counted against no quota, which the collector removes as
// abandoned; removal takes the quota back first, once (the hash field says whether it was counted), then the blob.
import { normalizeUsername, type Address } from '../../../shared/protocol';
import type { BlobIndex, BlobRecord, NewBlob, ReserveOutcome } from '../../blobs/blob-index';
import { KEY_PREFIX } from './redis-keys';
import { lua, runScript, type RedisClient } from './redis-scripts';

const blobKey = (id: string) => `${KEY_PREFIX}{blob:${id}}`;
const grantsKey = (id: string) => `${blobKey(id)}:grants`;
const quotaKey = (user: string) => `${KEY_PREFIX}{${normalizeUsername(user)}}:blobs`;
const usedKey = (user: string) => `${KEY_PREFIX}{${normalizeUsername(user)}}:blobbytes`;
const EXPIRY = `${KEY_PREFIX}blobs:expiry`;
const UNFINISHED = `${KEY_PREFIX}blobs:unfinished`;

/** KEYS: blob hash. ARGV: user, device, size, now. Returns 1, or 0 if the blob exists. */
const CREATE = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'user', ARGV[1], 'device', ARGV[2], 'size', ARGV[3], 'createdAt', ARGV[4], 'touchedAt', ARGV[4])
return 1
`);

/** KEYS: user's blob hash, used counter. ARGV: blob id, size, quota. Returns 1 if counted (or already), 0 if over quota. */
const COUNT = lua(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], ARGV[2])
return 1
`);

/** KEYS: user's blob hash, used counter. ARGV: blob id. Takes the blob's bytes off the quota, once. */
const UNCOUNT = lua(`
local size = redis.call('HGET', KEYS[1], ARGV[1])
if not size then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DECRBY', KEYS[2], size)
return 1
`);

/** KEYS: blob hash. ARGV: field/value pairs. Sets them only on a blob that exists. */
const UPDATE = lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

export class RedisBlobIndex implements BlobIndex {
  constructor(private readonly redis: RedisClient) {}

  async reserve(blob: NewBlob, quotaBytes: number): Promise<ReserveOutcome> {
    const user = normalizeUsername(blob.owner.user);
    const created = await runScript(this.redis, CREATE, [blobKey(blob.id)], [user, blob.owner.device, blob.size, blob.now]);
    if (created !== 1) return 'exists';
    await this.redis.zadd(UNFINISHED, blob.now, blob.id);
    const counted = await runScript(this.redis, COUNT, [quotaKey(user), usedKey(user)], [blob.id, blob.size, quotaBytes]);
    if (counted === 1) return 'reserved';
    await this.redis.del(blobKey(blob.id));
    await this.redis.zrem(UNFINISHED, blob.id);
    return 'quota_exceeded';
  }

  async touch(id: string, now: number): Promise<void> {
    if ((await runScript(this.redis, UPDATE, [blobKey(id)], ['touchedAt', now])) === 1) await this.redis.zadd(UNFINISHED, 'XX', now, id);
  }

  async complete(id: string, now: number, expiresAt: number): Promise<void> {
    // Queued for expiry before it counts as finished, and finished before it leaves the unfinished queue: a relay
    // dying in between leaves it in a queue whose reader checks the record (abandoned() skips finished blobs).
    await this.redis.zadd(EXPIRY, expiresAt, id);
    await runScript(this.redis, UPDATE, [blobKey(id)], ['completedAt', now, 'touchedAt', now, 'expiresAt', expiresAt]);
    await this.redis.zrem(UNFINISHED, id);
  }

  async find(id: string): Promise<BlobRecord | undefined> {
    const fields = await this.redis.hgetall(blobKey(id));
    if (fields.user === undefined) return undefined;
    const optional = (value: string | undefined) => (value === undefined ? null : Number(value));
    return {
      id,
      owner: { user: fields.user, device: Number(fields.device) },
      size: Number(fields.size),
      createdAt: Number(fields.createdAt),
      touchedAt: Number(fields.touchedAt),
      completedAt: optional(fields.completedAt),
      expiresAt: optional(fields.expiresAt),
    };
  }

  async grant(id: string, recipients: readonly Address[]): Promise<void> {
    if (recipients.length === 0) return;
    await this.redis.sadd(grantsKey(id), ...recipients.map(grantName));
  }

  async isGranted(id: string, device: Address): Promise<boolean> {
    return (await this.redis.sismember(grantsKey(id), grantName(device))) === 1;
  }

  async usedBytes(user: string): Promise<number> {
    return Number((await this.redis.get(usedKey(user))) ?? 0);
  }

  async remove(id: string): Promise<void> {
    const owner = await this.redis.hget(blobKey(id), 'user');
    if (owner !== null) await runScript(this.redis, UNCOUNT, [quotaKey(owner), usedKey(owner)], [id]);
    await this.redis.del(blobKey(id), grantsKey(id));
    await this.redis.zrem(EXPIRY, id);
    await this.redis.zrem(UNFINISHED, id);
  }

  async expired(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(EXPIRY, '-inf', now, 'LIMIT', 0, limit);
  }

  async abandoned(before: number, limit: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(UNFINISHED, '-inf', `(${before}`, 'LIMIT', 0, limit);
    const abandoned: string[] = [];
    for (const id of ids) {
      // Finished by a relay that died before taking it off this queue: it waits for its expiry instead.
      if ((await this.redis.hexists(blobKey(id), 'completedAt')) === 1) await this.redis.zrem(UNFINISHED, id);
      else abandoned.push(id);
    }
    return abandoned;
  }

  /** The Redis connection belongs to the relay store, which closes it. */
  async close(): Promise<void> {}
}

function grantName(device: Address): string {
  return `${normalizeUsername(device.user)}:${device.device}`;
}
