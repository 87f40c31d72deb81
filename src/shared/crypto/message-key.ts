// ENCRYPT/DECRYPT of the Double Ratchet spec (§5.2), shared by pairwise and group messages: a message key is used
// exactly once, so the AEAD key and nonce are both derived from it (HKDF), and no nonce is ever stored or sent.
import { CryptoError } from './errors';
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, type CryptoProvider } from './provider';

const ZERO_SALT = new Uint8Array(32);

function expand(provider: CryptoProvider, messageKey: Uint8Array, info: Uint8Array) {
  const okm = provider.hkdfSha256(messageKey, ZERO_SALT, info, AEAD_KEY_BYTES + AEAD_NONCE_BYTES);
  return { key: okm.subarray(0, AEAD_KEY_BYTES), nonce: okm.subarray(AEAD_KEY_BYTES) };
}

export function sealWithMessageKey(
  provider: CryptoProvider,
  messageKey: Uint8Array,
  info: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const { key, nonce } = expand(provider, messageKey, info);
  return provider.aeadEncrypt(key, nonce, plaintext, associatedData);
}

/** Throws CryptoError('tampered') when the ciphertext or associated data does not authenticate. */
export function openWithMessageKey(
  provider: CryptoProvider,
  messageKey: Uint8Array,
  info: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const { key, nonce } = expand(provider, messageKey, info);
  const plaintext = provider.aeadDecrypt(key, nonce, ciphertext, associatedData);
  if (plaintext === null) throw new CryptoError('tampered', 'message does not authenticate (tampered or wrong key)');
  return plaintext;
}
