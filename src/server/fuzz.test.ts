// Fuzz: over 10,000 random and mutated frames (seeded, reproducible) through real sockets, before and after
// auth. The relay must answer without ever failing internally, send only schema-valid frames, and afterwards
// still register, deliver and answer /healthz.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, type ClientFrame } from '../shared/protocol';
import { countOf, oneTimePrekeys, publish, signedPrekeyFor } from '../../test/support/prekeys';
import { RawDevice, newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

const SEED = 20_261_124;
const AUTHENTICATED_FRAMES = 10_000;
const PRE_AUTH_CONNECTIONS = 150;

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ abuseThreshold: 1_000_000_000, rateLimitPerSecond: 1_000_000, rateLimitBurst: 1_000_000 });
});
afterAll(async () => {
  await relay.close();
});

type Fuzzed = { text: string } | { bytes: Uint8Array };

const VALID_KEYS = [
  'type', 'rid', 'messageId', 'to', 'payload', 'deliveryId', 'nonce', 'user', 'username', 'device', 'identityKey', 'signature',
  'signedPrekey', 'oneTimePrekeys', 'id', 'publicKey',
];
const FRAME_TYPES = [
  'send', 'ack', 'ping', 'register', 'auth', 'deliver', 'sent', 'error', 'challenge', 'ready',
  'publish_prekeys', 'fetch_prekeys', 'count_prekeys', 'prekeys_published', 'prekey_bundles', 'prekey_count', 'prekeys_low',
];

const KEY = 'C'.repeat(43) + '=';

function templates(recipient: { user: string; device: number }): ClientFrame[] {
  return [
    { type: 'send', rid: 1, messageId: 'fuzz', to: [recipient], payload: 'AAEC' },
    { type: 'ack', deliveryId: '1' },
    { type: 'ping', rid: 2 },
    { type: 'auth', nonce: 'A'.repeat(43) + '=', user: recipient.user, device: 1, signature: 'B'.repeat(86) + '==' },
    { type: 'publish_prekeys', rid: 3, oneTimePrekeys: [{ id: 9, publicKey: KEY }] },
    { type: 'publish_prekeys', rid: 4, signedPrekey: { id: 1, publicKey: KEY, signature: 'B'.repeat(86) + '==' }, oneTimePrekeys: [] },
    { type: 'fetch_prekeys', rid: 5, user: recipient.user },
    { type: 'count_prekeys', rid: 6 },
  ];
}

/** A valid frame with one field replaced, removed or added, or its type swapped. */
function mutatedFrame(recipient: { user: string; device: number }): fc.Arbitrary<Fuzzed> {
  return fc
    .tuple(
      fc.constantFrom(...templates(recipient)),
      fc.constantFrom('replace', 'remove', 'add', 'retype', 'nest'),
      fc.constantFrom(...VALID_KEYS),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(...FRAME_TYPES),
    )
    .map(([template, mutation, key, value, type]) => {
      const frame: Record<string, unknown> = { ...template };
      if (mutation === 'replace') frame[key] = value;
      else if (mutation === 'remove') delete frame[key];
      else if (mutation === 'add') frame[`${key}x`] = value;
      else if (mutation === 'retype') frame.type = type;
      else if (template.type === 'publish_prekeys') frame.oneTimePrekeys = [{ id: 9, publicKey: KEY, [key]: value }];
      else frame.to = [{ ...recipient, [key]: value }];
      return { text: JSON.stringify(frame) };
    });
}

function fuzzedFrame(recipient: { user: string; device: number }): fc.Arbitrary<Fuzzed> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedFrame(recipient) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes })) },
    { weight: 1, arbitrary: fc.object({ maxDepth: 2 }).map((value) => ({ text: JSON.stringify(value) })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Fuzzed>(
        { text: '' },
        { text: '{' },
        { text: '"' + 'x'.repeat(300_000) + '"' },
        { text: '{"type":"send","rid":1,"messageId":"m","to":[],"payload":""}' },
        { text: '{"type":"__proto__","rid":1}' },
        { text: '{"__proto__":{"type":"ping"},"rid":1}' },
        { text: '{"type":"ping","rid":1e400}' },
        { text: '{"type":"ping","rid":-0}' },
        { text: encodeFrame({ type: 'ack', deliveryId: '9'.repeat(64) }) },
      ),
    },
  );
}

function write(device: RawDevice, fuzzed: Fuzzed): void {
  if ('bytes' in fuzzed) device.sendBinary(fuzzed.bytes);
  else device.sendText(fuzzed.text);
}

describe('fuzz', () => {
  it(`survives ${AUTHENTICATED_FRAMES} random frames after auth and ${PRE_AUTH_CONNECTIONS} before`, async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url, undefined, { autoAck: true });
    await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 100));
    const frames = fc.sample(fuzzedFrame(bob.address), { numRuns: AUTHENTICATED_FRAMES, seed: SEED });
    expect(frames).toHaveLength(AUTHENTICATED_FRAMES);

    for (let start = 0; start < frames.length; start += 250) {
      for (const fuzzed of frames.slice(start, start + 250)) write(alice, fuzzed);
      await alice.ping(); // back-pressure: the relay has handled the whole chunk
    }
    expect(alice.closeStatus).toBeUndefined();
    const errors = alice.frames.filter((f) => f.type === 'error');
    expect(errors.length).toBeGreaterThan(AUTHENTICATED_FRAMES / 2);
    expect(errors.filter((f) => f.code === 'internal')).toEqual([]);
    expect(alice.invalidFrames).toEqual([]);
    // Mutations that left a send valid were stored, each message id once (the template's id repeats).
    expect(alice.frames.filter((f) => f.type === 'sent' && f.duplicate).length).toBeGreaterThan(0);
    const delivered = bob.deliveries.map((d) => d.messageId);
    expect(delivered.length).toBeGreaterThan(0);
    expect(new Set(delivered).size).toBe(delivered.length);
    // Valid prekey requests among them were answered; fetches drew bob's one-time prekeys, none twice. Alice's
    // prekey requests are carried out in order, so once her own count is answered all earlier ones are too.
    await countOf(alice);
    expect(alice.frames.filter((f) => f.type === 'prekey_count').length).toBeGreaterThan(1);
    const drawn = alice.frames.flatMap((f) => (f.type === 'prekey_bundles' ? [f.devices[0]?.oneTimePrekey?.id] : []));
    expect(drawn.length).toBeGreaterThan(0);
    const distinct = drawn.filter((id) => id !== undefined);
    expect(new Set(distinct).size).toBe(distinct.length);
    expect((await countOf(bob)).oneTimePrekeys).toBe(100 - distinct.length);

    const preAuth = fc.sample(fuzzedFrame(bob.address), { numRuns: PRE_AUTH_CONNECTIONS, seed: SEED + 1 });
    for (let start = 0; start < preAuth.length; start += 25) {
      await Promise.all(
        preAuth.slice(start, start + 25).map(async (fuzzed) => {
          const stranger = await RawDevice.connect(relay.url);
          write(stranger, fuzzed);
          const closed = await stranger.waitForClose();
          expect(closed.code).toBeGreaterThanOrEqual(4000);
          expect(stranger.frames.filter((f) => f.type === 'error' && f.code === 'internal')).toEqual([]);
          expect(stranger.invalidFrames).toEqual([]);
        }),
      );
    }

    // Still serving: a new user registers, a message goes through, health answers.
    const carol = await registeredDevice(relay.url);
    const messageId = newMessageId();
    await alice.sendOk(carol.address, randomPayload(), messageId);
    const [delivery] = await carol.waitForDeliveries(1);
    expect(delivery?.messageId).toBe(messageId);
    const again = await reconnect(relay.url, alice);
    await again.ping();
    const health = (await (await fetch(`${relay.httpUrl}/healthz`)).json()) as { connectedDevices: number };
    expect(health.connectedDevices).toBe(3);
    expect(bob.invalidFrames).toEqual([]);
    await Promise.all([again.close(), bob.close(), carol.close()]);
  }, 60_000);
});
