import { describe, expect, it } from 'vitest';
import { toBase64 } from '../encoding/base64';
import { utf8Encode } from '../encoding/utf8';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  readRequestId,
  sendFrameSize,
} from './codec';
import { CLIENT_FRAME_CODES, SERVER_FRAME_CODES, type ClientFrame, type SendFrame, type ServerFrame } from './frames';
import { MAX_FRAME_BYTES } from './version';

const nonce = toBase64(new Uint8Array(32).fill(7));
const key = toBase64(new Uint8Array(32).fill(3));
const signature = toBase64(new Uint8Array(64).fill(1));
const payload = new Uint8Array([0, 1, 2, 250, 255]);
const bob = { user: 'bob', device: 1 };

const CLIENT_FRAMES: ClientFrame[] = [
  { type: 'send', rid: 1, messageId: '01JD3Q8S6Z8M5N1V0K2H7C4T9B', to: [bob, { user: 'Carol.x', device: 2 ** 31 - 1 }], payload, ephemeral: false },
  { type: 'send', rid: 2 ** 32 - 1, messageId: 'a', to: [bob], payload: new Uint8Array(0), ephemeral: true },
  {
    type: 'send',
    rid: 3,
    messageId: 'checked',
    to: [bob],
    payload,
    ephemeral: false,
    known: [{ ...bob, keyTag: 2 ** 32 - 1 }, { user: 'bob', device: 4, keyTag: 0 }],
  },
  { type: 'send', rid: 4, messageId: 'carries-ack', to: [bob], payload, ephemeral: false, ackThrough: 2 ** 48 - 1 },
  { type: 'send', rid: 5, messageId: 'typing', to: [bob], payload, ephemeral: true, ackThrough: 1 },
  {
    type: 'send',
    rid: 6,
    messageId: 'checked-ack',
    to: [bob],
    payload,
    ephemeral: false,
    known: [{ ...bob, keyTag: 9 }],
    ackThrough: 77,
  },
  { type: 'ack', through: 42, also: [] },
  { type: 'ack', through: 0, also: [3, 7, 2 ** 48 - 1] },
  { type: 'ping', rid: 7 },
  { type: 'register', nonce, username: 'Alice', device: 1, identityKey: key, signature },
  { type: 'auth', nonce, user: 'alice', device: 1, signature },
  { type: 'publish_prekeys', rid: 3, signedPrekey: { id: 1, publicKey: key, signature }, oneTimePrekeys: [{ id: 9, publicKey: key }] },
  { type: 'fetch_prekeys', rid: 4, user: 'bob' },
  { type: 'count_prekeys', rid: 5 },
  { type: 'blob_upload', rid: 6, size: 5_242_912 },
  { type: 'blob_resume', rid: 7, blob: 'k3Fq9v2xYb1LmN0pQrStUw' },
  { type: 'blob_download', rid: 8, blob: 'k3Fq9v2xYb1LmN0pQrStUw' },
  { type: 'blob_grant', rid: 9, blob: 'k3Fq9v2xYb1LmN0pQrStUw', to: [{ user: 'bob', device: 1 }] },
  {
    type: 'link_device',
    rid: 10,
    provisioningAddress: 'k3Fq9v2xYb1LmN0pQrStUw',
    identityKey: key,
    certificate: signature,
    name: 'AAEC',
    body: 'AAECAw==',
  },
  { type: 'list_devices', rid: 11, user: 'bob' },
  { type: 'remove_device', rid: 12, device: 3 },
  { type: 'provision' },
];

const SERVER_FRAMES: ServerFrame[] = [
  {
    type: 'deliver',
    deliveries: [
      { seq: 1, sentAt: 1_764_000_000_000, messageId: 'm1', from: bob, payload },
      { seq: 0, sentAt: 1, messageId: 'typing-1', from: { user: 'carol', device: 3 }, payload: new Uint8Array(0) },
    ],
  },
  { type: 'sent', answers: [{ rid: 1, status: 'stored' }, { rid: 2, status: 'duplicate' }, { rid: 3, status: 'routed' }] },
  { type: 'pong', rid: 9 },
  { type: 'drained' },
  { type: 'challenge', version: 2, nonce, expiresInMs: 30_000 },
  { type: 'ready', user: 'alice', device: 1, registered: true },
  { type: 'error', rid: 4, code: 'rate_limited', message: 'slow down', retryAfterMs: 240 },
  { type: 'error', rid: 5, code: 'devices_changed', message: 'changed', devices: [{ user: 'bob', missing: [2], extra: [3, 4], stale: [1] }] },
  { type: 'prekeys_published', rid: 3, oneTimePrekeys: 100, kemPrekeys: 40 },
  { type: 'prekey_bundles', rid: 4, user: 'bob', accountKey: key, devices: [{ device: 1, identityKey: key, signedPrekey: { id: 1, publicKey: key, signature } }] },
  { type: 'device_linked', rid: 10, device: 2 },
  {
    type: 'device_list',
    rid: 11,
    user: 'bob',
    accountKey: key,
    devices: [
      { device: 1, identityKey: key, linkedAt: 5, lastSeenAt: 9 },
      { device: 2, identityKey: key, certificate: signature, linkedAt: 6, name: 'AAEC' },
    ],
  },
  { type: 'device_removed', rid: 12, device: 2 },
  { type: 'provisioning_address', address: 'k3Fq9v2xYb1LmN0pQrStUw', expiresAt: 1_767_225_600_000 },
  { type: 'provision_message', user: 'bob', device: 2, body: 'AAECAw==' },
  { type: 'prekey_count', rid: 5, oneTimePrekeys: 12, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: 3 },
  { type: 'prekeys_low', oneTimePrekeys: 19, kemPrekeys: 4 },
  { type: 'blob_token', rid: 6, blob: 'k3Fq9v2xYb1LmN0pQrStUw', token: 'v1.e30.AAAA', expiresAt: 1_767_225_600_000 },
  { type: 'blob_granted', rid: 9 },
];

function expectRefused(result: ReturnType<typeof decodeClientFrame> | ReturnType<typeof decodeServerFrame>, code = 'malformed_frame') {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.code).toBe(code);
}

describe('frame codec v2', () => {
  it('covers every frame type', () => {
    expect(new Set(CLIENT_FRAMES.map((f) => f.type))).toEqual(new Set(Object.keys(CLIENT_FRAME_CODES)));
    expect(new Set(SERVER_FRAMES.map((f) => f.type))).toEqual(new Set(Object.keys(SERVER_FRAME_CODES)));
  });

  it.each(CLIENT_FRAMES.map((frame) => [frame.type, frame] as const))('round-trips a client %s frame', (_type, frame) => {
    expect(decodeClientFrame(encodeClientFrame(frame))).toEqual({ ok: true, frame });
  });

  it.each(SERVER_FRAMES.map((frame) => [frame.type, frame] as const))('round-trips a relay %s frame', (_type, frame) => {
    expect(decodeServerFrame(encodeServerFrame(frame))).toEqual({ ok: true, frame });
  });

  it('carries payloads as raw bytes, not base64', () => {
    const frame = CLIENT_FRAMES[0] as Extract<ClientFrame, { type: 'send' }>;
    const bytes = encodeClientFrame(frame);
    expect(bytes.length).toBe(sendFrameSize(frame.messageId, frame.to, payload.length));
    const carrying = CLIENT_FRAMES[3] as Extract<ClientFrame, { type: 'send' }>;
    expect(encodeClientFrame(carrying).length).toBe(sendFrameSize(carrying.messageId, carrying.to, payload.length, undefined, true));
    const at = bytes.length - payload.length;
    expect([...bytes.subarray(at)]).toEqual([...payload]);
  });

  it('refuses every truncation of every frame', () => {
    for (const frame of CLIENT_FRAMES) {
      const bytes = encodeClientFrame(frame);
      for (let length = 0; length < bytes.length; length++) expectRefused(decodeClientFrame(bytes.subarray(0, length)));
    }
    for (const frame of SERVER_FRAMES) {
      const bytes = encodeServerFrame(frame);
      for (let length = 0; length < bytes.length; length++) expectRefused(decodeServerFrame(bytes.subarray(0, length)));
    }
  });

  it('refuses trailing bytes after any frame', () => {
    for (const frame of CLIENT_FRAMES) expectRefused(decodeClientFrame(new Uint8Array([...encodeClientFrame(frame), 0])));
    for (const frame of SERVER_FRAMES) expectRefused(decodeServerFrame(new Uint8Array([...encodeServerFrame(frame), 0])));
  });

  it('refuses frames of the other direction and unknown codes', () => {
    for (const frame of SERVER_FRAMES) expectRefused(decodeClientFrame(encodeServerFrame(frame)));
    for (const frame of CLIENT_FRAMES) expectRefused(decodeServerFrame(encodeClientFrame(frame)));
    expectRefused(decodeClientFrame(new Uint8Array([0x7f, 1, 2])));
  });

  it('refuses an oversized frame before reading it', () => {
    expectRefused(decodeClientFrame(new Uint8Array(MAX_FRAME_BYTES + 1)), 'frame_too_large');
    expectRefused(decodeServerFrame(new Uint8Array(MAX_FRAME_BYTES + 1)), 'frame_too_large');
  });

  const send = (patch: (bytes: Uint8Array) => void, frame: ClientFrame = CLIENT_FRAMES[0]!) => {
    const bytes = encodeClientFrame(frame);
    patch(bytes);
    return decodeClientFrame(bytes);
  };

  it.each([
    ['unknown send flags', (b: Uint8Array) => (b[1] = 0x08)],
    ['an unknown high flag', (b: Uint8Array) => (b[1] = 0x80)],
    ['a message id with a bad character', (b: Uint8Array) => (b[7] = 0x2e)],
    ['a message id of length 0', (b: Uint8Array) => (b[6] = 0)],
    ['a payload length past the end', (b: Uint8Array) => (b[b.length - payload.length - 1] = 0xff)],
    ['zero recipients', (b: Uint8Array) => {
      const at = 6 + 1 + 26;
      b[at] = 0;
      b[at + 1] = 0;
    }],
  ])('refuses a send with %s', (_name, patch) => {
    expectRefused(send(patch));
  });

  it('refuses a checked send that is ephemeral, knows no device, or does not know one of its recipients', () => {
    const checked = (frame: Partial<ClientFrame & { type: 'send' }>) =>
      encodeClientFrame({ type: 'send', rid: 1, messageId: 'm', to: [bob], payload, ephemeral: false, known: [{ ...bob, keyTag: 1 }], ...frame });
    expect(decodeClientFrame(checked({ known: [{ user: 'BOB', device: 1, keyTag: 1 }] })).ok).toBe(true);
    expectRefused(decodeClientFrame(checked({ ephemeral: true })));
    expectRefused(decodeClientFrame(checked({ known: [] })));
    expectRefused(decodeClientFrame(checked({ known: [{ user: 'bob', device: 2, keyTag: 1 }] })));
    const flagged = checked({});
    flagged[1] = 0x08;
    expectRefused(decodeClientFrame(flagged));
  });

  it('refuses devices on an error other than devices_changed, and devices_changed without them', () => {
    const error = (body: object) => new Uint8Array([SERVER_FRAME_CODES.error, ...utf8Encode(JSON.stringify(body))]);
    expectRefused(decodeServerFrame(error({ code: 'internal', message: 'x', devices: [{ user: 'bob', missing: [], extra: [], stale: [] }] })));
    expectRefused(decodeServerFrame(error({ code: 'devices_changed', message: 'x' })));
    expectRefused(decodeServerFrame(error({ code: 'devices_changed', message: 'x', devices: [] })));
    expectRefused(decodeServerFrame(error({ code: 'devices_changed', message: 'x', devices: [{ user: 'bob', missing: [0], extra: [], stale: [] }] })));
  });

  it('refuses a carried ack that acknowledges nothing, and keeps the rid where a refusal reads it', () => {
    const carrying = CLIENT_FRAMES[3] as SendFrame;
    const bytes = encodeClientFrame(carrying);
    expect(bytes[1]).toBe(0x04);
    expect(readRequestId(bytes)).toBe(4);
    bytes.fill(0, 6, 12);
    expectRefused(decodeClientFrame(bytes));
    expect(() => encodeClientFrame({ ...carrying, ackThrough: 0 })).toThrow();
    // The flag without its six bytes: the message id's length byte and characters are read as `through`.
    const { ackThrough: _carried, ...plain } = carrying;
    const unflagged = encodeClientFrame(plain);
    unflagged[1] = 0x04;
    expectRefused(decodeClientFrame(unflagged));
  });

  it('refuses bad usernames and device ids in a send', () => {
    const at = 6 + 1 + 26 + 2; // the first recipient's username length
    expectRefused(send((b) => (b[at] = 2)));
    expectRefused(send((b) => (b[at + 1] = 0x2d))); // '-' may not start a username
    expectRefused(send((b) => b.set([0, 0, 0, 0], at + 4)));
    expectRefused(send((b) => b.set([0x80, 0, 0, 0], at + 4)));
  });

  it('refuses acks that acknowledge nothing or list deliveries out of order', () => {
    expectRefused(decodeClientFrame(new Uint8Array([CLIENT_FRAME_CODES.ack, 0, 0, 0, 0, 0, 0, 0, 0])));
    const listed = (through: number, also: number[]) => {
      const out = new Uint8Array(9 + 6 * also.length);
      out[0] = CLIENT_FRAME_CODES.ack;
      out[6] = through;
      out[8] = also.length;
      also.forEach((seq, i) => (out[9 + 6 * i + 5] = seq));
      return decodeClientFrame(out);
    };
    expect(listed(5, [6, 9]).ok).toBe(true);
    expectRefused(listed(5, [5]));
    expectRefused(listed(5, [8, 7]));
  });

  it.each([
    ['not JSON', utf8Encode('{nope')],
    ['a JSON array', utf8Encode('[]')],
    ['a body naming a type', utf8Encode(JSON.stringify({ type: 'ping', rid: 1 }))],
    ['an extra field', utf8Encode(JSON.stringify({ rid: 1, admin: true }))],
    ['a missing field', utf8Encode('{}')],
    ['bad UTF-8', new Uint8Array([0xc3, 0x28])],
  ])('refuses a rare frame with %s', (_name, body) => {
    expectRefused(decodeClientFrame(new Uint8Array([CLIENT_FRAME_CODES.count_prekeys, ...body])));
  });

  it('refuses a bad auth body (short nonce, bad username)', () => {
    const body = (fields: object) => new Uint8Array([CLIENT_FRAME_CODES.auth, ...utf8Encode(JSON.stringify(fields))]);
    expectRefused(decodeClientFrame(body({ nonce: 'AAAA', user: 'alice', device: 1, signature })));
    expectRefused(decodeClientFrame(body({ nonce, user: 'a', device: 1, signature })));
    expect(decodeClientFrame(body({ nonce, user: 'alice', device: 1, signature })).ok).toBe(true);
  });

  it('refuses a sent frame with an unknown status and a deliver frame with no envelopes', () => {
    expectRefused(decodeServerFrame(new Uint8Array([SERVER_FRAME_CODES.sent, 0, 1, 0, 0, 0, 1, 9])));
    expectRefused(decodeServerFrame(new Uint8Array([SERVER_FRAME_CODES.deliver, 0, 0])));
  });

  it('reads the rid of a refused request where it can', () => {
    const sendBytes = encodeClientFrame({ type: 'send', rid: 77, messageId: 'x', to: [bob], payload, ephemeral: false });
    expect(readRequestId(sendBytes.subarray(0, 8))).toBe(77);
    expect(readRequestId(new Uint8Array([CLIENT_FRAME_CODES.fetch_prekeys, ...utf8Encode(JSON.stringify({ rid: 12, user: '!' }))]))).toBe(12);
    expect(readRequestId(new Uint8Array([CLIENT_FRAME_CODES.ack, 1]))).toBeUndefined();
    expect(readRequestId(new Uint8Array([]))).toBeUndefined();
  });
});
