import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../shared/encoding/base64';
import { acceptIdentity, acceptedElsewhere, isSendHeld, observeIdentity, setVerified, verifiedElsewhere, type Peer } from './identityTrust';

const key = (n: number) => new Uint8Array(32).fill(n);

function seen(peer: Peer | undefined, device: number, k: number) {
  return observeIdentity(peer, 'bob', device, key(k), 1);
}

describe('identity trust', () => {
  it('trusts on first use, per device', () => {
    const first = seen(undefined, 1, 1);
    expect(first.outcome).toBe('new_peer');
    expect(seen(first.peer, 1, 1).outcome).toBe('unchanged');
    const second = seen(first.peer, 2, 2);
    expect(second.outcome).toBe('new_device');
    expect(second.peer.devices.map((d) => d.device)).toEqual([1, 2]);
  });

  it('an unverified contact’s new key replaces the old and is flagged, without holding sends', () => {
    const changed = seen(seen(undefined, 1, 1).peer, 1, 9);
    expect(changed.outcome).toBe('changed');
    expect(changed.peer).toMatchObject({ identityChanged: true, verified: false });
    expect(isSendHeld(changed.peer)).toBe(false);
    expect(acceptIdentity(changed.peer).identityChanged).toBe(false);
  });

  it('a verified contact’s new key waits as pending and holds sends until accepted', () => {
    const verified = setVerified(seen(undefined, 1, 1).peer, true);
    const changed = seen(verified, 1, 9);
    expect(changed.outcome).toBe('changed_held');
    expect(changed.peer.devices[0]!.identityKey).toBe(verified.devices[0]!.identityKey);
    expect(isSendHeld(changed.peer)).toBe(true);
    expect(seen(changed.peer, 1, 9).outcome).toBe('changed_held');
    const accepted = acceptIdentity(changed.peer);
    expect(accepted).toMatchObject({ verified: false, identityChanged: false });
    expect(accepted.devices[0]!.pendingIdentityKey).toBeUndefined();
    expect(isSendHeld(accepted)).toBe(false);
    expect(seen(accepted, 1, 9).outcome).toBe('unchanged');
  });

  it('verifying again (the new number was compared) settles the change', () => {
    const changed = seen(setVerified(seen(undefined, 1, 1).peer, true), 1, 9).peer;
    const reverified = setVerified(changed, true);
    expect(reverified).toMatchObject({ verified: true, identityChanged: false });
    expect(isSendHeld(reverified)).toBe(false);
  });

  it('a device going back to the verified key clears the hold', () => {
    const changed = seen(setVerified(seen(undefined, 1, 1).peer, true), 1, 9).peer;
    const back = seen(changed, 1, 1);
    expect(back.outcome).toBe('unchanged');
    expect(isSendHeld(back.peer)).toBe(false);
    expect(back.peer.identityChanged).toBe(false);
  });

  it('takes a verification from another own device only for the key it compared; a cleared mark always', () => {
    const bob = seen(undefined, 1, 1).peer;
    expect(verifiedElsewhere(bob, toBase64(key(2)), true)).toBeUndefined();
    const verified = verifiedElsewhere(bob, toBase64(key(1)), true);
    expect(verified).toMatchObject({ verified: true, identityChanged: false });
    expect(verifiedElsewhere(verified!, toBase64(key(1)), true)).toBeUndefined();
    expect(verifiedElsewhere(verified!, toBase64(key(2)), false)).toMatchObject({ verified: false });
    expect(verifiedElsewhere(bob, toBase64(key(1)), false)).toBeUndefined();
    // A change held here is settled by a verification of the new key there (the number compared there is the new one).
    const held = seen(verified, 1, 9).peer;
    expect(verifiedElsewhere(held, toBase64(key(1)), true)).toBeUndefined();
    const settled = verifiedElsewhere(held, toBase64(key(9)), true)!;
    expect(settled).toMatchObject({ verified: true, identityChanged: false });
    expect(isSendHeld(settled)).toBe(false);
  });

  it('takes a key accepted on another own device only when accepting here ends at that same key, and only a change', () => {
    const verified = setVerified(seen(undefined, 1, 1).peer, true);
    // Nothing changed here: nothing to accept, whatever the key.
    expect(acceptedElsewhere(verified, toBase64(key(1)))).toBeUndefined();
    expect(acceptedElsewhere(verified, toBase64(key(9)))).toBeUndefined();
    const held = seen(verified, 1, 9).peer;
    // Another key was accepted there (this device saw another change): the user decides here.
    expect(acceptedElsewhere(held, toBase64(key(8)))).toBeUndefined();
    const accepted = acceptedElsewhere(held, toBase64(key(9)))!;
    expect(accepted).toEqual(acceptIdentity(held));
    expect(accepted).toMatchObject({ verified: false, identityChanged: false });
    expect(isSendHeld(accepted)).toBe(false);
    // An unverified contact's change (flagged, not held) is cleared the same way.
    const flagged = seen(seen(undefined, 1, 1).peer, 1, 7).peer;
    expect(flagged.identityChanged).toBe(true);
    expect(acceptedElsewhere(flagged, toBase64(key(7)))).toMatchObject({ identityChanged: false });
  });
});
