// Every frame of relay protocol v2. The frames on the message path (send, ack, ping; deliver, sent, pong, drained)
// are plain types with a hand-written binary layout (codec.ts); the rare ones (handshake, prekeys, errors) are
// runtime schemas whose body travels as JSON. docs/protocol.md describes both; change them together.
import { z } from 'zod';
import {
  Address,
  DeviceId,
  Ed25519PublicKey,
  Ed25519Signature,
  Nonce,
  PreKeyId,
  RequestId,
  Username,
  X25519PublicKey,
  base64Bytes,
} from './fields';

/** Most recipient addresses one `send` may name; the relay may set a lower limit. */
export const MAX_RECIPIENTS_PER_SEND = 4096;

/** Most one-time prekeys one `publish_prekeys` may carry; the relay's per-device cap is separate. */
export const MAX_PREKEYS_PER_PUBLISH = 100;

/** Most one-time KEM prekeys one `publish_prekeys` may carry (1.2 KB each, so fewer than curve prekeys). */
export const MAX_KEM_PREKEYS_PER_PUBLISH = 50;

/** Most device bundles one `prekey_bundles` answer holds (a user's devices; protocol v1 has one per user). */
export const MAX_PREKEY_BUNDLES = 256;

/** Most deliveries one `deliver` frame carries (the frame size bounds it too). */
export const MAX_DELIVERIES_PER_FRAME = 4096;

/** Most answers one `sent` frame carries, and most delivery numbers one `ack` frame lists beyond its `through`. */
export const MAX_ANSWERS_PER_FRAME = 4096;
export const MAX_ACKS_LISTED = 4096;

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

/**
 * A signed ML-KEM-768 prekey (PQXDH's PQSPK / PQOPK): one-time ones are handed out once; the device's last-resort one
 * is served when they run out.
 */
export const KemPrekey = z.strictObject({
  id: PreKeyId,
  publicKey: base64Bytes({ exactBytes: 1184 }),
  /** Ed25519 over kemPreKeySigningBytes(id, publicKey) (src/shared/crypto/prekeys.ts). */
  signature: Ed25519Signature,
});
export type KemPrekey = z.infer<typeof KemPrekey>;

/** A linked device's certificate: Ed25519 by the account key over deviceCertificateBytes (src/shared/crypto). */
export const DeviceCertificate = Ed25519Signature;

/** A device's name as its account's devices encrypted it; opaque to the relay. */
export const SealedDeviceName = base64Bytes({ maxBytes: 256 });

/** A provisioning address: where a device being linked waits for its provisioning message (128 random bits). */
export const ProvisioningAddress = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'provisioning address must be 22 base64url characters');

/** Most bytes of a provisioning message (an encrypted ProvisionMessage, docs/protocol.md). */
export const MAX_PROVISION_BODY_BYTES = 16 * 1024;

/** What an initiator needs to start PQXDH with one device. */
export const DevicePrekeyBundle = z.strictObject({
  device: DeviceId,
  identityKey: Ed25519PublicKey,
  /** Present for a linked device: its identity key certified by the account key. */
  certificate: DeviceCertificate.optional(),
  signedPrekey: SignedPrekey,
  /** Absent once the device's one-time prekeys are used up. */
  oneTimePrekey: OneTimePrekey.optional(),
  /** A one-time KEM prekey, else the last-resort one; absent only for a device that never published one. */
  kemPrekey: KemPrekey.optional(),
});
export type DevicePrekeyBundle = z.infer<typeof DevicePrekeyBundle>;

// ── client → relay: the message path (binary) ─────────────────────────────────

/**
 * Stores an opaque payload in each recipient's mailbox and answers `sent` once durable, or `error`. An ephemeral
 * send (a typing notice) is never stored: it goes to the recipients online now and is dropped for the others.
 */
export interface SendFrame {
  type: 'send';
  rid: number;
  messageId: string;
  to: Address[];
  payload: Uint8Array;
  ephemeral: boolean;
  /**
   * A checked send: every device the sender knows of each user in `to` (addressed here or by the sends carrying the
   * other copies; never the sending device), each with the tag of the identity key it knows. The relay refuses the
   * send with `devices_changed` when an account's devices differ. Never on an ephemeral send.
   */
  known?: KnownDevice[];
  /**
   * A cumulative ack carried by the send: every delivery of this connection numbered `ackThrough` or lower is stored.
   * The relay applies it before the send, whatever becomes of the send (docs/protocol.md, `send`); one socket read
   * instead of two.
   */
  ackThrough?: number;
}

/** A device the sender knows, with `identityKeyTag` of the identity key it encrypts to. */
export interface KnownDevice extends Address {
  keyTag: number;
}

/**
 * The device has safely stored deliveries: every delivery of this connection numbered `through` or lower, and
 * those listed in `also` (each above `through`; a gap below them is still pending). The relay deletes them.
 */
export interface AckFrame {
  type: 'ack';
  through: number;
  also: number[];
}

/** Heartbeat; answered by `pong` with the same rid. */
export interface PingFrame {
  type: 'ping';
  rid: number;
}

// ── client → relay: rare frames (JSON body) ──────────────────────────────────

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

/** Uploads prekeys of this device: a new signed prekey (replacing the old) and/or one-time prekeys. */
export const PublishPrekeysFrame = z.strictObject({
  type: z.literal('publish_prekeys'),
  rid: RequestId,
  signedPrekey: SignedPrekey.optional(),
  oneTimePrekeys: z.array(OneTimePrekey).max(MAX_PREKEYS_PER_PUBLISH),
  /** Added to the device's one-time KEM prekeys. */
  kemPrekeys: z.array(KemPrekey).max(MAX_KEM_PREKEYS_PER_PUBLISH).optional(),
  /** Replaces the device's last-resort KEM prekey. */
  lastResortKemPrekey: KemPrekey.optional(),
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

/** Blob ids: 128 random bits, base64url (the relay makes them; docs/protocol.md, "Blobs"). */
export const BlobId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'blob id must be 22 base64url characters');

/**
 * The account's primary links a new device: the relay checks the certificate against the primary's identity key,
 * gives the device the next device id, and hands `body` (the encrypted provisioning message) to the connection
 * waiting at `provisioningAddress`, which must be live; otherwise nothing is created. `historyBlob`, a blob
 * the primary uploaded (the history archive), is granted to the new device before `body` reaches it.
 */
export const LinkDeviceFrame = z.strictObject({
  type: z.literal('link_device'),
  rid: RequestId,
  provisioningAddress: ProvisioningAddress,
  identityKey: Ed25519PublicKey,
  certificate: DeviceCertificate,
  name: SealedDeviceName,
  body: base64Bytes({ maxBytes: MAX_PROVISION_BODY_BYTES }),
  historyBlob: BlobId.optional(),
});

/** Asks for the devices of `user` (one's own account: with names and last-seen times). */
export const ListDevicesFrame = z.strictObject({
  type: z.literal('list_devices'),
  rid: RequestId,
  user: Username,
});

/** Removes a device of this account: the primary may remove any linked device, a linked device only itself. */
export const RemoveDeviceFrame = z.strictObject({
  type: z.literal('remove_device'),
  rid: RequestId,
  device: DeviceId,
});

/** First frame of a device being linked, instead of register/auth: asks for a provisioning address. */
export const ProvisionFrame = z.strictObject({
  type: z.literal('provision'),
});

/** Asks for a new blob id and a token to upload exactly `size` bytes to it. */
export const BlobUploadFrame = z.strictObject({
  type: z.literal('blob_upload'),
  rid: RequestId,
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** Asks for a fresh upload token for an unfinished upload of this device. */
export const BlobResumeFrame = z.strictObject({
  type: z.literal('blob_resume'),
  rid: RequestId,
  blob: BlobId,
});

/** Asks for a token to download a blob this device uploaded or was granted. */
export const BlobDownloadFrame = z.strictObject({
  type: z.literal('blob_download'),
  rid: RequestId,
  blob: BlobId,
});

/** Lets these devices download a blob this device uploaded (the recipients of the message that points to it). */
export const BlobGrantFrame = z.strictObject({
  type: z.literal('blob_grant'),
  rid: RequestId,
  blob: BlobId,
  to: z.array(Address).min(1).max(MAX_RECIPIENTS_PER_SEND),
});

export type RegisterFrame = z.infer<typeof RegisterFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type PublishPrekeysFrame = z.infer<typeof PublishPrekeysFrame>;
export type FetchPrekeysFrame = z.infer<typeof FetchPrekeysFrame>;
export type CountPrekeysFrame = z.infer<typeof CountPrekeysFrame>;
export type BlobUploadFrame = z.infer<typeof BlobUploadFrame>;
export type BlobResumeFrame = z.infer<typeof BlobResumeFrame>;
export type BlobDownloadFrame = z.infer<typeof BlobDownloadFrame>;
export type BlobGrantFrame = z.infer<typeof BlobGrantFrame>;
export type LinkDeviceFrame = z.infer<typeof LinkDeviceFrame>;
export type ListDevicesFrame = z.infer<typeof ListDevicesFrame>;
export type RemoveDeviceFrame = z.infer<typeof RemoveDeviceFrame>;
export type ProvisionFrame = z.infer<typeof ProvisionFrame>;

export type ClientFrame =
  | SendFrame
  | AckFrame
  | PingFrame
  | RegisterFrame
  | AuthFrame
  | PublishPrekeysFrame
  | FetchPrekeysFrame
  | CountPrekeysFrame
  | BlobUploadFrame
  | BlobResumeFrame
  | BlobDownloadFrame
  | BlobGrantFrame
  | LinkDeviceFrame
  | ListDevicesFrame
  | RemoveDeviceFrame
  | ProvisionFrame;

// ── relay → client: the message path (binary) ─────────────────────────────────

/** One envelope pushed to a device. `seq` numbers it in the device's mailbox; 0 marks an ephemeral one (never acked). */
export interface DeliveredEnvelope {
  seq: number;
  messageId: string;
  /** The authenticated sender, as the relay saw it. */
  from: Address;
  /** When the relay accepted the send (ms since the epoch). */
  sentAt: number;
  payload: Uint8Array;
}

/** One or more envelopes, in mailbox order. Each stays in the mailbox until acked. */
export interface DeliverFrame {
  type: 'deliver';
  deliveries: DeliveredEnvelope[];
}

/** `stored`: durable in every mailbox; `duplicate`: stored before, not again; `routed`: an ephemeral send, handed on. */
export type SendStatus = 'stored' | 'duplicate' | 'routed';

/** Answers to sends of this connection, each by rid, in the order they were committed. */
export interface SentFrame {
  type: 'sent';
  answers: Array<{ rid: number; status: SendStatus }>;
}

export interface PongFrame {
  type: 'pong';
  rid: number;
}

/** Everything that was pending in the mailbox when the device connected has been pushed. */
export interface DrainedFrame {
  type: 'drained';
}

// ── relay → client: rare frames (JSON body) ──────────────────────────────────

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

/** The publish with this rid is durably stored; `oneTimePrekeys` is how many the relay now holds for the device. */
export const PrekeysPublishedFrame = z.strictObject({
  type: z.literal('prekeys_published'),
  rid: RequestId,
  oneTimePrekeys: z.number().int().nonnegative(),
  /** One-time KEM prekeys the relay now holds for the device. */
  kemPrekeys: z.number().int().nonnegative(),
});

/** Answer to `fetch_prekeys`: one bundle per device of `user` that has published a signed prekey. */
export const PrekeyBundlesFrame = z.strictObject({
  type: z.literal('prekey_bundles'),
  rid: RequestId,
  user: Username,
  /** The identity key of the user's primary device: what linked devices' certificates verify against. */
  accountKey: Ed25519PublicKey,
  devices: z.array(DevicePrekeyBundle).min(1).max(MAX_PREKEY_BUNDLES),
});

/** Answer to `count_prekeys`. */
export const PrekeyCountFrame = z.strictObject({
  type: z.literal('prekey_count'),
  rid: RequestId,
  oneTimePrekeys: z.number().int().nonnegative(),
  signedPrekeyId: PreKeyId.nullable(),
  kemPrekeys: z.number().int().nonnegative(),
  lastResortKemPrekeyId: PreKeyId.nullable(),
});

/** Pushed when a fetch left this device with few one-time prekeys (curve or KEM): time to publish more. */
export const PrekeysLowFrame = z.strictObject({
  type: z.literal('prekeys_low'),
  oneTimePrekeys: z.number().int().nonnegative(),
  kemPrekeys: z.number().int().nonnegative(),
});

/** Answer to `blob_upload`, `blob_resume` and `blob_download`: the blob and a short-lived token for its HTTP endpoint. */
export const BlobTokenFrame = z.strictObject({
  type: z.literal('blob_token'),
  rid: RequestId,
  blob: BlobId,
  token: z.string().min(1).max(1024),
  expiresAt: z.number().int().nonnegative(),
});

/** Answer to `blob_grant`. */
export const BlobGrantedFrame = z.strictObject({
  type: z.literal('blob_granted'),
  rid: RequestId,
});

/** Answer to `link_device`: the new device's id (also told to the new device with its provisioning message). */
export const DeviceLinkedFrame = z.strictObject({
  type: z.literal('device_linked'),
  rid: RequestId,
  device: DeviceId,
});

/** One device in a `device_list`. */
export const ListedDevice = z.strictObject({
  device: DeviceId,
  identityKey: Ed25519PublicKey,
  /** Absent for the primary. */
  certificate: DeviceCertificate.optional(),
  linkedAt: z.number().int().nonnegative(),
  /** Only in a list of one's own account. */
  lastSeenAt: z.number().int().nonnegative().optional(),
  /** Only in a list of one's own account, and only for linked devices. */
  name: SealedDeviceName.optional(),
});
export type ListedDevice = z.infer<typeof ListedDevice>;

/** Answer to `list_devices`. */
export const DeviceListFrame = z.strictObject({
  type: z.literal('device_list'),
  rid: RequestId,
  user: Username,
  accountKey: Ed25519PublicKey,
  devices: z.array(ListedDevice).min(1).max(MAX_PREKEY_BUNDLES),
});

/** Answer to `remove_device`. */
export const DeviceRemovedFrame = z.strictObject({
  type: z.literal('device_removed'),
  rid: RequestId,
  device: DeviceId,
});

/** Answer to `provision`: the address to show in the linking code, usable until `expiresAt` and only once. */
export const ProvisioningAddressFrame = z.strictObject({
  type: z.literal('provisioning_address'),
  address: ProvisioningAddress,
  expiresAt: z.number().int().nonnegative(),
});

/** The provisioning message for the device waiting at this connection's address; the relay then closes it. */
export const ProvisionMessageFrame = z.strictObject({
  type: z.literal('provision_message'),
  user: Username,
  device: DeviceId,
  body: base64Bytes({ maxBytes: MAX_PROVISION_BODY_BYTES }),
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
  'blob_not_found',
  'blob_too_large',
  'quota_exceeded',
  'not_primary',
  'too_many_devices',
  'bad_certificate',
  'unknown_provisioning_address',
  'unknown_device',
  'devices_changed',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

const DeviceIds = z.array(DeviceId).max(MAX_RECIPIENTS_PER_SEND);

/** Most accounts one `devices_changed` answer lists (so it fits a frame); a resend learns of the others. */
export const MAX_DEVICE_MISMATCHES = 1000;

/**
 * How an account's devices differ from what a checked send knew of them: `missing` exist and were not known, `extra`
 * were known and do not exist, `stale` exist under another identity key than the known one.
 */
export const DeviceMismatch = z.strictObject({ user: Username, missing: DeviceIds, extra: DeviceIds, stale: DeviceIds });
export type DeviceMismatch = z.infer<typeof DeviceMismatch>;

/**
 * A request failed; `rid` names it when the failed frame had one. Nothing changed on the relay. `devices` comes
 * with `devices_changed` (and only with it): the accounts whose devices the refused send did not know right.
 */
export const ErrorFrame = z
  .strictObject({
    type: z.literal('error'),
    rid: RequestId.optional(),
    code: ErrorCode,
    message: z.string().max(500),
    retryAfterMs: z.number().int().nonnegative().optional(),
    devices: z.array(DeviceMismatch).min(1).max(MAX_DEVICE_MISMATCHES).optional(),
  })
  .refine((frame) => (frame.code === 'devices_changed') === (frame.devices !== undefined), 'devices comes with devices_changed, and only with it');

export type ChallengeFrame = z.infer<typeof ChallengeFrame>;
export type ReadyFrame = z.infer<typeof ReadyFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type PrekeysPublishedFrame = z.infer<typeof PrekeysPublishedFrame>;
export type PrekeyBundlesFrame = z.infer<typeof PrekeyBundlesFrame>;
export type PrekeyCountFrame = z.infer<typeof PrekeyCountFrame>;
export type PrekeysLowFrame = z.infer<typeof PrekeysLowFrame>;
export type BlobTokenFrame = z.infer<typeof BlobTokenFrame>;
export type BlobGrantedFrame = z.infer<typeof BlobGrantedFrame>;
export type DeviceLinkedFrame = z.infer<typeof DeviceLinkedFrame>;
export type DeviceListFrame = z.infer<typeof DeviceListFrame>;
export type DeviceRemovedFrame = z.infer<typeof DeviceRemovedFrame>;
export type ProvisioningAddressFrame = z.infer<typeof ProvisioningAddressFrame>;
export type ProvisionMessageFrame = z.infer<typeof ProvisionMessageFrame>;

export type ServerFrame =
  | DeliverFrame
  | SentFrame
  | PongFrame
  | DrainedFrame
  | ChallengeFrame
  | ReadyFrame
  | ErrorFrame
  | PrekeysPublishedFrame
  | PrekeyBundlesFrame
  | PrekeyCountFrame
  | PrekeysLowFrame
  | BlobTokenFrame
  | BlobGrantedFrame
  | DeviceLinkedFrame
  | DeviceListFrame
  | DeviceRemovedFrame
  | ProvisioningAddressFrame
  | ProvisionMessageFrame;

// ── frame codes: the first byte of every frame ────────────────────────────────
// Client frames are 0x01–0x7f, relay frames 0x81–0xff; below 0x10 (and 0x81–0x8f) the binary layouts, above
// it the rare frames with a JSON body. A new rare frame is one entry in RARE_*_FRAMES and one schema.

export const CLIENT_FRAME_CODES = {
  send: 0x01,
  ack: 0x02,
  ping: 0x03,
  register: 0x10,
  auth: 0x11,
  publish_prekeys: 0x12,
  fetch_prekeys: 0x13,
  count_prekeys: 0x14,
  blob_upload: 0x15,
  blob_resume: 0x16,
  blob_download: 0x17,
  blob_grant: 0x18,
  link_device: 0x19,
  list_devices: 0x1a,
  remove_device: 0x1b,
  provision: 0x1c,
} as const satisfies Record<ClientFrame['type'], number>;

export const SERVER_FRAME_CODES = {
  deliver: 0x81,
  sent: 0x82,
  pong: 0x83,
  drained: 0x84,
  challenge: 0x90,
  ready: 0x91,
  error: 0x92,
  prekeys_published: 0x93,
  prekey_bundles: 0x94,
  prekey_count: 0x95,
  prekeys_low: 0x96,
  blob_token: 0x97,
  blob_granted: 0x98,
  device_linked: 0x99,
  device_list: 0x9a,
  device_removed: 0x9b,
  provisioning_address: 0x9c,
  provision_message: 0x9d,
} as const satisfies Record<ServerFrame['type'], number>;

/** The rare frames and the schema each body is checked against. */
export const RARE_CLIENT_FRAMES = {
  register: RegisterFrame,
  auth: AuthFrame,
  publish_prekeys: PublishPrekeysFrame,
  fetch_prekeys: FetchPrekeysFrame,
  count_prekeys: CountPrekeysFrame,
  blob_upload: BlobUploadFrame,
  blob_resume: BlobResumeFrame,
  blob_download: BlobDownloadFrame,
  blob_grant: BlobGrantFrame,
  link_device: LinkDeviceFrame,
  list_devices: ListDevicesFrame,
  remove_device: RemoveDeviceFrame,
  provision: ProvisionFrame,
} as const;

export const RARE_SERVER_FRAMES = {
  challenge: ChallengeFrame,
  ready: ReadyFrame,
  error: ErrorFrame,
  prekeys_published: PrekeysPublishedFrame,
  prekey_bundles: PrekeyBundlesFrame,
  prekey_count: PrekeyCountFrame,
  prekeys_low: PrekeysLowFrame,
  blob_token: BlobTokenFrame,
  blob_granted: BlobGrantedFrame,
  device_linked: DeviceLinkedFrame,
  device_list: DeviceListFrame,
  device_removed: DeviceRemovedFrame,
  provisioning_address: ProvisioningAddressFrame,
  provision_message: ProvisionMessageFrame,
} as const;
