// The check behind a checked `send` (docs/protocol.md, "send"): the devices the sender knows of each account it
// writes to, compared with the account's devices on the relay, as Signal's server answers 409/410. It only reads;
// it never tells an account's devices to a send that did not name that account.
import { identityKeyTag, normalizeUsername, type Address, type DeviceMismatch, type KnownDevice } from '../../shared/protocol';
import { fromBase64 } from '../../shared/encoding/base64';
import type { AccountStore } from '../store/relay-store';

/**
 * The accounts whose devices differ from `known`, in the order they first appear there; empty when every account
 * matches. The sending device is never expected, and never counted if named.
 */
export async function findDeviceMismatches(accounts: Pick<AccountStore, 'listDevices'>, sender: Address, known: readonly KnownDevice[]): Promise<DeviceMismatch[]> {
  const knownByUser = new Map<string, Map<number, number>>();
  for (const device of known) {
    const user = normalizeUsername(device.user);
    if (user === sender.user && device.device === sender.device) continue;
    let tags = knownByUser.get(user);
    if (tags === undefined) knownByUser.set(user, (tags = new Map()));
    tags.set(device.device, device.keyTag);
  }
  const users = [...knownByUser.keys()];
  const listed = await Promise.all(users.map((user) => accounts.listDevices(user)));
  const mismatches: DeviceMismatch[] = [];
  users.forEach((user, i) => {
    const tags = knownByUser.get(user)!;
    const current = listed[i]!.filter((record) => !(user === sender.user && record.address.device === sender.device));
    const missing: number[] = [];
    const stale: number[] = [];
    for (const record of current) {
      const tag = tags.get(record.address.device);
      if (tag === undefined) missing.push(record.address.device);
      else if (tag !== identityKeyTag(fromBase64(record.identityKey))) stale.push(record.address.device);
    }
    const existing = new Set(current.map((record) => record.address.device));
    const extra = [...tags.keys()].filter((device) => !existing.has(device)).sort((a, b) => a - b);
    if (missing.length + extra.length + stale.length > 0) mismatches.push({ user, missing, extra, stale });
  });
  return mismatches;
}
