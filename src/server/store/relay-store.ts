// The relay's storage contract. The SQLite store (embedded default) and a Redis store (scale-out, later) both
// implement it; no driver type crosses it. Payloads are opaque bytes: the store never looks inside them.
// Prekeys are one such sub-interface; blobs will be another.
import { CodedError } from '../../shared/base';
import type { Address } from '../../shared/protocol';

// ── accounts and devices ──────────────────────────────────────────────────────

export interface DeviceRecord {
  /** Normalized (lower-case) username and device id. */
  address: Address;
  /** Base64 Ed25519 identity public key. */
  identityKey: string;
  registeredAt: number;
  /**
   * Base64 Ed25519 signature by the primary device's identity key over deviceCertificateBytes(user, identityKey)
   * (src/shared/crypto/device-certificate.ts). Absent exactly for the account's primary device, the one that
   * registered the username; its identity key is the account key.
   */
  certificate?: string;
  /** Opaque to the relay (encrypted by the account's devices); absent for the primary. */
  name?: string;
  /** When the device last authenticated; absent if it never did. */
  lastSeenAt?: number;
}

export interface NewDevice {
  /** Normalized username and device id. */
  address: Address;
  identityKey: string;
  registeredAt: number;
}

export type RegisterOutcome =
  /** The username was free; user and device now exist. */
  | 'registered'
  /** This exact device already exists with this identity key (a retried registration). */
  | 'already_registered'
  /** The username belongs to someone else, or this device exists with another key. */
  | 'username_taken';

/** A device the account's primary linked (its certificate already verified by the caller). */
export interface DeviceLink {
  /** Normalized username of the account. */
  user: string;
  identityKey: string;
  certificate: string;
  name: string;
  linkedAt: number;
  /** Most devices the account may have afterwards, the primary included. */
  maxDevices: number;
}

export type LinkOutcome =
  /** A new device id, never given to a device of this account before (ids are not reused after removal). */
  | { status: 'linked'; device: number }
  /** A device of this account already has this identity key: nothing written (a retried link). */
  | { status: 'already_linked'; device: number }
  | { status: 'too_many_devices' }
  | { status: 'unknown_user' };

export interface AccountStore {
  registerDevice(device: NewDevice): Promise<RegisterOutcome>;
  findDevice(address: Address): Promise<DeviceRecord | undefined>;
  /** Adds a linked device to an existing account, durably. */
  linkDevice(link: DeviceLink): Promise<LinkOutcome>;
  /** Every device of the user, ordered by device id (the primary first); empty for an unknown user. */
  listDevices(user: string): Promise<DeviceRecord[]>;
  /**
   * Deletes a device durably, with its prekeys and its mailbox (pending deliveries count as acked at `now`).
   * Afterwards it cannot authenticate, is no recipient and has no bundle. False if there was no such device.
   */
  removeDevice(address: Address, now: number): Promise<boolean>;
  /** Records that the device authenticated at `at` (need not be durable). */
  touchDevice(address: Address, at: number): Promise<void>;
}

// ── device mailboxes ──────────────────────────────────────────────────────────
// A mailbox is an ordered log per device: deliveries are numbered 1, 2, 3, … (`seq`, strictly increasing, never
// reused), appended by sends and trimmed by cumulative acks. That is a Redis Stream per device as much as rows in
// SQLite; the batch below is one transaction here and one pipeline (or script per mailbox) there.

export interface EnvelopeToStore {
  /** The authenticated sender (normalized). */
  sender: Address;
  messageId: string;
  /** Normalized, without repeats. */
  recipients: readonly Address[];
  /** Opaque bytes; the store never looks inside. */
  payload: Uint8Array;
  sentAt: number;
}

/** One delivery as read from a mailbox. `seq` orders a mailbox strictly and is what the device acks. */
export interface StoredDelivery {
  seq: number;
  messageId: string;
  from: Address;
  payload: Uint8Array;
  sentAt: number;
}

export interface CreatedDelivery {
  recipient: Address;
  seq: number;
}

export type EnqueueOutcome =
  | { status: 'stored'; deliveries: CreatedDelivery[] }
  /** (sender, messageId) was stored before: nothing written. */
  | { status: 'duplicate' }
  | { status: 'unknown_recipient'; recipients: Address[] }
  | { status: 'mailbox_full'; recipients: Address[] };

/**
 * The device stored deliveries of its mailbox: every one numbered `through` or lower, and those in `also` (all
 * above `through`). Idempotent: deliveries already gone are no error. The caller checked that the device was
 * given them; the store trims what it holds.
 */
export interface MailboxAck {
  mailbox: Address;
  through: number;
  also: readonly number[];
  /**
   * Of the deliveries this ack names, those the relay pushed on this connection and saw acked for the first time, in
   * seq order. A store may take their senders and message ids from here instead of reading its entries (it reads
   * those it is not told of); the SQLite store does not need them.
   */
  pushed?: readonly PushedDelivery[];
  /**
   * True when `pushed` holds every delivery up to `through` that no earlier ack named (the mailbox pump pushes a
   * mailbox from its first delivery, so an ack on its connection can say so): a store need not look for others, except
   * behind an earlier ack whose commit failed. The SQLite store does not need it.
   */
  namesAll?: boolean;
}

/** A delivery as the relay pushed it: its seq, and which sender sent which message. */
export interface PushedDelivery {
  seq: number;
  from: Address;
  messageId: string;
}

export interface MailboxWriteBatch {
  acks: readonly MailboxAck[];
  enqueues: readonly EnvelopeToStore[];
  /** Most pending deliveries per mailbox; an enqueue that would exceed it for any recipient stores nothing. */
  mailboxQuota: number;
  /**
   * The batch's time: the relay accepts its enqueues then and its acks happen then. A dedup record is kept while any
   * delivery of its envelope is pending and for at least the retention after the send was accepted; a store may count
   * from the last ack instead (Redis does), which keeps records longer and meets the same promise (docs/protocol.md).
   */
  now: number;
  /**
   * False for a batch of acks alone: it need not be on stable storage before the call resolves (a lost ack means a
   * redelivery, which devices deduplicate). A batch with enqueues is always made durable.
   */
  durable?: boolean;
}

export interface MailboxWriteResult {
  /** One outcome per enqueue, in order. */
  enqueues: EnqueueOutcome[];
}

export interface MailboxStore {
  /**
   * Applies the acks, then the enqueues in order, all in one durable commit (group commit). Each enqueue succeeds
   * or is refused on its own; a refused enqueue writes nothing. Resolves only once the commit is durable.
   * Batches apply in call order wherever it can be seen: in each mailbox (appends and acks) and for each (sender,
   * messageId); the next may be submitted before the previous one has resolved, and a store may let batches that
   * share neither overlap.
   */
  commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult>;
  /** Up to `limit` deliveries of a mailbox with seq > afterSeq, in seq order. */
  pageMailbox(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]>;
  pendingCount(mailbox: Address): Promise<number>;
  /**
   * Deletes up to `limit` dedup records whose retention started before `goneBefore` (see `MailboxWriteBatch.now`) and
   * none of whose deliveries is pending; returns how many. A store that expires records by itself returns 0.
   */
  pruneDedupRecords(goneBefore: number, limit: number): Promise<number>;
}

// ── prekey directory ──────────────────────────────────────────────────────────
// Keys are base64 text as they came off the wire; the store checks no signature (the caller did) and parses nothing.

export interface StoredSignedPrekey {
  id: number;
  /** Base64 X25519 public key. */
  publicKey: string;
  /** Base64 Ed25519 signature by the device's identity key, verified before it was stored. */
  signature: string;
}

export interface StoredOneTimePrekey {
  id: number;
  publicKey: string;
}

/** A signed ML-KEM-768 prekey (base64 key and signature, the signature verified before it was stored). */
export type StoredKemPrekey = StoredSignedPrekey;

export interface PrekeyUpload {
  /** The publishing device (a registered device). */
  device: Address;
  /** Replaces the device's signed prekey when present. */
  signedPrekey?: StoredSignedPrekey;
  /** Added to the device's one-time prekeys; an id the device already has replaces that key. */
  oneTimePrekeys: readonly StoredOneTimePrekey[];
  /** Added to the device's one-time KEM prekeys (same id rule). */
  kemPrekeys?: readonly StoredKemPrekey[];
  /** Replaces the device's last-resort KEM prekey when present. */
  lastResortKemPrekey?: StoredKemPrekey;
  /** Most one-time prekeys of each kind the device may hold afterwards; beyond it the whole upload is refused. */
  cap: number;
  now: number;
}

export type PublishOutcome =
  | { status: 'published'; oneTimePrekeys: number; kemPrekeys: number }
  /** Storing the upload would leave more than `cap` one-time prekeys; nothing was written. */
  | { status: 'cap_exceeded'; held: number; wouldHold: number }
  | { status: 'unknown_device' };

export interface PrekeyCount {
  oneTimePrekeys: number;
  signedPrekeyId: number | null;
  kemPrekeys: number;
  lastResortKemPrekeyId: number | null;
}

export interface TakenBundle {
  device: number;
  identityKey: string;
  /** The device's certificate (DeviceRecord.certificate); absent for the primary. */
  certificate?: string;
  signedPrekey: StoredSignedPrekey;
  /** Absent when the device had no one-time prekey left. Deleted from the store before this is returned. */
  oneTimePrekey?: StoredOneTimePrekey;
  /** One-time prekeys the device has left after this fetch. */
  oneTimePrekeysLeft: number;
  /** The oldest one-time KEM prekey (deleted like the curve one), else the last-resort one; absent if neither. */
  kemPrekey?: StoredKemPrekey;
  /** The KEM prekey came from (and left) the one-time queue, rather than being the last-resort one. */
  kemPrekeyConsumed: boolean;
  kemPrekeysLeft: number;
}

export interface BundleRequest {
  /** Normalized or not; the store normalizes. */
  user: string;
  /** A device never fetches its own bundle: the asking device. */
  exclude?: Address;
}

export type TakeBundlesOutcome =
  /** `user` is normalized; bundles are ordered by device id; `accountKey` is the primary device's identity key. */
  | { status: 'taken'; user: string; accountKey: string; bundles: TakenBundle[] }
  | { status: 'unknown_user' }
  /** The user exists but no device of theirs (other than the excluded one) has a signed prekey. */
  | { status: 'no_prekeys' };

export interface PrekeyStore {
  /** Stores an upload atomically and durably (resolves once it would survive what a `sent` survives). */
  publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome>;
  countPrekeys(device: Address): Promise<PrekeyCount>;
  /**
   * One bundle per device of the user that has a signed prekey (at most `limit`), each consuming — deleting, in
   * the same atomic and durable write — the device's oldest one-time prekey and oldest one-time KEM prekey (the
   * last-resort KEM prekey is served, never consumed, when none is left). Two calls never return the same one-time key.
   */
  takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome>;
}

export interface RelayStore extends AccountStore, MailboxStore, PrekeyStore {
  close(): Promise<void>;
}

export class StoreError extends CodedError<'store_closed' | 'store_corrupt' | 'store_failed'> {
  override readonly name = 'StoreError';
}
