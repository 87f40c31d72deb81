// Whether a device key speaks for an account: the primary's key is the account key itself; any other device's key
// needs the account key's certificate over (username, key). Pure; used for bundles, device lists and the provisioning
// message alike (docs/security.md §18).
import { deviceCertificateBytes } from '../../../shared/crypto/device-certificate';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import { bytesEqual } from '../../../shared/base';
import { normalizeUsername } from '../../../shared/protocol';

export function speaksForAccount(
  provider: CryptoProvider,
  user: string,
  accountKey: Uint8Array,
  identityKey: Uint8Array,
  certificate: Uint8Array | undefined,
): boolean {
  if (certificate === undefined) return bytesEqual(identityKey, accountKey);
  if (identityKey.length !== 32 || certificate.length !== 64) return false;
  return provider.ed25519Verify(accountKey, deviceCertificateBytes(normalizeUsername(user), identityKey), certificate);
}
