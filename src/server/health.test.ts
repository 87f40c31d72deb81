// The relay's HTTP surface: /healthz content and counters, 404 elsewhere, and the WebSocket path only.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, decodeServerFrame } from '../shared/protocol';
import { registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay.close();
});

async function health(): Promise<Record<string, unknown>> {
  const response = await fetch(`${relay.httpUrl}/healthz`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as Record<string, unknown>;
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('GET /healthz', () => {
  it('reports version, protocol, uptime and connected devices', async () => {
    expect(await health()).toEqual({ version: packageVersion, protocol: PROTOCOL_VERSION, uptimeSeconds: expect.any(Number), connectedDevices: 0 });
    const a = await registeredDevice(relay.url);
    const b = await registeredDevice(relay.url);
    expect((await health()).connectedDevices).toBe(2);
    expect(relay.connectedDevices()).toBe(2);
    await a.close();
    await until(async () => (await health()).connectedDevices === 1);
    expect((await health()).connectedDevices).toBe(1);
    await b.close();
    await until(async () => relay.connectedDevices() === 0);
    expect(relay.connectedDevices()).toBe(0);
  });

  it('counts only authenticated devices, not open sockets', async () => {
    const socket = new WebSocket(relay.url);
    await new Promise((resolve) => socket.once('message', resolve));
    expect((await health()).connectedDevices).toBe(0);
    socket.close();
  });

  it('refuses other methods with 405', async () => {
    const response = await fetch(`${relay.httpUrl}/healthz`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});

describe('other paths', () => {
  it.each(['/', '/v1/ws', '/healthz/extra', '/admin'])('answers GET %s with 404', async (path) => {
    const response = await fetch(`${relay.httpUrl}${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });

  it('answers a plain GET of the WebSocket path with 426', async () => {
    expect((await fetch(relay.url.replace(/^ws:/, 'http:'))).status).toBe(426);
  });

  it('refuses a WebSocket upgrade on any other path with 404', async () => {
    const socket = new WebSocket(`${relay.httpUrl.replace(/^http:/, 'ws:')}/v1/ws`);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });

  it('accepts the WebSocket path with a query string', async () => {
    const socket = new WebSocket(`${relay.url}?client=test`);
    const first = await new Promise<Buffer>((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
    expect(decodeServerFrame(first)).toMatchObject({ ok: true, frame: { type: 'challenge', version: PROTOCOL_VERSION } });
    socket.close();
  });
});
