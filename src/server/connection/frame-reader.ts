// Turns one raw WebSocket message into a client frame or a typed rejection. Binary messages, oversized
// messages, invalid JSON and schema violations are all rejections; nothing here throws.
import {
  MAX_FRAME_BYTES,
  RequestId,
  decodeClientFrame,
  type ClientFrame,
  type ErrorCode,
} from '../../shared/protocol';

export interface FrameRejection {
  code: Extract<ErrorCode, 'malformed_frame' | 'frame_too_large'>;
  message: string;
  /** The request id of the rejected frame, when one could be read, so the client can fail that request. */
  rid?: number;
}

export type ReadFrame = { ok: true; frame: ClientFrame } | { ok: false; rejection: FrameRejection };

export type RawMessage = Buffer | ArrayBuffer | Buffer[];

export function readClientFrame(data: RawMessage, isBinary: boolean): ReadFrame {
  const bytes = toBuffer(data);
  if (bytes.length > MAX_FRAME_BYTES) {
    return reject({ code: 'frame_too_large', message: `frame is ${bytes.length} bytes; the limit is ${MAX_FRAME_BYTES}` });
  }
  if (isBinary) return reject({ code: 'malformed_frame', message: 'frames must be UTF-8 JSON text, not binary' });
  // ws has already validated the UTF-8 of text messages.
  const text = bytes.toString('utf8');
  const decoded = decodeClientFrame(text);
  if (decoded.ok) return { ok: true, frame: decoded.frame };
  return reject({ code: decoded.error.code, message: decoded.error.message, rid: readRequestId(text) });
}

function reject(rejection: FrameRejection): ReadFrame {
  return { ok: false, rejection };
}

function toBuffer(data: RawMessage): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Best effort: the `rid` of a JSON object that failed the schema for another reason. */
function readRequestId(text: string): number | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !('rid' in value)) return undefined;
    const rid = RequestId.safeParse(value.rid);
    return rid.success ? rid.data : undefined;
  } catch {
    return undefined;
  }
}
