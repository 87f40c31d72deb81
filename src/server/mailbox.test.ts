// Device mailboxes end to end: send → durable → sent, live push, backlog on connect then drained, strict order
// (also while the backlog drains), cumulative acks with gaps, dedup of resends, fan-out, the delivery window,
// ephemeral sends that are never stored, and several deliveries or answers packed into one frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawDevice, type DeliverEvent, newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ deliveryWindow: 16, rateLimitBurst: 100_000, rateLimitPerSecond: 100_000 });
});
afterAll(async () => {
  await relay.close();
});

/** Registers a device, then disconnects it so messages queue in its mailbox. */
async function offlineDevice(): Promise<RawDevice> {
  const device = await registeredDevice(relay.url);
  await device.close();
  return device;
}

/** Collects deliveries (acking each) until `drained` has arrived and `count` deliveries are in. */
async function drainAll(device: RawDevice, count: number): Promise<DeliverEvent[]> {
  await device.next('drained', { timeoutMs: 10_000 });
  return device.waitForDeliveries(count, 10_000);
}

describe('send and deliver', () => {
  it('answers sent once stored and pushes the envelope to an online recipient, from the authenticated sender', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.next('drained');
    const payload = randomPayload(100);
    const messageId = newMessageId();
    const sent = await alice.send(bob.address, payload, messageId);
    expect(sent).toEqual({ type: 'sent', rid: 1, status: 'stored', duplicate: false });
    const [delivery] = await bob.waitForDeliveries(1);
    expect(delivery).toMatchObject({ type: 'deliver', messageId, from: alice.address });
    expect(Buffer.from(delivery!.payload).equals(payload)).toBe(true);
    expect(delivery?.sentAt).toBeGreaterThan(Date.now() - 10_000);
    expect(bob.invalidFrames).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('delivers to every recipient of a fan-out, each in its own mailbox', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    const carol = await offlineDevice();
    const messageId = newMessageId();
    await alice.sendOk([bob.address, carol.address, bob.address], randomPayload(), messageId);
    const carolAgain = await reconnect(relay.url, carol);
    const [toCarol] = await drainAll(carolAgain, 1);
    const [toBob] = await bob.waitForDeliveries(1);
    expect(toCarol?.messageId).toBe(messageId);
    expect(toBob?.messageId).toBe(messageId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.deliveries).toHaveLength(1); // the repeated address got one delivery
    await Promise.all([alice.close(), bob.close(), carolAgain.close()]);
  });

  it('delivers pending envelopes in order on connect, then drained; acked ones are gone on reconnect', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const ids = Array.from({ length: 40 }, () => newMessageId());
    for (const id of ids) alice.sendNoWait(bob.address, randomPayload(), id);
    await alice.ping();
    for (let rid = 1; rid <= ids.length; rid++) expect((await alice.answerTo(rid)).type).toBe('sent');

    const first = await reconnect(relay.url, bob, { autoAck: true });
    const received = await drainAll(first, 40);
    expect(received.map((d) => d.messageId)).toEqual(ids);
    const drainedAt = first.frames.findIndex((f) => f.type === 'drained');
    expect(first.frames.slice(drainedAt + 1).some((f) => f.type === 'deliver')).toBe(false);
    await first.ping(); // acks are processed before the pong's frame is read
    await first.close();

    const second = await reconnect(relay.url, bob);
    await second.next('drained');
    await second.ping();
    expect(second.deliveries).toEqual([]);
    await Promise.all([alice.close(), second.close()]);
  });

  it('redelivers unacked envelopes on the next connection', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const ids = [newMessageId(), newMessageId(), newMessageId()];
    for (const id of ids) await alice.sendOk(bob.address, randomPayload(), id);
    const first = await reconnect(relay.url, bob);
    await drainAll(first, 3);
    first.ack(first.deliveries[0]!.seq);
    await first.ping();
    await first.close();
    const second = await reconnect(relay.url, bob);
    const again = await drainAll(second, 2);
    expect(again.map((d) => d.messageId)).toEqual(ids.slice(1));
    await Promise.all([alice.close(), second.close()]);
  });

  it('keeps strict order for live envelopes arriving while the backlog drains', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const backlog = Array.from({ length: 300 }, () => newMessageId());
    for (const id of backlog) alice.sendNoWait(bob.address, randomPayload(16), id);
    for (let rid = 1; rid <= backlog.length; rid++) await alice.answerTo(rid);

    const live = Array.from({ length: 150 }, () => newMessageId());
    const bobOnline = await reconnect(relay.url, bob, { autoAck: true });
    for (const [i, id] of live.entries()) {
      alice.sendNoWait(bob.address, randomPayload(16), id);
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const received = await bobOnline.waitForDeliveries(450, 15_000);
    expect(received.map((d) => d.messageId)).toEqual([...backlog, ...live]);
    expect(new Set(received.map((d) => d.seq)).size).toBe(450);
    const drainedAt = bobOnline.frames.findIndex((f) => f.type === 'drained');
    const beforeDrained = bobOnline.frames.slice(0, drainedAt).flatMap((f) => (f.type === 'deliver' ? f.deliveries : []));
    expect(beforeDrained.length).toBeGreaterThanOrEqual(300);
    await Promise.all([alice.close(), bobOnline.close()]);
  });

  it('keeps order for a burst pushed live to a caught-up device', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url, undefined, { autoAck: true });
    await bob.next('drained');
    const ids = Array.from({ length: 200 }, () => newMessageId());
    for (const id of ids) alice.sendNoWait(bob.address, randomPayload(16), id);
    const received = await bob.waitForDeliveries(200, 10_000);
    expect(received.map((d) => d.messageId)).toEqual(ids);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('pushes at most the delivery window unacked, then continues as acks come in', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    for (let i = 0; i < 20; i++) alice.sendNoWait(bob.address);
    for (let rid = 1; rid <= 20; rid++) await alice.answerTo(rid);
    const online = await reconnect(relay.url, bob);
    await online.waitForDeliveries(16);
    await online.ping();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(online.deliveries).toHaveLength(16);
    expect(online.frames.some((f) => f.type === 'drained')).toBe(false);
    online.ackThrough(online.deliveries[3]!.seq);
    await online.next('drained');
    expect(online.deliveries).toHaveLength(20);
    await Promise.all([alice.close(), online.close()]);
  });

  it('by default pushes a whole 5,000-message catch-up before the device has acked any of it', async () => {
    // The client core acks only once the renderer has stored (docs/security.md §11): a window smaller than the backlog
    // leaves the core waiting on the renderer's commits instead of decrypting the rest while the app starts.
    const defaults = await startTestRelay({ rateLimitBurst: 100_000, rateLimitPerSecond: 100_000 });
    try {
      const alice = await registeredDevice(defaults.url);
      const bob = await registeredDevice(defaults.url);
      await bob.close();
      const count = 5_000;
      for (let i = 0; i < count; i++) alice.sendNoWait(bob.address, randomPayload(64));
      for (let rid = 1; rid <= count; rid++) await alice.answerTo(rid, 30_000);
      const online = await reconnect(defaults.url, bob);
      await online.next('drained', { timeoutMs: 30_000 });
      expect(online.deliveries).toHaveLength(count);
      await Promise.all([alice.close(), online.close()]);
    } finally {
      await defaults.close();
    }
  }, 60_000);
});

describe('acks', () => {
  it('refuses an ack naming a delivery not given on this connection, and deletes nothing', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    const carol = await registeredDevice(relay.url);
    await alice.sendOk(bob.address);
    const [delivery] = await bob.waitForDeliveries(1);
    carol.ack(delivery!.seq); // carol was given no such delivery
    expect((await carol.next('error')).code).toBe('unknown_delivery');
    carol.ackThrough(999_999);
    expect((await carol.next('error')).code).toBe('unknown_delivery');
    bob.ackThrough(delivery!.seq, [delivery!.seq + 1]); // one beyond what bob was given: the whole ack is refused
    expect((await bob.next('error')).code).toBe('unknown_delivery');
    await bob.close();
    const bobAgain = await reconnect(relay.url, bob);
    const [redelivered] = await drainAll(bobAgain, 1);
    expect(redelivered?.messageId).toBe(delivery?.messageId);
    bobAgain.ack(redelivered!.seq);
    bobAgain.ack(redelivered!.seq); // acks are idempotent
    await bobAgain.ping();
    expect(bobAgain.pendingFrames.filter((f) => f.type === 'error')).toEqual([]);
    await Promise.all([alice.close(), bobAgain.close(), carol.close()]);
  });

  it('applies an ack carried by a send before the send, even when the send is refused', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const ids = Array.from({ length: 4 }, () => newMessageId());
    for (const id of ids) alice.sendNoWait(bob.address, randomPayload(), id);
    for (let rid = 1; rid <= ids.length; rid++) await alice.answerTo(rid);
    const first = await reconnect(relay.url, bob);
    const got = await drainAll(first, 4);
    // Through the first in a send that is stored, through the second in one refused (no such recipient).
    expect(await first.send(alice.address, randomPayload(), newMessageId(), { ackThrough: got[0]!.seq })).toMatchObject({ type: 'sent' });
    const refused = await first.send({ user: 'nobody-here', device: 1 }, randomPayload(), newMessageId(), { ackThrough: got[1]!.seq });
    expect(refused).toMatchObject({ type: 'error', code: 'unknown_recipient' });
    // An ack beyond what this connection was given refuses the send with it: nothing stored, nothing acked.
    const beyond = await first.send(alice.address, randomPayload(), newMessageId(), { ackThrough: got[3]!.seq + 1 });
    expect(beyond).toMatchObject({ type: 'error', code: 'unknown_delivery', rid: 3 });
    await first.close();
    const second = await reconnect(relay.url, bob);
    const again = await drainAll(second, 2);
    expect(again.map((d) => d.messageId)).toEqual([ids[2], ids[3]]);
    await second.ping();
    expect(second.deliveries).toHaveLength(2);
    const [storedForAlice] = await alice.waitForDeliveries(1);
    await alice.ping();
    expect(alice.deliveries).toHaveLength(1); // the refused sends stored nothing
    expect(storedForAlice?.from).toEqual(bob.address);
    await Promise.all([alice.close(), second.close()]);
  });

  it('deletes everything through a cumulative ack and the listed deliveries above a gap, keeping the gap', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const ids = Array.from({ length: 6 }, () => newMessageId());
    for (const id of ids) alice.sendNoWait(bob.address, randomPayload(), id);
    for (let rid = 1; rid <= ids.length; rid++) await alice.answerTo(rid);
    const first = await reconnect(relay.url, bob);
    const got = await drainAll(first, 6);
    const seqs = got.map((d) => d.seq);
    // Stored 1–2, not 3 (a gap: e.g. parked group content), stored 4 and 6, not 5.
    first.ackThrough(seqs[1]!, [seqs[3]!, seqs[5]!]);
    await first.ping();
    await first.close();
    const second = await reconnect(relay.url, bob);
    const again = await drainAll(second, 2);
    expect(again.map((d) => d.messageId)).toEqual([ids[2], ids[4]]);
    // A reconnect after a partial ack: the rest is acked on the new connection and is gone for good.
    second.ackThrough(again[1]!.seq);
    await second.ping();
    await second.close();
    const third = await reconnect(relay.url, bob);
    await third.next('drained');
    await third.ping();
    expect(third.deliveries).toEqual([]);
    await Promise.all([alice.close(), third.close()]);
  });
});

describe('frames', () => {
  it('packs a backlog into few deliver frames and answers a burst of sends with few sent frames', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const ids = Array.from({ length: 12 }, () => newMessageId());
    for (const id of ids) alice.sendNoWait(bob.address, randomPayload(), id);
    for (let rid = 1; rid <= ids.length; rid++) await alice.answerTo(rid);
    const sentFrames = alice.frames.filter((f) => f.type === 'sent');
    expect(sentFrames.length).toBeLessThan(ids.length);
    const online = await reconnect(relay.url, bob, { autoAck: true });
    await drainAll(online, 12);
    const deliverFrames = online.frames.filter((f) => f.type === 'deliver');
    expect(deliverFrames.length).toBeLessThan(4);
    expect(online.deliveries.map((d) => d.messageId)).toEqual(ids);
    await Promise.all([alice.close(), online.close()]);
  });
});

describe('ephemeral sends', () => {
  it('routes a typing notice to an online device and never stores one for an offline device', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.next('drained');
    const carol = await offlineDevice();
    const live = newMessageId();
    expect(await alice.send([bob.address, carol.address], randomPayload(8), live, { ephemeral: true })).toMatchObject({ type: 'sent', status: 'routed' });
    const [delivery] = await bob.waitForDeliveries(1);
    expect(delivery).toMatchObject({ seq: 0, messageId: live, from: alice.address });
    // Nothing waits for carol, and bob's ephemeral delivery needs no ack.
    const carolOnline = await reconnect(relay.url, carol);
    await carolOnline.next('drained');
    await carolOnline.ping();
    expect(carolOnline.deliveries).toEqual([]);
    await bob.close();
    const bobAgain = await reconnect(relay.url, bob);
    await bobAgain.next('drained');
    expect(bobAgain.deliveries).toEqual([]);
    // Ephemeral sends are not deduplicated: the same id again is handed on again.
    expect(await alice.send(carolOnline.address, randomPayload(8), live, { ephemeral: true })).toMatchObject({ status: 'routed' });
    expect((await carolOnline.waitForDeliveries(1))[0]).toMatchObject({ seq: 0, messageId: live });
    await Promise.all([alice.close(), bobAgain.close(), carolOnline.close()]);
  });
});

describe('dedup', () => {
  it('answers a resend of the same message id with duplicate: true and stores it once', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const messageId = newMessageId();
    expect(await alice.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: false });
    expect(await alice.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: true });
    const aliceAgain = await reconnect(relay.url, alice);
    expect(await aliceAgain.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: true });

    const bobOnline = await reconnect(relay.url, bob, { autoAck: true });
    await drainAll(bobOnline, 1);
    await bobOnline.ping();
    expect(bobOnline.deliveries).toHaveLength(1);
    // Still a duplicate after the envelope was acked and deleted.
    expect(await aliceAgain.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: true });
    await bobOnline.ping();
    expect(bobOnline.deliveries).toHaveLength(1);
    await Promise.all([aliceAgain.close(), bobOnline.close()]);
  });

  it('scopes dedup to the sender: the same message id from another sender is a new message', async () => {
    const alice = await registeredDevice(relay.url);
    const carol = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    const messageId = newMessageId();
    expect(await alice.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: false });
    expect(await carol.sendOk(bob.address, randomPayload(), messageId)).toMatchObject({ duplicate: false });
    const received = await bob.waitForDeliveries(2);
    expect(received.map((d) => d.from.user)).toEqual([alice.address.user, carol.address.user]);
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });
});

describe('unknown recipients', () => {
  it('refuses the whole send when any recipient does not exist, storing nothing', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const answer = await alice.send([bob.address, { user: 'nobody-here', device: 1 }, { user: bob.address.user, device: 9 }]);
    expect(answer).toMatchObject({ type: 'error', code: 'unknown_recipient', rid: 1 });
    expect(answer.type === 'error' && answer.message).toContain('nobody-here.1');
    const bobOnline = await reconnect(relay.url, bob);
    await bobOnline.next('drained');
    expect(bobOnline.deliveries).toEqual([]);
    await Promise.all([alice.close(), bobOnline.close()]);
  });
});
