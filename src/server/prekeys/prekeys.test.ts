// The prekey directory end to end over real sockets: publish, count and fetch; one-time prekeys consumed exactly
// once (also under concurrent fetches); bad signatures, unknown users, missing prekeys, the asking device left out;
// the cap, the fetch rate limit and the prekeys_low push; and every malformed variant refused with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREKEY_ID } from '../../shared/crypto/prekeys';
import { toBase64 } from '../../shared/encoding/base64';
import { MAX_WIRE_PREKEY_ID, PreKeyId, type PrekeyBundlesFrame } from '../../shared/protocol';
import { addDeviceDirectly, countOf, fetchBundles, oneTimePrekeys, publish, signedPrekeyFor } from '../../../test/support/prekeys';
import { RawDevice, createIdentity, reconnect, registeredDevice, type RelayEvent } from '../../../test/support/raw-device';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ prekeyCap: 150, abuseThreshold: 1000 });
});
afterAll(async () => {
  await relay.close();
});

function bundlesOf(answer: RelayEvent): PrekeyBundlesFrame {
  if (answer.type !== 'prekey_bundles') throw new Error(`expected prekey_bundles, got ${JSON.stringify(answer)}`);
  return answer;
}

function errorCode(answer: RelayEvent): string {
  if (answer.type !== 'error') throw new Error(`expected an error, got ${answer.type}`);
  return answer.code;
}

describe('publish, count, fetch', () => {
  it('round-trips a bundle: the newest signed prekey and the oldest one-time prekey, which is then gone', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null });

    const spk = signedPrekeyFor(bob.identity, 7);
    const keys = oneTimePrekeys(101, 3);
    expect(await publish(bob, spk, keys)).toMatchObject({ type: 'prekeys_published', oneTimePrekeys: 3 });
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 3, signedPrekeyId: 7 });

    const answer = bundlesOf(await fetchBundles(alice, bob.address.user.toUpperCase()));
    expect(answer).toEqual({
      type: 'prekey_bundles',
      rid: expect.any(Number),
      user: bob.address.user,
      accountKey: bob.identity.identityKey,
      devices: [{ device: 1, identityKey: bob.identity.identityKey, signedPrekey: spk, oneTimePrekey: keys[0] }],
    });
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 2, signedPrekeyId: 7 });

    // A new signed prekey replaces the old one; the one-time queue is untouched.
    const rotated = signedPrekeyFor(bob.identity, 8);
    expect(await publish(bob, rotated)).toMatchObject({ type: 'prekeys_published', oneTimePrekeys: 2 });
    const next = bundlesOf(await fetchBundles(alice, bob.address.user));
    expect(next.devices[0]).toEqual({ device: 1, identityKey: bob.identity.identityKey, signedPrekey: rotated, oneTimePrekey: keys[1] });
    expect(alice.invalidFrames).toEqual([]);
    expect(bob.invalidFrames).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('consumes exactly one one-time prekey per fetch, oldest first, then serves bundles without one', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    const keys = oneTimePrekeys(1, 3);
    await publish(bob, signedPrekeyFor(bob.identity, 1), keys);
    const taken = [];
    for (let i = 0; i < 5; i++) taken.push(bundlesOf(await fetchBundles(alice, bob.address.user)).devices[0]?.oneTimePrekey);
    expect(taken).toEqual([keys[0], keys[1], keys[2], undefined, undefined]);
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: 1 });
    // Replenishing brings them back.
    const more = oneTimePrekeys(4, 1);
    await publish(bob, undefined, more);
    expect(bundlesOf(await fetchBundles(alice, bob.address.user)).devices[0]?.oneTimePrekey).toEqual(more[0]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('never hands the same one-time prekey to two of many concurrent fetches', async () => {
    const bob = await registeredDevice(relay.url);
    const keys = oneTimePrekeys(1, 100);
    await publish(bob, signedPrekeyFor(bob.identity, 1), keys);
    const fetchers = await Promise.all(Array.from({ length: 8 }, () => registeredDevice(relay.url)));
    // Every fetcher pipelines 15 fetches without waiting: 120 fetches for 100 keys.
    const answers = await Promise.all(
      fetchers.flatMap((fetcher) => Array.from({ length: 15 }, () => fetchBundles(fetcher, bob.address.user))),
    );
    const handedOut = answers.map((answer) => bundlesOf(answer).devices[0]?.oneTimePrekey?.id).filter((id) => id !== undefined);
    expect(handedOut).toHaveLength(100);
    expect(new Set(handedOut).size).toBe(100);
    expect(new Set(handedOut)).toEqual(new Set(keys.map((k) => k.id)));
    expect(await countOf(bob)).toMatchObject({ oneTimePrekeys: 0 });
    await Promise.all([bob.close(), ...fetchers.map((f) => f.close())]);
  });

  it('treats a repeated id as a replacement, within one publish and across publishes', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    const [first, second] = oneTimePrekeys(5, 2);
    const replacement = { id: 5, publicKey: second!.publicKey };
    expect(await publish(bob, signedPrekeyFor(bob.identity, 1), [first!, replacement])).toMatchObject({ oneTimePrekeys: 1 });
    const [again] = oneTimePrekeys(5, 1);
    expect(await publish(bob, undefined, [again!])).toMatchObject({ oneTimePrekeys: 1 });
    expect(bundlesOf(await fetchBundles(alice, bob.address.user)).devices[0]?.oneTimePrekey).toEqual(again);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('answers an empty publish with the current count and changes nothing', async () => {
    const bob = await registeredDevice(relay.url);
    await publish(bob, signedPrekeyFor(bob.identity, 3), oneTimePrekeys(1, 4));
    expect(await publish(bob, undefined, [])).toMatchObject({ type: 'prekeys_published', oneTimePrekeys: 4 });
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 4, signedPrekeyId: 3 });
    await bob.close();
  });
});

describe('refusals', () => {
  it('rejects a signed prekey whose signature does not verify, storing nothing of the publish', async () => {
    const bob = await registeredDevice(relay.url);
    const good = signedPrekeyFor(bob.identity, 1);
    await publish(bob, good, oneTimePrekeys(1, 2));
    const stranger = createIdentity();
    const forged = [
      signedPrekeyFor(stranger, 2), // signed by another key
      { ...signedPrekeyFor(bob.identity, 2), id: 3 }, // signature over another id
      { ...signedPrekeyFor(bob.identity, 2), publicKey: toBase64(new Uint8Array(32).fill(1)) }, // over another key
      { ...good, signature: toBase64(new Uint8Array(64)) },
    ];
    for (const spk of forged) {
      const answer = await publish(bob, spk, oneTimePrekeys(50, 5));
      expect(answer).toMatchObject({ type: 'error', code: 'bad_prekey_signature', rid: expect.any(Number) });
    }
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 2, signedPrekeyId: 1 });
    await bob.close();
  });

  it('answers unknown_user for a user the relay does not know, and no_prekeys for one who has not published', async () => {
    const alice = await registeredDevice(relay.url);
    const quiet = await registeredDevice(relay.url);
    expect(errorCode(await fetchBundles(alice, 'nobody-by-this-name'))).toBe('unknown_user');
    expect(errorCode(await fetchBundles(alice, quiet.address.user))).toBe('no_prekeys');
    // One-time prekeys alone make no bundle: there is nothing to sign them into X3DH without a signed prekey.
    await publish(quiet, undefined, oneTimePrekeys(1, 3));
    expect(errorCode(await fetchBundles(alice, quiet.address.user))).toBe('no_prekeys');
    expect(await countOf(quiet)).toEqual({ oneTimePrekeys: 3, signedPrekeyId: null });
    expect(alice.closeStatus).toBeUndefined(); // refusals a correct client can meet are not abuse
    await Promise.all([alice.close(), quiet.close()]);
  });

  it('never includes the asking device: its own user has no other device yet', async () => {
    const bob = await registeredDevice(relay.url);
    await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 2));
    expect(errorCode(await fetchBundles(bob, bob.address.user))).toBe('no_prekeys');
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 2, signedPrekeyId: 1 });
    await bob.close();
  });

  it('serves every device of a user, each with its own one-time prekey, leaving out the asking one', async () => {
    const bob = await registeredDevice(relay.url);
    const bob2 = await RawDevice.connect(relay.url, { identity: addDeviceDirectly(relay.dataDir, bob.address.user, 2) });
    await bob2.auth(bob.address.user, 2);
    const alice = await registeredDevice(relay.url);
    const keys1 = oneTimePrekeys(1, 2);
    const keys2 = oneTimePrekeys(1, 2); // ids are per device: the same ids on another device are other keys
    const spk1 = signedPrekeyFor(bob.identity, 1);
    const spk2 = signedPrekeyFor(bob2.identity, 9);
    await publish(bob, spk1, keys1);
    await publish(bob2, spk2, keys2);

    expect(bundlesOf(await fetchBundles(alice, bob.address.user)).devices).toEqual([
      { device: 1, identityKey: bob.identity.identityKey, signedPrekey: spk1, oneTimePrekey: keys1[0] },
      { device: 2, identityKey: bob2.identity.identityKey, signedPrekey: spk2, oneTimePrekey: keys2[0] },
    ]);
    expect(bundlesOf(await fetchBundles(bob2, bob.address.user)).devices).toEqual([
      { device: 1, identityKey: bob.identity.identityKey, signedPrekey: spk1, oneTimePrekey: keys1[1] },
    ]);
    expect(await countOf(bob)).toMatchObject({ oneTimePrekeys: 0 });
    expect(await countOf(bob2)).toMatchObject({ oneTimePrekeys: 1 });
    // A signed prekey signed by device 1's key does not verify for device 2.
    expect(errorCode(await publish(bob2, signedPrekeyFor(bob.identity, 10)))).toBe('bad_prekey_signature');
    await Promise.all([alice.close(), bob.close(), bob2.close()]);
  });

  it('holds at most the cap of one-time prekeys per device, refusing growth beyond it and storing nothing', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    const spk = signedPrekeyFor(bob.identity, 1);
    expect(await publish(bob, spk, oneTimePrekeys(1, 100))).toMatchObject({ oneTimePrekeys: 100 });
    const refused = await publish(bob, signedPrekeyFor(bob.identity, 2), oneTimePrekeys(101, 51));
    expect(refused).toMatchObject({ type: 'error', code: 'too_many_prekeys' });
    expect(refused.type === 'error' && refused.message).toContain('150');
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 100, signedPrekeyId: 1 });
    expect(await publish(bob, undefined, oneTimePrekeys(101, 50))).toMatchObject({ oneTimePrekeys: 150 });
    // At the cap: replacing existing ids and rotating the signed prekey still work; one new id does not.
    expect(await publish(bob, signedPrekeyFor(bob.identity, 2), oneTimePrekeys(1, 10))).toMatchObject({ oneTimePrekeys: 150 });
    expect(errorCode(await publish(bob, undefined, oneTimePrekeys(151, 1)))).toBe('too_many_prekeys');
    // Fetching makes room again.
    await fetchBundles(alice, bob.address.user);
    expect(await publish(bob, undefined, oneTimePrekeys(151, 1))).toMatchObject({ oneTimePrekeys: 150 });
    expect(bob.closeStatus).toBeUndefined();
    await Promise.all([alice.close(), bob.close()]);
  });
});

describe('prekeys_low', () => {
  it('is pushed to the online device once a fetch leaves it below the threshold', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 21));
    await fetchBundles(alice, bob.address.user); // 20 left: not below 20
    await countOf(bob); // the relay has answered bob's frames up to here
    expect(bob.frames.some((f) => f.type === 'prekeys_low')).toBe(false);
    await fetchBundles(alice, bob.address.user);
    expect(await bob.next('prekeys_low')).toEqual({ type: 'prekeys_low', oneTimePrekeys: 19, kemPrekeys: 0 });
    // Offline devices get nothing pushed (and nothing breaks); they count on connecting.
    await bob.close();
    await fetchBundles(alice, bob.address.user);
    const back = await reconnect(relay.url, bob);
    expect(await countOf(back)).toMatchObject({ oneTimePrekeys: 18 });
    expect(back.frames.some((f) => f.type === 'prekeys_low')).toBe(false);
    await Promise.all([alice.close(), back.close()]);
  });
});

describe('malformed prekey frames', () => {
  const key32 = toBase64(new Uint8Array(32).fill(3));
  const sig64 = toBase64(new Uint8Array(64).fill(4));
  const spk = { id: 1, publicKey: key32, signature: sig64 };
  const otk = (id: number, publicKey = key32) => ({ id, publicKey });
  const cases: Array<[string, Record<string, unknown>]> = [
    ['101 one-time prekeys', { type: 'publish_prekeys', oneTimePrekeys: Array.from({ length: 101 }, (_, i) => otk(i + 1)) }],
    ['a 31-byte one-time prekey', { type: 'publish_prekeys', oneTimePrekeys: [otk(1, toBase64(new Uint8Array(31)))] }],
    ['a 33-byte one-time prekey', { type: 'publish_prekeys', oneTimePrekeys: [otk(1, toBase64(new Uint8Array(33)))] }],
    ['a 33-byte signed prekey', { type: 'publish_prekeys', signedPrekey: { ...spk, publicKey: toBase64(new Uint8Array(33)) }, oneTimePrekeys: [] }],
    ['a 63-byte signature', { type: 'publish_prekeys', signedPrekey: { ...spk, signature: toBase64(new Uint8Array(63)) }, oneTimePrekeys: [] }],
    ['prekey id 0', { type: 'publish_prekeys', oneTimePrekeys: [otk(0)] }],
    ['prekey id 2^24', { type: 'publish_prekeys', oneTimePrekeys: [otk(2 ** 24)] }],
    ['a fractional prekey id', { type: 'publish_prekeys', oneTimePrekeys: [otk(1.5)] }],
    ['a non-base64 key', { type: 'publish_prekeys', oneTimePrekeys: [otk(1, '%'.repeat(44))] }],
    ['no one-time prekey list', { type: 'publish_prekeys', signedPrekey: spk }],
    ['an extra field in the frame', { type: 'publish_prekeys', oneTimePrekeys: [otk(1)], device: 2 }],
    ['an extra field in the signed prekey', { type: 'publish_prekeys', signedPrekey: { ...spk, createdAt: 1 }, oneTimePrekeys: [] }],
    ['an extra field in a one-time prekey', { type: 'publish_prekeys', oneTimePrekeys: [{ ...otk(1), used: false }] }],
    ['a signed prekey without signature', { type: 'publish_prekeys', signedPrekey: { id: 1, publicKey: key32 }, oneTimePrekeys: [] }],
    ['a fetch with a bad username', { type: 'fetch_prekeys', user: 'x' }],
    ['a fetch with an address instead of a user', { type: 'fetch_prekeys', user: { user: 'bob', device: 1 } }],
    ['a fetch with an extra field', { type: 'fetch_prekeys', user: 'bob', device: 1 }],
    ['a count with an extra field', { type: 'count_prekeys', device: 2 }],
  ];

  it.each(cases)('answers %s with malformed_frame for its rid and changes nothing', async (_name, body) => {
    const bob = await registeredDevice(relay.url);
    await publish(bob, signedPrekeyFor(bob.identity, 5), oneTimePrekeys(1, 2));
    const { type, ...fields } = body as { type: 'publish_prekeys' | 'fetch_prekeys' | 'count_prekeys' };
    bob.sendRare(type, { ...fields, rid: 4242 });
    expect(await bob.next('error')).toMatchObject({ code: 'malformed_frame', rid: 4242 });
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 2, signedPrekeyId: 5 });
    expect(bob.closeStatus).toBeUndefined();
    await bob.close();
  });

  it('uses the same prekey id range as the crypto layer', () => {
    expect(MAX_WIRE_PREKEY_ID).toBe(MAX_PREKEY_ID);
    expect(PreKeyId.safeParse(MAX_PREKEY_ID).success).toBe(true);
    expect(PreKeyId.safeParse(MAX_PREKEY_ID + 1).success).toBe(false);
  });
});

describe('fetch rate limit', () => {
  it('limits fetches per device with rate_limited and retryAfterMs, consuming nothing for refused ones', async () => {
    const limited = await startTestRelay({ fetchRatePerSecond: 1, fetchRateBurst: 3 });
    try {
      const bob = await registeredDevice(limited.url);
      const alice = await registeredDevice(limited.url);
      await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 10));
      const answers = await Promise.all(Array.from({ length: 5 }, () => fetchBundles(alice, bob.address.user)));
      expect(answers.map((a) => a.type)).toEqual(['prekey_bundles', 'prekey_bundles', 'prekey_bundles', 'error', 'error']);
      for (const refused of answers.slice(3)) {
        expect(refused).toMatchObject({ code: 'rate_limited' });
        expect(refused.type === 'error' && refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.type === 'error' && refused.retryAfterMs).toBeLessThanOrEqual(1000);
      }
      expect(await countOf(bob)).toMatchObject({ oneTimePrekeys: 7 });
      // Per device, not per connection; other devices have their own bucket; counting and publishing are not limited.
      await alice.close();
      const aliceAgain = await reconnect(limited.url, alice);
      expect(errorCode(await fetchBundles(aliceAgain, bob.address.user))).toBe('rate_limited');
      const carol = await registeredDevice(limited.url);
      expect((await fetchBundles(carol, bob.address.user)).type).toBe('prekey_bundles');
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await fetchBundles(aliceAgain, bob.address.user)).type).toBe('prekey_bundles');
      expect(aliceAgain.closeStatus).toBeUndefined();
      await Promise.all([aliceAgain.close(), bob.close(), carol.close()]);
    } finally {
      await limited.close();
    }
  });
});

describe('persistence', () => {
  it('keeps signed and one-time prekeys, and consumed ones stay consumed, across a relay restart', async () => {
    const dataDir = makeTempDir();
    try {
      const first = await startTestRelay({}, { dataDir });
      const bob = await registeredDevice(first.url);
      const alice = await registeredDevice(first.url);
      const spk = signedPrekeyFor(bob.identity, 4);
      const keys = oneTimePrekeys(1, 3);
      await publish(bob, spk, keys);
      expect(bundlesOf(await fetchBundles(alice, bob.address.user)).devices[0]?.oneTimePrekey).toEqual(keys[0]);
      await first.close();

      const second = await startTestRelay({}, { dataDir });
      try {
        const bobAgain = await reconnect(second.url, bob);
        const aliceAgain = await reconnect(second.url, alice);
        expect(await countOf(bobAgain)).toEqual({ oneTimePrekeys: 2, signedPrekeyId: 4 });
        expect(bundlesOf(await fetchBundles(aliceAgain, bob.address.user)).devices).toEqual([
          { device: 1, identityKey: bob.identity.identityKey, signedPrekey: spk, oneTimePrekey: keys[1] },
        ]);
        await Promise.all([aliceAgain.close(), bobAgain.close()]);
      } finally {
        await second.close();
      }
    } finally {
      removeDir(dataDir);
    }
  });
});
