// THE typed IPC contract: every invoke channel and every event between the renderer and main.
// Main validates requests (and the sender) against it before a handler runs; the preload builds window.parley
// from its channel names; the renderer takes its types from it. Adding a channel is one entry here, its name in
// channelNames.ts, and one handler in main.
import { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channelNames';
import { DeviceId, Username } from '../protocol/fields';
import {
  AccountView,
  AddToHistoryExport,
  AppInfo,
  AppSettings,
  AppSettingsChange,
  AnswerJoinRequest,
  AttachmentId,
  AttachmentView,
  CommitRequest,
  CreateInviteRequest,
  ConnectionSnapshot,
  ContactView,
  ProfileView,
  SetOwnProfile,
  DeviceName,
  DeviceView,
  Empty,
  FallbackRelayUrls,
  distinctRelays,
  GroupChanged,
  GroupId,
  GroupName,
  GroupView,
  HistoryChoice,
  HistoryExportId,
  HistoryImportBatch,
  HistoryImportBatchRequest,
  HistoryImportView,
  HistoryKeyView,
  InviteId,
  InvitePreview,
  InviteView,
  MediaContent,
  JoinAnswered,
  GoneMessage,
  MAX_FORGET_MESSAGES,
  MAX_SWEEP_PAGE,
  SweepFile,
  MAX_PENDING_JOINS,
  PendingJoinView,
  JoinRequest,
  LinkCodeText,
  LinkingView,
  MAX_GROUP_MEMBERS,
  ReceivedDeepLink,
  ReceivedMessage,
  ReceivedMessages,
  RelayUrl,
  RelayUrls,
  SafetyNumberView,
  SendMessageRequest,
  SendMessageResult,
  UpdateView,
} from './schemas';

const invoke = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({ request, response });
const Members = z.array(Username).min(1).max(MAX_GROUP_MEMBERS - 1);

export const invokeChannels = {
  /** Version, which shell hosts the renderer, and defaults such as the local relay URL. */
  'app.info': invoke(Empty, AppInfo),
  /** Unread messages in chats that are not muted: the dock/taskbar badge and the tray show it. */
  'app.setUnreadCount': invoke(z.strictObject({ count: z.number().int().min(0).max(100_000_000) }), Empty),
  /** Brings the window forward (the user clicked a notification). */
  'app.showWindow': invoke(Empty, Empty),

  /** The account on this device, or null before onboarding. */
  'account.get': invoke(Empty, AccountView.nullable()),
  /**
   * Generates identity keys in main, registers the username with the relay (the first of the list that answers) and
   * stores the account with every relay given.
   */
  'account.create': invoke(
    z.strictObject({ username: Username, relayUrl: RelayUrl, fallbackRelayUrls: FallbackRelayUrls.optional() }).superRefine(distinctRelays),
    AccountView,
  ),
  /** Points this device at its relays' addresses (moved, or several nodes tried in turn); reconnects there. */
  'account.setRelayUrls': invoke(z.strictObject({ relayUrls: RelayUrls }), AccountView),

  /** New device: waits on the relay to be linked and shows a code for it (refreshed through `devices.linking`). */
  'devices.startLinking': invoke(
    z.strictObject({ relayUrl: RelayUrl, fallbackRelayUrls: FallbackRelayUrls.optional(), name: DeviceName }).superRefine(distinctRelays),
    LinkingView,
  ),
  'devices.cancelLinking': invoke(Empty, Empty),
  /** The name inside a code, to confirm before linking. Errors: bad_link_code. */
  'devices.previewLink': invoke(z.strictObject({ code: LinkCodeText }), z.strictObject({ name: DeviceName })),
  /**
   * Primary: links the device showing `code`; with `history`, the archive of that export goes along (encrypted and
   * uploaded first). Errors: bad_link_code, not_primary, too_many_devices, offline, unknown_export.
   */
  'devices.link': invoke(z.strictObject({ code: LinkCodeText, history: HistoryExportId.optional() }), DeviceView),
  'devices.list': invoke(Empty, z.array(DeviceView)),
  /** Primary: removes a linked device; a linked device: itself. Errors: not_primary, offline. */
  'devices.remove': invoke(z.strictObject({ device: DeviceId }), Empty),

  'connection.get': invoke(Empty, ConnectionSnapshot),
  /** Connect now instead of waiting for the next backoff step. */
  'connection.retry': invoke(Empty, ConnectionSnapshot),

  /** Finds a user on the relay, verifies their prekey bundle and keeps them as a contact. */
  'contacts.add': invoke(z.strictObject({ username: Username }), ContactView),
  'contacts.list': invoke(Empty, z.array(ContactView)),
  'contacts.safetyNumber': invoke(z.strictObject({ username: Username }), SafetyNumberView),
  'contacts.setVerified': invoke(z.strictObject({ username: Username, verified: z.boolean() }), ContactView),
  /** Trusts a contact's new identity key after a change; releases held sends. */
  'contacts.acceptIdentity': invoke(z.strictObject({ username: Username }), ContactView),
  'contacts.setBlocked': invoke(z.strictObject({ username: Username, blocked: z.boolean() }), ContactView),

  /** This user's profile (null until they set one) and the profiles of people who shared theirs. */
  'profiles.list': invoke(Empty, z.strictObject({ own: ProfileView.nullable(), others: z.array(ProfileView) })),
  /** Encrypts the profile, uploads it and shares it from then on with everyone this user writes to. Errors: offline. */
  'profiles.setOwn': invoke(SetOwnProfile, ProfileView),

  /** Encrypts and sends; resolves once the relay stored it durably (the message is then `sent`). */
  'messages.send': invoke(SendMessageRequest, SendMessageResult),
  /** Every decrypted message not yet committed (after a restart, or a renderer reload). */
  'messages.pending': invoke(Empty, z.array(ReceivedMessage)),
  /** The renderer stored these messages; main forgets them and acks the relay. */
  'messages.commit': invoke(CommitRequest, Empty),

  /** The key the renderer encrypts what it keeps in IndexedDB with; kept by main in the vault, behind the keychain. */
  'history.key': invoke(Empty, HistoryKeyView),
  /** Primary: starts gathering the chats a device being linked gets (history.addToExport, then devices.link). */
  'history.startExport': invoke(HistoryChoice, z.strictObject({ exportId: HistoryExportId })),
  /** More chats and messages of the export, oldest messages first. Errors: unknown_export. */
  'history.addToExport': invoke(AddToHistoryExport, Empty),
  /** New device: the history its primary sent along, as it stands (changes come as history.importChanged). */
  'history.importState': invoke(Empty, HistoryImportView),
  /** New device: messages offset… of the archive (with every chat at offset 0). Errors: no_history. */
  'history.importBatch': invoke(HistoryImportBatchRequest, HistoryImportBatch),
  /** New device: every batch is stored; main forgets the archive. */
  'history.finishImport': invoke(Empty, Empty),
  /** An attachment as it stands now (name, type, size, preview facts, transfer progress); never its key. */
  'media.get': invoke(z.strictObject({ id: AttachmentId }), AttachmentView),
  /** Starts (or continues) downloading a received attachment. Errors: unknown_attachment. */
  'media.download': invoke(z.strictObject({ id: AttachmentId }), AttachmentView),
  /** Pauses an upload or download; what arrived so far is kept. */
  'media.pause': invoke(z.strictObject({ id: AttachmentId }), AttachmentView),
  'media.resume': invoke(z.strictObject({ id: AttachmentId }), AttachmentView),
  /** Stops a transfer for good: a received file can be downloaded again, a file being sent is dropped. */
  'media.cancel': invoke(z.strictObject({ id: AttachmentId }), AttachmentView),
  /** Uploads and downloads not finished yet (paused ones too), for the transfers list. */
  'media.transfers': invoke(Empty, z.array(AttachmentView)),
  /**
   * Copies of these files for a forwarded message (same blob, nothing uploaded again), in order. Errors:
   * unknown_attachment, attachment_failed (a file still being sent).
   */
  'media.forward': invoke(z.strictObject({ ids: MediaContent.shape.attachmentIds }), z.array(AttachmentView)),
  /**
   * Saves a file that is here where the user chooses (the OS save dialog) and opens the saved file with the OS app
   * for it; a program or script is only shown in its folder. Nothing decrypted goes to a temporary file. Errors:
   * unknown_attachment, attachment_failed (not here yet, cannot write there, or a shell that cannot open files).
   */
  'media.open': invoke(z.strictObject({ id: AttachmentId }), z.strictObject({ outcome: z.enum(['opened', 'shown', 'cancelled']) })),
  /**
   * Deletes the files of messages deleted or expired here: transfers stopped, encrypted files and keys removed.
   * Idempotent: the renderer names a message again until it has seen this succeed.
   */
  'media.forgetMessages': invoke(z.strictObject({ messages: z.array(GoneMessage).min(1).max(MAX_FORGET_MESSAGES) }), Empty),
  /**
   * The one-time sweep of files kept from before deletions took them (docs/security.md §17): a page of the files main
   * has (not those made since it started, nor those of messages it holds for the renderer), with their messages.
   */
  'media.sweepList': invoke(
    z.strictObject({ offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(MAX_SWEEP_PAGE) }),
    z.strictObject({ files: z.array(SweepFile).max(MAX_SWEEP_PAGE), more: z.boolean() }),
  ),
  /** Deletes files the sweep listed that no stored message names (main deletes only ids its sweep listed). */
  'media.sweep': invoke(z.strictObject({ ids: z.array(AttachmentId).min(1).max(MAX_SWEEP_PAGE) }), Empty),

  'groups.list': invoke(Empty, z.array(GroupView)),
  'groups.create': invoke(z.strictObject({ name: GroupName, members: Members }), GroupView),
  'groups.rename': invoke(z.strictObject({ groupId: GroupId, name: GroupName }), GroupView),
  'groups.addMembers': invoke(z.strictObject({ groupId: GroupId, members: Members }), GroupView),
  'groups.removeMember': invoke(z.strictObject({ groupId: GroupId, member: Username }), GroupView),
  /** An admin makes a member an admin too (admins answer join requests and manage invite links). */
  'groups.makeAdmin': invoke(z.strictObject({ groupId: GroupId, member: Username }), GroupView),
  /** The group's "approve new members" setting (admins): every invite link follows it. */
  'groups.setApproval': invoke(z.strictObject({ groupId: GroupId, approveNewMembers: z.boolean() }), GroupView),
  'groups.leave': invoke(z.strictObject({ groupId: GroupId }), GroupView),
  /** An invite link signed by this device (admins only), with its terms. */
  'groups.createInvite': invoke(CreateInviteRequest, InviteView),
  /** The links this device made for the group, newest first, with who waits for approval. */
  'groups.invites': invoke(z.strictObject({ groupId: GroupId }), z.array(InviteView)),
  'groups.revokeInvite': invoke(z.strictObject({ groupId: GroupId, inviteId: InviteId }), InviteView),
  /** Lets a person waiting on an approval link in, or turns them away. */
  'groups.answerJoinRequest': invoke(AnswerJoinRequest, InviteView),
  /** What an invite link says (group, admin, expiry), read in main; nothing is sent. */
  'groups.previewInvite': invoke(JoinRequest, InvitePreview),
  /** Asks the link's admin to let this user in; the group arrives as groups.changed, a refusal as groups.joinAnswered. */
  'groups.join': invoke(JoinRequest, Empty),
  /** This device's join requests not settled yet (asked, or waiting for an admin), oldest first. */
  'groups.pendingJoins': invoke(Empty, z.array(PendingJoinView).max(MAX_PENDING_JOINS)),

  /** Opens a link from a message in the OS browser, after main checks it is a safe web or mail link. */
  'links.open': invoke(z.strictObject({ url: z.string().max(4096) }), Empty),
  /** parley:// links that arrived (OS, second launch, browser host), parsed by main, oldest first; each returned once. */
  'links.takeDeepLinks': invoke(Empty, z.array(ReceivedDeepLink)),

  /** The desktop app's preferences: update channel, what notifications show, tray behaviour. */
  'settings.get': invoke(Empty, AppSettings),
  'settings.update': invoke(AppSettingsChange, AppSettings),

  /** This version, the update channel, and what the updater is doing. */
  'updates.get': invoke(Empty, UpdateView),
  /** Checks the feed now; what it offers is downloaded and its release signature verified. */
  'updates.check': invoke(Empty, UpdateView),
  /** Quits and installs the verified update. Errors: update_not_ready. */
  'updates.restart': invoke(Empty, Empty),
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventChannels = {
  'connection.changed': ConnectionSnapshot,
  /** The new device's linking: a refreshed code, linked, or failed. */
  'devices.linking': LinkingView,
  /** Messages were decrypted (one receive batch, in order) and wait for the renderer to store and commit them. */
  'messages.received': ReceivedMessages,
  /** A contact was added, verified, or its identity key changed. */
  'contacts.changed': ContactView,
  /** A contact's account gained a device (certified by its account key: no key change); the chat says so. */
  'contacts.deviceLinked': z.strictObject({ username: Username, device: DeviceId, at: z.number().int().nonnegative() }),
  /** Someone's profile (or this user's own, set on another device) arrived or changed. */
  'profiles.changed': ProfileView,
  'groups.changed': GroupChanged,
  /** A link of this group was revoked, used, or someone waits for approval: fetch groups.invites again. */
  'groups.invitesChanged': z.strictObject({ groupId: GroupId }),
  /** The admin's device answered this device's join request without adding it (yet). */
  'groups.joinAnswered': JoinAnswered,
  /** A join request was sent, answered, expired or let in: fetch groups.pendingJoins again. */
  'groups.pendingJoinsChanged': Empty,
  /** New device: the history archive started downloading, is ready to import, or failed. */
  'history.importChanged': HistoryImportView,
  /** An attachment's transfer moved on (progress at most every 200 ms, every state change). */
  'media.changed': AttachmentView,
  /** A parley:// link arrived: take it with links.takeDeepLinks. */
  'links.deepLinkReceived': Empty,
  'settings.changed': AppSettings,
  'updates.changed': UpdateView,
} as const satisfies Record<EventChannel, z.ZodType>;

export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;
