// Several relay processes on one Redis (PARLEY_STORE=redis), each a real child process. Alice reaches relay A
// through a proxy (as through a load balancer), Bob is connected to relay B: every message crosses nodes. Mid-way
// relay A is killed with -9 and the proxy moves Alice to relay C; later Redis itself is killed and restarted on its
// AOF (appendfsync always). Alice resends whatever did not get `sent`; Bob acks after storing and deduplicates by
// message id. In the end Bob has every acknowledged message exactly once, in Alice's send order, and his mailbox is
// empty. A second test: a device connecting to another node ends its older connection there (4010 replaced).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '../../src/shared/protocol';
import type { Transport } from '../../src/main/core/transport';
import { reconnect, registeredDevice } from '../support/raw-device';
import { startLoopbackProxy } from '../support/loopback-proxy';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { sharedBlobs, type SharedBlobs } from '../support/shared-blobs';
import { registerDevice, sendUntilSent, transportFor, waitFor, waitForState } from './support';

const COUNT = 600;
const KILL_RELAY_AFTER = 200;
const RESTART_REDIS_AFTER = 400;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayOn(redis: TestRedis, blobs: SharedBlobs): Promise<RelayProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-node-'));
  const relay = await spawnRelay({
    dataDir,
    // Three relays start at once on a loaded 2-core machine: give each more than the default 20 s.
    startTimeoutMs: 60_000,
    env: { PARLEY_STORE: 'redis', PARLEY_REDIS_URL: redis.url, PARLEY_RELAY_RATE_PER_SECOND: '100000', PARLEY_RELAY_RATE_BURST: '100000', ...blobs.env },
  });
  cleanups.push(async () => {
    await relay.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return relay;
}

describe('relays on one Redis', () => {
  it(`carry ${COUNT} messages across nodes exactly once, in order, through a relay kill -9 and a Redis restart`, { timeout: 120_000 }, async () => {
    const redis = await startTestRedis({ appendfsync: 'always' });
    const blobs = sharedBlobs();
    cleanups.push(() => redis.stop(), () => blobs.remove());
    const [nodeA, nodeB, nodeC] = await Promise.all([relayOn(redis, blobs), relayOn(redis, blobs), relayOn(redis, blobs)]);
    const proxy = await startLoopbackProxy({ port: nodeA!.port });
    cleanups.push(() => proxy.close());

    const alice = await registerDevice(proxy.url, 'alice');
    const bob = await registerDevice(nodeB!.url, 'bob');
    const bobAddress = { user: bob.username, device: 1 };
    const sender: Transport = transportFor(proxy.url, alice);
    const receiver: Transport = transportFor(nodeB!.url, bob);
    cleanups.push(() => sender.stop(), () => receiver.stop());

    const order: string[] = [];
    const stored = new Set<string>();
    let deliveries = 0;
    receiver.on('delivery', (delivery) => {
      deliveries++;
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
    const sendAll = async () => {
      for (const [i, id] of ids.entries()) {
        await sendUntilSent(sender, id, bobAddress, new TextEncoder().encode(`hello bob #${i}`), retryCodes);
        confirmed++;
      }
    };
    const sending = sendAll();

    await waitFor(() => confirmed >= KILL_RELAY_AFTER, `${KILL_RELAY_AFTER} confirmed sends`, 60_000, 1);
    nodeA!.kill('SIGKILL');
    expect((await nodeA!.exited).signal).toBe('SIGKILL');
    proxy.setTarget(nodeC!.port);

    await waitFor(() => confirmed >= RESTART_REDIS_AFTER, `${RESTART_REDIS_AFTER} confirmed sends`, 60_000, 1);
    await redis.restart();

    await sending;
    await waitFor(() => stored.size >= COUNT, `Bob to store all ${COUNT}`, 60_000);
    expect(order).toEqual(ids);

    // A new connection of Bob's, on another node, finds nothing new: at most redeliveries of messages he already
    // stored, whose acks were still waiting to be committed when Redis restarted (acks are committed lazily; a lost
    // ack is a redelivery, which devices deduplicate — docs/protocol.md), never a message he did not have.
    receiver.stop();
    const check = transportFor(nodeC!.url, bob);
    cleanups.push(() => check.stop());
    let leftover = 0;
    const unseen: string[] = [];
    let drained = false;
    check.on('delivery', (delivery) => {
      leftover++;
      if (!stored.has(delivery.messageId)) unseen.push(delivery.messageId);
    });
    check.on('drained', () => (drained = true));
    check.start();
    await waitFor(() => drained, 'the final drain', 30_000);
    console.info(`[relays-on-redis] ${JSON.stringify({ messages: COUNT, deliveriesAtBob: deliveries, retryCodes: Object.fromEntries(retryCodes), leftover })}`);
    expect(unseen).toEqual([]);
    expect(leftover).toBeLessThan(COUNT / 10);
  });

  it('keeps one live connection per device across nodes', { timeout: 60_000 }, async () => {
    const redis = await startTestRedis({ appendfsync: 'everysec' });
    const blobs = sharedBlobs();
    cleanups.push(() => redis.stop(), () => blobs.remove());
    const [nodeA, nodeB] = await Promise.all([relayOn(redis, blobs), relayOn(redis, blobs)]);
    const carol = await registeredDevice(nodeA!.url);
    await carol.next('drained');
    const carolOnB = await reconnect(nodeB!.url, carol);
    expect((await carol.waitForClose(10_000)).code).toBe(CloseCode.replaced);
    // Still reachable on B from a sender on A.
    const dave = await registeredDevice(nodeA!.url);
    await dave.sendOk(carolOnB.address);
    expect(await carolOnB.waitForDeliveries(1, 10_000)).toHaveLength(1);
    await Promise.all([carolOnB.close(), dave.close()]);
  });
});
