import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { RENDERER_CSP_HEADER } from '../core/security/contentSecurityPolicy';
import { DEEP_LINK_PATH, HOST_TOKEN_HEADER, NETWORK_SIGNAL_MIN_INTERVAL_MS, startBrowserHost, type BrowserHost } from './host';

let dir: string;
let host: BrowserHost;
const dispatch = vi.fn(async (channel: unknown) => ({ ok: true as const, value: { echoed: channel } }));
const onDeepLink = vi.fn();
const onNetworkChanged = vi.fn();
let clock = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-host-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<html><head><title>x</title></head><body></body></html>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'do not serve');
  await writeFile(join(dir, 'bridge.js'), 'window.parley = {}');
  host = await startBrowserHost({ rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js'), dispatch, onDeepLink, onNetworkChanged, now: () => clock });
});

afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
  dispatch.mockClear();
  onDeepLink.mockClear();
  onNetworkChanged.mockClear();
  clock = 0;
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; body: string; csp?: string; cacheControl?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, csp: res.headers['content-security-policy'] as string | undefined, cacheControl: res.headers['cache-control'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function pageToken(): Promise<string> {
  const { body } = await get('/');
  return /name="parley-host-token" content="([^"]+)"/.exec(body)?.[1] ?? '';
}

function openSocket(token: string, origin = host.url.slice(0, -1)): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ipc?token=${token}`, { origin });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('browser-shell host', () => {
  it('injects the token and the bridge into index.html', async () => {
    const { status, body, csp } = await get('/');
    expect(status).toBe(200);
    expect(csp).toBe(RENDERER_CSP_HEADER);
    expect(body).toMatch(/<meta name="parley-host-token" content="[A-Za-z0-9_-]{43}" \/>/);
    expect(body).toMatch(/<script src="\/__parley\/bridge\.js\?v=[A-Za-z0-9_-]{16}"><\/script>/);
    expect((await get('/__parley/bridge.js')).body).toBe('window.parley = {}');
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
  });

  it('lets the browser keep the content-named build files and the bridge, never the page with its token', async () => {
    const page = await get('/');
    expect(page.cacheControl).toBe('no-store');
    const bridgeUrl = /<script src="([^"]+)"/.exec(page.body)![1]!;
    expect((await get(bridgeUrl)).cacheControl).toContain('immutable');
    expect((await get('/assets/app.js')).cacheControl).toContain('immutable');
    expect((await get('/index.html')).cacheControl).toBe('no-store');
    expect((await get('/assets/missing.js')).cacheControl).toBe('no-store');
  });

  it('names a new bridge by a new URL, so a cached old one is never used', async () => {
    const before = /<script src="([^"]+)"/.exec((await get('/')).body)![1];
    await writeFile(join(dir, 'bridge.js'), 'window.parley = { version: 2 }');
    const after = /<script src="([^"]+)"/.exec((await get('/')).body)![1];
    expect(after).not.toBe(before);
  });

  it('never serves files outside the renderer build', async () => {
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/assets/%2e%2e/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    expect((await get('/', { host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('carries invokes from a page with the right token and origin', async () => {
    const socket = await openSocket(await pageToken());
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send(JSON.stringify({ kind: 'invoke', id: 7, channel: 'account.get', request: {} }));
    expect(JSON.parse(await reply)).toEqual({ kind: 'result', id: 7, result: { ok: true, value: { echoed: 'account.get' } } });
    expect(dispatch).toHaveBeenCalledWith('account.get', {}, { trusted: true });
    socket.close();
  });

  it('broadcasts events to connected pages', async () => {
    const socket = await openSocket(await pageToken());
    const event = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    host.broadcast('connection.changed', { state: 'online' });
    expect(JSON.parse(await event)).toEqual({ kind: 'event', event: 'connection.changed', payload: { state: 'online' } });
    socket.close();
  });

  it('rejects a socket without the token, with a wrong token, or from another origin', async () => {
    const token = await pageToken();
    await expect(openSocket('')).rejects.toThrow('HTTP 403');
    await expect(openSocket(token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).rejects.toThrow('HTTP 403');
    await expect(openSocket(token, 'http://evil.example')).rejects.toThrow('HTTP 403');
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('ignores malformed page messages', async () => {
    const socket = await openSocket(await pageToken());
    socket.send('not json');
    socket.send(JSON.stringify({ kind: 'invoke', id: 'x' }));
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'app.info', request: {} }));
    expect(JSON.parse(await reply)).toMatchObject({ id: 1 });
    expect(dispatch).toHaveBeenCalledTimes(1);
    socket.close();
  });

  it('passes the page\'s "network is back" signal to the core, at most once a second', async () => {
    const socket = await openSocket(await pageToken());
    const answered = async () => {
      // Messages on one socket are handled in order: once this invoke is answered, the signals before it were seen.
      const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
      socket.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'app.info', request: {} }));
      await reply;
    };
    socket.send(JSON.stringify({ kind: 'network-changed' }));
    socket.send(JSON.stringify({ kind: 'network-changed' }));
    socket.send(JSON.stringify({ kind: 'network-changed', extra: true }));
    await answered();
    expect(onNetworkChanged).toHaveBeenCalledTimes(1);

    clock += NETWORK_SIGNAL_MIN_INTERVAL_MS;
    socket.send(JSON.stringify({ kind: 'network-changed' }));
    await answered();
    expect(onNetworkChanged).toHaveBeenCalledTimes(2);
    socket.close();
  });

  it('hands a posted parley:// link, as text, to the core only with this launch\'s token', async () => {
    const token = await pageToken();
    const post = (headers: Record<string, string>, body: string) => get(DEEP_LINK_PATH, headers, 'POST', body);
    expect((await post({ [HOST_TOKEN_HEADER]: token }, 'parley://chat/bob')).status).toBe(202);
    expect(onDeepLink).toHaveBeenCalledWith('parley://chat/bob');
    expect((await post({}, 'parley://chat/eve')).status).toBe(403);
    expect((await post({ [HOST_TOKEN_HEADER]: 'wrong' }, 'parley://chat/eve')).status).toBe(403);
    expect((await get(DEEP_LINK_PATH, { [HOST_TOKEN_HEADER]: token })).status).toBe(405);
    expect((await post({ [HOST_TOKEN_HEADER]: token }, 'x'.repeat(5000))).status).toBe(413);
    expect((await post({ host: `evil.example:${host.port}`, [HOST_TOKEN_HEADER]: token }, 'parley://chat/eve')).status).toBe(421);
    expect(onDeepLink).toHaveBeenCalledTimes(1);
  });
});
