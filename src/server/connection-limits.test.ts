// Connection hygiene: a connection that never finishes its HTTP headers (a half-open upgrade) is cut after the
// headers timeout; connections that have not authenticated are capped per remote address and in total, cut at
// accept past the cap; an authenticated device or a plain HTTP request frees its slot.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawDevice, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ headersTimeoutMs: 300, maxUnauthenticated: 3, maxUnauthenticatedPerAddress: 2 });
});
afterAll(async () => {
  await relay.close();
});

/** A raw TCP connection from `localAddress` (any 127.x.y.z works on Linux loopback). */
async function rawConnection(localAddress = '127.0.0.1'): Promise<Socket> {
  const socket = connect({ port: relay.port, host: '127.0.0.1', localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves with how long the relay took to close the socket, or rejects if it stays open `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs);
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

async function stillOpenAfter(socket: Socket, ms: number): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !socket.destroyed && socket.readyState === 'open';
}

describe('connection hygiene', () => {
  it('cuts a half-open upgrade whose headers never complete after the headers timeout', async () => {
    const socket = await rawConnection();
    socket.write(`GET ${new URL(relay.url).pathname} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n`);
    expect(await closedWithin(socket, 3_000)).toBeLessThan(2_500);
    const idle = await rawConnection();
    expect(await closedWithin(idle, 3_000)).toBeLessThan(2_500);
  });

  it('caps unauthenticated connections per address and in total, and frees a slot once a device authenticates', async () => {
    const first = await rawConnection('127.0.0.1');
    const second = await rawConnection('127.0.0.1');
    const third = await rawConnection('127.0.0.1');
    // The third from the same address is cut at accept, before it sends a byte.
    expect(await closedWithin(third, 2_000)).toBeLessThan(250);
    const fromElsewhere = await rawConnection('127.0.0.2');
    expect(await stillOpenAfter(fromElsewhere, 100)).toBe(true);
    const overTotal = await rawConnection('127.0.0.3');
    expect(await closedWithin(overTotal, 2_000)).toBeLessThan(250);
    for (const socket of [first, second, fromElsewhere]) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Authenticated devices do not count: three of them from one address, and the slots are free again.
    const devices = [await registeredDevice(relay.url), await registeredDevice(relay.url), await registeredDevice(relay.url)];
    const pending = await RawDevice.connect(relay.url);
    const pending2 = await RawDevice.connect(relay.url);
    const cut = await rawConnection();
    expect(await closedWithin(cut, 2_000)).toBeLessThan(250);
    await Promise.all([...devices, pending, pending2].map((device) => device.close()));
  });

  it('frees the slot of a plain HTTP request', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${relay.httpUrl}/healthz`)).status).toBe(200);
  });
});
