// The parley-media:// scheme: the Electron side of the media URL (core/media/serve/mediaRequests.ts), so the
// renderer's <img>, <audio> and <video> get decrypted bytes with Range from main, and files are handed over with a
// streamed fetch PUT — never as base64 or whole buffers over IPC. Registered as privileged (standard, secure,
// streaming, fetch) before the app is ready; the handler is installed on the default session once it is.
import { protocol } from 'electron';
import { Readable } from 'node:stream';
import type { MediaRequest, MediaResponse } from '../core/media/serve/mediaRequests';

export const MEDIA_SCHEME = 'parley-media';

/** Must run before app 'ready'. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false, bypassCSP: false } },
  ]);
}

/** Serves parley-media://<route>/<id> with the core's handler. */
export function handleMediaProtocol(handle: (request: MediaRequest) => Promise<MediaResponse>): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const write = request.method !== 'GET' && request.method !== 'HEAD';
    const answer = await handle({
      method: request.method,
      // parley-media://attachment/<id>: the route is the URL's host, the id its path.
      path: `/${url.host}${url.pathname === '/' ? '' : url.pathname}`,
      query: url.searchParams,
      headers: {
        ...(request.headers.get('range') ? { range: request.headers.get('range')! } : {}),
        ...(request.headers.get('content-length') ? { contentLength: request.headers.get('content-length')! } : {}),
      },
      body: write && request.body ? Readable.fromWeb(request.body as never) : null,
    });
    const body = answer.body === undefined || typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : (Readable.toWeb(answer.body) as ReadableStream);
    return new Response(body ?? null, { status: answer.status, headers: answer.headers });
  });
}
