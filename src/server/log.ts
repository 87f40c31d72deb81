// Structured logging for the relay: one JSON object per line. Callers pass an event name and flat fields;
// nothing here may ever receive a payload, a key, a signature, a nonce or a full message id.
import type { LogLevel } from './config';

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger writing JSON lines; `event` comes first so a spawner can match the line cheaply. */
export function createJsonLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>) => (event: string, fields?: LogFields) => {
    if (RANK[at] < RANK[level]) return;
    write(`${JSON.stringify({ event, ...fields, level: at, time: new Date().toISOString() })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createJsonLogger('silent', () => {});

/** Log fields describing an unexpected error: its name, code and message, never a stack of user data. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.name, code: typeof code === 'string' ? code : undefined, message: error.message.slice(0, 300) };
  }
  return { error: typeof error, message: String(error).slice(0, 300) };
}
