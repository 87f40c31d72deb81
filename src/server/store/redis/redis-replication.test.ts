// PARLEY_REDIS_WAIT_REPLICAS on a Redis with one replica (both started here on free loopback ports): a mailbox append
// counts as stored only once the replica acknowledged it (WAIT). With the replica hung, the batch fails instead of
// answering `sent` (the relay answers `internal`, the device resends), and the resend after the replica is back
// lands once, with the seq it first got. Without WAIT the same batch is answered at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../../test/support/redis-server';
import type { Address } from '../../../shared/protocol';
import { StoreError, type EnvelopeToStore, type MailboxWriteBatch } from '../relay-store';
import { openRedisStore, type RedisRelayStore } from './redis-store';

let primary: TestRedis;
let replica: TestRedis;
const stores: RedisRelayStore[] = [];
const alice: Address = { user: 'alice', device: 1 };
const bob: Address = { user: 'bob', device: 1 };

beforeAll(async () => {
  primary = await startTestRedis();
  replica = await startTestRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const admin = await openRedisStore({ urls: [primary.url], dedupRetentionMs: 60_000 });
  stores.push(admin);
  // A state, not a time: the primary lists its replica as online.
  while (!/slave0:.*state=online/.test(await admin.redis.info('replication'))) await new Promise((resolve) => setTimeout(resolve, 50));
}, 60_000);
afterEach(async () => {
  replica.resume();
  await stores[0]!.redis.flushall();
  await Promise.all(stores.splice(1).map((store) => store.close()));
});
afterAll(async () => {
  await stores[0]?.close();
  await replica?.stop();
  await primary?.stop();
});

function envelope(messageId: string): EnvelopeToStore {
  return { sender: alice, messageId, recipients: [bob], payload: new TextEncoder().encode(messageId), sentAt: 1000 };
}

function batch(enqueues: EnvelopeToStore[]): MailboxWriteBatch {
  return { acks: [], enqueues, mailboxQuota: 100, now: Date.now() };
}

async function storeWith(waitReplicas: number): Promise<RedisRelayStore> {
  const store = await openRedisStore({ urls: [primary.url], dedupRetentionMs: 60_000, waitReplicas, waitTimeoutMs: 300 });
  stores.push(store);
  for (const address of [alice, bob]) await store.registerDevice({ address, identityKey: 'A'.repeat(43) + '=', registeredAt: 1 });
  return store;
}

describe('Redis WAIT before sent', () => {
  it('answers stored once the replica has the append, and fails the batch while the replica is hung', async () => {
    const store = await storeWith(1);
    expect((await store.commitMailboxBatch(batch([envelope('m1')]))).enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }] }]);

    replica.pause();
    await expect(store.commitMailboxBatch(batch([envelope('m2')]))).rejects.toBeInstanceOf(StoreError);
    replica.resume();

    // The device resends m2: it lands once, with the seq its first append got.
    expect((await store.commitMailboxBatch(batch([envelope('m2')]))).enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 2 }] }]);
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['m1', 'm2']);
  });

  it('without WAIT answers stored while the replica is hung', async () => {
    const store = await storeWith(0);
    replica.pause();
    expect((await store.commitMailboxBatch(batch([envelope('m1')]))).enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }] }]);
  });
});
