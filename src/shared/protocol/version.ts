// The relay wire protocol's version and its hard size limits. Every frame is one binary WebSocket message
// (docs/protocol.md gives each frame's byte layout). Bump PROTOCOL_VERSION on any incompatible change.

export const PROTOCOL_VERSION = 2;

/** Largest frame either side accepts. Larger frames get `frame_too_large` and change nothing. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** The WebSocket path of the relay. */
export const RELAY_WS_PATH = '/v2/ws';
