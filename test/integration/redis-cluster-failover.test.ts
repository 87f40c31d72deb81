// A Redis Cluster master dies under running relays: 3 masters with 2 replicas each (started here on free loopback
// ports), two relays on it with PARLEY_REDIS_WAIT_REPLICAS=1, Alice on one relay sending to Bob on the other. Mid-way
// the master holding Bob's slot (his mailbox) is killed with -9; a replica takes over (cluster-node-timeout 2 s),
// the relays carry on without a restart, and Bob ends with every message Alice got `sent` for, exactly once and in
// order, and nothing more in his mailbox. Sends that fail during the takeover get `internal` and are resent.
// (Replication is asynchronous: without WAIT a `sent` given just before the kill could be lost with the old master —
// docs/operations.md, "Redis Cluster failover".)
import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../src/main/core/transport';
import { redisKeys } from '../../src/server/store/redis/redis-keys';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { redisCliMissing, startTestRedisCluster } from '../support/redis-cluster';
import { sharedBlobs } from '../support/shared-blobs';
import { registerDevice, sendUntilSent, transportFor, waitFor, waitForState } from './support';

const COUNT = 300;
const KILL_MASTER_AFTER = 100;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(redisCliMissing !== undefined)(`Redis Cluster failover${redisCliMissing ? ` (skipped: ${redisCliMissing})` : ''}`, () => {
  it(`loses no sent message when the master holding the recipient's mailbox dies and its replica takes over`, { timeout: 180_000 }, async () => {
    const cluster = await startTestRedisCluster(3, { replicas: 2, nodeTimeoutMs: 2_000 });
    const blobs = sharedBlobs();
    cleanups.push(() => cluster.stop(), () => blobs.remove());
    const options = {
      store: 'redis' as const,
      redisUrls: cluster.urls,
      redisWaitReplicas: 1,
      redisWaitTimeoutMs: 1_000,
      rateLimitPerSecond: 100_000,
      rateLimitBurst: 100_000,
      ...blobs.config,
    };
    const relays: TestRelay[] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    cleanups.push(() => Promise.all(relays.map((relay) => relay.close())));
    const [nodeA, nodeB] = relays as [TestRelay, TestRelay];

    const alice = await registerDevice(nodeA.url, 'alice');
    const bob = await registerDevice(nodeB.url, 'bob');
    const bobAddress = { user: bob.username, device: 1 };
    const bobsMaster = await cluster.masterOf(redisKeys.mailbox(bobAddress));
    const sender: Transport = transportFor(nodeA.url, alice);
    const receiver: Transport = transportFor(nodeB.url, bob);
    cleanups.push(() => sender.stop(), () => receiver.stop());

    const order: string[] = [];
    const stored = new Set<string>();
    receiver.on('delivery', (delivery) => {
      if (!stored.has(delivery.messageId)) {
        stored.add(delivery.messageId);
        order.push(delivery.messageId);
      }
      setImmediate(() => delivery.ack());
    });
    sender.start();
    receiver.start();
    await Promise.all([waitForState(sender, 'online'), waitForState(receiver, 'online')]);

    const ids = Array.from({ length: COUNT }, (_, i) => `msg-${String(i).padStart(4, '0')}`);
    let confirmed = 0;
    const retryCodes = new Map<string, number>();
    const sending = (async () => {
      for (const [i, id] of ids.entries()) {
        await sendUntilSent(sender, id, bobAddress, new TextEncoder().encode(`hello bob #${i}`), retryCodes);
        confirmed++;
      }
    })();

    await waitFor(() => confirmed >= KILL_MASTER_AFTER, `${KILL_MASTER_AFTER} confirmed sends`, 60_000, 1);
    await bobsMaster.kill();
    await sending;
    await waitFor(() => stored.size >= COUNT, `Bob to store all ${COUNT}`, 60_000);
    expect(order).toEqual(ids);
    // A replica serves Bob's slot now: the relays went through a real takeover, not around it.
    expect((await cluster.masterOf(redisKeys.mailbox(bobAddress))).port).not.toBe(bobsMaster.port);

    // A new connection of Bob's finds nothing he did not already have (at most redeliveries of acks lost with the
    // old master, which devices deduplicate).
    receiver.stop();
    const check = transportFor(nodeA.url, bob);
    cleanups.push(() => check.stop());
    const unseen: string[] = [];
    let drained = false;
    check.on('delivery', (delivery) => {
      if (!stored.has(delivery.messageId)) unseen.push(delivery.messageId);
    });
    check.on('drained', () => (drained = true));
    check.start();
    await waitFor(() => drained, 'the final drain', 30_000);
    console.info(`[redis-cluster-failover] ${JSON.stringify({ messages: COUNT, retryCodes: Object.fromEntries(retryCodes) })}`);
    expect(unseen).toEqual([]);
  });
});
