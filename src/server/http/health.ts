// The relay's plain-HTTP surface: GET /healthz, a 426 for a non-upgrade request to the WebSocket path, and a
// 404 for everything else. Answers only counters, never anything about a user.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_WS_PATH } from '../../shared/protocol';

export interface HealthReport {
  version: string;
  protocol: number;
  uptimeSeconds: number;
  connectedDevices: number;
}

export function createHttpHandler(health: () => HealthReport): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = pathOf(request.url);
    if (path === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return answer(response, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
      }
      return answer(response, 200, health(), {}, request.method === 'HEAD');
    }
    if (path === RELAY_WS_PATH) return answer(response, 426, { error: 'upgrade_required' }, { Upgrade: 'websocket' });
    return answer(response, 404, { error: 'not_found' });
  };
}

/** The path of a request target, without its query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function answer(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, headOnly = false): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(headOnly ? undefined : text);
}
