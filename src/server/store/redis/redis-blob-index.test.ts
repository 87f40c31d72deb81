// The blob index on Redis: the shared blob index contract against a real redis-server, and what a relay dying
// between the single-slot steps of a reservation or a completion leaves behind.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../../test/support/redis-server';
import { describeBlobIndexContract } from '../../blobs/blob-index.contract';
import { RedisBlobIndex } from './redis-blob-index';
import { connectRedis } from './redis-store';
import type { RedisClient } from './redis-scripts';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis({ appendonly: false });
});
afterAll(async () => {
  await redis.stop();
});

async function client(): Promise<RedisClient> {
  const connection = connectRedis([redis.url]);
  await connection.connect();
  return connection;
}

describeBlobIndexContract('Redis', async () => {
  const connection = await client();
  return {
    index: new RedisBlobIndex(connection),
    async destroy() {
      await connection.flushall();
      connection.disconnect();
    },
  };
});

describe('Redis blob index after a relay died mid-step', () => {
  let connection: RedisClient;
  let index: RedisBlobIndex;
  const alice = { user: 'alice', device: 1 };
  const blob = 'halfwayhalfwayhalfway1';

  beforeEach(async () => {
    connection = await client();
    index = new RedisBlobIndex(connection);
  });
  afterEach(async () => {
    await connection.flushall();
    connection.disconnect();
  });

  it('collects a blob written but never counted against the quota, without taking bytes off the quota', async () => {
    await index.reserve({ id: 'countedcountedcounted1', owner: alice, size: 70, now: 1 }, 1000);
    // What a reservation leaves when its relay dies before counting the blob: the record and its queue entry.
    await connection.hset(`parley:{blob:${blob}}`, { user: 'alice', device: 1, size: 50, createdAt: 1, touchedAt: 1 });
    await connection.zadd('parley:blobs:unfinished', 1, blob);
    expect(await index.abandoned(2, 10)).toEqual(['countedcountedcounted1', blob]);
    await index.remove(blob);
    expect(await index.find(blob)).toBeUndefined();
    expect(await index.usedBytes('alice')).toBe(70);
  });

  it('never collects as abandoned a blob finished by a relay that died before dequeuing it', async () => {
    await index.reserve({ id: blob, owner: alice, size: 50, now: 1 }, 1000);
    await index.complete(blob, 5, 500);
    // The relay died after marking it finished, before taking it off the unfinished queue.
    await connection.zadd('parley:blobs:unfinished', 1, blob);
    expect(await index.abandoned(100, 10)).toEqual([]);
    expect(await connection.zscore('parley:blobs:unfinished', blob)).toBeNull();
    expect(await index.expired(500, 10)).toEqual([blob]);
  });
});
