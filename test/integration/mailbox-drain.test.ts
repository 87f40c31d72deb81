// Reconnect drains the mailbox: what was sent while the recipient was offline arrives when it connects, in order,
// and each delivery is acked once — nothing is acked before the consumer says so.
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/main/core/transport';
import type { TestRelay } from '../support/relay-harness';
import { registerDevice, sleep, trackTransports, transportFor, useTestRelay, waitFor, waitForState } from './support';

let relay: TestRelay;
// A window smaller than the drain below, so acks must keep it going.
const WINDOW = 128;
useTestRelay((started) => (relay = started), { deliveryWindow: WINDOW });
const track = trackTransports();

describe('mailbox drain on (re)connect', () => {
  it('delivers everything sent while offline, in order, acked once each', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const bob = await registerDevice(relay.url, 'bob');
    const sender = track(transportFor(relay.url, alice));
    sender.start();
    await waitForState(sender, 'online');

    const COUNT = 300; // more than WINDOW, so acks must keep the drain going
    const ids = Array.from({ length: COUNT }, (_, i) => `drain-${String(i).padStart(4, '0')}`);
    for (const [i, id] of ids.entries()) {
      await sender.send(id, [{ user: bob.username, device: 1 }], new TextEncoder().encode(`message ${i}`));
    }

    const receiver = track(transportFor(relay.url, bob));
    const received: Delivery[] = [];
    const acks = new Map<string, number>();
    let drained = 0;
    receiver.on('drained', () => drained++);
    receiver.on('delivery', (delivery) => {
      received.push(delivery);
      // "Store" asynchronously, then ack, as the real consumer does.
      setImmediate(() => {
        if (delivery.ack()) acks.set(delivery.messageId, (acks.get(delivery.messageId) ?? 0) + 1);
      });
    });
    receiver.start();
    await waitFor(() => received.length >= COUNT && drained >= 1, `${COUNT} deliveries and drained`, 15_000);

    expect(received.map((d) => d.messageId)).toEqual(ids);
    expect(new TextDecoder().decode(received[7]!.payload)).toBe('message 7');
    expect(received.every((d) => d.from.user === alice.username && d.from.device === 1)).toBe(true);
    await waitFor(() => acks.size === COUNT, 'every ack');
    expect([...acks.values()].every((n) => n === 1)).toBe(true);

    // Everything was acked: a fresh connection finds an empty mailbox.
    receiver.stop();
    await sleep(100); // let the relay commit the last acks
    const again = track(transportFor(relay.url, bob));
    const redelivered: Delivery[] = [];
    let drainedAgain = false;
    again.on('delivery', (d) => redelivered.push(d));
    again.on('drained', () => (drainedAgain = true));
    again.start();
    await waitFor(() => drainedAgain, 'the second drain');
    expect(redelivered).toHaveLength(0);
  });

  it('redelivers what was not acked before a disconnect, and nothing is acked on the consumer’s behalf', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const bob = await registerDevice(relay.url, 'bob');
    const sender = track(transportFor(relay.url, alice));
    sender.start();
    await waitForState(sender, 'online');
    for (let i = 0; i < 5; i++) await sender.send(`keep-${i}`, [{ user: bob.username, device: 1 }], new Uint8Array([i]));

    const first = track(transportFor(relay.url, bob));
    const firstSeen: Delivery[] = [];
    let firstDrained = false;
    first.on('delivery', (d) => firstSeen.push(d));
    first.on('drained', () => (firstDrained = true));
    first.start();
    await waitFor(() => firstSeen.length === 5 && firstDrained, 'the first drain');
    // The consumer stores and acks only the first two, then the connection goes away.
    expect(firstSeen[0]!.ack()).toBe(true);
    expect(firstSeen[1]!.ack()).toBe(true);
    await sleep(100);
    first.stop();
    expect(firstSeen[2]!.ack()).toBe(false); // too late: that connection is gone

    const second = track(transportFor(relay.url, bob));
    const secondSeen: Delivery[] = [];
    let secondDrained = false;
    second.on('delivery', (d) => secondSeen.push(d));
    second.on('drained', () => (secondDrained = true));
    second.start();
    await waitFor(() => secondDrained && secondSeen.length >= 3, 'the redelivery');
    expect(secondSeen.map((d) => d.messageId)).toEqual(['keep-2', 'keep-3', 'keep-4']);
  });
});
