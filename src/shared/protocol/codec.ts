// Encoding and decoding of frames. Decoding never throws: it returns the frame or a typed ProtocolError,
// checking size before parsing and schema after.
import { CodedError } from '../base';
import type { z } from 'zod';
import { ClientFrame, ServerFrame, type ErrorCode } from './frames';
import { MAX_FRAME_BYTES } from './version';

export class ProtocolError extends CodedError<Extract<ErrorCode, 'malformed_frame' | 'frame_too_large'>> {
  override readonly name = 'ProtocolError';
}

export type Decoded<T> = { ok: true; frame: T } | { ok: false; error: ProtocolError };

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}

export const decodeClientFrame = (text: string): Decoded<ClientFrame> => decodeWith(ClientFrame, text);
export const decodeServerFrame = (text: string): Decoded<ServerFrame> => decodeWith(ServerFrame, text);

function decodeWith<T>(schema: z.ZodType<T>, text: string): Decoded<T> {
  // A JS string's length bounds its UTF-8 size from below, and 3× length bounds it from above.
  if (text.length > MAX_FRAME_BYTES || (text.length * 3 > MAX_FRAME_BYTES && utf8Length(text) > MAX_FRAME_BYTES)) {
    return { ok: false, error: new ProtocolError('frame_too_large', `frame exceeds ${MAX_FRAME_BYTES} bytes`) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new ProtocolError('malformed_frame', 'frame is not valid JSON') };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, error: new ProtocolError('malformed_frame', `${issue?.message ?? 'invalid frame'}${where}`.slice(0, 300)) };
  }
  return { ok: true, frame: parsed.data };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
