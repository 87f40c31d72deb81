// Every Redis key the relay store uses. All keys of one user — its devices, their mailboxes, prekeys and the dedup
// records of what they sent — share the hash tag `{user}`, so each script touches one slot and runs unchanged on
// Redis Cluster. Usernames are [a-z0-9_.-] after normalization: they can never contain a brace or a colon.
import { normalizeUsername, type Address } from '../../../shared/protocol';

export const KEY_PREFIX = 'parley:';

function tag(user: string): string {
  return `${KEY_PREFIX}{${normalizeUsername(user)}}`;
}

export const redisKeys = {
  /**
   * String, on a single Redis only (no hash tag): whether mailbox indexes may exist — '0' once a relay's scan at start
   * found none, '1' from a relay that runs sagas (with WAIT), set before its first; absent, they may
   * (redis-mailboxes.ts).
   */
  sagas: `${KEY_PREFIX}sagas`,
  /** Hash: device id → JSON {identityKey, registeredAt, certificate?, name?}. Its existence is the user's. */
  devices: (user: string) => `${tag(user)}:devices`,
  /** Counter: the highest device id the user ever had (linked device ids are never reused). */
  lastDevice: (user: string) => `${tag(user)}:lastdev`,
  /** Hash: device id → when it last authenticated (ms). */
  lastSeen: (user: string) => `${tag(user)}:seen`,
  /**
   * Stream: the device's mailbox, entry ids 0-<seq>. Its last id is the last seq handed out (never reused, even once
   * trimmed). Before 0-* ids a counter `:seq:<device>` held it; such keys are no longer read.
   */
  mailbox: (device: Address) => `${tag(device.user)}:mb:${device.device}`,
  /** Hash: "<sender user>:<sender device>:<message id>" → seq, for the deliveries pending in the mailbox. */
  mailboxIndex: (device: Address) => `${tag(device.user)}:mbi:${device.device}`,
  /**
   * Counter: the dedup record of (sender device, message id), in the sender's slot (redis-scripts.ts, MAILBOX_OPS,
   * whose `release` builds this key from a delivery name).
   */
  dedup: (sender: Address, messageId: string) => `${tag(sender.user)}:dd:${sender.device}:${messageId}`,
  /** Hash: device id → JSON signed prekey. */
  signedPrekeys: (user: string) => `${tag(user)}:spk`,
  /** Hash: device id → JSON last-resort KEM prekey. */
  lastResortKemPrekeys: (user: string) => `${tag(user)}:lrk`,
  /** Sorted set (key id by arrival) and hash (key id → JSON key) of a device's one-time prekeys of one kind. */
  prekeyQueue: (device: Address, kind: PrekeyKind) => `${tag(device.user)}:${kind}q:${device.device}`,
  prekeyValues: (device: Address, kind: PrekeyKind) => `${tag(device.user)}:${kind}v:${device.device}`,
  /** Counter: arrival order of a device's one-time prekeys (both kinds). */
  prekeyArrivals: (device: Address) => `${tag(device.user)}:arrivals:${device.device}`,
};

export type PrekeyKind = 'otk' | 'kem';

/** The field naming a delivery in its mailbox index and dedup records: which sender sent which message. */
export function deliveryName(sender: Address, messageId: string): string {
  return `${normalizeUsername(sender.user)}:${sender.device}:${messageId}`;
}
