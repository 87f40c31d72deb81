// English, the shipped locale: what each error id of the core says (shared/ipc/errorText.ts), as ICU messages
// (formatMessage.ts). A translation is another file like this one, with the same ids.
import type { ErrorTextId } from '../../shared/ipc';

export const en: Record<ErrorTextId, string> = {
  'offline.will_send': 'Not connected to the relay right now. Parley will send once it is back online.',
  'offline.try_again': 'Not connected to the relay right now. Try again once Parley is back online.',
  'vault.write_failed': 'Parley could not save its encrypted state. Check free disk space; it will try again.',
  'keys.invalid': '{who, select, named {{user}’s} other {This user’s}} encryption keys on the relay are not valid, so no secure session can start.',
  'keys.not_set_up': '{who, select, named {{user}} other {This user}} has not set up encryption on this relay yet. Try again later.',
  'relay.retrying':
    '{cause, select, connection_lost {The connection to the relay was lost.} request_timeout {The relay did not answer in time.} mailbox_full {A recipient’s mailbox on the relay is full.} not_authenticated {The connection was not signed in yet.} internal {The relay had an internal error.} other {The relay could not take the request.}} Parley will try again.',
  'relay.refused': '{cause, select, too_many_recipients {The message has too many recipients.} unknown_recipient {A recipient is not known to the relay.} other {The relay refused the request.}}',
  'relay.rate_limited': 'Sending too fast; the relay asked to slow down. Parley will try again shortly.',
  'relay.too_large': 'This message is too large to send.',
  'user.unknown': '{who, select, named {{user}} other {This user}} does not exist on this relay.',
  internal: 'Something went wrong inside Parley. Please try again.',
};
