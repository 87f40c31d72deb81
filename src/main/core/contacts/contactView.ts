// A peer as the renderer sees it: the contract's ContactView. The identity key shown is the one trusted for the
// user's primary (lowest-numbered) device; never a private key, never a pending key presented as trusted.
import type { ContactView } from '../../../shared/ipc';
import { primaryDevice, type Peer } from './identityTrust';

export function contactView(peer: Peer): ContactView {
  return {
    username: peer.username,
    identityKey: primaryDevice(peer)?.identityKey ?? '',
    verified: peer.verified,
    identityChanged: peer.identityChanged,
    addedAt: peer.addedAt,
    blocked: peer.blocked === true,
  };
}
