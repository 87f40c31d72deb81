// What an error says, as an id into the renderer's string table (src/renderer/i18n/, one file per locale) and the
// parameters its sentence takes, instead of an English sentence written in main. Each id names one sentence; a
// translation is one more table. The ids are listed here so main can only name sentences every table has.

export const ERROR_TEXT_IDS = [
  // ── requests from the window ──
  'request.forbidden_sender',
  'request.unknown',
  /** The request failed validation (the technical reason is the detail). */
  'request.invalid',
  'internal',
  'messaging.starting',
  /** `code`: why the message store did not open. */
  'messaging.store_unavailable',
  // ── the relay and the connection ──
  /** Not connected; a send waits for the connection. */
  'offline.will_send',
  /** Not connected; the user tries again later. */
  'offline.try_again',
  /** The relay refused or dropped a request, and Parley tries again; `cause`: the transport's code. */
  'relay.retrying',
  /** The relay refused a request for good; `cause`: the transport's code. */
  'relay.refused',
  'relay.rate_limited',
  'relay.too_large',
  /** The connection to the relay cannot be made (the OS reason is the detail). */
  'relay.unreachable',
  /** `address`: what the user typed, which is not a relay address (or has another `scheme`). */
  'relay.bad_url',
  'relay.bad_scheme',
  /** The relay closed the connection; `reason`: the close code's name (shared/protocol CloseCode). */
  'connection.closed_by_relay',
  'connection.closed',
  'connection.disconnected',
  /** `seconds`: how long the relay was silent. */
  'connection.dead_peer',
  'connection.handshake_timeout',
  /** `relay`, `app`: the protocol versions. */
  'connection.version_mismatch',
  'connection.wrong_device',
  'connection.signing_failed',
  'connection.lost_while_sending',
  // ── the account and this device ──
  'account.none',
  'account.exists',
  'account.relay_url_needed',
  'account.invalid_username',
  /** `user`: the username asked for. */
  'account.username_taken',
  /** The relay cannot be reached (the OS reason is the detail), or did not answer in time. */
  'account.unreachable',
  'account.timeout',
  'account.wrong_account',
  'account.relay_refused',
  'account.sign_failed',
  'account.relay_dropped',
  'account.relay_ended',
  /** The encrypted state could not be written. */
  'vault.write_failed',
  // ── contacts and keys ──
  /** `user`'s keys on the relay do not verify. */
  'keys.invalid',
  /** `user` has no one-time keys on the relay yet. */
  'keys.not_set_up',
  /** `user` is not registered on this relay. */
  'user.unknown',
  'contacts.self',
  /** `user` is not known on this device / has no device with a known key / is not a contact. */
  'contacts.unknown',
  'contacts.no_key',
  'contacts.not_contact',
  // ── sending ──
  'conversation.unknown',
  'conversation.self',
  /** `user`: the peer written to. */
  'send.not_contact',
  'send.blocked',
  'send.identity_changed',
  // ── groups and invite links ──
  'group.unknown',
  'group.not_member',
  /** `user`: the member whose safety number changed. */
  'group.identity_changed',
  'group.needs_others',
  /** `max`: the most members a group has. */
  'group.too_many_members',
  /** `user`: who is not a member. */
  'group.not_a_member',
  'group.not_admin',
  'group.change_not_applicable',
  'invite.too_many_links',
  /** `user`: the person asking to join. */
  'invite.already_member',
  'invite.already_declined',
  'invite.not_waiting',
  'invite.revoked',
  'invite.expired',
  'invite.expired_ask_admin',
  'invite.used_up',
  'invite.own',
  /** `user`: who the link says made it. */
  'invite.not_from_inviter',
  /** The link does not read (the reason is the detail). */
  'invite.invalid',
  'invite.unknown',
  // ── linked devices and history transfer ──
  'link_code.not_a_code',
  'link_code.incomplete',
  'link_code.damaged',
  'link_code.used_or_expired',
  /** `max`: the longest device name. */
  'device.bad_name',
  'devices.not_primary',
  'devices.too_many',
  'linking.cancelled',
  /** `relay`: the relay's protocol version. */
  'linking.version_mismatch',
  'linking.unreachable',
  'linking.unreadable',
  'linking.not_certified',
  'history.already_sealed',
  /** `max`: the most messages a transfer holds. */
  'history.too_many_messages',
  'history.too_large',
  'history.export_gone',
  'history.none',
  /** The archive a new device was given could not be used; `cause`: the HistoryArchiveError or AttachmentError code. */
  'history.unusable',
  // ── files, profile, links, updates ──
  /** A file failed; `cause`: its AttachmentError code. */
  'attachment.failed',
  /** A file of a message being sent failed; `cause`: its AttachmentError code. */
  'attachment.send_failed',
  'attachment.paused',
  'attachment.unknown',
  'profile.bad_photo',
  'link.unsafe',
  'update.not_ready',
  /** Why this build does not update itself; `cause`: the status's UpdateOffReason. */
  'update.off',
  /** A check, download or verification failed; `cause`: the status's code (UpdateService). */
  'update.failed',
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
