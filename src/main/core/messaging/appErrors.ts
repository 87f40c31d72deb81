// Turns failures of the layers below (relay requests, the vault, the crypto layer) into the typed AppErrors the
// renderer shows. A failure that can pass (offline, a dropped connection, a busy relay, a full disk) comes back
// retryable, so the outbox tries again with the same message id; one that cannot comes back final. What each says is
// an id of the renderer's string table with its parameters (shared/ipc/errorText.ts), never an English sentence.
import { isCryptoError } from '../../../shared/crypto/errors';
import { AppError, type ErrorParams } from '../../../shared/ipc';
import { TransportError } from '../transport';
import { VaultError } from '../vault';

export type FailureContext = 'send' | 'contact';

/** Whom a sentence is about: the username when known (`who` chooses "bob’s" or "This user’s"). */
function about(subject: string | undefined): ErrorParams {
  return subject === undefined ? { who: 'unnamed' } : { who: 'named', user: subject };
}

export function toAppError(error: unknown, context: FailureContext, subject?: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TransportError) return fromTransport(error, context, subject);
  if (error instanceof VaultError) return new AppError('send_failed', { id: 'vault.write_failed' }, true);
  if (isCryptoError(error, 'bad_bundle') || isCryptoError(error, 'bad_signature') || isCryptoError(error, 'bad_key')) {
    return new AppError('bad_bundle', { id: 'keys.invalid', params: about(subject) });
  }
  return new AppError('internal', { id: 'internal' }, true);
}

function fromTransport(error: TransportError, context: FailureContext, subject: string | undefined): AppError {
  switch (error.code) {
    case 'offline':
      return new AppError('offline', { id: context === 'send' ? 'offline.will_send' : 'offline.try_again' }, true);
    case 'connection_lost':
    case 'request_timeout':
    case 'internal':
    case 'not_authenticated':
    case 'mailbox_full':
      return new AppError('send_failed', { id: 'relay.retrying', params: { cause: error.code } }, true);
    case 'rate_limited':
      return new AppError('rate_limited', { id: 'relay.rate_limited' }, true);
    case 'payload_too_large':
    case 'frame_too_large':
      return new AppError('message_too_large', { id: 'relay.too_large' });
    case 'unknown_user':
      return new AppError('unknown_user', { id: 'user.unknown', params: about(subject) });
    case 'no_prekeys':
      return new AppError(context === 'contact' ? 'bad_bundle' : 'send_failed', { id: 'keys.not_set_up', params: about(subject) }, true);
    case 'bad_prekey_signature':
    case 'too_many_prekeys':
      return new AppError('internal', { id: 'internal' }, error.retryable);
    default:
      return new AppError('send_failed', { id: error.retryable ? 'relay.retrying' : 'relay.refused', params: { cause: error.code } }, error.retryable);
  }
}
