// The relay is not trusted with a sender's view of devices: an answer that speaks of an account not written to, calls
// a known device missing or an unknown one extra or stale, repeats a device, or grows an account past 10 devices is
// void. What a checked send says it knows: every known device but this one, with the tag of the trusted key.
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../../shared/encoding/base64';
import { identityKeyTag, type DeviceMismatch, type KnownDevice } from '../../../../shared/protocol';
import { newPeer, type Peer } from '../../contacts/identityTrust';
import { sendParts } from '../../groups/GroupSender';
import { checkMismatches, knownDevicesOf } from './knownDevices';

const me = { user: 'alice', device: 1 };
const bobKnown: KnownDevice[] = [
  { user: 'bob', device: 1, keyTag: 7 },
  { user: 'bob', device: 3, keyTag: 8 },
];
const answer = (mismatch: Partial<DeviceMismatch>): DeviceMismatch[] => [{ user: 'bob', missing: [], extra: [], stale: [], ...mismatch }];

describe('checkMismatches', () => {
  it('takes an answer the relay could honestly give', () => {
    const honest = answer({ missing: [4], extra: [3], stale: [1] });
    expect(checkMismatches(honest, bobKnown, me)).toEqual(honest);
    expect(checkMismatches([{ user: 'BOB', missing: [2], extra: [], stale: [] }], bobKnown, me)).toEqual(answer({ missing: [2] }));
  });

  it.each([
    ['an account not written to', [{ user: 'carol', missing: [2], extra: [], stale: [] }]],
    ['a known device called missing', answer({ missing: [3] })],
    ['an unknown device called extra', answer({ extra: [9] })],
    ['an unknown device called stale', answer({ stale: [9] })],
    ['a device twice', answer({ missing: [4, 4] })],
    ['one account twice', [...answer({ missing: [4] }), ...answer({ missing: [5] })]],
    ['an account grown past 10 devices', answer({ missing: [4, 5, 6, 7, 8, 9, 10, 11, 12] })],
  ])('voids an answer with %s', (_name, devices) => {
    expect(() => checkMismatches(devices, bobKnown, me)).toThrow(expect.objectContaining({ code: 'devices_changed', retryable: true }));
  });

  it('counts this device in its own account, and never takes it as missing', () => {
    const own: KnownDevice[] = [{ user: 'alice', device: 2, keyTag: 1 }];
    expect(() => checkMismatches([{ user: 'alice', missing: [1], extra: [], stale: [] }], own, me)).toThrow();
    expect(() => checkMismatches([{ user: 'alice', missing: [3, 4, 5, 6, 7, 8, 9, 10, 11], extra: [], stale: [] }], own, me)).toThrow();
    expect(checkMismatches([{ user: 'alice', missing: [3, 4, 5, 6, 7, 8, 9, 10], extra: [], stale: [] }], own, me)).toHaveLength(1);
  });
});

describe('knownDevicesOf', () => {
  it('lists every known device of each user but this one, tagged with the trusted key', () => {
    const key = (fill: number) => new Uint8Array(32).fill(fill);
    const peers = new Map<string, Peer>([
      ['alice', { ...newPeer('alice', 0, false), devices: [{ device: 1, identityKey: toBase64(key(1)) }, { device: 2, identityKey: toBase64(key(2)) }] }],
      ['bob', { ...newPeer('bob', 0, true), devices: [{ device: 1, identityKey: toBase64(key(3)), pendingIdentityKey: toBase64(key(4)) }] }],
    ]);
    expect(knownDevicesOf((user) => peers.get(user), me, ['Bob', 'alice', 'bob', 'nobody'])).toEqual([
      { user: 'bob', device: 1, keyTag: identityKeyTag(key(3)) },
      { user: 'alice', device: 2, keyTag: identityKeyTag(key(2)) },
    ]);
  });
});

describe('sendParts', () => {
  it('never splits a member’s devices between two sends, and keeps each within the limit of devices known', () => {
    const devices = (user: string, n: number) => Array.from({ length: n }, (_, i) => ({ user, device: i + 1 }));
    const recipients = [...devices('a', 2), ...devices('b', 3), ...devices('c', 1)];
    const knownOf = (users: readonly string[]) => recipients.filter((d) => users.includes(d.user)).map((d) => ({ ...d, keyTag: 0 }));
    const parts = sendParts(recipients, 4, knownOf);
    expect(parts.map((p) => p.to.map((d) => `${d.user}${d.device}`))).toEqual([['a1', 'a2'], ['b1', 'b2', 'b3', 'c1']]);
    expect(parts.every((p) => p.known.length <= 4)).toBe(true);
    expect(sendParts(devices('a', 3), 2, knownOf).map((p) => p.to.length)).toEqual([3]);
  });
});
