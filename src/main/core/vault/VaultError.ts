// Typed failures of the encrypted vault. A damaged, altered or foreign record is reported with a code a caller can
// act on (skip it, quarantine it, tell the user), never as a crash, and never with key material or plaintext.
import { CodedError } from '../../../shared/base';


export type VaultErrorCode =
  /** The master key cannot be unprotected: the keychain is locked or the key file belongs to another keychain. */
  | 'vault_locked'
  /** The master key opens, but it is not the key these records were written with. */
  | 'vault_key_mismatch'
  /** A record failed authentication: altered, truncated inside its ciphertext, or swapped with another record. */
  | 'vault_record_tampered'
  /** A record is not in a format this version writes (too short, unknown version, undecodable content). */
  | 'vault_record_corrupt'
  /** The file system refused a read or a write (permissions, disk full). */
  | 'vault_io';

export class VaultError extends CodedError<VaultErrorCode> {
  override readonly name = 'VaultError';
}

export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}

export function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
