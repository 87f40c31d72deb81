// The provisioning cipher (linking a device, docs/security.md §18.2), after Signal's: the device being linked shows
// an ephemeral X25519 public key in its code; the primary seals one message to it with a fresh ephemeral key of its
// own — X25519, HKDF-SHA256, ChaCha20-Poly1305 — bound to the provisioning address, so a message for one code never
// opens under another. Only the holder of the code's private half can read it; any change fails authentication.
import { ByteReader, ByteWriter, concatBytes } from './bytes';
import { CryptoError } from './errors';
import { AEAD_NONCE_BYTES, X25519_KEY_BYTES, type CryptoProvider, type KeyPair } from './provider';
import { utf8Encode } from '../encoding/utf8';

const PROVISIONING_VERSION = 0x01;
const PROVISIONING_INFO = utf8Encode('parley-provisioning-v1');

function keyFor(provider: CryptoProvider, shared: Uint8Array, sender: Uint8Array, recipient: Uint8Array, address: string): Uint8Array {
  return provider.hkdfSha256(shared, concatBytes(sender, recipient), concatBytes(PROVISIONING_INFO, utf8Encode(address)), 32);
}

function associatedData(address: string): Uint8Array {
  return concatBytes(PROVISIONING_INFO, utf8Encode(address));
}

/** `0x01 ‖ sender ephemeral public key ‖ nonce ‖ ciphertext ‖ tag`, for the device whose code showed `recipient`. */
export function sealProvisionMessage(provider: CryptoProvider, recipient: Uint8Array, address: string, plaintext: Uint8Array): Uint8Array {
  if (recipient.length !== X25519_KEY_BYTES) throw new CryptoError('bad_key', 'the provisioning key must be 32 bytes');
  const ephemeral = provider.x25519GenerateKeyPair();
  const key = keyFor(provider, provider.x25519(ephemeral, recipient), ephemeral.publicKey, recipient, address);
  const nonce = provider.randomBytes(AEAD_NONCE_BYTES);
  const sealed = provider.aeadEncrypt(key, nonce, plaintext, associatedData(address));
  return new ByteWriter().u8(PROVISIONING_VERSION).bytes(ephemeral.publicKey).bytes(nonce).bytes(sealed).finish();
}

/** Opens a provisioning message with the code's key pair; CryptoError('tampered' | 'bad_message') otherwise. */
export function openProvisionMessage(provider: CryptoProvider, ours: KeyPair, address: string, body: Uint8Array): Uint8Array {
  const reader = new ByteReader(body, 'bad_message', 'provisioning message');
  if (reader.u8() !== PROVISIONING_VERSION) throw new CryptoError('bad_message', 'unknown provisioning message version');
  const sender = reader.bytes(X25519_KEY_BYTES);
  const nonce = reader.bytes(AEAD_NONCE_BYTES);
  const sealed = reader.rest();
  const key = keyFor(provider, provider.x25519(ours, sender), sender, ours.publicKey, address);
  const plaintext = provider.aeadDecrypt(key, nonce, sealed, associatedData(address));
  if (plaintext === null) throw new CryptoError('tampered', 'the provisioning message does not authenticate');
  return plaintext;
}
