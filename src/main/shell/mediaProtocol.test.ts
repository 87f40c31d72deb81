import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaRequest } from '../core/media/serve/mediaRequests';

const electron = vi.hoisted(() => ({
  registered: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
}));
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => electron.registered.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => electron.handlers.set(scheme, handler),
  },
}));

const { MEDIA_SCHEME, handleMediaProtocol, registerMediaScheme } = await import('./mediaProtocol');

describe('parley-media protocol', () => {
  beforeEach(() => {
    electron.registered.length = 0;
    electron.handlers.clear();
  });

  it('registers a privileged, streaming, secure scheme', () => {
    registerMediaScheme();
    expect(electron.registered).toEqual([
      { scheme: MEDIA_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true, stream: true, supportFetchAPI: true, bypassCSP: false }) },
    ]);
  });

  it('maps a URL to the core request (route, id, range) and streams the answer back', async () => {
    const seen: MediaRequest[] = [];
    handleMediaProtocol(async (request) => {
      seen.push(request);
      return { status: 206, headers: { 'Content-Range': 'bytes 0-2/10' }, body: Readable.from([Buffer.from('abc')]) };
    });
    const handler = electron.handlers.get(MEDIA_SCHEME)!;
    const response = await handler(new Request('parley-media://attachment/AAAAAAAAAAAAAAAAAAAAAA?download=1', { headers: { Range: 'bytes=0-2' } }));
    expect(response.status).toBe(206);
    expect(await response.text()).toBe('abc');
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/attachment/AAAAAAAAAAAAAAAAAAAAAA', headers: { range: 'bytes=0-2' }, body: null });
    expect(seen[0]!.query.get('download')).toBe('1');
  });

  it('streams a hand-over body to the core', async () => {
    let received = '';
    handleMediaProtocol(async (request) => {
      for await (const part of request.body!) received += String(part);
      return { status: 201, headers: { 'Content-Type': 'application/json' }, body: '{}' };
    });
    const handler = electron.handlers.get(MEDIA_SCHEME)!;
    const response = await handler(new Request('parley-media://stage/?name=a.txt', { method: 'PUT', body: 'hello there', headers: { 'Content-Length': '11' } }));
    expect(response.status).toBe(201);
    expect(received).toBe('hello there');
  });
});
