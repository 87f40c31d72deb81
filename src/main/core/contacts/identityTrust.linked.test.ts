// Trust for linked devices (docs/security.md §18): under the trusted account key a new or re-linked device is no key
// change; under another account key it is refused; a verified contact stays verified.
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../shared/encoding/base64';
import { newPeer, observeAccountDevice, observeCertifiedIdentity, observeIdentity, observeSender } from './identityTrust';

const account = new Uint8Array(32).fill(1);
const other = new Uint8Array(32).fill(2);
const laptop = new Uint8Array(32).fill(3);
const laptopAgain = new Uint8Array(32).fill(4);

describe('linked devices in trust', () => {
  it('takes a certified device of a verified contact without a change, and a re-linked key silently', () => {
    const known = { ...observeIdentity(undefined, 'alice', 1, account, 0).peer, verified: true };
    const linked = observeCertifiedIdentity(known, 'alice', 2, laptop, account, 1);
    expect(linked.outcome).toBe('new_device');
    expect(linked.peer).toMatchObject({ verified: true, identityChanged: false, accountKey: toBase64(account) });
    const relinked = observeCertifiedIdentity(linked.peer, 'alice', 2, laptopAgain, account, 2);
    expect(relinked.outcome).toBe('relinked');
    expect(relinked.peer).toMatchObject({ verified: true, identityChanged: false });
    expect(relinked.peer.devices.find((d) => d.device === 2)?.identityKey).toBe(toBase64(laptopAgain));
  });

  it('refuses a device certified by another account key, and a primary with another key is a change', () => {
    const known = observeAccountDevice(undefined, 'alice', 1, account, account, 0).peer;
    expect(observeAccountDevice(known, 'alice', 2, laptop, other, 1).outcome).toBe('foreign_account');
    const swapped = observeAccountDevice({ ...known, verified: true }, 'alice', 1, other, other, 1);
    expect(swapped.outcome).toBe('changed_held');
  });

  it('refuses an unvouched new device once the account key is known, and trusts on first use before', () => {
    const known = observeAccountDevice(undefined, 'alice', 1, account, account, 0).peer;
    expect(observeSender(known, 'alice', 5, laptop, undefined, 1).outcome).toBe('foreign_account');
    expect(observeSender(known, 'alice', 5, laptop, { identityKey: laptop, accountKey: account }, 1).outcome).toBe('new_device');
    expect(observeSender(newPeer('bob', 0, false), 'bob', 1, other, undefined, 1).outcome).toBe('new_device');
  });
});
