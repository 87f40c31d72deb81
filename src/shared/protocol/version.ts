// The relay wire protocol's version and its hard size limits. Every frame is one UTF-8 JSON text message.
// Bump PROTOCOL_VERSION on any incompatible change and describe it in docs/protocol.md.

export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts. Larger frames get `frame_too_large` and change nothing. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** The WebSocket path of the relay. */
export const RELAY_WS_PATH = '/v1/ws';
