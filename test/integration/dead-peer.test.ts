// Dead-peer detection: the network between client and relay goes silent (a proxy stops forwarding without closing
// either socket). The heartbeat must notice within interval + timeout, fail the in-flight send retryably, and
// reconnect once the network is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError, type Transport } from '../../src/main/core/transport';
import { startLoopbackProxy, type LoopbackProxy } from '../support/loopback-proxy';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { registerDevice, transportFor, waitFor, waitForState } from './support';

const HEARTBEAT_INTERVAL_MS = 400;
const HEARTBEAT_TIMEOUT_MS = 400;
/** Timer and event-loop slack on a busy 2-core machine. */
const SLACK_MS = 250;

let relay: TestRelay;
let proxy: LoopbackProxy;
let transport: Transport | undefined;

beforeAll(async () => {
  relay = await startTestRelay();
  proxy = await startLoopbackProxy({ port: relay.port });
});
afterAll(async () => {
  transport?.stop();
  await proxy?.close();
  await relay?.close();
});

describe('dead-peer detection through a black-holed network', () => {
  it('detects silence within interval + timeout, fails the in-flight send retryably, and reconnects', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const bob = await registerDevice(relay.url, 'bob');
    transport = transportFor(proxy.url, alice, {
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      requestTimeoutMs: 10_000, // longer than detection: the send must fail because the peer died, not by timing out
      handshakeTimeoutMs: 500,
      backoffBaseMs: 50,
      backoffCapMs: 200,
    });
    const states: { state: string; at: number; code: string | undefined }[] = [];
    transport.on('state', (s) => states.push({ state: s.state, at: Date.now(), code: s.lastError?.code }));
    transport.start();
    await waitForState(transport, 'online');
    await expect(transport.send('before-1', [{ user: bob.username, device: 1 }], new Uint8Array([1]))).resolves.toEqual({ duplicate: false });

    proxy.blackhole();
    const silentSince = Date.now();
    const inFlight = transport.send('during-1', [{ user: bob.username, device: 1 }], new Uint8Array([2]));
    const failure = inFlight.then(
      () => undefined,
      (error: unknown) => ({ error, at: Date.now() }),
    );

    const detected = await waitFor(() => states.find((s) => s.at >= silentSince && s.state !== 'online'), 'dead-peer detection', 5_000);
    const detectionMs = detected.at - silentSince;
    console.info(`[dead-peer] detected after ${detectionMs} ms (bound ${HEARTBEAT_INTERVAL_MS + HEARTBEAT_TIMEOUT_MS} ms + ${SLACK_MS} ms slack)`);
    expect(detected).toMatchObject({ state: 'reconnecting', code: 'dead_peer' });
    expect(detectionMs).toBeLessThanOrEqual(HEARTBEAT_INTERVAL_MS + HEARTBEAT_TIMEOUT_MS + SLACK_MS);

    const failed = await failure;
    expect(failed?.error).toBeInstanceOf(TransportError);
    expect(failed?.error).toMatchObject({ code: 'connection_lost', retryable: true });

    // While the network stays silent, attempts time out in the handshake and the transport keeps retrying.
    await waitFor(() => transport!.snapshot.lastError?.code === 'handshake_timeout', 'a handshake timeout in the black hole', 5_000);
    expect(transport.snapshot.state).not.toBe('online');

    proxy.forward();
    const backAt = Date.now();
    await waitForState(transport, 'online', 5_000);
    console.info(`[dead-peer] back online ${Date.now() - backAt} ms after the network returned`);
    // The black hole swallowed the first attempt, so the retry is the first copy the relay stores.
    await expect(transport.send('during-1', [{ user: bob.username, device: 1 }], new Uint8Array([2]))).resolves.toEqual({ duplicate: false });
    expect(proxy.connectionCount()).toBeGreaterThanOrEqual(1);
  });
});
