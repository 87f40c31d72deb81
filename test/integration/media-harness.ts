// Files through a test user's media URL, as the renderer moves them: staging a picked file (a streamed PUT) and
// reading an attachment's decrypted bytes back.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { MediaRequest, MediaResponse } from '../../src/main/core/media/serve/mediaRequests';
import type { AttachmentView } from '../../src/shared/ipc';
import type { TestUser } from './messaging-harness';

const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
/** A JPEG's first bytes (enough for the type sniffer) and `bytes` random ones. */
export const jpeg = (bytes: number) => Buffer.concat([JPEG_HEAD, randomBytes(bytes)]);

export async function bodyOf(response: MediaResponse): Promise<Buffer> {
  if (!response.body || typeof response.body === 'string' || Buffer.isBuffer(response.body)) return Buffer.from(response.body ?? '');
  const parts: Buffer[] = [];
  for await (const part of response.body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** What the renderer does with a file the user picked: a streamed PUT to the media URL. */
export async function stage(from: TestUser, bytes: Buffer, name: string): Promise<AttachmentView> {
  const request: MediaRequest = { method: 'PUT', path: '/stage', query: new URLSearchParams({ name }), headers: { contentLength: String(bytes.length) }, body: Readable.from([bytes]) };
  const response = await from.core.media(request);
  expect(response.status).toBe(201);
  return JSON.parse(String(response.body)) as AttachmentView;
}

export async function fetchAttachment(by: TestUser, id: string): Promise<Buffer> {
  const response = await by.core.media({ method: 'GET', path: `/attachment/${id}`, query: new URLSearchParams(), headers: {}, body: null });
  expect(response.status).toBe(200);
  return bodyOf(response);
}
