// Device names are sealed with a key from the account secret before they reach the relay, which stores them
// opaquely and hands them only to the account's own devices: `nonce(12) ‖ ChaCha20-Poly1305(name)`.
import { AEAD_NONCE_BYTES, type CryptoProvider } from '../../../shared/crypto/provider';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';

const NAME_KEY_INFO = utf8Encode('parley-device-name-v1');

function nameKey(provider: CryptoProvider, accountSecret: Uint8Array): Uint8Array {
  return provider.hkdfSha256(accountSecret, new Uint8Array(0), NAME_KEY_INFO, 32);
}

export function sealDeviceName(provider: CryptoProvider, accountSecret: Uint8Array, name: string): Uint8Array {
  const nonce = provider.randomBytes(AEAD_NONCE_BYTES);
  const sealed = provider.aeadEncrypt(nameKey(provider, accountSecret), nonce, utf8Encode(name), NAME_KEY_INFO);
  const out = new Uint8Array(nonce.length + sealed.length);
  out.set(nonce);
  out.set(sealed, nonce.length);
  return out;
}

/** The name, or undefined when it does not open (another account's secret, or altered by the relay). */
export function openDeviceName(provider: CryptoProvider, accountSecret: Uint8Array, sealed: Uint8Array): string | undefined {
  if (sealed.length < AEAD_NONCE_BYTES + 16) return undefined;
  const plain = provider.aeadDecrypt(nameKey(provider, accountSecret), sealed.slice(0, AEAD_NONCE_BYTES), sealed.slice(AEAD_NONCE_BYTES), NAME_KEY_INFO);
  if (plain === null) return undefined;
  try {
    return utf8Decode(plain);
  } catch {
    return undefined;
  }
}
