// The base of every typed error: a `code` a test or a UI can switch on and a message a person can act on. Subclasses
// name the codes they may carry and set `name` as a literal (minified builds rename classes, names must survive).
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
