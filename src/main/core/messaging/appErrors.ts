// Turns failures of the layers below (relay requests, the vault, the crypto layer) into the typed AppErrors the
// renderer shows. A failure that can pass (offline, a dropped connection, a busy relay, a full disk) comes back
// retryable, so the outbox tries again with the same message id; one that cannot comes back final.
import { isCryptoError } from '../../../shared/crypto/errors';
import { AppError } from '../../../shared/ipc';
import { TransportError } from '../transport';
import { VaultError } from '../vault';

export type FailureContext = 'send' | 'contact';

export function toAppError(error: unknown, context: FailureContext, subject?: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TransportError) return fromTransport(error, context, subject);
  if (error instanceof VaultError) {
    return new AppError('send_failed', 'Parley could not save its encrypted state. Check free disk space; it will try again.', true);
  }
  if (isCryptoError(error, 'bad_bundle') || isCryptoError(error, 'bad_signature') || isCryptoError(error, 'bad_key')) {
    return new AppError('bad_bundle', `${subject ?? 'This user'}’s encryption keys on the relay are not valid, so no secure session can start.`);
  }
  return new AppError('internal', 'Something went wrong inside Parley. Please try again.', true);
}

function fromTransport(error: TransportError, context: FailureContext, subject = 'This user'): AppError {
  switch (error.code) {
    case 'offline':
      return new AppError('offline', 'Not connected to the relay right now. Parley will send once it is back online.', true);
    case 'connection_lost':
    case 'request_timeout':
    case 'internal':
    case 'not_authenticated':
    case 'mailbox_full':
      return new AppError('send_failed', `${error.message} Parley will try again.`, true);
    case 'rate_limited':
      return new AppError('rate_limited', 'Sending too fast; the relay asked to slow down. Parley will try again shortly.', true);
    case 'payload_too_large':
    case 'frame_too_large':
      return new AppError('message_too_large', 'This message is too large to send.');
    case 'unknown_user':
      return new AppError('unknown_user', `${subject} does not exist on this relay.`);
    case 'no_prekeys':
      return new AppError(context === 'contact' ? 'bad_bundle' : 'send_failed', `${subject} has not set up encryption on this relay yet. Try again later.`, true);
    case 'bad_prekey_signature':
    case 'too_many_prekeys':
      return new AppError('internal', error.message, error.retryable);
    default:
      return new AppError('send_failed', error.message, error.retryable);
  }
}
