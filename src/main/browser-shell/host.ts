// The browser-shell host: serves the real renderer build on loopback and carries the IPC contract over a
// WebSocket, so Parley runs in plain Chromium where Electron cannot (docs/architecture.md, "Testing without Electron").
// Only our own page may drive the core: the socket must present this launch's token, our exact origin and Host.
// parley:// links reach it as a POST to DEEP_LINK_PATH with the same token (what a second launch of the desktop app
// does), so e2e and `npm run link` exercise the same parser and inbox as Electron.
import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { bytesEqual } from '../../shared/base';
import type { EventChannel, IpcDispatch } from '../../shared/ipc';
import { RENDERER_CSP_HEADER } from '../core/security/contentSecurityPolicy';
import { PageMessage } from '../../shared/ipc/browser-host-protocol';
import type { HostMessage } from '../../shared/ipc/hostMessage';
import { MEDIA_ROUTE, serveMedia, type MediaHandler } from './mediaRoute';
import { servePageFile, type PageFiles } from './page';

export interface BrowserHostOptions extends PageFiles {
  host?: string;
  port?: number;
  dispatch: IpcDispatch;
  /** A parley:// link handed to the host (untrusted text: the core's parser decides). */
  onDeepLink?: (raw: string) => void;
  /** Serves the media URL (attachments, thumbnails, hand-overs) when the core has a media library. */
  media?: MediaHandler;
  /** The page saw the network come back; called at most once per NETWORK_SIGNAL_MIN_INTERVAL_MS. */
  onNetworkChanged?: () => void;
  /** Clock for that rate limit (tests). */
  now?: () => number;
}

export const DEEP_LINK_PATH = '/__parley/deep-link';
export const HOST_TOKEN_HEADER = 'x-parley-host-token';
const MAX_DEEP_LINK_BODY_BYTES = 4096;

export interface BrowserHost {
  url: string;
  port: number;
  /** Sends a contract event to every connected page. */
  broadcast(event: EventChannel, payload: unknown): void;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A page cannot make the core probe its relay more often than this, however many signals it sends. */
export const NETWORK_SIGNAL_MIN_INTERVAL_MS = 1_000;

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(32).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const pages = new Set<WebSocket>();
  const now = options.now ?? Date.now;
  let origin = '';
  let lastNetworkSignal = -Infinity;

  const server = createServer((request, response) => {
    if (!hostHeaderMatches(request, origin)) {
      response.writeHead(421).end();
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    const path = url.pathname;
    if (path === DEEP_LINK_PATH) {
      receiveDeepLink(request, (status) => response.writeHead(status, { 'cache-control': 'no-store' }).end());
      return;
    }
    if (options.media && path.startsWith(`${MEDIA_ROUTE}/`)) {
      const hasHostToken = tokensEqual(String(request.headers[HOST_TOKEN_HEADER] ?? ''), token);
      serveMedia(request, response, url, { origin, hasHostToken, handle: options.media });
      return;
    }
    void servePageFile(options, path, token).then(
      (file) => {
        response.writeHead(file.status, {
          'content-type': file.contentType,
          'cache-control': file.cacheControl,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'content-security-policy': RENDERER_CSP_HEADER,
        });
        response.end(file.body);
      },
      () => response.writeHead(500).end(),
    );
  });

  function receiveDeepLink(request: IncomingMessage, reply: (status: number) => void) {
    if (request.method !== 'POST') return reply(405);
    if (!tokensEqual(String(request.headers[HOST_TOKEN_HEADER] ?? ''), token)) return reply(403);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_DEEP_LINK_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_DEEP_LINK_BODY_BYTES) return reply(413);
      options.onDeepLink?.(Buffer.concat(chunks).toString('utf8'));
      reply(202);
    });
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const allowed =
      url.pathname === '/ipc' &&
      request.headers.origin === origin &&
      hostHeaderMatches(request, origin) &&
      tokensEqual(url.searchParams.get('token') ?? '', token);
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (page) => {
      pages.add(page);
      page.on('close', () => pages.delete(page));
      page.on('message', (data) => void answer(page, data.toString()));
    });
  });

  async function answer(page: WebSocket, text: string) {
    let parsed;
    try {
      parsed = PageMessage.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    if (parsed.data.kind === 'network-changed') {
      signalNetworkChanged();
      return;
    }
    const { id, channel, request } = parsed.data;
    const result = await options.dispatch(channel, request, { trusted: true });
    send(page, { kind: 'result', id, result });
  }

  function signalNetworkChanged() {
    if (now() - lastNetworkSignal < NETWORK_SIGNAL_MIN_INTERVAL_MS) return;
    lastNetworkSignal = now();
    options.onNetworkChanged?.();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;

  return {
    url: `${origin}/`,
    port,
    broadcast(event, payload) {
      for (const page of pages) send(page, { kind: 'event', event, payload });
    },
    async close() {
      for (const page of pages) page.terminate();
      sockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A response still streaming (a video the page was playing, a download) would hold close() open for ever.
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(page: WebSocket, message: HostMessage) {
  if (page.readyState === page.OPEN) page.send(JSON.stringify(message));
}

/** Rejects DNS-rebinding: the Host header must name our loopback address exactly. */
function hostHeaderMatches(request: IncomingMessage, origin: string): boolean {
  return `http://${request.headers.host ?? ''}` === origin;
}

function tokensEqual(given: string, expected: string): boolean {
  return bytesEqual(Buffer.from(given), Buffer.from(expected));
}
