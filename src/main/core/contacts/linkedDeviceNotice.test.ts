import { describe, expect, it } from 'vitest';
import type { Peer } from './identityTrust';
import { newlyLinkedDevices } from './linkedDeviceNotice';

const peer = (devices: number[], contact = true): Peer => ({
  username: 'alice',
  contact,
  addedAt: 1,
  verified: false,
  identityChanged: false,
  devices: devices.map((device) => ({ device, identityKey: `key${device}` })),
});

describe('newly linked devices of a contact', () => {
  it('are the devices a known contact gained', () => {
    expect(newlyLinkedDevices(peer([1]), peer([1, 2, 3]))).toEqual([2, 3]);
    expect(newlyLinkedDevices(peer([1, 2]), peer([1, 2]))).toEqual([]);
    expect(newlyLinkedDevices(peer([1, 2]), peer([1]))).toEqual([]);
  });

  it('are none when meeting someone (all their devices at once) or for someone who is no contact', () => {
    expect(newlyLinkedDevices(undefined, peer([1, 2]))).toEqual([]);
    expect(newlyLinkedDevices(peer([]), peer([1, 2]))).toEqual([]);
    expect(newlyLinkedDevices(peer([1], false), peer([1, 2], false))).toEqual([]);
  });
});
