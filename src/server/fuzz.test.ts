// Fuzz: over 10,000 random and mutated frames (seeded, reproducible) through real sockets, before and after
// auth. The relay must answer without ever failing internally, send only schema-valid frames, and afterwards
// still register, deliver and answer /healthz.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_FRAME_CODES, encodeClientFrame, type ClientFrame } from '../shared/protocol';
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

const KEY = 'C'.repeat(43) + '=';
const SIGNATURE = 'B'.repeat(86) + '==';

function templates(recipient: { user: string; device: number }): ClientFrame[] {
  return [
    { type: 'send', rid: 1, messageId: 'fuzz', to: [recipient], payload: new Uint8Array([0, 1, 2]), ephemeral: false },
    { type: 'send', rid: 1, messageId: 'fuzz-typing', to: [recipient], payload: new Uint8Array([9]), ephemeral: true },
    { type: 'ack', through: 1, also: [3] },
    { type: 'ping', rid: 2 },
    { type: 'auth', nonce: 'A'.repeat(43) + '=', user: recipient.user, device: 1, signature: SIGNATURE },
    { type: 'publish_prekeys', rid: 3, oneTimePrekeys: [{ id: 9, publicKey: KEY }] },
    { type: 'publish_prekeys', rid: 4, signedPrekey: { id: 1, publicKey: KEY, signature: SIGNATURE }, oneTimePrekeys: [] },
    { type: 'fetch_prekeys', rid: 5, user: recipient.user },
    { type: 'count_prekeys', rid: 6 },
  ];
}

const RARE_KEYS = ['rid', 'nonce', 'user', 'username', 'device', 'identityKey', 'signature', 'signedPrekey', 'oneTimePrekeys', 'id', 'publicKey', 'type'];
const CODES = [...Object.values(CLIENT_FRAME_CODES), 0x00, 0x04, 0x0f, 0x15, 0x7f, 0x81, 0x90, 0xff];

/** A valid binary frame with bytes flipped, cut, added, inserted, or its code byte swapped. */
function mutatedBytes(recipient: { user: string; device: number }): fc.Arbitrary<Fuzzed> {
  return fc
    .tuple(
      fc.constantFrom(...templates(recipient).map((frame) => encodeClientFrame(frame))),
      fc.constantFrom('flip', 'cut', 'append', 'insert', 'recode'),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(...CODES),
    )
    .map(([template, mutation, position, value, extra, code]) => {
      const at = position % template.length;
      const bytes = new Uint8Array(template);
      if (mutation === 'flip') bytes[at] = value;
      else if (mutation === 'cut') return { bytes: bytes.subarray(0, at) };
      else if (mutation === 'append') return { bytes: new Uint8Array([...bytes, ...extra]) };
      else if (mutation === 'insert') return { bytes: new Uint8Array([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]) };
      else bytes[0] = code;
      return { bytes };
    });
}

/** A rare frame whose JSON body has one field replaced, removed, added or nested. */
function mutatedRare(recipient: { user: string; device: number }): fc.Arbitrary<Fuzzed> {
  const rare = templates(recipient).filter((frame) => CLIENT_FRAME_CODES[frame.type] >= 0x10);
  return fc
    .tuple(fc.constantFrom(...rare), fc.constantFrom('replace', 'remove', 'add', 'nest'), fc.constantFrom(...RARE_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([template, mutation, key, value]) => {
      const { type, ...body } = template as Record<string, unknown> & { type: keyof typeof CLIENT_FRAME_CODES };
      if (mutation === 'replace') body[key] = value;
      else if (mutation === 'remove') delete body[key];
      else if (mutation === 'add') body[`${key}x`] = value;
      else body.oneTimePrekeys = [{ id: 9, publicKey: KEY, [key]: value }];
      return { bytes: new Uint8Array([CLIENT_FRAME_CODES[type], ...new TextEncoder().encode(JSON.stringify(body))]) };
    });
}

function fuzzedFrame(recipient: { user: string; device: number }): fc.Arbitrary<Fuzzed> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedBytes(recipient) },
    { weight: 2, arbitrary: mutatedRare(recipient) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes })) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Fuzzed>(
        { bytes: new Uint8Array(0) },
        { bytes: new Uint8Array([CLIENT_FRAME_CODES.send]) },
        { bytes: new Uint8Array(300_000) },
        { bytes: new Uint8Array([CLIENT_FRAME_CODES.ack, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0]) },
        { bytes: new Uint8Array([CLIENT_FRAME_CODES.ack, 0, 0, 0, 0, 0, 1, 0xff, 0xff]) },
        { bytes: new Uint8Array([CLIENT_FRAME_CODES.count_prekeys, ...new TextEncoder().encode('{"__proto__":{"rid":1},"rid":1}')]) },
        { bytes: new Uint8Array([CLIENT_FRAME_CODES.count_prekeys, ...new TextEncoder().encode('{"rid":1e400}')]) },
        { text: '{"type":"ping","rid":1}' },
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
    expect(errors.length).toBeGreaterThan(AUTHENTICATED_FRAMES / 3);
    expect(errors.filter((f) => f.code === 'internal')).toEqual([]);
    expect(alice.invalidFrames).toEqual([]);
    // Mutations that left a send valid were stored, each message id once (the template's id repeats).
    const answers = alice.frames.flatMap((f) => (f.type === 'sent' ? f.answers : []));
    expect(answers.filter((a) => a.status === 'duplicate').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 'routed').length).toBeGreaterThan(0);
    // Stored deliveries are unique; ephemeral ones (seq 0) are not deduplicated.
    const delivered = bob.deliveries.filter((d) => d.seq > 0).map((d) => d.messageId);
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
