// Helpers for the client-core integration tests: registered devices, transports with short timings, and waiting
// for conditions without fixed sleeps.
import { randomUUID } from 'node:crypto';
import { generateIdentity, identitySigner, registerAccount, type IdentityKeyPair } from '../../src/main/core/account';
import { Transport, silentLogger, type ConnectionSnapshot, type Logger, type TransportConfig } from '../../src/main/core/transport';

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
