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
  /** Ordered by device id. */
  readonly devices: readonly PeerDevice[];
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
  | 'changed_held';

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

/** The user accepted the new key(s): they become trusted; a verification of the old key no longer holds. */
export function acceptIdentity(peer: Peer): Peer {
  const hadPending = peer.devices.some((d) => d.pendingIdentityKey !== undefined);
  return {
    ...peer,
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
  return verified ? { ...peer, devices, verified: true, identityChanged: false } : { ...peer, devices, verified: false };
}

/** Sending to this peer waits until the user accepts a changed key. */
export function isSendHeld(peer: Peer): boolean {
  return peer.verified && peer.devices.some((d) => d.pendingIdentityKey !== undefined);
}

/** The device whose key stands for the user in the contact view and the safety number: the lowest id. */
export function primaryDevice(peer: Peer): PeerDevice | undefined {
  return peer.devices[0];
}
