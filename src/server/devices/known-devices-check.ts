// The check behind a checked `send` (docs/protocol.md, "send"): the devices the sender knows of each account it
// writes to, compared with the account's devices on the relay, as Signal's server answers 409/410. It only reads;
// it never tells an account's devices to a send that did not name that account. Sends checked together (those a
// connection received while an earlier check was running) share one read of each account they name.
import { identityKeyTag, normalizeUsername, type Address, type DeviceMismatch, type KnownDevice } from '../../shared/protocol';
import { fromBase64 } from '../../shared/encoding/base64';
import type { AccountStore, DeviceRecord } from '../store/relay-store';

/** The devices of each account some checked sends name, read once per account. */
export type AccountDevices = ReadonlyMap<string, readonly DeviceRecord[]>;

/** Reads the devices of every account the `known` lists name, each account once, together. */
export async function readAccountDevices(accounts: Pick<AccountStore, 'listDevices'>, knownLists: ReadonlyArray<readonly KnownDevice[]>): Promise<AccountDevices> {
  const users = new Set<string>();
  for (const known of knownLists) for (const device of known) users.add(normalizeUsername(device.user));
  const names = [...users];
  const listed = await Promise.all(names.map((user) => accounts.listDevices(user)));
  return new Map(names.map((user, i) => [user, listed[i]!]));
}

/**
 * The accounts whose devices differ from `known`, in the order they first appear there; empty when every account
 * matches. The sending device is never expected, and never counted if named. `devices` holds every account `known`
 * names (readAccountDevices).
 */
export function findDeviceMismatches(devices: AccountDevices, sender: Address, known: readonly KnownDevice[]): DeviceMismatch[] {
  const knownByUser = new Map<string, Map<number, number>>();
  for (const device of known) {
    const user = normalizeUsername(device.user);
    if (user === sender.user && device.device === sender.device) continue;
    let tags = knownByUser.get(user);
    if (tags === undefined) knownByUser.set(user, (tags = new Map()));
    tags.set(device.device, device.keyTag);
  }
  const mismatches: DeviceMismatch[] = [];
  for (const [user, tags] of knownByUser) {
    const current = (devices.get(user) ?? []).filter((record) => !(user === sender.user && record.address.device === sender.device));
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
  }
  return mismatches;
}
