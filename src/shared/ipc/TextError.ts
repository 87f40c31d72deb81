// A coded error whose words for the user are an id of the renderer's string table with its parameters
// (errorText.ts), never an English sentence; its `message` is that id, for logs. The core's errors that reach a
// screen (AppError, and the connection, registration, relay address, link code and linking errors) are TextErrors.
import { CodedError } from '../base';
import type { ErrorText } from './errorText';

export class TextError<Code extends string = string> extends CodedError<Code> {
  constructor(
    code: Code,
    readonly text: ErrorText,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(code, text.id, options);
  }
}
