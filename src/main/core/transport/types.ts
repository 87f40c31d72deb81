// The transport's public data types: what it needs (credentials, a signer) and what it hands out (state snapshots,
// deliveries, send results). Plain data, so the facade can forward snapshots over IPC as they are.
import type { PreKeyBundle } from '../../../shared/crypto/bundle';
import type { Address, KnownDevice } from '../../../shared/protocol';
import type { ErrorText } from '../../../shared/ipc';
import type { ConnectionErrorCode } from './errors';

/** Signs with the device's Ed25519 identity key. The key itself never leaves whoever implements this. */
export interface DeviceSigner {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface DeviceCredentials {
  user: string;
  device: number;
  signer: DeviceSigner;
}

export type ConnectionState = 'offline' | 'connecting' | 'authenticating' | 'online' | 'reconnecting';

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Consecutive failed connection attempts since the last time the transport was online. */
  attempt: number;
  /** When the next automatic attempt starts (epoch ms), while `reconnecting`. */
  nextRetryAt: number | null;
  /** Why the last connection or attempt ended; cleared once online. `fatal` means the transport will not retry. */
  lastError: { code: ConnectionErrorCode; message: string; text: ErrorText; fatal: boolean; detail?: string } | null;
  /** The relay (WebSocket URL) the current or next connection goes to: the one this device is on. */
  relayUrl?: string;
}

/** One envelope pushed by the relay. It stays in the relay mailbox until ack() is called. */
export interface Delivery {
  /** Its number in this device's relay mailbox; 0 for an ephemeral one (a typing notice: never stored, never acked). */
  readonly seq: number;
  readonly ephemeral: boolean;
  /** The sender's message id: the key to deduplicate redeliveries by. */
  readonly messageId: string;
  readonly from: Address;
  readonly payload: Uint8Array;
  /** When the relay accepted it (epoch ms, relay clock). */
  readonly sentAt: number;
  /**
   * Call once the message is safely stored. The acks of one turn leave together at its end, as one frame. Returns
   * true if the ack is on its way (always, for an ephemeral delivery); false if the connection it came on is gone
   * (the relay will deliver it again after reconnecting, and it will be emitted again) or it was acked already.
   */
  ack(): boolean;
}

export interface SendOptions {
  /** Route to the recipients online now and store nothing (typing notices); the others never get it. */
  ephemeral?: boolean;
  /**
   * A checked send (never ephemeral): every device this device knows of each recipient's account, with its key tag.
   * The relay refuses it with a DevicesChangedError, storing nothing, when an account's devices differ.
   */
  known?: readonly KnownDevice[];
}

export interface SendResult {
  /** The relay had already stored this message id from this device (a resend). */
  duplicate: boolean;
}

// ── prekeys (PQXDH) ──────────────────────────────────────────────────────────────
// Only public halves pass through the transport; private prekeys stay with whoever made them.

export interface PublicSignedPreKey {
  readonly id: number;
  /** 32-byte X25519 public key. */
  readonly publicKey: Uint8Array;
  /** 64-byte Ed25519 signature by this device's identity key over signedPreKeySigningBytes(id, publicKey). */
  readonly signature: Uint8Array;
}

export interface PublicOneTimePreKey {
  readonly id: number;
  /** 32-byte X25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A signed ML-KEM-768 prekey: 1184-byte key, Ed25519 signature over kemPreKeySigningBytes(id, publicKey). */
export type PublicKemPreKey = PublicSignedPreKey;

export interface PrekeyUpload {
  /** Replaces the signed prekey the relay serves for this device. */
  readonly signedPreKey?: PublicSignedPreKey;
  /** At most MAX_PREKEYS_PER_PUBLISH (100); an id the relay already holds for this device is replaced. */
  readonly oneTimePreKeys: readonly PublicOneTimePreKey[];
  /** At most MAX_KEM_PREKEYS_PER_PUBLISH (50) signed one-time KEM prekeys. */
  readonly kemPreKeys?: readonly PublicKemPreKey[];
  /** Replaces the last-resort KEM prekey the relay serves when the one-time ones are used up. */
  readonly lastResortKemPreKey?: PublicKemPreKey;
}

export interface PrekeysPublished {
  /** One-time prekeys (curve, KEM) the relay now holds for this device. */
  oneTimePreKeys: number;
  kemPreKeys: number;
}

export interface PrekeyCount {
  oneTimePreKeys: number;
  /** null when this device has never published a signed prekey. */
  signedPreKeyId: number | null;
  kemPreKeys: number;
  lastResortKemPreKeyId: number | null;
}

export interface DevicePreKeyBundle {
  device: number;
  /** A linked device's certificate by the account key (docs/security.md §18); absent for the primary. */
  certificate?: Uint8Array;
  /** As the relay served it: verify it (verifyPreKeyBundle) and check the identity key before use. */
  bundle: PreKeyBundle;
}

export interface PrekeyBundles {
  /** Normalized (lower-case) username. */
  user: string;
  /** The identity key of the user's primary device, which certifies the others. */
  accountKey: Uint8Array;
  /** One per device of the user with a signed prekey and a KEM prekey, never this device itself; by device id. */
  devices: DevicePreKeyBundle[];
}

/** What the primary sends to link a device (docs/protocol.md, `link_device`). */
export interface DeviceLinkRequest {
  provisioningAddress: string;
  identityKey: Uint8Array;
  certificate: Uint8Array;
  /** Sealed with the account secret; opaque to the relay. */
  name: Uint8Array;
  /** The sealed provisioning message. */
  body: Uint8Array;
  /** A blob this device uploaded (the history archive) that the relay grants the new device first. */
  historyBlob?: string;
}

export interface AccountDevice {
  device: number;
  identityKey: Uint8Array;
  /** Absent for the primary. */
  certificate?: Uint8Array;
  linkedAt: number;
  /** Only for one's own account. */
  lastSeenAt?: number;
  /** Sealed; only for one's own account's linked devices. */
  name?: Uint8Array;
}

export interface AccountDevices {
  /** Normalized username. */
  user: string;
  accountKey: Uint8Array;
  /** Every device of the account, by device id (this one included). */
  devices: AccountDevice[];
}

/** A blob id and a short-lived token for the relay's blob endpoint (docs/protocol.md, "Blobs"). */
export interface BlobToken {
  blobId: string;
  token: string;
  expiresAt: number;
}
