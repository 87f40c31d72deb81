// Checked sends over real sockets: a send that knows an account's devices wrong (one missing, one that does not exist,
// one under another identity key) is refused with `devices_changed`, listing how, and stores nothing; one that knows
// them right is stored; the sending device is never expected; a checked send keeps its place among the device's sends.
// The same on a relay on SQLite and one on Redis (the check reads the store's device lists).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityKeyTag, type Address, type ErrorFrame, type KnownDevice } from '../../shared/protocol';
import { linkedDevice } from '../../../test/support/linking';
import { RawDevice, randomPayload, registeredDevice, type SentEvent } from '../../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../../test/support/relay-harness';
import { startTestRedis, type TestRedis } from '../../../test/support/redis-server';
import { sharedBlobs, type SharedBlobs } from '../../../test/support/shared-blobs';

let relay: TestRelay;
let redis: TestRedis;
let blobs: SharedBlobs;
const relays: Record<string, TestRelay> = {};

beforeAll(async () => {
  redis = await startTestRedis();
  blobs = sharedBlobs();
  relays.SQLite = await startTestRelay({ abuseThreshold: 1000 });
  relays.Redis = await startTestRelay({ abuseThreshold: 1000, store: 'redis', redisUrls: [redis.url], ...blobs.config });
});
afterAll(async () => {
  await Promise.all(Object.values(relays).map((r) => r.close()));
  await redis?.stop();
  blobs?.remove();
});

function knowing(device: RawDevice, keyTag = identityKeyTag(device.identity.publicKey)): KnownDevice {
  return { ...device.address, keyTag };
}

function refusal(answer: SentEvent | ErrorFrame): ErrorFrame {
  if (answer.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
  return answer;
}

async function account(): Promise<{ primary: RawDevice; laptop: RawDevice }> {
  const primary = await registeredDevice(relay.url);
  return { primary, laptop: await linkedDevice(relay.url, primary) };
}

describe.each(['SQLite', 'Redis'])('a checked send, relay on %s', (store) => {
  beforeAll(() => {
    relay = relays[store]!;
  });

  it('is refused, storing nothing, when it misses a device, knows one that does not exist, or knows another key', async () => {
    const alice = await account();
    const bob = await registeredDevice(relay.url);
    const user = alice.primary.address.user;
    const ghost: KnownDevice = { user, device: 7, keyTag: 1 };

    const missing = refusal(await bob.send(alice.primary.address, randomPayload(), undefined, { known: [knowing(alice.primary)] }));
    expect(missing).toMatchObject({ code: 'devices_changed', devices: [{ user, missing: [2], extra: [], stale: [] }] });

    const extra = refusal(await bob.send(alice.primary.address, randomPayload(), undefined, { known: [knowing(alice.primary), knowing(alice.laptop), ghost] }));
    expect(extra.devices).toEqual([{ user, missing: [], extra: [7], stale: [] }]);

    const wrongTag = (identityKeyTag(alice.laptop.identity.publicKey) + 1) >>> 0;
    const stale = refusal(await bob.send(alice.primary.address, randomPayload(), undefined, { known: [knowing(alice.primary), knowing(alice.laptop, wrongTag)] }));
    expect(stale.devices).toEqual([{ user, missing: [], extra: [], stale: [2] }]);

    // Known right, it is stored; the first delivery either device gets is this one: nothing refused was stored.
    const right = randomPayload();
    expect(await bob.send([alice.primary.address, alice.laptop.address], right, undefined, { known: [knowing(alice.primary), knowing(alice.laptop)] })).toMatchObject({ type: 'sent', status: 'stored' });
    for (const device of [alice.primary, alice.laptop]) {
      const [first] = await device.waitForDeliveries(1);
      expect(Buffer.from(first!.payload)).toEqual(Buffer.from(right));
    }
  });

  it('names only the accounts that differ; an account that does not exist has all its known devices extra', async () => {
    const alice = await account();
    const carol = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    const nobody: KnownDevice = { user: 'nobody-here', device: 1, keyTag: 5 };
    const answer = refusal(
      await bob.send([carol.address, nobody], randomPayload(), undefined, { known: [knowing(carol), nobody, knowing(alice.primary)] }),
    );
    expect(answer.devices).toEqual([
      { user: 'nobody-here', missing: [], extra: [1], stale: [] },
      { user: alice.primary.address.user, missing: [2], extra: [], stale: [] },
    ]);
  });

  it('never expects the sending device among its own account’s, and ignores it if named', async () => {
    const alice = await account();
    const toLaptop = [alice.laptop.address];
    expect(await alice.primary.send(toLaptop, randomPayload(), undefined, { known: [knowing(alice.laptop)] })).toMatchObject({ status: 'stored' });
    expect(await alice.primary.send(toLaptop, randomPayload(), undefined, { known: [knowing(alice.primary, 9), knowing(alice.laptop)] })).toMatchObject({ status: 'stored' });
    const tablet = await linkedDevice(relay.url, alice.primary);
    expect(refusal(await alice.laptop.send(alice.primary.address, randomPayload(), undefined, { known: [knowing(alice.primary)] })).devices).toEqual([
      { user: alice.primary.address.user, missing: [tablet.address.device], extra: [], stale: [] },
    ]);
  });

  it('keeps its place: sends behind a checked one are stored after it', async () => {
    const bob = await registeredDevice(relay.url);
    const carol = await registeredDevice(relay.url);
    const payloads = [randomPayload(), randomPayload(), randomPayload()];
    const rids = [
      bob.sendNoWait(carol.address, payloads[0]),
      bob.sendNoWait(carol.address, payloads[1], undefined, { known: [knowing(carol)] }),
      bob.sendNoWait(carol.address, payloads[2]),
    ];
    for (const rid of rids) expect(await bob.answerTo(rid)).toMatchObject({ status: 'stored' });
    expect((await carol.waitForDeliveries(3)).map((d) => Buffer.from(d.payload))).toEqual(payloads.map((p) => Buffer.from(p)));
  });

  it('is malformed when a recipient is not among the devices it knows, or when it is ephemeral', async () => {
    const bob = await registeredDevice(relay.url);
    const carol = await registeredDevice(relay.url);
    const other: Address = { user: carol.address.user, device: 2 };
    expect(refusal(await bob.send(other, randomPayload(), undefined, { known: [knowing(carol)] })).code).toBe('malformed_frame');
    expect(refusal(await bob.send(carol.address, randomPayload(), undefined, { known: [knowing(carol)], ephemeral: true })).code).toBe('malformed_frame');
  });
});

describe('checked sends on a relay on Redis', () => {
  it('received while a check runs are checked together: one read of each account per group, not per send', async () => {
    relay = relays.Redis!;
    const bob = await registeredDevice(relay.url);
    const carol = await registeredDevice(relay.url);
    const admin = new Redis(redis.url);
    const accountReads = async () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
    try {
      const before = await accountReads();
      const sends = 20;
      const payloads = Array.from({ length: sends }, () => randomPayload());
      const rids = payloads.map((payload) => bob.sendNoWait(carol.address, payload, undefined, { known: [knowing(carol)] }));
      for (const rid of rids) expect(await bob.answerTo(rid)).toMatchObject({ status: 'stored' });
      expect((await carol.waitForDeliveries(sends)).map((d) => Buffer.from(d.payload))).toEqual(payloads.map((p) => Buffer.from(p)));
      // A read of carol's devices is two HGETALLs (devices, last seen). One check per send read them 20 times; here the
      // first send is checked alone and those that arrived meanwhile together, so a few reads however the frames land.
      const reads = (await accountReads()) - before;
      expect(reads).toBeGreaterThanOrEqual(2);
      expect(reads).toBeLessThanOrEqual(sends);
    } finally {
      admin.disconnect();
    }
  });
});
