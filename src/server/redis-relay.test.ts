// A relay on the Redis store (PARLEY_STORE=redis) end to end: live delivery, a backlog kept in Redis across a
// relay restart and drained in order, dedup of a resend, prekeys; and the start-up check that logs which durability
// promise Redis's AOF configuration gives a `sent`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { makeTempDir, removeDir, startTestRelay } from '../../test/support/relay-harness';
import { startTestRedis, type TestRedis } from '../../test/support/redis-server';
import { createJsonLogger } from './log';
import { checkRedisDurability } from './store/redis/redis-durability';
import { openRedisStore } from './store/redis/redis-store';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis({ appendfsync: 'always' });
});
afterAll(async () => {
  await redis.stop();
});

describe('relay on Redis', () => {
  it('delivers live, keeps a backlog across a relay restart, drains it in order and answers a resend duplicate', async () => {
    const dataDir = makeTempDir();
    const lines: string[] = [];
    const logger = createJsonLogger('info', (line) => lines.push(line));
    const options = { store: 'redis' as const, redisUrls: [redis.url], rateLimitBurst: 10_000 };
    let relay = await startTestRelay(options, { dataDir, logger });
    expect(lines.map((l) => JSON.parse(l) as { event: string; promise?: string })).toContainEqual(
      expect.objectContaining({ event: 'relay.redis_durability', promise: 'fsync_before_sent' }),
    );
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.next('drained');
    const live = newMessageId();
    await alice.sendOk(bob.address, randomPayload(), live);
    const [delivered] = await bob.waitForDeliveries(1);
    expect(delivered).toMatchObject({ messageId: live, from: alice.address, seq: 1 });
    bob.ack(1);
    await bob.ping();
    await bob.close();

    const ids = Array.from({ length: 20 }, () => newMessageId());
    for (const id of ids) await alice.sendOk(bob.address, randomPayload(), id);
    await alice.close();
    await relay.close();

    // A new relay process on the same Redis: nothing lived in the relay.
    relay = await startTestRelay(options, { dataDir, logger });
    const bobAgain = await reconnect(relay.url, bob, { autoAck: true });
    await bobAgain.next('drained');
    const backlog = await bobAgain.waitForDeliveries(20);
    expect(backlog.map((d) => d.messageId)).toEqual(ids);
    expect(backlog.map((d) => d.seq)).toEqual(ids.map((_, i) => i + 2));
    const aliceAgain = await reconnect(relay.url, alice);
    expect(await aliceAgain.send(bob.address, randomPayload(), ids[0])).toMatchObject({ type: 'sent', duplicate: true });
    await Promise.all([aliceAgain.close(), bobAgain.close()]);
    await relay.close();
    removeDir(dataDir);
  });
});

describe('Redis durability check', () => {
  it('names the promise each AOF setting gives and whether it meets PARLEY_RELAY_DURABILITY', async () => {
    const store = await openRedisStore({ urls: [redis.url], dedupRetentionMs: 1000 });
    try {
      expect(await checkRedisDurability(store.redis, 'disk')).toMatchObject({ promise: 'fsync_before_sent', meetsConfig: true });
      await store.redis.config('SET', 'appendfsync', 'everysec');
      expect(await checkRedisDurability(store.redis, 'disk')).toMatchObject({ promise: 'survives_redis_crash', meetsConfig: false });
      expect(await checkRedisDurability(store.redis, 'process')).toMatchObject({ promise: 'survives_redis_crash', meetsConfig: true });
      await store.redis.config('SET', 'appendonly', 'no');
      expect(await checkRedisDurability(store.redis, 'process')).toMatchObject({
        promise: 'lost_on_redis_restart',
        meetsConfig: false,
        nodes: [{ node: `127.0.0.1:${redis.port}`, appendonly: 'no', appendfsync: 'everysec' }],
      });
    } finally {
      // appendonly stays off: turning it on again would fork an AOF rewrite that outlives the server's stop.
      await store.close();
    }
  });
});
