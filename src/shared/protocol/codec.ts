// Encoding and decoding of frames (docs/protocol.md, "Encoding"). A frame is one binary WebSocket message: a code
// byte, then either a fixed binary layout (the message path) or a UTF-8 JSON object checked against the frame's
// schema (the rare frames). Decoding never throws: it returns the frame or a typed ProtocolError, checking the
// size before anything else and refusing trailing bytes.
import type { z } from 'zod';
import { CodedError } from '../base';
import { utf8Decode, utf8Encode } from '../encoding/utf8';
import { MAX_SEQ, MESSAGE_ID_PATTERN, USERNAME_PATTERN, addressKey, type Address } from './fields';
import {
  CLIENT_FRAME_CODES,
  MAX_ACKS_LISTED,
  MAX_ANSWERS_PER_FRAME,
  MAX_DELIVERIES_PER_FRAME,
  MAX_RECIPIENTS_PER_SEND,
  RARE_CLIENT_FRAMES,
  RARE_SERVER_FRAMES,
  SERVER_FRAME_CODES,
  type AckFrame,
  type ClientFrame,
  type DeliveredEnvelope,
  type ErrorCode,
  type KnownDevice,
  type SendFrame,
  type SendStatus,
  type ServerFrame,
} from './frames';
import { MAX_FRAME_BYTES } from './version';
import { ByteReader, ByteWriter, WireError, asciiSize } from './wire';

export class ProtocolError extends CodedError<Extract<ErrorCode, 'malformed_frame' | 'frame_too_large'>> {
  override readonly name = 'ProtocolError';
}

export type Decoded<T> = { ok: true; frame: T } | { ok: false; error: ProtocolError };

const SEND_FLAG_EPHEMERAL = 0x01;
/** A checked send: the recipients are followed by the devices the sender knows (`SendFrame.known`). */
const SEND_FLAG_CHECKED = 0x02;
/** The send carries a cumulative ack (`SendFrame.ackThrough`), a u48 after the rid. */
const SEND_FLAG_ACK = 0x04;
const SEND_FLAGS = SEND_FLAG_EPHEMERAL | SEND_FLAG_CHECKED | SEND_FLAG_ACK;
const SEND_STATUS_CODES: Record<SendStatus, number> = { stored: 0, duplicate: 1, routed: 2 };
const SEND_STATUSES: readonly SendStatus[] = ['stored', 'duplicate', 'routed'];

const clientTypeOf = invert(CLIENT_FRAME_CODES);
const serverTypeOf = invert(SERVER_FRAME_CODES);

// ── sizes ─────────────────────────────────────────────────────────────────────

const addressSize = (address: Address): number => asciiSize(address.user) + 4;

/** Encoded size of a `send` frame: lets a client refuse an oversized message before it leaves. */
export function sendFrameSize(
  messageId: string,
  to: readonly Address[],
  payloadBytes: number,
  known?: readonly Address[],
  carriesAck = false,
): number {
  let size = 1 + 1 + 4 + (carriesAck ? 6 : 0) + asciiSize(messageId) + 2 + 4 + payloadBytes;
  for (const address of to) size += addressSize(address);
  if (known !== undefined) {
    size += 2;
    for (const address of known) size += addressSize(address) + 4;
  }
  return size;
}

/** Bytes one envelope adds to a `deliver` frame: lets the relay pack a frame up to MAX_FRAME_BYTES. */
export function deliveredSize(delivery: DeliveredEnvelope): number {
  return 6 + 6 + asciiSize(delivery.messageId) + addressSize(delivery.from) + 4 + delivery.payload.length;
}

/** Bytes of a `deliver` frame before its first envelope. */
export const DELIVER_FRAME_OVERHEAD = 3;

// ── encoding ──────────────────────────────────────────────────────────────────

export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  const code = CLIENT_FRAME_CODES[frame.type];
  switch (frame.type) {
    case 'send': {
      for (const address of frame.to) checkUsername(address.user);
      for (const address of frame.known ?? []) checkUsername(address.user);
      checkMessageId(frame.messageId);
      const carriesAck = frame.ackThrough !== undefined;
      if (carriesAck && frame.ackThrough! < 1) throw new WireError('a carried ack acknowledges delivery 1 or later');
      const flags = (frame.ephemeral ? SEND_FLAG_EPHEMERAL : 0) | (frame.known ? SEND_FLAG_CHECKED : 0) | (carriesAck ? SEND_FLAG_ACK : 0);
      const writer = new ByteWriter(sendFrameSize(frame.messageId, frame.to, frame.payload.length, frame.known, carriesAck))
        .u8(code)
        .u8(flags)
        .u32(frame.rid);
      if (carriesAck) writer.u48(frame.ackThrough!);
      writer
        .ascii(frame.messageId)
        .u16(frame.to.length);
      for (const address of frame.to) writer.ascii(address.user).u32(address.device);
      if (frame.known) {
        writer.u16(frame.known.length);
        for (const device of frame.known) writer.ascii(device.user).u32(device.device).u32(device.keyTag);
      }
      return writer.blob(frame.payload).done();
    }
    case 'ack': {
      const writer = new ByteWriter(1 + 6 + 2 + 6 * frame.also.length).u8(code).u48(frame.through).u16(frame.also.length);
      for (const seq of frame.also) writer.u48(seq);
      return writer.done();
    }
    case 'ping':
      return new ByteWriter(5).u8(code).u32(frame.rid).done();
    default:
      return encodeRare(code, frame);
  }
}

export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  const code = SERVER_FRAME_CODES[frame.type];
  switch (frame.type) {
    case 'deliver': {
      let size = DELIVER_FRAME_OVERHEAD;
      for (const delivery of frame.deliveries) size += deliveredSize(delivery);
      const writer = new ByteWriter(size).u8(code).u16(frame.deliveries.length);
      for (const d of frame.deliveries) {
        writer.u48(d.seq).u48(d.sentAt).ascii(d.messageId).ascii(d.from.user).u32(d.from.device).blob(d.payload);
      }
      return writer.done();
    }
    case 'sent': {
      const writer = new ByteWriter(3 + 5 * frame.answers.length).u8(code).u16(frame.answers.length);
      for (const answer of frame.answers) writer.u32(answer.rid).u8(SEND_STATUS_CODES[answer.status]);
      return writer.done();
    }
    case 'pong':
      return new ByteWriter(5).u8(code).u32(frame.rid).done();
    case 'drained':
      return new ByteWriter(1).u8(code).done();
    default:
      return encodeRare(code, frame);
  }
}

function encodeRare(code: number, frame: { type: string }): Uint8Array {
  const { type: _type, ...body } = frame;
  const json = utf8Encode(JSON.stringify(body));
  return new ByteWriter(1 + json.length).u8(code).raw(json).done();
}

// ── decoding ──────────────────────────────────────────────────────────────────

export function decodeClientFrame(bytes: Uint8Array): Decoded<ClientFrame> {
  return decode(bytes, (reader, code) => {
    const type = clientTypeOf.get(code);
    switch (type) {
      case undefined:
        throw new WireError(`unknown frame code 0x${code.toString(16).padStart(2, '0')}`);
      case 'send':
        return readSend(reader);
      case 'ack':
        return readAck(reader);
      case 'ping':
        return { type, rid: reader.u32() };
      default:
        return readRare(reader, type, RARE_CLIENT_FRAMES[type] as z.ZodType<ClientFrame>);
    }
  });
}

export function decodeServerFrame(bytes: Uint8Array): Decoded<ServerFrame> {
  return decode(bytes, (reader, code) => {
    const type = serverTypeOf.get(code);
    switch (type) {
      case undefined:
        throw new WireError(`unknown frame code 0x${code.toString(16).padStart(2, '0')}`);
      case 'deliver':
        return readDeliver(reader);
      case 'sent':
        return readSent(reader);
      case 'pong':
        return { type, rid: reader.u32() };
      case 'drained':
        return { type };
      default:
        return readRare(reader, type, RARE_SERVER_FRAMES[type] as z.ZodType<ServerFrame>);
    }
  });
}

/**
 * Best effort, for answering a refused frame: the rid of a frame that has one at a known place (send, ping, or a
 * rare frame whose JSON body has a valid `rid`).
 */
export function readRequestId(bytes: Uint8Array): number | undefined {
  if (bytes.length > MAX_FRAME_BYTES) return undefined;
  try {
    const reader = new ByteReader(bytes);
    const type = clientTypeOf.get(reader.u8());
    if (type === 'send') {
      reader.u8();
      return reader.u32();
    }
    if (type === 'ping') return reader.u32();
    if (type === undefined || type === 'ack') return undefined;
    const body: unknown = JSON.parse(utf8Decode(reader.bytesOf(reader.remaining)));
    if (typeof body !== 'object' || body === null || !('rid' in body)) return undefined;
    const rid = body.rid;
    return typeof rid === 'number' && Number.isInteger(rid) && rid >= 0 && rid <= 0xffff_ffff ? rid : undefined;
  } catch {
    return undefined;
  }
}

function decode<T>(bytes: Uint8Array, read: (reader: ByteReader, code: number) => T): Decoded<T> {
  if (bytes.length > MAX_FRAME_BYTES) {
    return { ok: false, error: new ProtocolError('frame_too_large', `frame is ${bytes.length} bytes; the limit is ${MAX_FRAME_BYTES}`) };
  }
  try {
    const reader = new ByteReader(bytes);
    const frame = read(reader, reader.u8());
    reader.end();
    return { ok: true, frame };
  } catch (error) {
    if (error instanceof WireError) {
      return { ok: false, error: new ProtocolError('malformed_frame', error.message.slice(0, 300)) };
    }
    throw error;
  }
}

function readSend(reader: ByteReader): ClientFrame {
  const flags = reader.u8();
  if ((flags & ~SEND_FLAGS) !== 0) throw new WireError('unknown send flags');
  const ephemeral = (flags & SEND_FLAG_EPHEMERAL) !== 0;
  const checked = (flags & SEND_FLAG_CHECKED) !== 0;
  if (ephemeral && checked) throw new WireError('an ephemeral send is never checked');
  const rid = reader.u32();
  const ackThrough = (flags & SEND_FLAG_ACK) !== 0 ? reader.u48() : undefined;
  if (ackThrough === 0) throw new WireError('a carried ack must acknowledge something');
  const messageId = reader.messageId();
  const count = reader.u16();
  if (count < 1 || count > MAX_RECIPIENTS_PER_SEND) throw new WireError(`a send names 1–${MAX_RECIPIENTS_PER_SEND} recipients, not ${count}`);
  const to: Address[] = new Array(count);
  for (let i = 0; i < count; i++) to[i] = { user: reader.username(), device: reader.device() };
  const known = checked ? readKnownDevices(reader, to) : undefined;
  const payload = reader.blob(MAX_FRAME_BYTES, 'payload');
  const frame: SendFrame = { type: 'send', rid, messageId, to, payload, ephemeral };
  if (known) frame.known = known;
  if (ackThrough !== undefined) frame.ackThrough = ackThrough;
  return frame;
}

/** The devices a checked send knows: 1–4096, and every recipient among them (compared as the relay compares names). */
function readKnownDevices(reader: ByteReader, to: readonly Address[]): KnownDevice[] {
  const count = reader.u16();
  if (count < 1 || count > MAX_RECIPIENTS_PER_SEND) throw new WireError(`a checked send knows 1–${MAX_RECIPIENTS_PER_SEND} devices, not ${count}`);
  const known: KnownDevice[] = new Array(count);
  const keys = new Set<string>();
  for (let i = 0; i < count; i++) {
    const device: KnownDevice = { user: reader.username(), device: reader.device(), keyTag: reader.u32() };
    known[i] = device;
    keys.add(addressKey(device));
  }
  if (!to.every((recipient) => keys.has(addressKey(recipient)))) throw new WireError('a checked send knows each of its recipients');
  return known;
}

function readAck(reader: ByteReader): AckFrame {
  const through = reader.u48();
  const count = reader.u16();
  if (count > MAX_ACKS_LISTED) throw new WireError(`an ack lists at most ${MAX_ACKS_LISTED} deliveries`);
  if (through === 0 && count === 0) throw new WireError('an ack must acknowledge something');
  const also: number[] = new Array(count);
  let previous = through;
  for (let i = 0; i < count; i++) {
    const seq = reader.u48();
    if (seq <= previous) throw new WireError('listed deliveries must be above `through` and strictly increasing');
    also[i] = previous = seq;
  }
  return { type: 'ack', through, also };
}

function readDeliver(reader: ByteReader): ServerFrame {
  const count = reader.u16();
  if (count < 1 || count > MAX_DELIVERIES_PER_FRAME) throw new WireError(`a deliver frame carries 1–${MAX_DELIVERIES_PER_FRAME} envelopes`);
  const deliveries: DeliveredEnvelope[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const seq = reader.u48();
    if (seq > MAX_SEQ) throw new WireError('delivery number out of range');
    const sentAt = reader.u48();
    const messageId = reader.messageId();
    const from = { user: reader.username(), device: reader.device() };
    deliveries[i] = { seq, sentAt, messageId, from, payload: reader.blob(MAX_FRAME_BYTES, 'payload') };
  }
  return { type: 'deliver', deliveries };
}

function readSent(reader: ByteReader): ServerFrame {
  const count = reader.u16();
  if (count < 1 || count > MAX_ANSWERS_PER_FRAME) throw new WireError(`a sent frame carries 1–${MAX_ANSWERS_PER_FRAME} answers`);
  const answers: Array<{ rid: number; status: SendStatus }> = new Array(count);
  for (let i = 0; i < count; i++) {
    const rid = reader.u32();
    const status = SEND_STATUSES[reader.u8()];
    if (status === undefined) throw new WireError('unknown send status');
    answers[i] = { rid, status };
  }
  return { type: 'sent', answers };
}

function readRare<T>(reader: ByteReader, type: string, schema: z.ZodType<T>): T {
  let body: unknown;
  try {
    body = JSON.parse(utf8Decode(reader.bytesOf(reader.remaining)));
  } catch {
    throw new WireError('the frame body is not UTF-8 JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WireError('the frame body must be a JSON object');
  if ('type' in body) throw new WireError('the frame body must not name a type: the code byte does');
  const parsed = schema.safeParse({ ...body, type });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new WireError(`${issue?.message ?? 'invalid frame'}${where}`);
  }
  return parsed.data;
}

function checkMessageId(messageId: string): void {
  if (!MESSAGE_ID_PATTERN.test(messageId)) throw new WireError('message id must be 1–64 of [A-Za-z0-9_-]');
}

function checkUsername(user: string): void {
  if (!USERNAME_PATTERN.test(user)) throw new WireError('not a valid username');
}

function invert<K extends string>(codes: Record<K, number>): Map<number, K> {
  return new Map((Object.entries(codes) as Array<[K, number]>).map(([type, code]) => [code, type]));
}
