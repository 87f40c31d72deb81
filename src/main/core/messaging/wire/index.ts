// End-to-end content v2: what travels inside every ciphertext (docs/protocol.md, "End-to-end content").
export * from './model';
export { CONTENT_VERSION, ContentError, MAX_CONTENT_BYTES, paddedLength, type ContentErrorCode } from './frame';
export { decodeEnvelope, encodeEnvelope } from './codec';
