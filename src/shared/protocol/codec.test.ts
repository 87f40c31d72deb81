import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeServerFrame, encodeFrame } from './codec';
import { MAX_FRAME_BYTES } from './version';
import type { SendFrame } from './frames';
import { toBase64 } from '../encoding/base64';

const nonce = toBase64(new Uint8Array(32).fill(7));
const signature = toBase64(new Uint8Array(64).fill(1));

describe('frame codec', () => {
  it('round-trips a valid send frame', () => {
    const frame: SendFrame = { type: 'send', rid: 1, messageId: 'm1', to: [{ user: 'bob', device: 1 }], payload: 'AAEC' };
    expect(decodeClientFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });

  it('accepts a valid auth frame', () => {
    const decoded = decodeClientFrame(JSON.stringify({ type: 'auth', nonce, user: 'Alice', device: 1, signature }));
    expect(decoded.ok).toBe(true);
  });

  it.each([
    ['not JSON', '{nope'],
    ['unknown type', JSON.stringify({ type: 'teleport' })],
    ['missing field', JSON.stringify({ type: 'ping' })],
    ['extra field', JSON.stringify({ type: 'ping', rid: 1, admin: true })],
    ['bad username', JSON.stringify({ type: 'auth', nonce, user: 'a', device: 1, signature })],
    ['short nonce', JSON.stringify({ type: 'auth', nonce: 'AAAA', user: 'alice', device: 1, signature })],
    ['non-base64 payload', JSON.stringify({ type: 'send', rid: 1, messageId: 'm', to: [{ user: 'bob', device: 1 }], payload: '!!' })],
    ['empty recipients', JSON.stringify({ type: 'send', rid: 1, messageId: 'm', to: [], payload: '' })],
    ['negative rid', JSON.stringify({ type: 'ping', rid: -1 })],
    ['array', '[]'],
    ['null', 'null'],
  ])('rejects %s as malformed_frame', (_name, text) => {
    const decoded = decodeClientFrame(text);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe('malformed_frame');
  });

  it('rejects an oversized frame before parsing it', () => {
    const decoded = decodeClientFrame(`"${'a'.repeat(MAX_FRAME_BYTES)}"`);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe('frame_too_large');
  });

  it('counts multi-byte characters against the frame limit', () => {
    const decoded = decodeClientFrame(`"${'é'.repeat(MAX_FRAME_BYTES / 2 + 10)}"`);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe('frame_too_large');
  });

  it('decodes server frames with the server schema only', () => {
    expect(decodeServerFrame(JSON.stringify({ type: 'pong', rid: 3 })).ok).toBe(true);
    expect(decodeServerFrame(JSON.stringify({ type: 'ping', rid: 3 })).ok).toBe(false);
  });
});
