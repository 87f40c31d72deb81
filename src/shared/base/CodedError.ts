// The base of every typed error: a `code` a test or a UI can switch on and a message a person can act on. Subclasses
// name the codes they may carry and set `name` as a literal (minified builds rename classes, names must survive).
// `detail` holds the technical particulars (an OS error code such as ECONNREFUSED, a close code) that a UI puts on a
// details line under the plain message, never into it.
export class CodedError<Code extends string = string> extends Error {
  readonly detail?: string;
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(message, options);
    if (options?.detail !== undefined) this.detail = options.detail;
  }
}
