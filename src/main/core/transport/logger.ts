// Structured logging for the client core. Callers pass an event name and plain fields; they must never pass keys,
// payloads or full message ids (use idHint()).

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Writes warnings and errors as JSON lines to stderr; the default when no logger is given. */
export const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn: (event, fields) => console.error(JSON.stringify({ level: 'warn', event, ...fields })),
  error: (event, fields) => console.error(JSON.stringify({ level: 'error', event, ...fields })),
};

/** A short, non-identifying prefix of an id, enough to correlate log lines. */
export function idHint(id: string): string {
  return id.length <= 6 ? `${id.slice(0, 2)}…` : `${id.slice(0, 6)}…`;
}
