// Errors that cross the IPC boundary: a stable code a UI can switch on, and a message a user can act on.
// Handlers in main throw AppError; anything else reaches the renderer as `internal` without details.
import { CodedError } from '../base';
import type { ErrorText } from './errorText';


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

/** An error a handler means the user to see. */
export class AppError extends CodedError<IpcErrorCode> {
  override readonly name = 'AppError';
  /** Set when the error is told as a string-table id (errorText.ts); `message` is then that id, for logs. */
  readonly text: ErrorText | undefined;

  /** `message`: an English sentence, or (moving to this) an id of the renderer's string table with its parameters. */
  constructor(
    code: IpcErrorCode,
    message: string | ErrorText,
    readonly retryable = false,
    detail?: string,
  ) {
    super(code, typeof message === 'string' ? message : message.id, detail === undefined ? undefined : { detail });
    this.text = typeof message === 'string' ? undefined : message;
  }

  toBody(): IpcErrorBody {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.text === undefined ? {} : { text: this.text }),
    };
  }
}
