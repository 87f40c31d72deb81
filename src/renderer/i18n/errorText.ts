// The sentence for an error main sent as a string-table id with its parameters (shared/ipc/errorText.ts), in the
// app's locale (English is the one shipped). An id this build does not know, or parameters its sentence cannot take,
// fall back to what main wrote. Statuses main sends as codes (a file's failure, why updates are off) are told by
// the sentence the renderer names for the code (tableSentence).
import { isErrorTextId, type ErrorText, type IpcErrorBody } from '../../shared/ipc';
import { en } from './en';
import { formatMessage } from './formatMessage';

const LOCALE = 'en';

export function errorSentence(body: Pick<IpcErrorBody, 'message' | 'text'>): string {
  const text = body.text;
  if (!text || !isErrorTextId(text.id)) return body.message;
  try {
    return formatMessage(LOCALE, en[text.id], text.params);
  } catch {
    return body.message;
  }
}

/** The sentence for a text the renderer names itself, from a code main sent (a file's failure, the update status). */
export function tableSentence(text: ErrorText): string {
  return formatMessage(LOCALE, en[text.id], text.params);
}
