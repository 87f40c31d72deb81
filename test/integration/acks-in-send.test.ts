// The client's acks against the real relay (docs/protocol.md, `send` and `ack`): a stored delivery's ack rides in the
// device's next send, or leaves alone after ACK_DELAY_MS when nothing is sent; acks above a gap go in a frame of their
// own. Each case then drops the connection without a close handshake (so nothing waiting is flushed) and checks what
// the next connection is given again: exactly what was not acked.
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, type ClientFrame } from '../../src/shared/protocol';
import { ACK_DELAY_MS } from '../../src/main/core/transport/AckTracker';
import { wsSocketFactory, type RelaySocket, type RelaySocketFactory } from '../../src/main/core/transport/socket';
import { Transport, type Delivery } from '../../src/main/core/transport';
import { FAST_TRANSPORT, registerDevice, type TestDevice, trackTransports, transportFor, useTestRelay, waitFor, waitForState } from './support';
import type { TestRelay } from '../support/relay-harness';
import { identitySigner } from '../../src/main/core/account';

let relay: TestRelay;
useTestRelay((started) => (relay = started));
const track = trackTransports();

/** A transport whose frames are recorded as written, and whose current socket can be cut. */
function recordedTransport(device: TestDevice) {
  const written: ClientFrame[] = [];
  let current: RelaySocket | undefined;
  const socketFactory: RelaySocketFactory = (url, handlers) => {
    const socket = wsSocketFactory(url, handlers);
    current = {
      send: (frame) => {
        const decoded = decodeClientFrame(frame);
        if (decoded.ok) written.push(decoded.frame);
        socket.send(frame);
      },
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
    };
    return current;
  };
  const transport = track(
    new Transport({
      relayUrl: relay.url,
      credentials: { user: device.username, device: device.device, signer: identitySigner(device.identity) },
      config: FAST_TRANSPORT,
      socketFactory,
    }),
  );
  const deliveries: Delivery[] = [];
  let drained = 0;
  transport.on('delivery', (d) => deliveries.push(d));
  transport.on('drained', () => drained++);
  return {
    transport,
    written,
    deliveries,
    drainedCount: () => drained,
    /** Drops the connection as a network would: no close handshake, nothing flushed. The transport reconnects. */
    cut: () => current?.terminate(),
    ofType: <T extends ClientFrame['type']>(type: T) => written.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type),
  };
}

async function setUp(count: number) {
  const alice = await registerDevice(relay.url, 'alice');
  const bob = await registerDevice(relay.url, 'bob');
  const sender = track(transportFor(relay.url, alice));
  const toAlice: Delivery[] = [];
  sender.on('delivery', (d) => {
    toAlice.push(d);
    d.ack();
  });
  sender.start();
  await waitForState(sender, 'online');
  const ids = Array.from({ length: count }, (_, i) => `waiting-${i}`);
  for (const id of ids) await sender.send(id, [{ user: bob.username, device: 1 }], new Uint8Array([1, 2, 3]));
  const recipient = recordedTransport(bob);
  recipient.transport.start();
  await waitFor(() => recipient.deliveries.length === count && recipient.drainedCount() === 1, 'the first drain');
  expect(recipient.deliveries.map((d) => d.messageId)).toEqual(ids);
  return { alice, bob, recipient, toAlice, ids };
}

/** After a cut, the next connection's drain: what the relay still held. */
async function redeliveredAfterCut(recipient: ReturnType<typeof recordedTransport>): Promise<string[]> {
  const before = recipient.deliveries.length;
  recipient.cut();
  await waitFor(() => recipient.drainedCount() === 2, 'the drain after reconnecting');
  return recipient.deliveries.slice(before).map((d) => d.messageId);
}

describe('acks carried in sends (real relay)', () => {
  it('carries the acks in the next send; after a cut only the unacked deliveries come again', async () => {
    const { alice, recipient, toAlice, ids } = await setUp(4);
    const [first, second] = recipient.deliveries;
    first!.ack();
    second!.ack();
    await recipient.transport.send('reply-1', [{ user: alice.username, device: 1 }], new Uint8Array([9]));
    expect(recipient.ofType('send')).toMatchObject([{ messageId: 'reply-1', ackThrough: second!.seq }]);
    expect(recipient.ofType('ack')).toEqual([]);
    await waitFor(() => toAlice.length === 1, 'the reply at alice');
    // A reconnect after a partial ack: the two not acked, nothing else.
    expect(await redeliveredAfterCut(recipient)).toEqual([ids[2], ids[3]]);
    expect(recipient.ofType('ack')).toEqual([]);
  });

  it(`sends the ack alone ${ACK_DELAY_MS} ms later when nothing is sent`, async () => {
    const { recipient, ids } = await setUp(3);
    const acked = performance.now();
    for (const delivery of recipient.deliveries.slice(0, 2)) delivery.ack();
    await waitFor(() => recipient.ofType('ack').length === 1, 'the held ack');
    expect(performance.now() - acked).toBeGreaterThanOrEqual(ACK_DELAY_MS - 1);
    expect(recipient.ofType('ack')).toEqual([{ type: 'ack', through: recipient.deliveries[1]!.seq, also: [] }]);
    // The relay has read the ack once it answers a frame written after it (here: refused, nothing stored).
    await recipient.transport.send('probe', [{ user: 'nobody-at-all', device: 1 }], new Uint8Array([0])).catch(() => undefined);
    expect(await redeliveredAfterCut(recipient)).toEqual([ids[2]]);
  });

  it('sends acks above a gap in an ack frame right before the send; the gap comes again', async () => {
    const { alice, recipient, toAlice, ids } = await setUp(3);
    const [first, , third] = recipient.deliveries;
    first!.ack();
    third!.ack();
    await recipient.transport.send('reply-2', [{ user: alice.username, device: 1 }], new Uint8Array([9]));
    expect(recipient.written.slice(-2).map((f) => f.type)).toEqual(['ack', 'send']);
    expect(recipient.ofType('ack')).toEqual([{ type: 'ack', through: first!.seq, also: [third!.seq] }]);
    expect(recipient.ofType('send')[0]).not.toHaveProperty('ackThrough');
    await waitFor(() => toAlice.length === 1, 'the reply at alice');
    expect(await redeliveredAfterCut(recipient)).toEqual([ids[1]]);
  });
});
