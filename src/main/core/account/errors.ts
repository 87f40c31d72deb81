// Typed errors of the account: what registration and the account file can go wrong with, each with a code the UI
// switches on and a message the user can act on.
import { CodedError } from '../../../shared/base';
import { TextError } from '../../../shared/ipc';


export type RegistrationErrorCode =
  /** Someone else holds this username on the relay. */
  | 'username_taken'
  /** The username breaks the rules (3–32 letters, digits, "_", "." or "-", starting with a letter or digit). */
  | 'invalid_username'
  /** Bad address, connection refused, or no answer in time. */
  | 'relay_unreachable'
  /** The relay answered something this app does not understand. */
  | 'protocol_error';

export class RegistrationError extends TextError<RegistrationErrorCode> {
  override readonly name = 'RegistrationError';
}

export type AccountStoreErrorCode =
  /** No account has been saved in this data folder. */
  | 'account_not_found'
  /** The account file exists but is not a valid account (damaged, truncated, edited). */
  | 'account_corrupt'
  /** The account file was written by a newer Parley. */
  | 'account_version_unsupported'
  /** The file system refused (permissions, I/O error). */
  | 'account_unreadable'
  | 'account_write_failed'
  /** The protected private key could not be opened by the SecretStore (altered, or a different key/keychain). */
  | 'account_key_locked'
  /** The private key does not belong to the stored public key (mixed-up files). */
  | 'account_key_mismatch';

export class AccountStoreError extends CodedError<AccountStoreErrorCode> {
  override readonly name = 'AccountStoreError';
}
