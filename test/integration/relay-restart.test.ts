// 1,000 messages from Alice to Bob, both through the Transport, across a kill -9 of the relay process and a
// restart on the same data directory (on a new port, behind a proxy that keeps the URL stable). Alice resends
// whatever did not get `sent`; Bob acks after storing and deduplicates by message id. In the end Bob has every
// message exactly once, in Alice's send order.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError, type Transport } from '../../src/main/core/transport';
import { startLoopbackProxy, type LoopbackProxy } from '../support/loopback-proxy';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { registerDevice, sleep, transportFor, waitFor, waitForState } from './support';

const COUNT = 1_000;
const KILL_AFTER = 500;
/** The relay's rate limit is not under test here; the default would throttle a 1,000-message burst. */
const RELAY_ENV = { PARLEY_RELAY_RATE_PER_SECOND: '100000', PARLEY_RELAY_RATE_BURST: '100000' };

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('relay kill -9 and restart', () => {
  it(`delivers ${COUNT} messages exactly once after dedup, in send order`, { timeout: 60_000 }, async () => {
    const startedAt = Date.now();
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-kill9-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let relay: RelayProcess = await spawnRelay({ dataDir, env: RELAY_ENV });
    cleanups.push(() => relay.stop());
    const proxy: LoopbackProxy = await startLoopbackProxy({ port: relay.port });
    cleanups.push(() => proxy.close());

    const alice = await registerDevice(proxy.url, 'alice');
    const bob = await registerDevice(proxy.url, 'bob');
    const bobAddress = { user: bob.username, device: 1 };
    const sender: Transport = transportFor(proxy.url, alice);
    const receiver: Transport = transportFor(proxy.url, bob);
    cleanups.push(() => sender.stop(), () => receiver.stop());

    // Bob: "stores" each message (dedup by id, remembering first-arrival order), then acks it.
    const order: string[] = [];
    const stored = new Set<string>();
    let deliveries = 0;
    let duplicatesAtBob = 0;
    receiver.on('delivery', (delivery) => {
      deliveries++;
      if (stored.has(delivery.messageId)) duplicatesAtBob++;
      else {
        stored.add(delivery.messageId);
        order.push(delivery.messageId);
      }
      setImmediate(() => delivery.ack());
    });
    sender.start();
    receiver.start();
    await Promise.all([waitForState(sender, 'online'), waitForState(receiver, 'online')]);

    // Alice: sends one at a time (the outbox keeps per-conversation order), resending on retryable errors.
    const ids = Array.from({ length: COUNT }, (_, i) => `msg-${String(i).padStart(4, '0')}`);
    let confirmed = 0;
    let retries = 0;
    let acceptedAsDuplicate = 0;
    const retryCodes = new Map<string, number>();
    const sendAll = async () => {
      for (const [i, id] of ids.entries()) {
        for (;;) {
          try {
            const result = await sender.send(id, [bobAddress], new TextEncoder().encode(`hello bob #${i}`));
            if (result.duplicate) acceptedAsDuplicate++;
            confirmed++;
            break;
          } catch (error) {
            if (!(error instanceof TransportError) || !error.retryable) throw error;
            retries++;
            retryCodes.set(error.code, (retryCodes.get(error.code) ?? 0) + 1);
            if (error.retryAfterMs) await sleep(error.retryAfterMs);
            else await waitForState(sender, 'online', 30_000);
          }
        }
      }
    };
    const sending = sendAll();

    await waitFor(() => confirmed >= KILL_AFTER, `${KILL_AFTER} confirmed sends`, 30_000, 1);
    relay.kill('SIGKILL');
    const exit = await relay.exited;
    expect(exit.signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const confirmedAtKill = confirmed;
    relay = await spawnRelay({ dataDir, env: RELAY_ENV });
    proxy.setTarget(relay.port);
    const restartedAt = Date.now();

    await sending;
    await waitFor(() => stored.size >= COUNT, `Bob to store all ${COUNT}`, 30_000);
    await sleep(200); // anything still arriving would be a duplicate; let it show

    expect(order).toEqual(ids);
    expect(stored.size).toBe(COUNT);

    // Every delivery was acked: a new connection of Bob's finds an empty mailbox.
    receiver.stop();
    await sleep(100);
    const check = transportFor(proxy.url, bob);
    cleanups.push(() => check.stop());
    let leftover = 0;
    let drained = false;
    check.on('delivery', () => leftover++);
    check.on('drained', () => (drained = true));
    check.start();
    await waitFor(() => drained, 'the final drain');

    const summary = {
      messages: COUNT,
      confirmedAtKill,
      relayRestartMs: restartedAt - killedAt,
      senderRetries: retries,
      retryCodes: Object.fromEntries(retryCodes),
      resendsRelayAnsweredDuplicate: acceptedAsDuplicate,
      deliveriesAtBob: deliveries,
      duplicatesAtBobBeforeDedup: duplicatesAtBob,
      leftoverInMailbox: leftover,
      totalMs: Date.now() - startedAt,
    };
    console.info(`[kill-9] ${JSON.stringify(summary)}`);
    expect(leftover).toBe(0);
    expect(retries).toBeGreaterThanOrEqual(1); // the kill really hit a send in flight or an offline period
  });
});
