// Prekey helpers for relay tests: signed and one-time prekeys made for a RawDevice's identity, publish/fetch/count
// over a raw socket, and a stand-in for device linking (not in protocol v1) that adds a device row directly.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { signedPreKeySigningBytes } from '../../src/shared/crypto/prekeys';
import { toBase64 } from '../../src/shared/encoding/base64';
import type { OneTimePrekey, SignedPrekey } from '../../src/shared/protocol';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite/sqlite-store';
import { createIdentity, signWith, type DeviceIdentity, type RawDevice, type RelayEvent } from './raw-device';

export function signedPrekeyFor(identity: DeviceIdentity, id: number, publicKey: Uint8Array = randomBytes(32)): SignedPrekey {
  return { id, publicKey: toBase64(publicKey), signature: signWith(identity, signedPreKeySigningBytes(id, publicKey)) };
}

/** `count` one-time prekeys with ids firstId, firstId + 1, … and random 32-byte public keys. */
export function oneTimePrekeys(firstId: number, count: number): OneTimePrekey[] {
  return Array.from({ length: count }, (_, i) => ({ id: firstId + i, publicKey: toBase64(randomBytes(32)) }));
}

export function publish(device: RawDevice, signedPrekey: SignedPrekey | undefined, keys: OneTimePrekey[] = []): Promise<RelayEvent> {
  return device.request((rid) => ({ type: 'publish_prekeys', rid, ...(signedPrekey ? { signedPrekey } : {}), oneTimePrekeys: keys }));
}

export function fetchBundles(device: RawDevice, user: string): Promise<RelayEvent> {
  return device.request((rid) => ({ type: 'fetch_prekeys', rid, user }));
}

/** The device's one-time prekey count and signed prekey id, as the relay reports them. */
export async function countOf(device: RawDevice): Promise<{ oneTimePrekeys: number; signedPrekeyId: number | null }> {
  const answer = await device.request((rid) => ({ type: 'count_prekeys', rid }));
  if (answer.type !== 'prekey_count') throw new Error(`expected prekey_count, got ${JSON.stringify(answer)}`);
  return { oneTimePrekeys: answer.oneTimePrekeys, signedPrekeyId: answer.signedPrekeyId };
}

/**
 * Adds device `device` to an existing user straight into a relay's database (protocol v1 cannot link devices yet),
 * so multi-device behaviour can be tested. Returns the new device's identity.
 */
export function addDeviceDirectly(dataDir: string, user: string, device: number): DeviceIdentity {
  const identity = createIdentity();
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('INSERT INTO devices (username, device, identity_key, registered_at) VALUES (?, ?, ?, ?)').run(
      user.toLowerCase(),
      device,
      identity.identityKey,
      Date.now(),
    );
  } finally {
    db.close();
  }
  return identity;
}
