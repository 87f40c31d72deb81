// The relay connection's state as the renderer sees it.
import { z } from 'zod';
import { ErrorTextValue } from './errorText';

export const CONNECTION_STATES = ['offline', 'connecting', 'authenticating', 'online', 'reconnecting'] as const;
export const ConnectionState = z.enum(CONNECTION_STATES);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const ConnectionSnapshot = z.strictObject({
  state: ConnectionState,
  /** Consecutive failed attempts since the last successful session. */
  attempt: z.number().int().nonnegative(),
  /** When the next automatic attempt happens (ms since epoch), while `reconnecting`. */
  nextRetryAt: z.number().nullable(),
  /** Why the last session ended or failed; `fatal` means retrying with these credentials cannot help. */
  lastError: z
    .strictObject({
      code: z.string().max(64),
      /** The text's id, for logs; `text` is what the renderer shows. */
      message: z.string().max(500),
      text: ErrorTextValue,
      fatal: z.boolean(),
      /** The technical cause (ECONNREFUSED, a close code), shown on a details line under the plain message. */
      detail: z.string().max(200).optional(),
    })
    .nullable(),
  /** The relay the current (or next) connection goes to, of the account's relay URLs; absent without an account. */
  relayUrl: z.string().max(2048).optional(),
});
export type ConnectionSnapshot = z.infer<typeof ConnectionSnapshot>;
