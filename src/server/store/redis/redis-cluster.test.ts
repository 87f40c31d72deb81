// The Redis store on a real 3-master Redis Cluster (started here from Debian's redis-server on free loopback ports):
// the mailbox path of the store contract, the blob index contract, and a message between two relays on the cluster,
// Alice on one and Bob on the other, so the store's per-user slots and the device bus's pub/sub both run on a cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, randomPayload, registeredDevice } from '../../../../test/support/raw-device';
import { startTestRelay } from '../../../../test/support/relay-harness';
import { redisCliMissing, startTestRedisCluster, type TestRedisCluster } from '../../../../test/support/redis-cluster';
import { sharedBlobs } from '../../../../test/support/shared-blobs';
import { describeBlobIndexContract } from '../../blobs/blob-index.contract';
import { describeRelayStoreContract } from '../relay-store.contract';
import { RedisBlobIndex } from './redis-blob-index';
import { redisKeys } from './redis-keys';
import { connectRedis, openRedisStore } from './redis-store';

const RETENTION_MS = 60_000;
let cluster: TestRedisCluster;

describe.skipIf(redisCliMissing !== undefined)(`Redis Cluster${redisCliMissing ? ` (skipped: ${redisCliMissing})` : ''}`, () => {
  beforeAll(async () => {
    cluster = await startTestRedisCluster(3);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  describeRelayStoreContract(
    'Redis Cluster',
    async () => {
      let store = await openRedisStore({ urls: cluster.urls, dedupRetentionMs: RETENTION_MS });
      return {
        get store() {
          return store;
        },
        async addDevice(address, identityKey) {
          await store.redis.hset(redisKeys.devices(address.user), String(address.device), JSON.stringify({ identityKey, registeredAt: 2 }));
        },
        async reopen() {
          await store.close();
          store = await openRedisStore({ urls: cluster.urls, dedupRetentionMs: RETENTION_MS });
          return store;
        },
        async destroy() {
          await cluster.flush();
          await store.close();
        },
      };
    },
    { mailboxesOnly: true },
  );

  describeBlobIndexContract('Redis Cluster', async () => {
    const connection = connectRedis(cluster.urls);
    await connection.connect();
    return {
      index: new RedisBlobIndex(connection),
      async destroy() {
        await cluster.flush();
        connection.disconnect();
      },
    };
  });

  it('spreads users over the masters, as the contract run relies on', async () => {
    const store = await openRedisStore({ urls: cluster.urls, dedupRetentionMs: RETENTION_MS });
    try {
      const slotsOf = (user: string) => store.redis.cluster('KEYSLOT', redisKeys.devices(user));
      const slots = await Promise.all(['alice', 'bob', 'carol'].map(slotsOf));
      // 16384 slots in thirds: alice, bob and carol do not all live on one master.
      expect(new Set(slots.map((slot) => Math.floor(Number(slot) / 5462))).size).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });

  it('carries a message from a device on one relay to a device on another and back, both relays on the cluster', async () => {
    const blobs = sharedBlobs();
    const options = { store: 'redis' as const, redisUrls: cluster.urls, rateLimitBurst: 10_000, ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    try {
      const alice = await registeredDevice(nodeA.url, undefined, { autoAck: true });
      const bob = await registeredDevice(nodeB.url, undefined, { autoAck: true });
      await Promise.all([alice.next('drained'), bob.next('drained')]);
      const hello = newMessageId();
      await alice.sendOk(bob.address, randomPayload(), hello);
      const [toBob] = await bob.waitForDeliveries(1);
      expect(toBob).toMatchObject({ messageId: hello, from: alice.address, seq: 1 });
      const reply = newMessageId();
      await bob.sendOk(alice.address, randomPayload(), reply);
      const [toAlice] = await alice.waitForDeliveries(1);
      expect(toAlice).toMatchObject({ messageId: reply, from: bob.address, seq: 1 });
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
      await cluster.flush();
      blobs.remove();
    }
  });
});
