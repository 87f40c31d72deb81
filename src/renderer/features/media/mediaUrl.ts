// The media URL main serves to this renderer: decrypted attachment bytes (with Range, so video and audio seek and
// play while downloading), previews, and hand-overs of files the user picked — /__parley/media on the browser
// shell's own origin (whose page carries the launch's host token), parley-media:// in Electron. Files travel as
// streamed request bodies, never as base64 over IPC.
import { AttachmentView } from '../../../shared/ipc';
import { tableSentence } from '../../i18n/errorText';

const HOST_TOKEN_HEADER = 'x-parley-host-token';

function hostToken(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="parley-host-token"]')?.content ?? null;
}

function urlOf(route: string, id?: string, query?: Record<string, string>): string {
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  const path = id === undefined ? '' : `/${encodeURIComponent(id)}`;
  return hostToken() === null ? `parley-media://${route}${path}${search}` : `/__parley/media/${route}${path}${search}`;
}

/** Where an <img>, <video> or <audio> reads an attachment's decrypted bytes; opening it starts its download. */
export const attachmentUrl = (id: string): string => urlOf('attachment', id);
/** The same bytes offered as a download under the attachment's (sanitised) name. */
export const downloadUrl = (id: string): string => urlOf('attachment', id, { download: '1' });
export const thumbnailUrl = (id: string): string => urlOf('thumbnail', id);

/** Facts the renderer found out about a file (main checks size and type itself). */
export interface StageFacts {
  voiceNote?: boolean;
  width?: number;
  height?: number;
  durationMs?: number;
}

export class MediaRequestError extends Error {
  override readonly name = 'MediaRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send(url: string, body: Blob): Promise<unknown> {
  const token = hostToken();
  const response = await fetch(url, { method: 'PUT', body, headers: token === null ? {} : { [HOST_TOKEN_HEADER]: token } });
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) {
    // Told by its code from the string table (i18n/), not in main's words.
    const code = typeof answer.error === 'string' ? answer.error.slice(0, 64) : 'internal';
    throw new MediaRequestError(code, tableSentence({ id: 'attachment.failed', params: { cause: code } }));
  }
  return answer;
}

/** Hands a file to main, which checks it, encrypts it and starts uploading at once. */
export async function stageFile(file: Blob, name: string, facts: StageFacts = {}): Promise<AttachmentView> {
  const query: Record<string, string> = { name, size: String(file.size) };
  if (facts.voiceNote) query.voice = '1';
  if (facts.width !== undefined) query.width = String(facts.width);
  if (facts.height !== undefined) query.height = String(facts.height);
  if (facts.durationMs !== undefined) query.duration = String(facts.durationMs);
  return AttachmentView.parse(await send(urlOf('stage', undefined, query), file));
}

/** The small preview the renderer made (main never decodes images). */
export async function putThumbnail(id: string, thumbnail: Blob, width: number, height: number): Promise<AttachmentView> {
  return AttachmentView.parse(await send(urlOf('thumbnail', id, { width: String(width), height: String(height) }), thumbnail));
}
