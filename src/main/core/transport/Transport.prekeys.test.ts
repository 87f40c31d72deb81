// The transport's prekey requests against a scripted relay: frames written, answers decoded to bytes, correlation
// by rid (and by user for fetches), timeouts, drops, offline, local validation, error mapping and the prekeysLow event.
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../shared/encoding/base64';
import type { ServerFrame } from '../../../shared/protocol';
import { ManualClock } from './ManualClock';
import { Transport } from './Transport';
import { TransportError } from './errors';
import { silentLogger } from './logger';
import { FakeRelay, completeHandshake, type FakeSocket } from './testing/FakeRelay';
import type { PrekeyUpload } from './types';

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);
const SPK = { id: 7, publicKey: bytes(32, 1), signature: bytes(64, 2) };
const OTKS = [
  { id: 101, publicKey: bytes(32, 3) },
  { id: 102, publicKey: bytes(32, 4) },
];

interface Harness {
  transport: Transport;
  relay: FakeRelay;
  clock: ManualClock;
  socket: FakeSocket;
}

const transports: Transport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) transport.stop();
});

function offlineTransport(): { transport: Transport; relay: FakeRelay; clock: ManualClock } {
  const relay = new FakeRelay();
  const clock = new ManualClock();
  const transport = new Transport({
    relayUrl: 'ws://127.0.0.1:9',
    credentials: { user: 'alice', device: 1, signer: { sign: async () => bytes(64, 5) } },
    config: { requestTimeoutMs: 5_000, heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 60_000 },
    clock,
    random: () => 0.5,
    socketFactory: relay.factory,
    logger: silentLogger,
  });
  transports.push(transport);
  return { transport, relay, clock };
}

async function online(): Promise<Harness> {
  const harness = offlineTransport();
  harness.transport.start();
  const socket = await completeHandshake(harness.relay);
  return { ...harness, socket };
}

function lastRid(socket: FakeSocket): number {
  const frame = socket.written.at(-1);
  if (!frame || !('rid' in frame)) throw new Error('the client wrote no request');
  return frame.rid;
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('Transport: publishPrekeys', () => {
  it('writes the keys as base64 and resolves with the count the relay now holds', async () => {
    const { transport, socket } = await online();
    const result = transport.publishPrekeys({ signedPreKey: SPK, oneTimePreKeys: OTKS });
    expect(socket.framesOf('publish_prekeys')).toEqual([
      {
        type: 'publish_prekeys',
        rid: expect.any(Number),
        signedPrekey: { id: 7, publicKey: toBase64(SPK.publicKey), signature: toBase64(SPK.signature) },
        oneTimePrekeys: OTKS.map((k) => ({ id: k.id, publicKey: toBase64(k.publicKey) })),
      },
    ]);
    socket.push({ type: 'prekeys_published', rid: lastRid(socket), oneTimePrekeys: 102, kemPrekeys: 0 });
    await expect(result).resolves.toEqual({ oneTimePreKeys: 102, kemPreKeys: 0 });
  });

  it('publishes one-time prekeys alone', async () => {
    const { transport, socket } = await online();
    const result = transport.publishPrekeys({ oneTimePreKeys: OTKS });
    const [frame] = socket.framesOf('publish_prekeys');
    expect(frame).not.toHaveProperty('signedPrekey');
    socket.push({ type: 'prekeys_published', rid: frame!.rid, oneTimePrekeys: 2, kemPrekeys: 0 });
    await expect(result).resolves.toEqual({ oneTimePreKeys: 2, kemPreKeys: 0 });
  });

  it.each<[string, PrekeyUpload]>([
    ['101 one-time prekeys', { oneTimePreKeys: Array.from({ length: 101 }, (_, i) => ({ id: i + 1, publicKey: bytes(32, 1) })) }],
    ['a 31-byte one-time prekey', { oneTimePreKeys: [{ id: 1, publicKey: bytes(31, 1) }] }],
    ['a 33-byte signed prekey', { signedPreKey: { ...SPK, publicKey: bytes(33, 1) }, oneTimePreKeys: [] }],
    ['a 63-byte signature', { signedPreKey: { ...SPK, signature: bytes(63, 1) }, oneTimePreKeys: [] }],
    ['prekey id 0', { oneTimePreKeys: [{ id: 0, publicKey: bytes(32, 1) }] }],
    ['prekey id 2^24', { signedPreKey: { ...SPK, id: 2 ** 24 }, oneTimePreKeys: [] }],
    ['a key that is not bytes', { oneTimePreKeys: [{ id: 1, publicKey: 'AAAA' as unknown as Uint8Array }] }],
    ['no key list', {} as PrekeyUpload],
  ])('refuses %s locally with a non-retryable invalid_request, writing nothing', async (_name, upload) => {
    const { transport, socket } = await online();
    const error = await failure(transport.publishPrekeys(upload));
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(socket.framesOf('publish_prekeys')).toHaveLength(0);
  });
});

describe('Transport: countPrekeys', () => {
  it('resolves with the count and the signed prekey id, null when there is none', async () => {
    const { transport, socket } = await online();
    const first = transport.countPrekeys();
    const second = transport.countPrekeys();
    const [a, b] = socket.framesOf('count_prekeys');
    expect(a).toEqual({ type: 'count_prekeys', rid: expect.any(Number) });
    socket.push({ type: 'prekey_count', rid: b!.rid, oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null });
    socket.push({ type: 'prekey_count', rid: a!.rid, oneTimePrekeys: 12, signedPrekeyId: 7, kemPrekeys: 0, lastResortKemPrekeyId: null });
    await expect(first).resolves.toEqual({ oneTimePreKeys: 12, signedPreKeyId: 7, kemPreKeys: 0, lastResortKemPreKeyId: null });
    await expect(second).resolves.toEqual({ oneTimePreKeys: 0, signedPreKeyId: null, kemPreKeys: 0, lastResortKemPreKeyId: null });
  });
});

describe('Transport: fetchPrekeys', () => {
  const identityKey = bytes(32, 9);

  function bundlesFrame(rid: number, user = 'bob'): ServerFrame {
    return {
      type: 'prekey_bundles',
      rid,
      user,
      accountKey: toBase64(identityKey),
      devices: [
        {
          device: 1,
          identityKey: toBase64(identityKey),
          signedPrekey: { id: 7, publicKey: toBase64(SPK.publicKey), signature: toBase64(SPK.signature) },
          oneTimePrekey: { id: 101, publicKey: toBase64(OTKS[0]!.publicKey) },
          kemPrekey: { id: 9, publicKey: toBase64(bytes(1184, 4)), signature: toBase64(bytes(64, 5)) },
        },
        {
          device: 2,
          identityKey: toBase64(bytes(32, 8)),
          signedPrekey: { id: 3, publicKey: toBase64(bytes(32, 6)), signature: toBase64(bytes(64, 7)) },
          kemPrekey: { id: 4, publicKey: toBase64(bytes(1184, 2)), signature: toBase64(bytes(64, 3)) },
        },
        {
          // A device without any KEM prekey cannot be reached with PQXDH: left out.
          device: 3,
          identityKey: toBase64(bytes(32, 9)),
          signedPrekey: { id: 3, publicKey: toBase64(bytes(32, 6)), signature: toBase64(bytes(64, 7)) },
        },
      ],
    };
  }

  it('asks for the normalized user and decodes every device bundle to bytes', async () => {
    const { transport, socket } = await online();
    const result = transport.fetchPrekeys('Bob');
    expect(socket.framesOf('fetch_prekeys')).toEqual([{ type: 'fetch_prekeys', rid: expect.any(Number), user: 'bob' }]);
    socket.push(bundlesFrame(lastRid(socket)));
    const bundles = await result;
    expect(bundles).toEqual({
      user: 'bob',
      accountKey: identityKey,
      devices: [
        {
          device: 1,
          bundle: {
            identityKey,
            signedPreKey: { id: 7, publicKey: SPK.publicKey, signature: SPK.signature },
            oneTimePreKey: { id: 101, publicKey: OTKS[0]!.publicKey },
            kemPreKey: { id: 9, publicKey: bytes(1184, 4), signature: bytes(64, 5) },
          },
        },
        {
          device: 2,
          bundle: {
            identityKey: bytes(32, 8),
            signedPreKey: { id: 3, publicKey: bytes(32, 6), signature: bytes(64, 7) },
            oneTimePreKey: undefined,
            kemPreKey: { id: 4, publicKey: bytes(1184, 2), signature: bytes(64, 3) },
          },
        },
      ],
    });
    expect(bundles.devices[0]!.bundle.identityKey).toBeInstanceOf(Uint8Array);
  });

  it('ignores bundles of another user or answers of another kind under its rid, then times out retryably', async () => {
    const { transport, socket, clock } = await online();
    const result = transport.fetchPrekeys('bob');
    const rid = lastRid(socket);
    socket.push(bundlesFrame(rid, 'mallory'));
    socket.push({ type: 'prekey_count', rid, oneTimePrekeys: 1, signedPrekeyId: 1, kemPrekeys: 0, lastResortKemPrekeyId: null });
    socket.push({ type: 'prekeys_published', rid, oneTimePrekeys: 1, kemPrekeys: 0 });
    clock.advance(5_000);
    expect(await failure(result)).toMatchObject({ code: 'request_timeout', retryable: true });
    expect(transport.snapshot.state).toBe('online');
  });

  it('ignores a malformed answer (a 31-byte key) and stays online', async () => {
    const { transport, socket, clock } = await online();
    const result = transport.fetchPrekeys('bob');
    const frame = bundlesFrame(lastRid(socket)) as Extract<ServerFrame, { type: 'prekey_bundles' }>;
    socket.raw(JSON.stringify({ ...frame, devices: [{ ...frame.devices[0], identityKey: toBase64(bytes(31, 1)) }] }));
    socket.raw(JSON.stringify({ ...frame, devices: [] }));
    clock.advance(5_000);
    expect(await failure(result)).toMatchObject({ code: 'request_timeout' });
    expect(transport.snapshot.state).toBe('online');
  });

  it('refuses an invalid username locally', async () => {
    const { transport, socket } = await online();
    expect(await failure(transport.fetchPrekeys('x'))).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(await failure(transport.fetchPrekeys('bob smith'))).toMatchObject({ code: 'invalid_request' });
    expect(socket.framesOf('fetch_prekeys')).toHaveLength(0);
  });

  it.each([
    ['unknown_user', false, undefined, 'No one with that username on this relay.'],
    ['no_prekeys', true, undefined, undefined],
    ['rate_limited', true, 900, undefined],
    ['internal', true, undefined, undefined],
  ] as const)('maps relay error %s to retryable=%s', async (code, retryable, retryAfterMs, message) => {
    const { transport, socket } = await online();
    const result = transport.fetchPrekeys('bob');
    socket.push({ type: 'error', rid: lastRid(socket), code, message: 'relay text', ...(retryAfterMs ? { retryAfterMs } : {}) });
    const error = await failure(result);
    expect(error).toMatchObject({ code, retryable, retryAfterMs });
    expect(error.message).not.toBe('relay text');
    if (message) expect(error.message).toBe(message);
  });
});

describe('Transport: prekey request failures', () => {
  const requests: Array<[string, (t: Transport) => Promise<unknown>]> = [
    ['publishPrekeys', (t) => t.publishPrekeys({ signedPreKey: SPK, oneTimePreKeys: OTKS })],
    ['fetchPrekeys', (t) => t.fetchPrekeys('bob')],
    ['countPrekeys', (t) => t.countPrekeys()],
  ];

  it.each(requests)('%s fails fast and retryably while offline, writing nothing', async (_name, call) => {
    const { transport, relay } = offlineTransport();
    expect(await failure(call(transport))).toMatchObject({ code: 'offline', retryable: true });
    transport.start();
    relay.last.open();
    expect(await failure(call(transport))).toMatchObject({ code: 'offline', retryable: true });
    expect(relay.last.written.filter((f) => f.type !== 'auth')).toHaveLength(0);
  });

  it.each(requests)('%s fails retryably when the connection drops in flight', async (_name, call) => {
    const { transport, socket } = await online();
    const result = call(transport);
    socket.serverClose(1006);
    expect(await failure(result)).toMatchObject({ code: 'connection_lost', retryable: true });
  });

  it.each(requests)('%s times out retryably when the relay never answers', async (_name, call) => {
    const { transport, clock } = await online();
    const result = call(transport);
    clock.advance(4_999);
    clock.advance(1);
    expect(await failure(result)).toMatchObject({ code: 'request_timeout', retryable: true });
  });

  it.each([
    ['bad_prekey_signature', false],
    ['too_many_prekeys', false],
    ['internal', true],
  ] as const)('publishPrekeys maps %s to retryable=%s with a message for people', async (code, retryable) => {
    const { transport, socket } = await online();
    const result = transport.publishPrekeys({ signedPreKey: SPK, oneTimePreKeys: [] });
    socket.push({ type: 'error', rid: lastRid(socket), code, message: 'x' });
    const error = await failure(result);
    expect(error).toMatchObject({ code, retryable });
    expect(error.message.length).toBeGreaterThan(10);
  });
});

describe('Transport: prekeysLow', () => {
  it('emits the count the relay reports, only from the current connection', async () => {
    const { transport, socket, clock, relay } = await online();
    const seen: number[] = [];
    transport.on('prekeysLow', (count) => seen.push(count));
    socket.push({ type: 'prekeys_low', oneTimePrekeys: 19, kemPrekeys: 0 });
    expect(seen).toEqual([19]);
    socket.serverClose(1006);
    socket.push({ type: 'prekeys_low', oneTimePrekeys: 3, kemPrekeys: 0 });
    clock.advance(250);
    const next = await completeHandshake(relay);
    next.push({ type: 'prekeys_low', oneTimePrekeys: 0, kemPrekeys: 0 });
    expect(seen).toEqual([19, 0]);
    expect(transport.snapshot.state).toBe('online');
  });
});
