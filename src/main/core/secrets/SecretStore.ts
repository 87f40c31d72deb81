// How the client core protects secrets at rest (the identity private key, later the vault master key) without
// knowing the OS: Electron safeStorage in main/shell, a key file for Node tests and the browser shell.
import { CodedError } from '../../../shared/base';


export interface SecretStoreSecurity {
  /** What protects the secrets: an OS keychain, or a key file stored next to the data. */
  backing: 'os-keychain' | 'file';
  /** True when someone who can read the data folder can also unprotect the secrets. */
  weak: boolean;
  /** Short name of the mechanism, e.g. "macOS Keychain" or "key file in the data folder". */
  description: string;
  /** Text to show the user when `weak` (null otherwise). */
  warning: string | null;
}

export interface SecretStore {
  readonly security: SecretStoreSecurity;
  /** Encrypts (and authenticates) a secret for storage. */
  protect(plaintext: Uint8Array): Promise<Uint8Array>;
  /** Reverses protect(); throws SecretStoreError if the data was altered or the key is not available. */
  unprotect(sealed: Uint8Array): Promise<Uint8Array>;
}

export type SecretStoreErrorCode =
  /** The protected data failed authentication: altered, truncated, or protected with another key. */
  | 'secret_tampered'
  /** The protected data is not in a format this store writes. */
  | 'secret_corrupt'
  /** The key that protects secrets cannot be read or used (keychain locked, file unreadable). */
  | 'key_unavailable'
  /** The key file exists but is not a valid key. */
  | 'key_corrupt';

export class SecretStoreError extends CodedError<SecretStoreErrorCode> {
  override readonly name = 'SecretStoreError';
}
