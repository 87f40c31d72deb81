// ENCRYPT/DECRYPT of the Double Ratchet spec (§3.1), shared by pairwise and group messages. A message key encrypts
// exactly one message, so it is the AEAD key itself and the nonce is a constant: the first of the options the
// spec lists for an AEAD ("fixed to a constant"). No per-message expansion, and no nonce stored or sent.
import { CryptoError } from './errors';
import { AEAD_NONCE_BYTES, type CryptoProvider } from './provider';

const CONSTANT_NONCE = new Uint8Array(AEAD_NONCE_BYTES);

export function sealWithMessageKey(
  provider: CryptoProvider,
  messageKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  return provider.aeadEncrypt(messageKey, CONSTANT_NONCE, plaintext, associatedData);
}

/** Throws CryptoError('tampered') when the ciphertext or associated data does not authenticate. */
export function openWithMessageKey(
  provider: CryptoProvider,
  messageKey: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const plaintext = provider.aeadDecrypt(messageKey, CONSTANT_NONCE, ciphertext, associatedData);
  if (plaintext === null) throw new CryptoError('tampered', 'message does not authenticate (tampered or wrong key)');
  return plaintext;
}
