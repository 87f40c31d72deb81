// Turns one raw WebSocket message into a client frame or a typed rejection. Text messages, oversized messages and
// anything that breaks the binary layout are rejections; nothing here throws.
import { MAX_FRAME_BYTES, decodeClientFrame, readRequestId, type ClientFrame, type ErrorCode } from '../../shared/protocol';

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
  if (!isBinary) return reject({ code: 'malformed_frame', message: 'protocol v2 frames are binary messages, not text' });
  const decoded = decodeClientFrame(bytes);
  if (decoded.ok) return { ok: true, frame: decoded.frame };
  return reject({ code: decoded.error.code, message: decoded.error.message, rid: readRequestId(bytes) });
}

function reject(rejection: FrameRejection): ReadFrame {
  return { ok: false, rejection };
}

function toBuffer(data: RawMessage): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
