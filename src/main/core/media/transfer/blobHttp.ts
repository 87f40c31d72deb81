// HTTP to the relay's blob endpoints (docs/protocol.md, "Blobs") with node:http/https: streamed bodies both ways,
// keep-alive, and cancellation by AbortSignal. It knows tus headers and status codes, nothing about files or keys.
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { RELAY_WS_PATH } from '../../../../shared/protocol';

export const BLOBS_PATH = '/v1/blobs';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** The blob endpoint of the relay whose WebSocket URL is `relayUrl`: same host and port, http(s). */
export function blobEndpoint(relayUrl: string): URL {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.endsWith(RELAY_WS_PATH) ? url.pathname.slice(0, -RELAY_WS_PATH.length) + BLOBS_PATH : BLOBS_PATH;
  url.search = '';
  url.hash = '';
  return url;
}

export interface BlobRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers: OutgoingHttpHeaders;
  body?: Readable;
  signal?: AbortSignal;
}

/** Resolves with the response (its body still to be read or drained); rejects on a network failure or abort. */
export function blobRequest(request: BlobRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = request.url.protocol === 'https:';
    const outgoing = (secure ? https : http).request(request.url, {
      method: request.method,
      headers: request.headers,
      agent: secure ? agents.https : agents.http,
      signal: request.signal,
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    if (!request.body) return void outgoing.end();
    request.body.once('error', (error) => outgoing.destroy(error));
    request.body.pipe(outgoing);
  });
}

/** Reads a small error body (at most 1 KiB kept) so the connection can be reused. */
export async function readErrorBody(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) if (text.length < 1024) text += String(chunk);
  return text.trim().slice(0, 1024);
}
