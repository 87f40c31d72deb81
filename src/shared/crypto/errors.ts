// Typed failures of the crypto layer. Every rejection a peer, the relay or a corrupted store can cause maps to one
// code a test can assert and a caller can act on; nothing here ever carries key material in its message.
import { CodedError } from '../base';


export type CryptoErrorCode =
  /** A signature did not verify: a prekey bundle's signed prekey, or a group message. */
  | 'bad_signature'
  /** A prekey bundle is malformed (sizes, ids, keys that are not valid points). */
  | 'bad_bundle'
  /** A public key is not usable: invalid encoding, or a low-order point whose agreement is all zeros. */
  | 'bad_key'
  /** Bytes that do not parse as the message they claim to be (version, type, length). */
  | 'bad_message'
  /** A serialized state that does not parse (corrupt vault entry, wrong version). */
  | 'bad_state'
  /** Authentication failed: the header, ciphertext or associated data was changed, or the key is wrong. */
  | 'tampered'
  /** The message key was already used (or expired): the message was delivered before. */
  | 'replayed'
  /** Decrypting would skip more message keys than the configured bound (MAX_SKIP). */
  | 'too_many_skipped'
  /** No session (or sender-key chain) exists that this message belongs to. */
  | 'unknown_session'
  /** A prekey message names a signed or one-time prekey the responder does not hold. */
  | 'unknown_prekey'
  /** The state cannot perform this operation yet (a responder sending before it has received). */
  | 'invalid_state';

export class CryptoError extends CodedError<CryptoErrorCode> {
  override readonly name = 'CryptoError';
}

export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
