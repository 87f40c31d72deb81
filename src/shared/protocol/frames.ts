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
  PreKeyId,
  RequestId,
  Username,
  X25519PublicKey,
  base64Bytes,
} from './fields';
import { MAX_FRAME_BYTES } from './version';

/** Most recipient addresses one `send` may name; the relay may set a lower limit. */
export const MAX_RECIPIENTS_PER_SEND = 4096;

/** Most one-time prekeys one `publish_prekeys` may carry; the relay's per-device cap is separate. */
export const MAX_PREKEYS_PER_PUBLISH = 100;

/** Most device bundles one `prekey_bundles` answer holds (a user's devices; protocol v1 has one per user). */
export const MAX_PREKEY_BUNDLES = 256;

const OpaquePayload = base64Bytes({ maxBytes: MAX_FRAME_BYTES });

/** A device's current signed prekey (X3DH SPK): an X25519 key signed by the device's Ed25519 identity key. */
export const SignedPrekey = z.strictObject({
  id: PreKeyId,
  publicKey: X25519PublicKey,
  /** Ed25519 over signedPreKeySigningBytes(id, publicKey) (src/shared/crypto/prekeys.ts). */
  signature: Ed25519Signature,
});
export type SignedPrekey = z.infer<typeof SignedPrekey>;

/** A one-time prekey (X3DH OPK): handed out once, then deleted by the relay. */
export const OneTimePrekey = z.strictObject({
  id: PreKeyId,
  publicKey: X25519PublicKey,
});
export type OneTimePrekey = z.infer<typeof OneTimePrekey>;

/** What an initiator needs to start X3DH with one device. */
export const DevicePrekeyBundle = z.strictObject({
  device: DeviceId,
  identityKey: Ed25519PublicKey,
  signedPrekey: SignedPrekey,
  /** Absent once the device's one-time prekeys are used up. */
  oneTimePrekey: OneTimePrekey.optional(),
});
export type DevicePrekeyBundle = z.infer<typeof DevicePrekeyBundle>;

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

/** Uploads prekeys of this device: a new signed prekey (replacing the old) and/or one-time prekeys. */
export const PublishPrekeysFrame = z.strictObject({
  type: z.literal('publish_prekeys'),
  rid: RequestId,
  signedPrekey: SignedPrekey.optional(),
  oneTimePrekeys: z.array(OneTimePrekey).max(MAX_PREKEYS_PER_PUBLISH),
});

/** Asks for a prekey bundle of every device of `user` (consuming one one-time prekey of each). */
export const FetchPrekeysFrame = z.strictObject({
  type: z.literal('fetch_prekeys'),
  rid: RequestId,
  user: Username,
});

/** Asks how many one-time prekeys of this device the relay still holds, and which signed prekey. */
export const CountPrekeysFrame = z.strictObject({
  type: z.literal('count_prekeys'),
  rid: RequestId,
});

export const ClientFrame = z.discriminatedUnion('type', [
  RegisterFrame,
  AuthFrame,
  SendFrame,
  AckFrame,
  PingFrame,
  PublishPrekeysFrame,
  FetchPrekeysFrame,
  CountPrekeysFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type RegisterFrame = z.infer<typeof RegisterFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SendFrame = z.infer<typeof SendFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type PingFrame = z.infer<typeof PingFrame>;
export type PublishPrekeysFrame = z.infer<typeof PublishPrekeysFrame>;
export type FetchPrekeysFrame = z.infer<typeof FetchPrekeysFrame>;
export type CountPrekeysFrame = z.infer<typeof CountPrekeysFrame>;

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

/** The publish with this rid is durably stored; `oneTimePrekeys` is how many the relay now holds for the device. */
export const PrekeysPublishedFrame = z.strictObject({
  type: z.literal('prekeys_published'),
  rid: RequestId,
  oneTimePrekeys: z.number().int().nonnegative(),
});

/** Answer to `fetch_prekeys`: one bundle per device of `user` that has published a signed prekey. */
export const PrekeyBundlesFrame = z.strictObject({
  type: z.literal('prekey_bundles'),
  rid: RequestId,
  user: Username,
  devices: z.array(DevicePrekeyBundle).min(1).max(MAX_PREKEY_BUNDLES),
});

/** Answer to `count_prekeys`. */
export const PrekeyCountFrame = z.strictObject({
  type: z.literal('prekey_count'),
  rid: RequestId,
  oneTimePrekeys: z.number().int().nonnegative(),
  signedPrekeyId: PreKeyId.nullable(),
});

/** Pushed when a fetch left this device with few one-time prekeys: time to publish more. */
export const PrekeysLowFrame = z.strictObject({
  type: z.literal('prekeys_low'),
  oneTimePrekeys: z.number().int().nonnegative(),
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
  'bad_prekey_signature',
  'too_many_prekeys',
  'unknown_user',
  'no_prekeys',
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
  PrekeysPublishedFrame,
  PrekeyBundlesFrame,
  PrekeyCountFrame,
  PrekeysLowFrame,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ChallengeFrame = z.infer<typeof ChallengeFrame>;
export type ReadyFrame = z.infer<typeof ReadyFrame>;
export type DeliverFrame = z.infer<typeof DeliverFrame>;
export type SentFrame = z.infer<typeof SentFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type PrekeysPublishedFrame = z.infer<typeof PrekeysPublishedFrame>;
export type PrekeyBundlesFrame = z.infer<typeof PrekeyBundlesFrame>;
export type PrekeyCountFrame = z.infer<typeof PrekeyCountFrame>;
export type PrekeysLowFrame = z.infer<typeof PrekeysLowFrame>;
