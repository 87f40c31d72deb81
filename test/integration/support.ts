// Helpers for the client-core integration tests: a relay per test file, registered devices, transports with short
// timings (stopped after each test), and waiting for conditions without fixed sleeps.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { generateIdentity, identitySigner, registerAccount, type IdentityKeyPair } from '../../src/main/core/account';
import { Transport, TransportError, silentLogger, type ConnectionSnapshot, type Logger, type TransportConfig } from '../../src/main/core/transport';

export interface TestDevice {
  username: string;
  device: number;
  identity: IdentityKeyPair;
}

/** Fast timings so failures show up in test time, not production time. */
export const FAST_TRANSPORT: Partial<TransportConfig> = {
  heartbeatIntervalMs: 1_000,
  heartbeatTimeoutMs: 1_000,
  requestTimeoutMs: 3_000,
  handshakeTimeoutMs: 2_000,
  backoffBaseMs: 50,
  backoffCapMs: 500,
};

export function uniqueName(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

export async function registerDevice(relayUrl: string, prefix: string): Promise<TestDevice> {
  const identity = generateIdentity();
  const registered = await registerAccount(relayUrl, uniqueName(prefix), identity, 1, { logger: silentLogger });
  return { username: registered.username, device: registered.device, identity };
}

export function transportFor(
  relayUrl: string,
  device: TestDevice,
  config: Partial<TransportConfig> = FAST_TRANSPORT,
  logger: Logger = silentLogger,
): Transport {
  return new Transport({
    relayUrl,
    credentials: { user: device.username, device: device.device, signer: identitySigner(device.identity) },
    config,
    logger,
  });
}

export async function waitFor<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function waitForState(transport: Transport, state: ConnectionSnapshot['state'], timeoutMs = 10_000): Promise<ConnectionSnapshot> {
  return waitFor(() => transport.snapshot.state === state && transport.snapshot, `transport ${state}`, timeoutMs);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends until the relay answers `sent`, resending with the same message id after each retryable failure (as the
 * app's outbox does): after the relay's retry-after, or once the transport is online again. Counts retries by code.
 */
export async function sendUntilSent(
  transport: Transport,
  messageId: string,
  to: { user: string; device: number },
  payload: Uint8Array,
  retryCodes: Map<string, number>,
): Promise<void> {
  for (;;) {
    try {
      await transport.send(messageId, [to], payload);
      return;
    } catch (error) {
      if (!(error instanceof TransportError) || !error.retryable) throw error;
      retryCodes.set(error.code, (retryCodes.get(error.code) ?? 0) + 1);
      if (error.retryAfterMs) await sleep(error.retryAfterMs);
      else await waitForState(transport, 'online', 60_000);
    }
  }
}

/** Starts a relay (with `overrides` of its settings) before the file's tests and closes it after them; `onStarted` is given it. */
export function useTestRelay(onStarted: (relay: TestRelay) => void, overrides: Parameters<typeof startTestRelay>[0] = {}): void {
  let relay: TestRelay | undefined;
  beforeAll(async () => {
    relay = await startTestRelay(overrides);
    onStarted(relay);
  });
  afterAll(async () => {
    await relay?.close();
  });
}

/** Returns `track`: every transport given to it is stopped after the test that made it. */
export function trackTransports(): (transport: Transport) => Transport {
  const transports: Transport[] = [];
  afterEach(() => {
    for (const transport of transports.splice(0)) transport.stop();
  });
  return (transport) => (transports.push(transport), transport);
}
