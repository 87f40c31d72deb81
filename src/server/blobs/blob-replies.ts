// What every blob endpoint shares: the bearer token of a request and the JSON error answer `{ "error": code }`
// (docs/protocol.md, "Blobs").
import type { ServerResponse } from 'node:http';

export function bearer(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
  return match?.[1];
}

export function answerError(response: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ error });
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
