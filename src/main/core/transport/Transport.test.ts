import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, authSigningBytes, encodeClientFrame, encodeServerFrame, MAX_FRAME_BYTES, type Address, type ServerFrame } from '../../../shared/protocol';
import { toBase64 } from '../../../shared/encoding/base64';
import { ManualClock } from './ManualClock';
import { ACK_DELAY_MS, ACK_FLUSH_AT } from './AckTracker';
import { Transport, type TransportOptions } from './Transport';
import { ConnectionError, TransportError } from './errors';
import type { Logger } from './logger';
import { FakeRelay, TEST_NONCE, completeHandshake, flushMicrotasks } from './testing/FakeRelay';
import type { ConnectionSnapshot, Delivery, DeviceSigner } from './types';

const BOB: Address = { user: 'bob', device: 1 };
const SIGNATURE = new Uint8Array(64).fill(5);

interface Harness {
  transport: Transport;
  relay: FakeRelay;
  clock: ManualClock;
  states: ConnectionSnapshot[];
  signer: DeviceSigner & { calls: Uint8Array[] };
  logs: { level: string; event: string; fields?: Record<string, unknown> }[];
}

const harnesses: Harness[] = [];

function setup(options: Partial<TransportOptions> = {}): Harness {
  const relay = new FakeRelay();
  const clock = new ManualClock();
  const calls: Uint8Array[] = [];
  const signer = { calls, sign: async (message: Uint8Array) => (calls.push(message), SIGNATURE) };
  const logs: Harness['logs'] = [];
  const logger: Logger = {
    debug: (event, fields) => logs.push({ level: 'debug', event, fields }),
    info: (event, fields) => logs.push({ level: 'info', event, fields }),
    warn: (event, fields) => logs.push({ level: 'warn', event, fields }),
    error: (event, fields) => logs.push({ level: 'error', event, fields }),
  };
  const transport = new Transport({
    relayUrl: 'ws://127.0.0.1:9',
    credentials: { user: 'alice', device: 1, signer },
    config: {
      heartbeatIntervalMs: 15_000,
      heartbeatTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      backoffBaseMs: 500,
      backoffCapMs: 30_000,
    },
    clock,
    random: () => 0.5,
    socketFactory: relay.factory,
    logger,
    ...options,
  });
  const states: ConnectionSnapshot[] = [];
  transport.on('state', (snapshot) => states.push(snapshot));
  const harness = { transport, relay, clock, states, signer, logs };
  harnesses.push(harness);
  return harness;
}

async function online(options: Partial<TransportOptions> = {}): Promise<Harness> {
  const harness = setup(options);
  harness.transport.start();
  await completeHandshake(harness.relay);
  expect(harness.transport.snapshot.state).toBe('online');
  return harness;
}

function deliverFrame(...seqs: number[]): ServerFrame {
  return {
    type: 'deliver',
    deliveries: seqs.map((n) => ({ seq: n, messageId: `m${n}`, from: BOB, payload: new Uint8Array([n, n + 1]), sentAt: 1000 + n })),
  };
}

afterEach(() => {
  for (const { transport } of harnesses.splice(0)) transport.stop();
});

describe('Transport: states', () => {
  it('goes offline → connecting → authenticating → online, signing the challenge', async () => {
    const { transport, relay, states, signer } = setup();
    expect(transport.snapshot).toEqual({ state: 'offline', attempt: 0, nextRetryAt: null, lastError: null, relayUrl: 'ws://127.0.0.1:9/v2/ws' });
    transport.start();
    expect(relay.last.url).toBe('ws://127.0.0.1:9/v2/ws');
    await completeHandshake(relay);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'authenticating', 'online']);
    expect(signer.calls).toEqual([authSigningBytes(TEST_NONCE, 'alice', 1)]);
    expect(relay.last.framesOf('auth')).toEqual([
      { type: 'auth', nonce: TEST_NONCE, user: 'alice', device: 1, signature: toBase64(SIGNATURE) },
    ]);
  });

  it('reconnects after a drop with a jittered delay, and resets the backoff once online again', async () => {
    const { transport, relay, clock, states } = await online();
    relay.last.serverClose(1006);
    const dropped = transport.snapshot;
    expect(dropped.state).toBe('reconnecting');
    expect(dropped.attempt).toBe(1);
    expect(dropped.nextRetryAt).toBe(clock.now() + 250); // random 0.5 × ceiling 500
    expect(dropped.lastError).toMatchObject({ code: 'connection_closed', fatal: false });
    clock.advance(249);
    expect(relay.sockets).toHaveLength(1);
    clock.advance(1);
    expect(relay.sockets).toHaveLength(2);
    expect(transport.snapshot.state).toBe('connecting');
    // Further failures grow the delay: 0.5 × 1000, 0.5 × 2000.
    relay.last.failToConnect();
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', attempt: 2, nextRetryAt: clock.now() + 500 });
    // Plain words for the banner; the socket's code kept apart for its details line.
    expect(transport.snapshot.lastError).toMatchObject({ code: 'relay_unreachable', detail: 'ECONNREFUSED' });
    expect(transport.snapshot.lastError?.message).not.toContain('ECONNREFUSED');
    clock.advance(500);
    relay.last.failToConnect();
    expect(transport.snapshot).toMatchObject({ attempt: 3, nextRetryAt: clock.now() + 1000 });
    clock.advance(1000);
    await completeHandshake(relay);
    expect(transport.snapshot).toEqual({ state: 'online', attempt: 0, nextRetryAt: null, lastError: null, relayUrl: 'ws://127.0.0.1:9/v2/ws' });
    relay.last.serverClose(1001, 'relay_shutting_down');
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', attempt: 1, nextRetryAt: clock.now() + 250 });
    expect(transport.snapshot.lastError?.code).toBe('relay_shutting_down');
    expect(states.map((s) => s.state)).toContain('reconnecting');
  });

  it('retryNow() skips the backoff wait; networkChanged() does too', async () => {
    const { transport, relay } = setup({ random: () => 0.99 });
    transport.start();
    relay.last.failToConnect();
    expect(transport.snapshot.state).toBe('reconnecting');
    transport.retryNow();
    expect(relay.sockets).toHaveLength(2);
    expect(transport.snapshot.state).toBe('connecting');
    transport.retryNow(); // no-op while connecting
    expect(relay.sockets).toHaveLength(2);
    relay.last.failToConnect();
    transport.networkChanged();
    expect(relay.sockets).toHaveLength(3);
  });

  it('stop() goes offline, closes the socket and leaves no timer behind', async () => {
    const { transport, relay, clock } = await online();
    transport.stop();
    expect(transport.snapshot.state).toBe('offline');
    expect(relay.last.closedByClient).toEqual({ code: 1000, reason: 'client_closing' });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(120_000);
    expect(relay.sockets).toHaveLength(1);
  });

  it('stop() while reconnecting cancels the pending attempt', async () => {
    const { transport, relay, clock } = setup();
    transport.start();
    relay.last.failToConnect();
    transport.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(relay.sockets).toHaveLength(1);
    expect(transport.snapshot.state).toBe('offline');
  });

  it('gives up a handshake that does not finish in time', async () => {
    const { transport, relay, clock } = setup();
    transport.start();
    relay.last.open(); // open, but the relay never sends a challenge
    clock.advance(10_000);
    expect(relay.last.terminated).toBe(true);
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', lastError: { code: 'handshake_timeout' } });
  });

  it('rejects a ready frame for another device', async () => {
    const { transport, relay } = setup();
    transport.start();
    relay.last.open();
    relay.last.challenge();
    await flushMicrotasks();
    relay.last.push({ type: 'ready', user: 'mallory', device: 1, registered: false });
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', lastError: { code: 'protocol_error' } });
  });

  it('refuses a relay that speaks another protocol version', async () => {
    const { transport, relay, signer } = setup();
    transport.start();
    relay.last.open();
    relay.last.challenge(3);
    await flushMicrotasks();
    expect(signer.calls).toHaveLength(0);
    expect(transport.snapshot.lastError?.code).toBe('protocol_version_mismatch');
  });

  it('reports a signer failure and retries', async () => {
    const { transport, relay } = setup({
      credentials: { user: 'alice', device: 1, signer: { sign: () => Promise.reject(new Error('keychain locked')) } },
    });
    transport.start();
    relay.last.open();
    relay.last.challenge();
    await flushMicrotasks();
    expect(relay.last.framesOf('auth')).toHaveLength(0);
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', lastError: { code: 'signing_failed', fatal: false } });
  });

  it('opens no socket when a state listener stops the transport as it starts connecting', () => {
    const { transport, relay, clock } = setup();
    transport.on('state', (s) => {
      if (s.state === 'connecting') transport.stop();
    });
    transport.start();
    expect(relay.sockets).toHaveLength(0);
    expect(transport.snapshot.state).toBe('offline');
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps working when a state listener throws', async () => {
    const { transport, relay, logs } = setup();
    transport.on('state', () => {
      throw new Error('buggy listener');
    });
    transport.start();
    await completeHandshake(relay);
    expect(transport.snapshot.state).toBe('online');
    expect(logs.some((l) => l.event === 'listener_threw')).toBe(true);
  });
});

describe('Transport: fatal close codes', () => {
  it.each([
    ['badSignature', CloseCode.badSignature, 'auth_bad_signature'],
    ['unknownDevice', CloseCode.unknownDevice, 'auth_unknown_device'],
    ['usernameTaken', CloseCode.usernameTaken, 'username_taken'],
    ['replaced', CloseCode.replaced, 'replaced_by_new_connection'],
  ])('%s stops reconnecting and stays offline with the error', async (_name, code, errorCode) => {
    const { transport, relay, clock } = setup();
    transport.start();
    relay.last.open();
    relay.last.challenge();
    await flushMicrotasks();
    relay.last.serverClose(code, errorCode);
    expect(transport.snapshot).toMatchObject({ state: 'offline', nextRetryAt: null, lastError: { code: errorCode, fatal: true } });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10 * 60_000);
    expect(relay.sockets).toHaveLength(1);
    transport.networkChanged(); // the OS saying "network back" must not revive it
    expect(relay.sockets).toHaveLength(1);
  });

  it('a replaced connection that was online also stops', async () => {
    const { transport, relay } = await online();
    relay.last.serverClose(CloseCode.replaced, 'replaced_by_new_connection');
    expect(transport.snapshot).toMatchObject({ state: 'offline', lastError: { code: 'replaced_by_new_connection', fatal: true } });
  });

  it('retryNow() after a fatal error tries again, because the user asked', async () => {
    const { transport, relay } = setup();
    transport.start();
    relay.last.open();
    relay.last.serverClose(CloseCode.badSignature);
    transport.retryNow();
    expect(relay.sockets).toHaveLength(2);
    expect(transport.snapshot.state).toBe('connecting');
  });

  it.each([CloseCode.nonceExpired, CloseCode.nonceReused, CloseCode.authTimeout, CloseCode.abuse, CloseCode.protocolViolation])(
    'close code %i is not fatal',
    async (code) => {
      const { transport, relay } = setup();
      transport.start();
      relay.last.open();
      relay.last.serverClose(code);
      expect(transport.snapshot.state).toBe('reconnecting');
      expect(transport.snapshot.lastError?.fatal).toBe(false);
    },
  );
});

describe('Transport: send', () => {
  it('resolves once the relay says sent, with the duplicate flag', async () => {
    const { transport, relay } = await online();
    const first = transport.send('m1', [BOB], new Uint8Array([1, 2, 3]));
    const second = transport.send('m2', [BOB], new Uint8Array([4]));
    const [f1, f2] = relay.last.framesOf('send');
    expect(f1).toMatchObject({ messageId: 'm1', to: [BOB], payload: new Uint8Array([1, 2, 3]), ephemeral: false });
    // One frame answers both, in commit order.
    relay.last.push({ type: 'sent', answers: [{ rid: f2!.rid, status: 'duplicate' }, { rid: f1!.rid, status: 'stored' }] });
    await expect(first).resolves.toEqual({ duplicate: false });
    await expect(second).resolves.toEqual({ duplicate: true });
  });

  it('sends a typing notice ephemeral, and resolves when the relay has routed it', async () => {
    const { transport, relay } = await online();
    const result = transport.send('t1', [BOB], new Uint8Array([1]), { ephemeral: true });
    const [frame] = relay.last.framesOf('send');
    expect(frame).toMatchObject({ messageId: 't1', ephemeral: true });
    relay.last.push({ type: 'sent', answers: [{ rid: frame!.rid, status: 'routed' }] });
    await expect(result).resolves.toEqual({ duplicate: false });
  });

  it('ignores a sent answer for a request it did not make', async () => {
    const { transport, relay, clock, logs } = await online();
    const result = transport.send('m1', [BOB], new Uint8Array([1]));
    const [frame] = relay.last.framesOf('send');
    relay.last.push({ type: 'sent', answers: [{ rid: frame!.rid + 1, status: 'stored' }] });
    expect(logs.some((l) => l.event === 'relay_response_unmatched')).toBe(true);
    clock.advance(10_000);
    await expect(result).rejects.toMatchObject({ code: 'request_timeout' });
  });

  it('times out a request the relay never answers, retryably', async () => {
    const { transport, clock } = await online({ config: { requestTimeoutMs: 3_000, heartbeatIntervalMs: 60_000 } });
    const result = transport.send('m1', [BOB], new Uint8Array([1]));
    const settled = vi.fn();
    result.catch(settled);
    clock.advance(2_999);
    await flushMicrotasks();
    expect(settled).not.toHaveBeenCalled();
    clock.advance(1);
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'request_timeout', retryable: true });
  });

  it('fails an in-flight send retryably when the connection drops', async () => {
    const { transport, relay } = await online();
    const result = transport.send('m1', [BOB], new Uint8Array([1]));
    relay.last.serverClose(1006);
    await expect(result).rejects.toMatchObject({ code: 'connection_lost', retryable: true });
  });

  it('fails an in-flight send retryably on stop()', async () => {
    const { transport } = await online();
    const result = transport.send('m1', [BOB], new Uint8Array([1]));
    transport.stop();
    await expect(result).rejects.toMatchObject({ code: 'connection_lost', retryable: true });
  });

  it('fails fast with a retryable offline error when not online', async () => {
    const { transport, relay } = setup();
    await expect(transport.send('m1', [BOB], new Uint8Array([1]))).rejects.toMatchObject({ code: 'offline', retryable: true });
    transport.start();
    relay.last.open();
    await expect(transport.send('m1', [BOB], new Uint8Array([1]))).rejects.toMatchObject({ code: 'offline', retryable: true });
    expect(relay.last.framesOf('send')).toHaveLength(0);
  });

  it.each([
    ['payload_too_large', false, undefined],
    ['unknown_recipient', false, undefined],
    ['too_many_recipients', false, undefined],
    ['malformed_frame', false, undefined],
    ['rate_limited', true, 1500],
    ['mailbox_full', true, 60_000],
    ['internal', true, undefined],
  ] as const)('maps relay error %s to retryable=%s', async (code, retryable, retryAfterMs) => {
    const { transport, relay } = await online();
    const result = transport.send('m1', [BOB], new Uint8Array([1]));
    const [frame] = relay.last.framesOf('send');
    relay.last.push({ type: 'error', rid: frame!.rid, code, message: 'no', ...(retryAfterMs ? { retryAfterMs } : {}) });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code, retryable, retryAfterMs });
    expect(transport.snapshot.state).toBe('online');
  });

  it('rejects requests that can never succeed before sending anything, non-retryably', async () => {
    const { transport, relay } = await online();
    await expect(transport.send('bad id!', [BOB], new Uint8Array([1]))).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(transport.send('m1', [], new Uint8Array([1]))).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(transport.send('m1', [{ user: 'x', device: 1 }], new Uint8Array([1]))).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(transport.send('m1', [BOB], new Uint8Array(MAX_FRAME_BYTES))).rejects.toMatchObject({ code: 'frame_too_large', retryable: false });
    expect(relay.last.framesOf('send')).toHaveLength(0);
  });
});

describe('Transport: heartbeat', () => {
  it('pings every interval and stays online while the relay answers', async () => {
    const { transport, relay, clock } = await online();
    for (let i = 0; i < 5; i++) {
      clock.advance(15_000);
      const pings = relay.last.framesOf('ping');
      expect(pings).toHaveLength(i + 1);
      relay.last.push({ type: 'pong', rid: pings.at(-1)!.rid });
    }
    expect(transport.snapshot.state).toBe('online');
  });

  it('declares a silent peer dead within interval + timeout, terminates and reconnects', async () => {
    const { transport, relay, clock } = await online({ config: { requestTimeoutMs: 60_000 } });
    const inFlight = transport.send('m1', [BOB], new Uint8Array([1]));
    const socket = relay.last;
    const wentSilentAt = clock.now();
    let detectedAt = 0;
    transport.on('state', (s) => {
      if (s.state === 'reconnecting' && !detectedAt) detectedAt = clock.now();
    });
    clock.advance(25_000);
    expect(socket.terminated).toBe(true);
    expect(detectedAt - wentSilentAt).toBe(25_000);
    expect(transport.snapshot.lastError).toMatchObject({ code: 'dead_peer', fatal: false });
    await expect(inFlight).rejects.toMatchObject({ code: 'connection_lost', retryable: true });
    clock.advance(250);
    expect(relay.sockets).toHaveLength(2);
  });

  it('bounds detection by interval + timeout even when the last frame arrived just before silence', async () => {
    const { transport, relay, clock } = await online({ config: { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 3_000 } });
    clock.advance(1_000); // ping 1
    clock.advance(999);
    relay.last.push({ type: 'pong', rid: relay.last.framesOf('ping')[0]!.rid }); // last sign of life
    const silentFrom = clock.now();
    while (transport.snapshot.state === 'online') clock.advance(10);
    expect(clock.now() - silentFrom).toBeLessThanOrEqual(1_000 + 3_000);
  });

  it('counts any frame as a sign of life', async () => {
    const { transport, relay, clock } = await online({ config: { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 500 } });
    for (let i = 0; i < 20; i++) {
      clock.advance(400);
      relay.last.push({ type: 'drained' });
    }
    expect(transport.snapshot.state).toBe('online');
  });

  it('networkChanged() while online probes at once', async () => {
    const { transport, relay, clock } = await online();
    transport.networkChanged();
    expect(relay.last.framesOf('ping')).toHaveLength(1);
    clock.advance(10_000);
    expect(transport.snapshot.lastError?.code).toBe('dead_peer');
  });
});

describe('Transport: deliveries', () => {
  it('emits deliveries with their payloads and acks only when the consumer says so', async () => {
    const { transport, relay, clock } = await online();
    const received: Delivery[] = [];
    let drained = 0;
    transport.on('delivery', (d) => received.push(d));
    transport.on('drained', () => drained++);
    relay.last.push(deliverFrame(1, 2));
    relay.last.push(deliverFrame(3));
    relay.last.push({ type: 'drained' });
    expect(received.map((d) => d.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(received[0]).toMatchObject({ seq: 1, ephemeral: false, from: BOB, sentAt: 1001, payload: new Uint8Array([1, 2]) });
    expect(drained).toBe(1);
    await flushMicrotasks();
    expect(relay.last.framesOf('ack')).toHaveLength(0);
    // 2 is stored before 1: listed above the gap.
    expect(received[1]!.ack()).toBe(true);
    expect(received[1]!.ack()).toBe(false);
    clock.advance(ACK_DELAY_MS);
    expect(relay.last.framesOf('ack')).toEqual([{ type: 'ack', through: 0, also: [2] }]);
    // 1 and 3 together: everything through 3, cumulatively, in one frame.
    received[2]!.ack();
    received[0]!.ack();
    clock.advance(ACK_DELAY_MS);
    expect(relay.last.framesOf('ack')).toEqual([
      { type: 'ack', through: 0, also: [2] },
      { type: 'ack', through: 3, also: [] },
    ]);
  });

  it(`acks a whole stored batch with one frame, ${ACK_DELAY_MS} ms later when nothing is sent meanwhile`, async () => {
    const { transport, relay, clock } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(...Array.from({ length: 50 }, (_, i) => i + 1)));
    for (const delivery of received.slice(0, 40)) delivery.ack();
    received[45]!.ack();
    await flushMicrotasks();
    clock.advance(ACK_DELAY_MS - 1);
    expect(relay.last.framesOf('ack')).toHaveLength(0);
    clock.advance(1);
    expect(relay.last.framesOf('ack')).toEqual([{ type: 'ack', through: 40, also: [46] }]);
  });

  it('carries the acks waiting in the next send, so the relay reads one frame', async () => {
    const { transport, relay, clock } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(1, 2, 3));
    received[0]!.ack();
    received[1]!.ack();
    await flushMicrotasks();
    void transport.send('m9', [BOB], new Uint8Array([9])).catch(() => undefined);
    expect(relay.last.framesOf('send')).toMatchObject([{ messageId: 'm9', ackThrough: 2 }]);
    // The next send carries nothing: nothing new was acked.
    void transport.send('m10', [BOB], new Uint8Array([9])).catch(() => undefined);
    expect(relay.last.framesOf('send')[1]).not.toHaveProperty('ackThrough');
    // Nothing left for the timer.
    clock.advance(ACK_DELAY_MS);
    expect(relay.last.framesOf('ack')).toHaveLength(0);
    received[2]!.ack();
    void transport.send('m11', [BOB], new Uint8Array([9]), { ephemeral: true }).catch(() => undefined);
    expect(relay.last.framesOf('send')[2]).toMatchObject({ messageId: 'm11', ephemeral: true, ackThrough: 3 });
    expect(relay.last.framesOf('ack')).toHaveLength(0);
  });

  it('sends acks above a gap in a frame of their own, right before the send', async () => {
    const { transport, relay } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(1, 2, 3));
    received[0]!.ack();
    received[2]!.ack();
    void transport.send('m9', [BOB], new Uint8Array([9])).catch(() => undefined);
    expect(relay.last.written.slice(-2).map((frame) => frame.type)).toEqual(['ack', 'send']);
    expect(relay.last.framesOf('ack')).toEqual([{ type: 'ack', through: 1, also: [3] }]);
    expect(relay.last.framesOf('send')[0]).not.toHaveProperty('ackThrough');
  });

  it('sends waiting acks before an orderly close', async () => {
    const { transport, relay } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(1));
    received[0]!.ack();
    const socket = relay.last;
    transport.stop();
    expect(socket.framesOf('ack')).toEqual([{ type: 'ack', through: 1, also: [] }]);
  });

  it(`sends ${ACK_FLUSH_AT} waiting acks at once: a catch-up does not wait on its window`, async () => {
    const { transport, relay } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(...Array.from({ length: ACK_FLUSH_AT }, (_, i) => i + 1)));
    for (const delivery of received.slice(0, ACK_FLUSH_AT - 1)) delivery.ack();
    await flushMicrotasks();
    expect(relay.last.framesOf('ack')).toHaveLength(0);
    received[ACK_FLUSH_AT - 1]!.ack();
    await flushMicrotasks();
    expect(relay.last.framesOf('ack')).toEqual([{ type: 'ack', through: ACK_FLUSH_AT, also: [] }]);
  });

  it('never acks an ephemeral delivery', async () => {
    const { transport, relay } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push({ type: 'deliver', deliveries: [{ seq: 0, messageId: 't1', from: BOB, payload: new Uint8Array([1]), sentAt: 5 }] });
    expect(received[0]).toMatchObject({ seq: 0, ephemeral: true });
    expect(received[0]!.ack()).toBe(true);
    await flushMicrotasks();
    expect(relay.last.framesOf('ack')).toEqual([]);
  });

  it('ignores a delivery that does not come after the previous one', async () => {
    const { transport, relay, logs } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.push(deliverFrame(5, 5, 4, 6));
    expect(received.map((d) => d.seq)).toEqual([5, 6]);
    expect(logs.filter((l) => l.event === 'relay_frame_ignored')).toHaveLength(2);
  });

  it('re-emits unacked deliveries after a reconnect; a stale ack goes nowhere', async () => {
    const { transport, relay, clock } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    const first = relay.last;
    first.push(deliverFrame(1));
    first.serverClose(1006);
    expect(received[0]!.ack()).toBe(false);
    await flushMicrotasks();
    expect(first.framesOf('ack')).toHaveLength(0);
    clock.advance(250);
    const second = await completeHandshake(relay);
    second.push(deliverFrame(1));
    second.push({ type: 'drained' });
    expect(received.map((d) => d.messageId)).toEqual(['m1', 'm1']);
    expect(received[1]!.ack()).toBe(true);
    clock.advance(ACK_DELAY_MS);
    expect(second.framesOf('ack')).toEqual([{ type: 'ack', through: 1, also: [] }]);
  });

  it('drops acks of a connection that ended before they left', async () => {
    const { transport, relay } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    const first = relay.last;
    first.push(deliverFrame(1));
    received[0]!.ack();
    first.serverClose(1006);
    await flushMicrotasks();
    expect(first.framesOf('ack')).toHaveLength(0);
  });

  it('ignores frames from a socket it has already left', async () => {
    const { transport, relay, clock } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    const old = relay.last;
    clock.advance(25_000); // dead peer: terminated
    old.raw(encodeServerFrame(deliverFrame(7)));
    expect(received).toHaveLength(0);
  });
});

const SECRET = new TextEncoder().encode('TOP-SECRET');

describe('Transport: malformed relay frames', () => {
  it.each([
    ['an unknown code', new Uint8Array([0x7e])],
    ['a client frame', encodeClientFrame({ type: 'ping', rid: 1 })],
    ['a truncated sent frame', new Uint8Array([0x82, 0, 1, 0])],
    ['trailing bytes', new Uint8Array([...encodeServerFrame({ type: 'drained' }), 0])],
    ['an extra field in a rare frame', new Uint8Array([0x92, ...new TextEncoder().encode('{"code":"internal","message":"x","evil":true}')])],
    ['a secret payload in a bad frame', (() => {
      const bytes = encodeServerFrame({ type: 'deliver', deliveries: [{ seq: 1, messageId: 'm1', from: BOB, payload: SECRET, sentAt: 1 }] });
      return new Uint8Array([...bytes, 1]);
    })()],
    ['an oversized frame', new Uint8Array(MAX_FRAME_BYTES + 1)],
    ['a text frame', '{"type":"drained"}'],
  ])('ignores %s and stays online', async (_name, data) => {
    const { transport, relay, logs } = await online();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    relay.last.raw(data);
    expect(transport.snapshot.state).toBe('online');
    expect(received).toHaveLength(0);
    const warning = logs.find((l) => l.event === 'relay_frame_ignored');
    expect(warning).toBeDefined();
    expect(JSON.stringify(logs)).not.toContain('TOP-SECRET');
    // still works afterwards
    relay.last.push(deliverFrame(3));
    expect(received).toHaveLength(1);
  });

  it('ignores session frames before ready and handshake frames after it', async () => {
    const { transport, relay } = setup();
    const received: Delivery[] = [];
    transport.on('delivery', (d) => received.push(d));
    transport.start();
    relay.last.open();
    relay.last.push(deliverFrame(1));
    expect(received).toHaveLength(0);
    relay.last.challenge();
    await flushMicrotasks();
    relay.last.push({ type: 'ready', user: 'Alice', device: 1, registered: false });
    expect(transport.snapshot.state).toBe('online');
    relay.last.challenge();
    relay.last.push({ type: 'ready', user: 'alice', device: 1, registered: false });
    expect(transport.snapshot.state).toBe('online');
  });
});

describe('Transport: configuration', () => {
  it('rejects bad settings and bad relay addresses', () => {
    expect(() => setup({ config: { heartbeatIntervalMs: 0 } })).toThrow(RangeError);
    expect(() => setup({ config: { backoffBaseMs: 1000, backoffCapMs: 10 } })).toThrow(RangeError);
    expect(() => setup({ relayUrl: 'ftp://relay' })).toThrow(expect.objectContaining({ text: { id: 'relay.bad_scheme', params: { scheme: 'ftp:' } } }));
    expect(() => setup({ relayUrl: 'not a url' })).toThrow(expect.objectContaining({ text: expect.objectContaining({ id: 'relay.bad_url' }) }));
  });

  it('setRelayUrl() applies from the next attempt', async () => {
    const { transport, relay, clock } = await online();
    transport.setRelayUrl('http://127.0.0.1:4444');
    relay.last.serverClose(1006);
    clock.advance(250);
    expect(relay.last.url).toBe('ws://127.0.0.1:4444/v2/ws');
  });

  it('exposes ConnectionError for typed handling', () => {
    expect(new ConnectionError('dead_peer', { id: 'connection.dead_peer', params: { seconds: 30 } }).fatal).toBe(false);
  });
});

describe('Transport: several relays', () => {
  it('moves to the next relay when one stops answering, with the same backoff, and wraps around', async () => {
    const { transport, relay, clock, logs } = await online({ relayUrl: ['ws://127.0.0.1:9', 'ws://127.0.0.1:10', 'http://127.0.0.1:11'] });
    expect(relay.last.url).toBe('ws://127.0.0.1:9/v2/ws');
    expect(transport.relayUrl).toBe('ws://127.0.0.1:9/v2/ws');
    relay.last.serverClose(1006);
    // The snapshot the UI gets names the relay the next attempt goes to.
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', attempt: 1, nextRetryAt: clock.now() + 250, relayUrl: 'ws://127.0.0.1:10/v2/ws' });
    expect(transport.relayUrl).toBe('ws://127.0.0.1:10/v2/ws');
    clock.advance(250);
    expect(relay.last.url).toBe('ws://127.0.0.1:10/v2/ws');
    relay.last.failToConnect();
    expect(transport.snapshot).toMatchObject({ attempt: 2, nextRetryAt: clock.now() + 500 });
    clock.advance(500);
    expect(relay.last.url).toBe('ws://127.0.0.1:11/v2/ws');
    relay.last.failToConnect();
    clock.advance(1000);
    expect(relay.last.url).toBe('ws://127.0.0.1:9/v2/ws');
    await completeHandshake(relay);
    expect(transport.snapshot).toEqual({ state: 'online', attempt: 0, nextRetryAt: null, lastError: null, relayUrl: 'ws://127.0.0.1:9/v2/ws' });
    expect(logs.filter((l) => l.event === 'relay_failover')).toHaveLength(3);
  });

  it('moves on when a relay goes silent (heartbeat), and setRelayUrl starts again from the first', async () => {
    const { transport, relay, clock } = await online({ relayUrl: ['ws://127.0.0.1:9', 'ws://127.0.0.1:10'] });
    clock.advance(15_000 + 10_000);
    expect(transport.snapshot).toMatchObject({ state: 'reconnecting', lastError: { code: 'dead_peer' } });
    expect(transport.relayUrl).toBe('ws://127.0.0.1:10/v2/ws');
    const states: (string | undefined)[] = [];
    transport.on('state', (snapshot) => states.push(snapshot.relayUrl));
    transport.setRelayUrl(['ws://127.0.0.1:20', 'ws://127.0.0.1:21']);
    expect(states).toEqual(['ws://127.0.0.1:20/v2/ws']);
    transport.retryNow();
    expect(relay.last.url).toBe('ws://127.0.0.1:20/v2/ws');
  });

  it('stays on its one relay when it has only one', async () => {
    const { transport, relay, clock } = await online();
    relay.last.serverClose(1006);
    clock.advance(250);
    expect(relay.last.url).toBe('ws://127.0.0.1:9/v2/ws');
    expect(transport.relayUrl).toBe('ws://127.0.0.1:9/v2/ws');
  });
});
