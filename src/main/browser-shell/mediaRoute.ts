// The browser shell's media URL: /__parley/media/… on the loopback host, the same requests Electron serves on
// parley-media:// (core/media/serve/mediaRequests.ts). Reads (images, audio, video, thumbnails) need a same-origin
// fetch (Sec-Fetch-Site), so another site open in the browser cannot embed them; a hand-over (PUT) also needs our
// Origin and this launch's token, like the IPC socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { MediaRequest, MediaResponse } from '../core/media/serve/mediaRequests';

export const MEDIA_ROUTE = '/__parley/media';

export type MediaHandler = (request: MediaRequest) => Promise<MediaResponse>;

export function serveMedia(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: { origin: string; hasHostToken: boolean; handle: MediaHandler },
): void {
  const sameSite = request.headers['sec-fetch-site'];
  const write = request.method !== 'GET' && request.method !== 'HEAD';
  const allowed = write
    ? request.headers.origin === context.origin && context.hasHostToken
    : sameSite === undefined || sameSite === 'same-origin' || sameSite === 'none';
  if (!allowed) {
    response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden');
    return;
  }
  const media: MediaRequest = {
    method: request.method ?? 'GET',
    path: url.pathname.slice(MEDIA_ROUTE.length),
    query: url.searchParams,
    headers: {
      ...(request.headers.range ? { range: request.headers.range } : {}),
      ...(request.headers['content-length'] ? { contentLength: request.headers['content-length'] } : {}),
    },
    body: write ? request : null,
  };
  context.handle(media).then(
    async (answer) => {
      response.writeHead(answer.status, { ...answer.headers, 'referrer-policy': 'no-referrer' });
      if (answer.body === undefined) return void response.end();
      if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) return void response.end(answer.body);
      await pipeline(answer.body, response).catch(() => response.destroy());
    },
    () => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    },
  );
  // A hand-over the handler did not read to the end (refused early) must not hang the socket.
  if (write) request.once('close', () => (request.readableEnded ? undefined : request.resume()));
}

