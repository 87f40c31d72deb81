// The one place the transport touches a real WebSocket. Everything above it talks to RelaySocket, so unit tests can
// drive the protocol with a scripted fake and integration tests with the real `ws` client.
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../../shared/protocol';

export interface RelaySocketHandlers {
  onOpen(): void;
  /** One message: protocol v2 frames are binary; a text message is reported with `binary: false`. */
  onMessage(data: Uint8Array, binary: boolean): void;
  /** Called exactly once when the socket is gone, whatever the reason (after onError when there was one). */
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
}

export interface RelaySocket {
  send(frame: Uint8Array): void;
  /** Orderly close handshake. */
  close(code: number, reason: string): void;
  /** Drops the socket at once without a close handshake (a dead peer never answers one). */
  terminate(): void;
}

export type RelaySocketFactory = (url: string, handlers: RelaySocketHandlers) => RelaySocket;

/** Messages above this size are refused by the socket itself before being buffered. */
const MAX_INCOMING_BYTES = MAX_FRAME_BYTES + 1024;

export const wsSocketFactory: RelaySocketFactory = (url, handlers) => {
  const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_INCOMING_BYTES });
  let closed = false;
  socket.on('open', () => handlers.onOpen());
  socket.on('message', (data, isBinary) => handlers.onMessage(rawDataToBytes(data), isBinary));
  socket.on('error', (error) => handlers.onError(error));
  socket.on('close', (code, reason) => {
    if (closed) return;
    closed = true;
    handlers.onClose(code, reason.toString('utf8'));
  });
  return {
    send: (frame) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    },
    close: (code, reason) => {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    },
    terminate: () => socket.terminate(),
  };
};

function rawDataToBytes(data: WebSocket.RawData): Uint8Array {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return new Uint8Array(data);
}
