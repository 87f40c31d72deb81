import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaRequest, MediaResponse } from '../core/media/serve/mediaRequests';
import { startBrowserHost, type BrowserHost } from './host';

let dir: string;
let host: BrowserHost;
let origin: string;
let token: string;
const seen: { path: string; body: string; range?: string }[] = [];
const media = vi.fn(async (request: MediaRequest): Promise<MediaResponse> => {
  let body = '';
  if (request.body) for await (const part of request.body) body += String(part);
  seen.push({ path: request.path, body, ...(request.headers.range ? { range: request.headers.range } : {}) });
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: `ok ${request.path}` };
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-host-'));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<html><head></head><body></body></html>');
  await writeFile(join(dir, 'bridge.js'), '');
  host = await startBrowserHost({ rendererDir: join(dir, 'renderer'), bridgeFile: join(dir, 'bridge.js'), dispatch: vi.fn(), media });
  origin = host.url.replace(/\/$/, '');
  const page = await (await fetch(host.url)).text();
  token = /name="parley-host-token" content="([^"]+)"/.exec(page)![1]!;
  seen.length = 0;
});
afterEach(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser host media route', () => {
  it('closes while a media response is still streaming (a video the page was playing when the app quit)', async () => {
    const endless = new Readable({ read() {} });
    endless.push(Buffer.alloc(64 * 1024));
    media.mockImplementationOnce(async () => ({ status: 206, headers: { 'Content-Type': 'video/webm' }, body: endless }));
    const response = await fetch(`${origin}/__parley/media/attachment/abc`, { headers: { 'Sec-Fetch-Site': 'same-origin', Range: 'bytes=0-' } });
    expect(response.status).toBe(206);
    await response.body!.getReader().read();
    // Resolves only if the host ends connections still in use: server.close() alone waits for them forever.
    await host.close();
    await vi.waitFor(() => expect(endless.destroyed).toBe(true));
  });

  it('serves reads to our own page, with the range passed on', async () => {
    const response = await fetch(`${origin}/__parley/media/attachment/abc`, { headers: { 'Sec-Fetch-Site': 'same-origin', Range: 'bytes=5-' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok /attachment/abc');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(seen).toEqual([{ path: '/attachment/abc', body: '', range: 'bytes=5-' }]);
  });

  it('refuses reads from another site', async () => {
    const response = await fetch(`${origin}/__parley/media/attachment/abc`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(response.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('takes a hand-over only with our origin and this launch token', async () => {
    const put = (headers: Record<string, string>) => fetch(`${origin}/__parley/media/stage?name=a.txt`, { method: 'PUT', headers, body: 'hello' });
    expect((await put({ Origin: origin })).status).toBe(403);
    expect((await put({ Origin: 'http://evil.example', 'X-Parley-Host-Token': token })).status).toBe(403);
    expect((await put({ Origin: origin, 'X-Parley-Host-Token': 'wrong' })).status).toBe(403);
    expect(seen).toEqual([]);
    const accepted = await put({ Origin: origin, 'X-Parley-Host-Token': token });
    expect(accepted.status).toBe(200);
    expect(seen).toEqual([{ path: '/stage', body: 'hello' }]);
  });

  it('answers 421 to a request naming another host (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/__parley/media/attachment/abc', headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});
