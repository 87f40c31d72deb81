// WebSocket-level heartbeat: the relay pings every socket and cuts one that stopped answering, so a dead peer
// does not hold a device's mailbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ heartbeatIntervalMs: 100 });
});
afterAll(async () => {
  await relay.close();
});

describe('heartbeat', () => {
  it('cuts a socket that stops answering pings, and keeps one that answers', async () => {
    const alive = await registeredDevice(relay.url);
    const silent = new WebSocket(relay.url, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    const started = Date.now();
    expect(await closed).toBe(1006); // terminated without a closing handshake
    expect(Date.now() - started).toBeLessThan(2_000);
    await alive.ping();
    expect(alive.closeStatus).toBeUndefined();
    await alive.close();
  });
});
