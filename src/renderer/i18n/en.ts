// English, the shipped locale: what each error id of the core says (shared/ipc/errorText.ts), as ICU messages
// (formatMessage.ts). A translation is another file like this one, with the same ids.
import type { ErrorTextId } from '../../shared/ipc';

/** Why a file failed, by its AttachmentError code (`cause`). */
const FILE_CAUSES =
  '{cause, select,' +
  ' bad_header {The file is not in a format this version of Parley reads.}' +
  ' chunk_tampered {The file was changed on the way, so Parley refused it.}' +
  ' truncated {The file arrived incomplete.}' +
  ' trailing_data {The file arrived with extra bytes, so Parley refused it.}' +
  ' digest_mismatch {The file is not the one the sender sent, so Parley refused it.}' +
  ' too_large {The file is too large.}' +
  ' unreadable {The file could not be read. It may have been moved, or it is empty.}' +
  ' blob_unavailable {The relay no longer has the file, or it was not sent to this device.}' +
  ' transfer_failed {The transfer stopped. It goes on from where it stopped once the connection is back.}' +
  ' cancelled {The transfer was cancelled.}' +
  ' unknown_attachment {The file is not on this device.}' +
  ' other {The file could not be transferred.}}';

export const en: Record<ErrorTextId, string> = {
  'request.forbidden_sender': 'This request did not come from the Parley window.',
  'request.unknown': 'Parley does not know this request.',
  'request.invalid': 'Parley could not take this request: a value in it is not valid.',
  internal: 'Something went wrong inside Parley. Please try again.',
  'messaging.starting': 'Messaging is still starting. Try again in a moment.',
  'messaging.store_unavailable': 'Parley cannot open its encrypted message store ({code}). Messages wait on the relay.',

  'offline.will_send': 'Not connected to the relay right now. Parley will send once it is back online.',
  'offline.try_again': 'Not connected to the relay right now. Try again once Parley is back online.',
  'relay.retrying':
    '{cause, select, connection_lost {The connection to the relay was lost.} request_timeout {The relay did not answer in time.} mailbox_full {A recipient’s mailbox on the relay is full.} not_authenticated {The connection was not signed in yet.} internal {The relay had an internal error.} other {The relay could not take the request.}} Parley will try again.',
  'relay.refused': '{cause, select, too_many_recipients {The message has too many recipients.} unknown_recipient {A recipient is not known to the relay.} other {The relay refused the request.}}',
  'relay.rate_limited': 'Sending too fast; the relay asked to slow down. Parley will try again shortly.',
  'relay.too_large': 'This message is too large to send.',
  'relay.unreachable': 'Parley cannot reach the relay. Check your internet connection; Parley keeps trying.',
  'relay.bad_url': '“{address}” is not a valid relay address. Use e.g. wss://relay.example.org.',
  'relay.bad_scheme': 'A relay address must start with wss:// or ws://, not {scheme}//.',
  'connection.closed_by_relay':
    '{reason, select,' +
    ' goingAway {The relay is restarting. Parley will reconnect automatically.}' +
    ' protocolViolation {The relay did not understand this app’s login. Updating Parley may help.}' +
    ' badSignature {The relay rejected this device’s signature: the identity key on this computer does not match the account. Sign in again or restore the right key.}' +
    ' unknownDevice {The relay does not know this account or device. It may have been removed, or the relay’s data was reset. Register again.}' +
    ' nonceReused {The relay refused a reused login challenge. Parley will retry.}' +
    ' nonceExpired {The login challenge expired before this device answered. Parley will retry.}' +
    ' authTimeout {The login took too long. Parley will retry.}' +
    ' usernameTaken {That username is already taken on this relay. Choose another one.}' +
    ' nonceUnknown {The relay did not recognise the login challenge. Parley will retry.}' +
    ' replaced {Another Parley instance signed in as this device and replaced this connection. Close the other instance, then choose “Retry”.}' +
    ' abuse {The relay closed the connection after too many invalid requests. Parley will retry.}' +
    ' deviceRemoved {This device was removed from your account on another device. Link it again to use it.}' +
    ' provisioningDone {The linking code was used or has expired.}' +
    ' other {The relay closed the connection. Parley will reconnect.}}',
  'connection.closed': 'The connection to the relay closed. Parley will reconnect.',
  'connection.disconnected': 'Disconnected.',
  'connection.dead_peer': 'The relay stopped answering (silent for {seconds} s). Reconnecting.',
  'connection.handshake_timeout': 'Connecting to the relay took too long. Parley will retry.',
  'connection.version_mismatch': 'The relay speaks protocol version {relay}; this app speaks {app}. Update Parley or the relay.',
  'connection.wrong_device': 'The relay answered the login for a different device. Parley will retry.',
  'connection.signing_failed': 'This device could not sign the login (is the keychain locked?). Parley will retry.',
  'connection.lost_while_sending': 'Parley lost the connection to the relay while sending. Reconnecting.',

  'account.none': 'Create an account first.',
  'account.exists': 'This device already has an account.',
  'account.relay_url_needed': 'A relay URL is needed.',
  'account.invalid_username': 'A username has 3–32 letters, digits, “_”, “.” or “-”, and starts with a letter or digit.',
  'account.username_taken': 'The username “{user}” is already taken on this relay. Choose another one.',
  'account.unreachable': 'Parley could not reach a relay at this address. Check the address and your connection, then try again.',
  'account.timeout': 'The relay did not answer in time. Check the address and your connection, then try again.',
  'account.wrong_account': 'The relay confirmed a different account than the one requested.',
  'account.relay_refused': 'The relay refused the registration. Try again, or ask whoever runs it.',
  'account.sign_failed': 'This device could not sign the registration. Try again.',
  'account.relay_dropped': 'The relay dropped the connection during registration (it may be restarting). Try again.',
  'account.relay_ended': 'The relay ended the registration unexpectedly. Try again, or ask whoever runs it.',
  'vault.write_failed': 'Parley could not save its encrypted state. Check free disk space; it will try again.',

  'keys.invalid': '{who, select, named {{user}’s} other {This user’s}} encryption keys on the relay are not valid, so no secure session can start.',
  'keys.not_set_up': '{who, select, named {{user}} other {This user}} has not set up encryption on this relay yet. Try again later.',
  'user.unknown': '{who, select, named {{user}} other {This user}} does not exist on this relay.',
  'contacts.self': 'That is your own username.',
  'contacts.unknown': '{user} is not known on this device.',
  'contacts.no_key': '{user} has no device with a known key yet.',
  'contacts.not_contact': '{user} is not among your contacts.',

  'conversation.unknown': 'This conversation does not exist on this device.',
  'conversation.self': 'You cannot send a message to yourself.',
  'send.not_contact': 'Add {user} as a contact before writing to them.',
  'send.blocked': 'You blocked {user}. Unblock them to send.',
  'send.identity_changed': '{user}’s safety number changed. Compare it and accept the new one in their contact info, then send again.',

  'group.unknown': 'This group does not exist on this device.',
  'group.not_member': 'You are no longer a member of this group.',
  'group.identity_changed': '{user}’s safety number changed. Accept the new one in their contact info before sending to this group.',
  'group.needs_others': 'Add at least one other person to the group.',
  'group.too_many_members': 'Groups have at most {max} members.',
  'group.not_a_member': '{user} is not a member of this group.',
  'group.not_admin': 'Only the group’s admins can do that.',
  'group.change_not_applicable': 'That change does not apply to this group.',
  'invite.too_many_links': 'This device keeps too many invite links. Revoke some, or wait for them to expire.',
  'invite.already_member': '{user} is in the group already.',
  'invite.already_declined': '{user}’s request was turned down already.',
  'invite.not_waiting': '{user} is not waiting to join with this link.',
  'invite.revoked': 'This link has been revoked.',
  'invite.expired': 'This invite link has expired.',
  'invite.expired_ask_admin': 'This invite link has expired. Ask an admin of the group for a new one.',
  'invite.used_up': 'This link has been used as many times as it allows.',
  'invite.own': 'This is your own invite link.',
  'invite.not_from_inviter': 'This invite link was not made by {user}’s Parley. Ask them for a new one.',
  'invite.invalid': 'This invite link is not valid.',
  'invite.unknown': 'This group has no such invite link.',

  'link_code.not_a_code': 'This is not a Parley linking code.',
  'link_code.incomplete': 'This linking code is incomplete. Copy all of it from the new device.',
  'link_code.damaged': 'This linking code is damaged. Copy it again from the new device.',
  'link_code.used_or_expired': 'This code was already used or has expired. Show a new code on the new device.',
  'device.bad_name': 'A device name has 1–{max} characters, without control characters.',
  'devices.not_primary': 'Only the device that created this account can link or remove other devices.',
  'devices.too_many': 'This account already has the most devices it may have ({max}). Remove one first.',
  'linking.cancelled': 'Linking was cancelled.',
  'linking.version_mismatch': 'The relay speaks protocol version {relay}; update Parley or the relay.',
  'linking.unreachable': 'Cannot reach the relay to wait for linking. Check the address and your connection.',
  'linking.unreadable': 'The linking message could not be read. Show a new code and try again.',
  'linking.not_certified': 'The linking message did not certify this device. Show a new code and try again.',
  'history.already_sealed': 'This history was already sealed for a device.',
  'history.too_many_messages': 'A history transfer holds at most {max} messages.',
  'history.too_large': 'This history is too large to transfer; choose fewer days.',
  'history.export_gone': 'This history export is gone (the app restarted or a newer one began). Start again.',
  'history.none': 'There is no history to import on this device (any more).',
  'history.unusable':
    'The history from your other device could not be used. ' +
    '{cause, select,' +
    ' newer_archive_version {It was made by a newer Parley; update this one.}' +
    ' malformed_archive {It is not an archive this version of Parley reads.}' +
    ` other {${FILE_CAUSES}}}`,

  'attachment.failed': FILE_CAUSES,
  'attachment.send_failed': `A file in this message could not be sent. ${FILE_CAUSES}`,
  'attachment.paused': 'A file in this message is paused. Resume it and the message goes out.',
  'attachment.unknown': 'This attachment is not on this device.',
  'profile.bad_photo': 'That photo could not be used. Choose a JPEG, PNG or WebP picture.',
  'link.unsafe': 'Parley only opens web and e-mail links.',
  'update.not_ready': 'There is no verified update to install yet.',
  'update.off':
    '{cause, select,' +
    ' no_feed {This build of Parley has no update feed; updates come with new installers.}' +
    ' bad_feed_url {The update feed address is not a valid https:// URL, so updates are off.}' +
    ' no_release_key {This build of Parley has no release key to check updates with, so updates are off.}' +
    ' browser_shell {The browser shell does not update itself: pull the latest code and run npm run start:browser again.}' +
    ' other {This version of Parley does not update itself.}}',
  'update.failed':
    '{cause, select,' +
    ' check_failed {Parley could not reach its update server. It will try again later.}' +
    ' download_corrupt {The downloaded update was damaged or incomplete and was deleted. Parley will try again later.}' +
    ' download_failed {The update could not be downloaded. Parley will try again later.}' +
    ' not_in_feed {The downloaded update is not the one the update server listed. It was deleted.}' +
    ' unsigned {The update is not signed by Parley. It was deleted and will not be installed.}' +
    ' bad_signature {The update’s signature does not match Parley’s release key. It was deleted and will not be installed.}' +
    ' not_newer {The update server offered a version that is not newer than this one. It was not installed.}' +
    ' unreadable {The downloaded update could not be read. It was deleted.}' +
    ' other {The update failed. Parley will try again later.}}',
};
