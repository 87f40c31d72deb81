// Every frame of relay protocol v1, as runtime schemas. docs/protocol.md describes the same frames in prose;
// change both together.
import { z } from 'zod';
import {
  Address,
  DeliveryId,
  DeviceId,
  Ed25519PublicKey,
  Ed25519Signature,
  MessageId,
  Nonce,
  RequestId,
  Username,
  base64Bytes,
} from './fields';
import { MAX_FRAME_BYTES } from './version';

/** Most recipient addresses one `send` may name; the relay may set a lower limit. */
export const MAX_RECIPIENTS_PER_SEND = 4096;

const OpaquePayload = base64Bytes({ maxBytes: MAX_FRAME_BYTES });

// ── client → relay ────────────────────────────────────────────────────────────

/** First frame of a new device: claims a username with an identity key, signing the challenge. */
export const RegisterFrame = z.strictObject({
  type: z.literal('register'),
  nonce: Nonce,
  username: Username,
  device: DeviceId,
  identityKey: Ed25519PublicKey,
  signature: Ed25519Signature,
});

/** First frame of a known device: signs the challenge with its identity key. */
export const AuthFrame = z.strictObject({
  type: z.literal('auth'),
  nonce: Nonce,
  user: Username,
  device: DeviceId,
  signature: Ed25519Signature,
});

/** Store an opaque payload in each recipient's mailbox. Answered by `sent` once durable, or by `error`. */
export const SendFrame = z.strictObject({
  type: z.literal('send'),
  rid: RequestId,
  messageId: MessageId,
  to: z.array(Address).min(1).max(MAX_RECIPIENTS_PER_SEND),
  payload: OpaquePayload,
});

/** The device has safely stored a delivery; the relay deletes it from the mailbox. */
export const AckFrame = z.strictObject({
  type: z.literal('ack'),
  deliveryId: DeliveryId,
});

/** Heartbeat; answered by `pong` with the same rid. */
export const PingFrame = z.strictObject({
  type: z.literal('ping'),
  rid: RequestId,
});

export const ClientFrame = z.discriminatedUnion('type', [RegisterFrame, AuthFrame, SendFrame, AckFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type RegisterFrame = z.infer<typeof RegisterFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SendFrame = z.infer<typeof SendFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type PingFrame = z.infer<typeof PingFrame>;

// ── relay → client ────────────────────────────────────────────────────────────

/** Sent by the relay as soon as a socket opens: a single-use nonce to sign. */
export const ChallengeFrame = z.strictObject({
  type: z.literal('challenge'),
  version: z.number().int(),
  nonce: Nonce,
  expiresInMs: z.number().int().positive(),
});

/** Authentication (or registration) succeeded; mailbox delivery starts right after. */
export const ReadyFrame = z.strictObject({
  type: z.literal('ready'),
  user: Username,
  device: DeviceId,
  registered: z.boolean(),
});

/** One envelope from the device's mailbox. Stays in the mailbox until acked. */
export const DeliverFrame = z.strictObject({
  type: z.literal('deliver'),
  deliveryId: DeliveryId,
  messageId: MessageId,
  from: Address,
  payload: OpaquePayload,
  sentAt: z.number().int().nonnegative(),
});

/** Everything that was pending in the mailbox when the device connected has been pushed. */
export const DrainedFrame = z.strictObject({
  type: z.literal('drained'),
});

/** The send with this rid is durably stored in every recipient mailbox. */
export const SentFrame = z.strictObject({
  type: z.literal('sent'),
  rid: RequestId,
  messageId: MessageId,
  duplicate: z.boolean(),
});

export const PongFrame = z.strictObject({
  type: z.literal('pong'),
  rid: RequestId,
});

export const ERROR_CODES = [
  'malformed_frame',
  'frame_too_large',
  'payload_too_large',
  'too_many_recipients',
  'unknown_recipient',
  'rate_limited',
  'mailbox_full',
  'not_authenticated',
  'already_authenticated',
  'unknown_delivery',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A request failed; `rid` names it when the failed frame had one. Nothing changed on the relay. */
export const ErrorFrame = z.strictObject({
  type: z.literal('error'),
  rid: RequestId.optional(),
  code: ErrorCode,
  message: z.string().max(500),
  retryAfterMs: z.number().int().nonnegative().optional(),
});

export const ServerFrame = z.discriminatedUnion('type', [
  ChallengeFrame,
  ReadyFrame,
  DeliverFrame,
  DrainedFrame,
  SentFrame,
  PongFrame,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ChallengeFrame = z.infer<typeof ChallengeFrame>;
export type ReadyFrame = z.infer<typeof ReadyFrame>;
export type DeliverFrame = z.infer<typeof DeliverFrame>;
export type SentFrame = z.infer<typeof SentFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
