// What a checked send tells the relay about the accounts it writes to (docs/protocol.md, "send"): every device this
// device knows of them, with the tag of the key it trusts; and the check of the relay's `devices_changed` answer
// before anything is done with it. The relay is not trusted: an answer may speak only of accounts written to, call
// missing only devices not known, extra or stale only known ones, and never make an account bigger than 10 devices.
import { MAX_DEVICES_PER_ACCOUNT } from '../../../../shared/crypto/device-certificate';
import { fromBase64 } from '../../../../shared/encoding/base64';
import { identityKeyTag, normalizeUsername, type Address, type DeviceMismatch, type KnownDevice } from '../../../../shared/protocol';
import type { Peer } from '../../contacts/identityTrust';
import { TransportError } from '../../transport';

/** Every device known of each of `users` (never `me`), with the tag of the identity key trusted for it. */
export function knownDevicesOf(peerOf: (user: string) => Peer | undefined, me: Address, users: Iterable<string>): KnownDevice[] {
  const known: KnownDevice[] = [];
  for (const user of new Set([...users].map(normalizeUsername))) {
    for (const { device, identityKey } of peerOf(user)?.devices ?? []) {
      if (user === me.user && device === me.device) continue;
      known.push({ user, device, keyTag: identityKeyTag(fromBase64(identityKey)) });
    }
  }
  return known;
}

/** The relay's answer to a checked send that knew `known`, if it is one the relay could honestly give; else throws. */
export function checkMismatches(devices: readonly DeviceMismatch[], known: readonly KnownDevice[], me: Address): DeviceMismatch[] {
  const knownByUser = new Map<string, Set<number>>();
  for (const { user, device } of known) {
    const name = normalizeUsername(user);
    knownByUser.set(name, (knownByUser.get(name) ?? new Set()).add(device));
  }
  const seen = new Set<string>();
  for (const mismatch of devices) {
    const user = normalizeUsername(mismatch.user);
    const ids = knownByUser.get(user);
    if (ids === undefined || seen.has(user)) throw voidAnswer();
    seen.add(user);
    const listed = [...mismatch.missing, ...mismatch.extra, ...mismatch.stale];
    if (new Set(listed).size !== listed.length) throw voidAnswer();
    if (mismatch.missing.some((d) => ids.has(d))) throw voidAnswer();
    if (![...mismatch.extra, ...mismatch.stale].every((d) => ids.has(d))) throw voidAnswer();
    const self = user === me.user ? 1 : 0;
    if (self + ids.size - mismatch.extra.length + mismatch.missing.length > MAX_DEVICES_PER_ACCOUNT) throw voidAnswer();
    if (self === 1 && mismatch.missing.includes(me.device)) throw voidAnswer();
  }
  return devices.map((mismatch) => ({ ...mismatch, user: normalizeUsername(mismatch.user) }));
}

function voidAnswer(): TransportError {
  return new TransportError('devices_changed', 'The relay’s answer about a recipient’s devices was not valid. Parley will try again.', true);
}
