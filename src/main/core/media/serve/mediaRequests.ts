// The media URL's requests, independent of who carries them (Electron's protocol.handle for parley-media://, the
// browser shell's loopback host under /__parley/media): decrypted attachment bytes with Range (so video seeks and
// plays while downloading), thumbnails, and the renderer handing files over (PUT, streamed, never over IPC).
// Every answer forbids sniffing and caching; a file that is not an image, audio or video is never served inline.
import type { Readable } from 'node:stream';
import { AttachmentId, type AttachmentView } from '../../../../shared/ipc';
import { parseByteRange } from '../../../../shared/http/byteRange';
import { BLURHASH_PATTERN, MAX_THUMBNAIL_BYTES, MAX_THUMBNAIL_SIDE } from '../AttachmentPointer';
import { isAttachmentError } from '../cipher/AttachmentError';
import type { MediaLibrary } from '../MediaLibrary';

export interface MediaRequest {
  method: string;
  /** Path below the media root, e.g. `/attachment/<id>`. */
  path: string;
  query: URLSearchParams;
  headers: { range?: string; contentLength?: string };
  body: Readable | null;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body?: Readable | Buffer | string;
}

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; sandbox" };

export function createMediaRequestHandler(library: () => MediaLibrary): (request: MediaRequest) => Promise<MediaResponse> {
  return async (request) => {
    try {
      const [, route, id, extra] = request.path.split('/');
      if (extra !== undefined) return json(404, { error: 'not_found' });
      if (route === 'stage' && id === undefined && request.method === 'PUT') return await stage(library(), request);
      if (!AttachmentId.safeParse(id).success) return json(404, { error: 'not_found' });
      if (route === 'attachment' && (request.method === 'GET' || request.method === 'HEAD')) return await attachment(library(), id!, request);
      if (route === 'thumbnail' && request.method === 'GET') return await thumbnail(library(), id!);
      if (route === 'thumbnail' && request.method === 'PUT') return await putThumbnail(library(), id!, request);
      return json(405, { error: 'method_not_allowed' });
    } catch (error) {
      if (isAttachmentError(error)) {
        const status = error.code === 'unknown_attachment' ? 404 : error.code === 'too_large' ? 413 : 400;
        return json(status, { error: error.code, message: error.message });
      }
      return json(500, { error: 'internal', message: 'Parley could not read this attachment.' });
    }
  };
}

async function stage(library: MediaLibrary, request: MediaRequest): Promise<MediaResponse> {
  const size = Number(request.headers.contentLength ?? request.query.get('size'));
  if (!request.body || !Number.isSafeInteger(size)) return json(411, { error: 'length_required' });
  const optionalInt = (name: string) => {
    const value = request.query.get(name);
    const number = value === null ? Number.NaN : Number(value);
    return Number.isSafeInteger(number) && number >= 0 && number < 2 ** 31 ? number : undefined;
  };
  const blurhash = request.query.get('blurhash');
  const view = await library.stage(request.body, {
    declaredSize: size,
    fileName: (request.query.get('name') ?? 'attachment').slice(0, 255),
    voiceNote: request.query.get('voice') === '1',
    ...optional('width', optionalInt('width')),
    ...optional('height', optionalInt('height')),
    ...optional('durationMs', optionalInt('duration')),
    ...(blurhash !== null && BLURHASH_PATTERN.test(blurhash) ? { blurhash } : {}),
  });
  return json(201, view);
}

async function attachment(library: MediaLibrary, id: string, request: MediaRequest): Promise<MediaResponse> {
  const record = await library.record(id);
  const inline = record.kind !== 'file';
  const download = request.query.get('download') === '1';
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'Accept-Ranges': 'bytes',
    'Content-Type': inline ? record.contentType : 'application/octet-stream',
    ...(download || !inline ? { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(record.fileName)}` } : {}),
  };
  const range = parseByteRange(request.headers.range, record.size);
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${record.size}` } };
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, record.size - 1];
  headers['Content-Length'] = String(end - start + 1);
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${record.size}`;
  const status = range.kind === 'partial' ? 206 : 200;
  if (request.method === 'HEAD') return { status, headers };
  return { status, headers, body: await library.openRange(id, start, end) };
}

async function thumbnail(library: MediaLibrary, id: string): Promise<MediaResponse> {
  const found = await library.thumbnail(id);
  if (!found) return json(404, { error: 'no_thumbnail' });
  return { status: 200, headers: { ...BASE_HEADERS, 'Content-Type': found.contentType, 'Content-Length': String(found.data.length) }, body: found.data };
}

async function putThumbnail(library: MediaLibrary, id: string, request: MediaRequest): Promise<MediaResponse> {
  if (!request.body) return json(411, { error: 'length_required' });
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of request.body) {
    length += (part as Buffer).length;
    if (length > MAX_THUMBNAIL_BYTES) return json(413, { error: 'too_large', message: 'A preview is at most 16 KiB.' });
    parts.push(part as Buffer);
  }
  const width = Number(request.query.get('width'));
  const height = Number(request.query.get('height'));
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_THUMBNAIL_SIDE || height > MAX_THUMBNAIL_SIDE) {
    return json(400, { error: 'invalid_request', message: 'A preview needs its width and height.' });
  }
  const view: AttachmentView = await library.setThumbnail(id, { data: Buffer.concat(parts), width, height });
  return json(200, view);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function json(status: number, body: unknown): MediaResponse {
  const text = JSON.stringify(body);
  return { status, headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) }, body: text };
}
