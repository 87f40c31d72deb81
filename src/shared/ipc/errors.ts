// Errors that cross the IPC boundary: a stable code a UI can switch on, and a message a user can act on.
// Handlers in main throw AppError; anything else reaches the renderer as `internal` without details.
import type { ErrorText } from './errorText';
import { TextError } from './TextError';


export const IPC_ERROR_CODES = [
  'unknown_channel',
  'forbidden_sender',
  'invalid_request',
  'no_account',
  'account_exists',
  'username_taken',
  'invalid_username',
  'invalid_relay_url',
  'relay_unreachable',
  'protocol_error',
  'offline',
  'rate_limited',
  'unknown_user',
  'cannot_add_self',
  'not_a_contact',
  'bad_bundle',
  'identity_changed',
  'blocked',
  'unknown_conversation',
  'message_too_large',
  'send_failed',
  'unknown_group',
  'not_group_member',
  'not_group_admin',
  'bad_invite',
  'invite_expired',
  'unsafe_link',
  'unknown_attachment',
  'attachment_paused',
  'attachment_failed',
  'update_not_ready',
  'bad_link_code',
  'not_primary',
  'too_many_devices',
  'unknown_export',
  'no_history',
  'internal',
] as const;

export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export interface IpcErrorBody {
  code: IpcErrorCode;
  message: string;
  retryable: boolean;
  /** Technical particulars for a details line (see CodedError). */
  detail?: string;
  /** What to tell the user, as an id of the renderer's string table with its parameters (`message` is then the id). */
  text?: ErrorText;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcErrorBody };

/** An error a handler means the user to see: what it says is an id of the renderer's string table (errorText.ts). */
export class AppError extends TextError<IpcErrorCode> {
  override readonly name = 'AppError';

  constructor(
    code: IpcErrorCode,
    text: ErrorText,
    readonly retryable = false,
    detail?: string,
  ) {
    super(code, text, detail === undefined ? undefined : { detail });
  }

  toBody(): IpcErrorBody {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      text: this.text,
    };
  }
}
