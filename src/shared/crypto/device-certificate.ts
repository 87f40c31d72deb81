// Linked devices: the account's primary device (the one that registered the username) certifies each linked
// device's own identity key with its identity key — the account key. Contacts trust and verify the account key
// (one safety number per user); a device key counts for the account only with this signature (docs/security.md §18).
import { ByteWriter } from './bytes';
import { utf8Encode } from '../encoding/utf8';

const DEVICE_CERTIFICATE_DOMAIN = utf8Encode('parley-device-certificate-v1');

/** Most devices an account may have, its primary included. */
export const MAX_DEVICES_PER_ACCOUNT = 10;

/**
 * What the account key signs: `"parley-device-certificate-v1" ‖ len ‖ username ‖ identityKey`. Bound to the
 * (normalized) username so a certificate can never vouch for the key under another account; not to a device id,
 * which the relay assigns (a route, not an identity).
 */
export function deviceCertificateBytes(normalizedUsername: string, identityKey: Uint8Array): Uint8Array {
  if (identityKey.length !== 32) throw new RangeError('an identity key is 32 bytes');
  const name = utf8Encode(normalizedUsername);
  return new ByteWriter().bytes(DEVICE_CERTIFICATE_DOMAIN).varBytes(name).bytes(identityKey).finish();
}
