// Registration and authentication of the client core against a real in-process relay.
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountStore, RegistrationError, generateIdentity, identitySigner, registerAccount } from '../../src/main/core/account';
import { FileSecretStore } from '../../src/main/core/secrets';
import { Transport, silentLogger, type ConnectionSnapshot } from '../../src/main/core/transport';
import type { TestRelay } from '../support/relay-harness';
import { FAST_TRANSPORT, registerDevice, sleep, trackTransports, transportFor, uniqueName, useTestRelay, waitFor, waitForState } from './support';

let relay: TestRelay;
useTestRelay((started) => (relay = started));
const track = trackTransports();

async function registrationError(promise: Promise<unknown>): Promise<RegistrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistrationError);
  return error as RegistrationError;
}

describe('registration against the relay', () => {
  it('registers, then connects and reaches online', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const transport = track(transportFor(relay.url, alice));
    const states: string[] = [];
    transport.on('state', (s) => states.push(s.state));
    transport.start();
    await waitForState(transport, 'online');
    expect(states).toEqual(['connecting', 'authenticating', 'online']);
    await waitFor(() => relay.connectedDevices() >= 1, 'relay to count the device');
  });

  it('reports a taken username (case-insensitively) and accepts a retry with the same key', async () => {
    const name = uniqueName('Carol');
    const identity = generateIdentity();
    const first = await registerAccount(relay.url, name, identity, 1, { logger: silentLogger });
    expect(first).toMatchObject({ username: name.toLowerCase(), device: 1, newlyRegistered: true });
    const again = await registerAccount(relay.url, name, identity, 1, { logger: silentLogger });
    expect(again.newlyRegistered).toBe(false);
    const taken = await registrationError(registerAccount(relay.url, name.toUpperCase(), generateIdentity(), 1, { logger: silentLogger }));
    expect(taken.code).toBe('username_taken');
  });

  it('reports an invalid username before contacting the relay', async () => {
    expect((await registrationError(registerAccount(relay.url, 'x!', generateIdentity()))).code).toBe('invalid_username');
  });

  it('reports a relay that is not there as relay_unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await registrationError(registerAccount(`ws://127.0.0.1:${port}`, uniqueName('dan'), generateIdentity(), 1, { logger: silentLogger }));
    expect(error.code).toBe('relay_unreachable');
  });

  it('stores the account, loads it back in a new process state, and connects with it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-client-'));
    try {
      const identity = generateIdentity();
      const registered = await registerAccount(relay.url, uniqueName('erin'), identity, 1, { logger: silentLogger });
      const store = new AccountStore(dataDir, await FileSecretStore.open(dataDir));
      await store.save({ username: registered.username, device: registered.device, relayUrl: registered.relayUrl, identity, createdAt: Date.now() });

      const loaded = await new AccountStore(dataDir, await FileSecretStore.open(dataDir)).load();
      const transport = track(
        new Transport({
          relayUrl: loaded.relayUrl,
          credentials: { user: loaded.username, device: loaded.device, signer: identitySigner(loaded.identity) },
          config: FAST_TRANSPORT,
          logger: silentLogger,
        }),
      );
      transport.start();
      await waitForState(transport, 'online');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('authentication failures against the relay', () => {
  /** Starts the transport and collects every state it goes through. */
  function observe(transport: Transport): ConnectionSnapshot[] {
    const seen: ConnectionSnapshot[] = [];
    transport.on('state', (s) => seen.push(s));
    transport.start();
    return seen;
  }

  it('a wrong key gets the fatal bad-signature error and stays offline', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const impostor = track(transportFor(relay.url, { ...alice, identity: generateIdentity() }));
    const seen = observe(impostor);
    const final = await waitFor(() => impostor.snapshot.lastError && impostor.snapshot, 'the auth failure');
    expect(final).toMatchObject({ state: 'offline', nextRetryAt: null, lastError: { code: 'auth_bad_signature', fatal: true } });
    await sleep(1_000); // many backoff periods at these settings
    expect(seen.filter((s) => s.state === 'connecting')).toHaveLength(1);
    expect(impostor.snapshot.state).toBe('offline');
  });

  it('an unknown device gets the fatal unknown-device error', async () => {
    const ghost = track(transportFor(relay.url, { username: uniqueName('ghost'), device: 1, identity: generateIdentity() }));
    observe(ghost);
    await waitFor(() => ghost.snapshot.lastError, 'the auth failure');
    expect(ghost.snapshot).toMatchObject({ state: 'offline', lastError: { code: 'auth_unknown_device', fatal: true } });
  });

  it('a second instance of one device replaces the first, which stops instead of fighting back', async () => {
    const alice = await registerDevice(relay.url, 'alice');
    const first = track(transportFor(relay.url, alice));
    first.start();
    await waitForState(first, 'online');
    const second = track(transportFor(relay.url, alice));
    const secondStates = observe(second);
    await waitForState(second, 'online');
    await waitFor(() => first.snapshot.state === 'offline', 'the first instance to stop');
    expect(first.snapshot.lastError).toMatchObject({ code: 'replaced_by_new_connection', fatal: true });
    await sleep(1_000);
    expect(second.snapshot.state).toBe('online');
    expect(secondStates.filter((s) => s.state === 'online')).toHaveLength(1);
    expect(first.snapshot.state).toBe('offline');
  });
});
