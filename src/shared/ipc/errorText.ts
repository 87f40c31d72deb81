// What an error says, as an id into the renderer's string table (src/renderer/i18n/, one file per locale) and the
// parameters its sentence takes, instead of an English sentence written in main. Each id names one sentence; a
// translation is one more table. The ids are listed here so main can only name sentences every table has.

export const ERROR_TEXT_IDS = [
  /** Not connected; a send waits for the connection. */
  'offline.will_send',
  /** Not connected; the user tries again later. */
  'offline.try_again',
  /** The encrypted state could not be written. */
  'vault.write_failed',
  /** `user`'s keys on the relay do not verify. */
  'keys.invalid',
  /** `user` has no one-time keys on the relay yet. */
  'keys.not_set_up',
  /** The relay refused or dropped a request, and Parley tries again; `cause`: the transport's code. */
  'relay.retrying',
  /** The relay refused a request for good; `cause`: the transport's code. */
  'relay.refused',
  'relay.rate_limited',
  'relay.too_large',
  /** `user` is not registered on this relay. */
  'user.unknown',
  'internal',
] as const;

export type ErrorTextId = (typeof ERROR_TEXT_IDS)[number];

/** Names and numbers an error's sentence puts in (a username, a code the sentence chooses by). */
export type ErrorParams = Readonly<Record<string, string | number>>;

export interface ErrorText {
  id: ErrorTextId;
  params?: ErrorParams;
}

export function isErrorTextId(value: unknown): value is ErrorTextId {
  return typeof value === 'string' && (ERROR_TEXT_IDS as readonly string[]).includes(value);
}
