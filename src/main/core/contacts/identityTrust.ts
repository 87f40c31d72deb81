// Trust on first use, and what an identity key change does (pure): each device of a peer has the identity key we
// trust; a different key for a known device is a change. For a contact the user has not verified, the new key
// replaces the old one and the contact is flagged. For a verified contact, the new key waits as `pendingIdentityKey`
// and sending is held until the user accepts it (or verifies again): a verified key is never replaced silently.
import { bytesEqual } from '../../../shared/base';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';

export interface PeerDevice {
  readonly device: number;
  /** Base64 Ed25519 identity key we trust for this device. */
  readonly identityKey: string;
  /** A different key this device presented while its contact was verified; not trusted until accepted. */
  readonly pendingIdentityKey?: string;
}

export interface Peer {
  /** Normalized (lower-case) username. */
  readonly username: string;
  /** Listed among contacts (added by the user, or wrote to the user directly); group-only peers are not. */
  readonly contact: boolean;
  readonly addedAt: number;
  readonly verified: boolean;
  readonly identityChanged: boolean;
  /**
   * Base64 key of the account (its primary device's identity key) that certifies the peer's linked devices
   * (docs/security.md §18); absent until a certified device was seen (then the primary's key stands for it).
   */
  readonly accountKey?: string;
  /** Ordered by device id. */
  readonly devices: readonly PeerDevice[];
  /** Blocked by this user: their messages are dropped on receipt and nothing is sent to them one to one. */
  readonly blocked?: true;
}

export type IdentityOutcome =
  /** First time this user is seen: trusted on first use. */
  | 'new_peer'
  /** A device we did not know of this user: trusted on first use. */
  | 'new_device'
  | 'unchanged'
  /** The key changed and was accepted in place of the old one (unverified contact); old sessions are stale. */
  | 'changed'
  /** The key changed on a verified contact: recorded as pending, sending is held. */
  | 'changed_held'
  /** A linked device got a new key certified by the trusted account key (re-linked): accepted, old sessions stale. */
  | 'relinked'
  /** The key is certified by another account key than the one trusted: not accepted for this device. */
  | 'foreign_account';

export function newPeer(username: string, now: number, contact: boolean): Peer {
  return { username, contact, addedAt: now, verified: false, identityChanged: false, devices: [] };
}

/** What the peer record becomes after `device` of `username` presented `identityKey`. */
export function observeIdentity(
  peer: Peer | undefined,
  username: string,
  device: number,
  identityKey: Uint8Array,
  now: number,
): { peer: Peer; outcome: IdentityOutcome } {
  const key = toBase64(identityKey);
  const base = peer ?? newPeer(username, now, false);
  const known = base.devices.find((d) => d.device === device);
  if (!known) {
    const devices = [...base.devices, { device, identityKey: key }].sort((a, b) => a.device - b.device);
    return { peer: { ...base, devices }, outcome: peer ? 'new_device' : 'new_peer' };
  }
  if (bytesEqual(fromBase64(known.identityKey), identityKey)) {
    if (known.pendingIdentityKey === undefined) return { peer: base, outcome: 'unchanged' };
    // The device went back to the key the user verified: nothing is pending any more for it.
    const devices = base.devices.map((d) => (d.device === device ? { device, identityKey: d.identityKey } : d));
    const stillPending = devices.some((d) => d.pendingIdentityKey !== undefined);
    return { peer: { ...base, devices, identityChanged: stillPending }, outcome: 'unchanged' };
  }
  if (base.verified) {
    if (known.pendingIdentityKey === key) return { peer: base, outcome: 'changed_held' };
    const devices = base.devices.map((d) => (d.device === device ? { ...d, pendingIdentityKey: key } : d));
    return { peer: { ...base, devices, identityChanged: true }, outcome: 'changed_held' };
  }
  const devices = base.devices.map((d) => (d.device === device ? { device, identityKey: key } : d));
  return { peer: { ...base, devices, identityChanged: true }, outcome: 'changed' };
}

/**
 * What the peer record becomes after `device` presented `identityKey`, which `accountKey` certified (or which is the
 * account key itself, for the primary). Under the account key already trusted (or a first one) a new device is
 * trusted and a changed key replaced without a warning: one account, one safety number. Under another account key
 * it is `foreign_account` and the record is unchanged (for the primary, the caller then treats it as a key change).
 */
export function observeCertifiedIdentity(
  peer: Peer | undefined,
  username: string,
  device: number,
  identityKey: Uint8Array,
  accountKey: Uint8Array,
  now: number,
): { peer: Peer; outcome: IdentityOutcome } {
  const base = peer ?? newPeer(username, now, false);
  const trusted = trustedAccountKey(base);
  const account = toBase64(accountKey);
  if (trusted !== undefined && !bytesEqual(fromBase64(trusted), accountKey)) return { peer: base, outcome: 'foreign_account' };
  const key = toBase64(identityKey);
  const withAccount: Peer = base.accountKey === account ? base : { ...base, accountKey: account };
  const known = base.devices.find((d) => d.device === device);
  if (!known) {
    const devices = [...base.devices, { device, identityKey: key }].sort((a, b) => a.device - b.device);
    return { peer: { ...withAccount, devices }, outcome: peer ? 'new_device' : 'new_peer' };
  }
  if (known.identityKey === key && known.pendingIdentityKey === undefined) return { peer: withAccount, outcome: 'unchanged' };
  const devices = base.devices.map((d) => (d.device === device ? { device, identityKey: key } : d));
  return { peer: { ...withAccount, devices }, outcome: known.identityKey === key ? 'unchanged' : 'relinked' };
}

/**
 * A device the relay vouches for with the account key: certified under the account key we trust (or the first one
 * seen). The primary showing another account key is a key change like any (§12); a linked device under another
 * account key is `foreign_account`, refused.
 */
export function observeAccountDevice(
  peer: Peer | undefined,
  username: string,
  device: number,
  identityKey: Uint8Array,
  accountKey: Uint8Array,
  now: number,
): { peer: Peer; outcome: IdentityOutcome } {
  const observed = observeCertifiedIdentity(peer, username, device, identityKey, accountKey, now);
  const isPrimary = bytesEqual(identityKey, accountKey);
  if (observed.outcome === 'foreign_account' && isPrimary) return observeIdentity(peer, username, device, identityKey, now);
  return observed;
}

/** What the relay vouched for a sender device: its identity key, certified by (or being) the account key. */
export interface CertifiedDevice {
  identityKey: Uint8Array;
  accountKey: Uint8Array;
}

/**
 * A new session's identity key from a sender device. Vouched for (the same key the relay lists, with a valid
 * certificate): as observeAccountDevice. Otherwise trust on first use per device (§12) — except a device unknown
 * to a peer whose account key is known, which must be certified (`foreign_account`).
 */
export function observeSender(
  peer: Peer | undefined,
  username: string,
  device: number,
  identityKey: Uint8Array,
  certified: CertifiedDevice | undefined,
  now: number,
): { peer: Peer; outcome: IdentityOutcome } {
  if (certified && bytesEqual(certified.identityKey, identityKey)) {
    return observeAccountDevice(peer, username, device, identityKey, certified.accountKey, now);
  }
  if (peer?.accountKey !== undefined && !peer.devices.some((d) => d.device === device)) return { peer, outcome: 'foreign_account' };
  return observeIdentity(peer, username, device, identityKey, now);
}

/** The account key trusted for this peer: the one recorded, else (older records) its primary device's key. */
export function trustedAccountKey(peer: Peer): string | undefined {
  return peer.accountKey ?? primaryDevice(peer)?.identityKey;
}

/** The user accepted the new key(s): they become trusted; a verification of the old key no longer holds. */
export function acceptIdentity(peer: Peer): Peer {
  const hadPending = peer.devices.some((d) => d.pendingIdentityKey !== undefined);
  return {
    ...withoutAccountKey(peer),
    devices: peer.devices.map((d) => ({ device: d.device, identityKey: d.pendingIdentityKey ?? d.identityKey })),
    identityChanged: false,
    verified: hadPending ? false : peer.verified,
  };
}

/**
 * Marking verified means the user compared the number shown, which is computed from the newest key: pending keys
 * become trusted and the change is settled. Clearing it keeps the change notice but releases held sends.
 */
export function setVerified(peer: Peer, verified: boolean): Peer {
  const devices = peer.devices.map((d) => ({ device: d.device, identityKey: d.pendingIdentityKey ?? d.identityKey }));
  const base = peer.devices.some((d) => d.pendingIdentityKey !== undefined) ? withoutAccountKey(peer) : peer;
  return verified ? { ...base, devices, verified: true, identityChanged: false } : { ...base, devices, verified: false };
}

/**
 * The key of theirs that the safety number shows, which is what a user compares when verifying: a pending change,
 * else the account key (known once a certified device was seen), else the primary device's key.
 */
export function comparedKey(peer: Peer): string | undefined {
  const device = primaryDevice(peer);
  return device && (device.pendingIdentityKey ?? peer.accountKey ?? device.identityKey);
}

/**
 * Another of this user's devices marked the peer verified with `key` (the key it compared) or not verified. A
 * verification holds here only when `key` is the key this device shows for them (then as setVerified); for another
 * key it is not taken — the user compares again. Clearing always applies. Undefined when nothing changes.
 */
export function verifiedElsewhere(peer: Peer, key: string, verified: boolean): Peer | undefined {
  if (!verified) return peer.verified ? setVerified(peer, false) : undefined;
  if (comparedKey(peer) !== key) return undefined;
  const settled = peer.verified && !peer.identityChanged && peer.devices.every((d) => d.pendingIdentityKey === undefined);
  return settled ? undefined : setVerified(peer, true);
}

/**
 * Another of this user's devices accepted the peer's changed key; `key` is what the safety number showed there once
 * accepted. Taken only when accepting here ends at that same key (this device saw the same change) and there is a
 * change here to accept; otherwise the user accepts (or compares) here. Undefined when nothing changes.
 */
export function acceptedElsewhere(peer: Peer, key: string): Peer | undefined {
  const pending = peer.identityChanged || peer.devices.some((d) => d.pendingIdentityKey !== undefined);
  if (!pending) return undefined;
  const accepted = acceptIdentity(peer);
  return comparedKey(accepted) === key ? accepted : undefined;
}

/** After a key change is settled, the account key is learnt again from the (new) primary key. */
function withoutAccountKey(peer: Peer): Peer {
  if (peer.accountKey === undefined) return peer;
  const { accountKey: _dropped, ...rest } = peer;
  return rest;
}

/** Sending to this peer waits until the user accepts a changed key. */
export function isSendHeld(peer: Peer): boolean {
  return peer.verified && peer.devices.some((d) => d.pendingIdentityKey !== undefined);
}

/**
 * The device whose key stands for the user in the contact view and the safety number: the one holding the account
 * key when it is known, else the lowest id (the primary registers first, so it has the lowest).
 */
export function primaryDevice(peer: Peer): PeerDevice | undefined {
  return (peer.accountKey === undefined ? undefined : peer.devices.find((d) => d.identityKey === peer.accountKey)) ?? peer.devices[0];
}
