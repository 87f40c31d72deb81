// The request and result of `messages.send`, as the outbox uses them (taken from the IPC contract).
import type { RequestOf, ResponseOf } from '../../../shared/ipc';

export type SendMessageRequestInput = RequestOf<'messages.send'>;
export type SendMessageResult = ResponseOf<'messages.send'>;
