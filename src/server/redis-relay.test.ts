// A relay on the Redis store (PARLEY_STORE=redis) end to end: live delivery, a backlog kept in Redis across a
// relay restart and drained in order, dedup of a resend, prekeys; two relays sharing blobs (records in Redis, bytes
// in one directory); and the start-up check that logs which durability promise Redis's AOF configuration gives.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkFrame, waitingDevice } from '../../test/support/linking';
import { startLoopbackProxy } from '../../test/support/loopback-proxy';
import { RawDevice, newMessageId, randomPayload, reconnect, registeredDevice, uniqueUsername } from '../../test/support/raw-device';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../../test/support/relay-harness';
import { monitorRedis, startTestRedis, type TestRedis } from '../../test/support/redis-server';
import { sharedBlobs, type SharedBlobs } from '../../test/support/shared-blobs';
import { CloseCode, decodeServerFrame, encodeServerFrame, type DeliveredEnvelope } from '../shared/protocol';
import { BUS_DELIVERY_MAX_BYTES } from './cluster/device-bus';
import { createJsonLogger } from './log';
import { checkRedisDurability } from './store/redis/redis-durability';
import { redisKeys } from './store/redis/redis-keys';
import { openRedisStore } from './store/redis/redis-store';

let redis: TestRedis;
let blobs: SharedBlobs;

beforeAll(async () => {
  redis = await startTestRedis({ appendfsync: 'always' });
  blobs = sharedBlobs();
});
afterAll(async () => {
  await redis.stop();
  blobs.remove();
});

describe('relay on Redis', () => {
  it('delivers live, keeps a backlog across a relay restart, drains it in order and answers a resend duplicate', async () => {
    const dataDir = makeTempDir();
    const lines: string[] = [];
    const logger = createJsonLogger('info', (line) => lines.push(line));
    const options = { store: 'redis' as const, redisUrls: [redis.url], rateLimitBurst: 10_000, ...blobs.config };
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

describe('two relays on one Redis', () => {
  it('share blobs: an upload started through one finishes through the other and downloads through either', async () => {
    const options = { store: 'redis' as const, redisUrls: [redis.url], ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    try {
      const alice = { user: 'alice', device: 1 };
      const bob = { user: 'bob', device: 1 };
      const bytes = randomBytes(200_000);
      const tus = { 'Tus-Resumable': '1.0.0' };
      const { blobId, token } = await nodeA.blobs.access.uploadToken(alice, bytes.length);
      const upload = (node: TestRelay, method: string, headers: Record<string, string>, body?: Uint8Array) =>
        fetch(`${node.httpUrl}/v1/blobs${method === 'POST' ? '' : `/${blobId}`}`, { method, headers: { ...tus, Authorization: `Bearer ${token}`, ...headers }, body });
      const part = { 'Content-Type': 'application/offset+octet-stream' };
      expect((await upload(nodeA, 'POST', { 'Upload-Length': String(bytes.length) })).status).toBe(201);
      expect((await upload(nodeA, 'PATCH', { ...part, 'Upload-Offset': '0' }, bytes.subarray(0, 80_000))).status).toBe(204);
      // Node A goes away mid-upload (a load balancer sends the client to B): B knows where to continue.
      expect((await upload(nodeB, 'HEAD', {})).headers.get('upload-offset')).toBe('80000');
      expect((await upload(nodeB, 'PATCH', { ...part, 'Upload-Offset': '80000' }, bytes.subarray(80_000))).status).toBe(204);
      expect(await nodeB.blobs.index.usedBytes('alice')).toBe(bytes.length);

      await nodeB.blobs.access.grant(alice, blobId, [bob]);
      for (const node of [nodeA, nodeB]) {
        const { token: download } = await node.blobs.access.downloadToken(bob, blobId);
        const response = await fetch(`${node.httpUrl}/v1/blobs/${blobId}`, { headers: { Authorization: `Bearer ${download}`, Range: 'bytes=79990-80009' } });
        expect(response.status).toBe(206);
        expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(79_990, 80_010));
      }
      // A token from one relay opens the blob on the other (one secret), and the whole blob arrives.
      const { token: fromA } = await nodeA.blobs.access.downloadToken(bob, blobId);
      const whole = await fetch(`${nodeB.httpUrl}/v1/blobs/${blobId}`, { headers: { Authorization: `Bearer ${fromA}` } });
      expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
      await expect(nodeB.blobs.access.downloadToken({ user: 'mallory', device: 1 }, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
  });

  it('hand a typing notice (an ephemeral send) to its recipient on the other relay', async () => {
    const options = { store: 'redis' as const, redisUrls: [redis.url], ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    try {
      const alice = await registeredDevice(nodeA.url);
      const bob = await registeredDevice(nodeB.url, undefined, { autoAck: true });
      await Promise.all([alice.next('drained'), bob.next('drained')]);
      // A stored message reaching Bob live says node B listens for him on the bus.
      await alice.sendOk(bob.address, randomPayload());
      await bob.waitForDeliveries(1);
      const typing = randomPayload(24);
      expect(await alice.send(bob.address, typing, newMessageId(), { ephemeral: true })).toMatchObject({ type: 'sent', status: 'routed' });
      const [, notice] = await bob.waitForDeliveries(2);
      expect(notice).toMatchObject({ seq: 0, from: alice.address });
      expect(Buffer.from(notice!.payload)).toEqual(Buffer.from(typing));
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
  });
  it("hand stored deliveries to the recipient's relay on the bus, which pushes them without reading the mailbox", async () => {
    const options = { store: 'redis' as const, redisUrls: [redis.url], rateLimitBurst: 10_000, ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    const admin = new Redis(redis.url);
    // A relay reading a mailbox: an XRANGE of its own (an ack's XRANGE runs inside a script, which MONITOR names `lua`).
    const monitor = await monitorRedis(redis.url);
    let reads = 0;
    let looks = 0;
    let marked = { mark: '', seen: () => {} };
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const command = String(args[0]).toLowerCase();
      if (command === 'xrange') {
        if (source === 'lua') looks += 1;
        else reads += 1;
      }
      if (command === 'echo' && args[1] === marked.mark) marked.seen();
    });
    // Counted once MONITOR has shown a marker sent now, so every command Redis ran before it.
    const mailboxReads = async () => {
      const mark = newMessageId();
      await new Promise<void>((seen) => {
        marked = { mark, seen };
        void admin.echo(mark);
      });
      return reads;
    };
    try {
      const alice = await registeredDevice(nodeA.url);
      const bob = await registeredDevice(nodeB.url, undefined, { autoAck: true });
      await Promise.all([alice.next('drained'), bob.next('drained')]);
      // Malformed deliveries on Bob's channel reach no one (checked like a frame).
      const channel = `parley:dev:${bob.address.user}:${bob.address.device}`;
      const forged = { seq: 1, sentAt: 1, messageId: newMessageId(), from: { user: 'mallory', device: 1 }, payload: new Uint8Array([0]) };
      const frame = (deliveries: DeliveredEnvelope[]) => Buffer.from(encodeServerFrame({ type: 'deliver', deliveries }));
      const malformed = [
        Buffer.from([0x81]), // truncated
        Buffer.concat([frame([forged]), Buffer.from([0])]), // a byte after the last field
        frame([{ ...forged, from: { user: 'x', device: 1 } }]), // not a username
        frame([forged, { ...forged, seq: 0 }]), // seq 0 among stored deliveries
        Buffer.from(encodeServerFrame({ type: 'pong', rid: 1 })), // not a deliver frame
      ];
      for (const message of malformed) await admin.publish(channel, message);
      // What goes on the bus: the deliveries as a protocol deliver frame, payload bytes as they are (no JSON, no base64).
      const listener = new Redis(redis.url);
      const onBus: Buffer[] = [];
      listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => onBus.push(message));
      await listener.subscribe(channel);
      const before = await mailboxReads();
      const ids = Array.from({ length: 5 }, () => newMessageId());
      const payloads = ids.map(() => randomPayload());
      for (const [i, id] of ids.entries()) await alice.sendOk(bob.address, payloads[i]!, id);
      const live = await bob.waitForDeliveries(5);
      expect(live.map((d) => [d.seq, d.messageId, d.from])).toEqual(ids.map((id, i) => [i + 1, id, alice.address]));
      expect(await mailboxReads()).toBe(before);
      // Bob's acks name every delivery they free (his relay pushed them all): deleted, with no look for others.
      await expect.poll(() => admin.xlen(redisKeys.mailbox(bob.address))).toBe(0);
      await mailboxReads();
      expect(looks).toBe(0);
      listener.disconnect();
      const published = onBus.slice(-5).flatMap((message) => {
        const decoded = decodeServerFrame(new Uint8Array(message));
        return decoded.ok && decoded.frame.type === 'deliver' ? decoded.frame.deliveries : [];
      });
      expect(published.map((d) => [d.seq, d.messageId, Buffer.from(d.payload)])).toEqual(ids.map((id, i) => [i + 1, id, Buffer.from(payloads[i]!)]));
      // More payload than a bus message carries: a wake, and Bob's relay reads it from the mailbox.
      const large = randomPayload(BUS_DELIVERY_MAX_BYTES + 1);
      await alice.sendOk(bob.address, large);
      const [, , , , , read] = await bob.waitForDeliveries(6);
      expect(read).toMatchObject({ seq: 6, from: alice.address });
      expect(Buffer.from(read!.payload)).toEqual(Buffer.from(large));
      expect(await mailboxReads()).toBeGreaterThan(before);
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      admin.disconnect();
      monitor.disconnect();
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
  });

  it("push a delivery stored while the recipient's relay was still subscribing to him: his first mailbox read waits for the subscription", async () => {
    // Node B reaches Redis through a proxy that holds B's subscription to Bob's channel until the test lets it go.
    const proxy = await startLoopbackProxy({ port: redis.port });
    const options = { store: 'redis' as const, redisUrls: [redis.url], ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay({ ...options, redisUrls: [`redis://127.0.0.1:${proxy.port}`] })]);
    try {
      const alice = await registeredDevice(nodeA.url);
      await alice.next('drained');
      const subscribing = proxy.holdFromClient((chunk) => chunk.includes('parley:dev:'));
      const bobName = uniqueUsername();
      const connecting = registeredDevice(nodeB.url, bobName, { autoAck: true });
      // Bob is registered and ready on B, which is subscribing: what A stores for him now it publishes to no one.
      await subscribing.held;
      const id = newMessageId();
      await alice.sendOk({ user: bobName, device: 1 }, randomPayload(), id);
      subscribing.release();
      const bob = await connecting;
      // Read from his mailbox once B listens (read before, it would have missed the message until the next wake).
      const [delivered] = await bob.waitForDeliveries(1, 5_000);
      expect(delivered).toMatchObject({ seq: 1, messageId: id, from: alice.address });
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
      await proxy.close();
    }
  });

  it('link a device waiting on one relay from a primary on the other, once', async () => {
    const options = { store: 'redis' as const, redisUrls: [redis.url], ...blobs.config };
    const [nodeA, nodeB] = await Promise.all([startTestRelay(options), startTestRelay(options)]);
    try {
      const alice = await registeredDevice(nodeA.url);
      const waiting = await waitingDevice(nodeB.url);
      // What comes off the bus is checked like a frame: malformed messages on the address's channel reach no one.
      const admin = new Redis(redis.url);
      for (const forged of ['not json', JSON.stringify({ user: 'mallory', device: 7, body: '!!' }), JSON.stringify({ user: 'mallory', device: 7, body: 'AA==', extra: 1 })]) {
        await admin.publish(`parley:prov:${waiting.address.address}`, forged);
      }
      admin.disconnect();
      const frame = await alice.request((rid) => linkFrame(alice, waiting, rid, { body: 'AAECAw==' }));
      expect(frame).toEqual({ type: 'device_linked', rid: expect.any(Number), device: 2 });
      expect(await waiting.socket.next('provision_message')).toEqual({ type: 'provision_message', user: alice.address.user, device: 2, body: 'AAECAw==' });
      expect((await waiting.socket.closed).code).toBe(CloseCode.provisioningDone);
      // The new device authenticates as the id it was given, on the other node.
      const laptop = await RawDevice.connect(nodeA.url, { identity: waiting.identity });
      expect(await laptop.auth(alice.address.user, 2)).toMatchObject({ device: 2, registered: false });
      // An address serves once, whichever node the replay reaches.
      expect(await alice.request((rid) => linkFrame(alice, waiting, rid))).toMatchObject({ type: 'error', code: 'unknown_provisioning_address' });
      const aliceOnB = await reconnect(nodeB.url, alice);
      expect(await aliceOnB.request((rid) => linkFrame(aliceOnB, waiting, rid))).toMatchObject({ type: 'error', code: 'unknown_provisioning_address' });
      await Promise.all([laptop.close(), aliceOnB.close()]);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
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
