// Errors the renderer raises itself (before anything reaches main): a code a test can assert and a message
// the user can act on. Errors from main arrive as IpcError (ipc.ts).
import { CodedError } from '../shared/base';

export type InputErrorCode =
  | 'empty_message'
  | 'message_too_long'
  | 'invalid_username'
  | 'invalid_group_name'
  | 'no_members'
  | 'no_files'
  | 'too_many_files'
  | 'file_too_large'
  | 'file_unreadable'
  | 'not_editable'
  | 'not_deletable';

export class InputError extends CodedError<InputErrorCode> {
  override readonly name = 'InputError';
}

/** The details line under a message from main: its technical cause and code ("ECONNREFUSED · relay_unreachable"). */
export function errorDetails(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== 'IpcError') return null;
  const { code, detail } = error as Error & { code: string; detail?: string };
  return detail ? `${detail} · ${code}` : code;
}

/** The message to show for anything thrown by an action: ours and main's are user-facing, the rest is not. */
export function userMessage(error: unknown, fallback: string): string {
  if (error instanceof Error && (error.name === 'InputError' || error.name === 'IpcError')) return error.message;
  return fallback;
}
