// What the core sends and receives inside a ciphertext, as the core works with it: the content kinds this version
// understands, plus `unsupported` for content a newer Parley sent that this one keeps but cannot show. The bytes on
// the wire are content.proto (docs/protocol.md, "End-to-end content"); codec.ts converts between the two, and the
// IPC types (src/shared/ipc) appear here only as the payload of the kinds the renderer shows.
import type { GroupUpdate, JoinOutcome, OutgoingContent } from '../../../../shared/ipc';
import type { GroupSnapshot } from '../../groups/group';
import type { AttachmentPointerData } from '../../media/AttachmentPointer';
import type { ProfilePointerData } from '../../profiles/ProfilePointer';

export type ContentConversation = { kind: 'dm' } | { kind: 'group'; groupId: string };

interface Stamped {
  /** The end-to-end message id the sender made. */
  messageId: string;
  /** Sender's clock, epoch ms. */
  sentAt: number;
  /** Where the sender's profile is (content people write carries it; docs/protocol.md "Profiles"). */
  profile?: ProfilePointerData;
}

/** Files as they travel: each one's pointer (blob id, key, digest), never the ids one device gave them. */
export interface WireMediaContent {
  kind: 'media';
  /** The message's text; may be empty. */
  caption: string;
  attachments: AttachmentPointerData[];
  replyTo?: string;
  forwarded?: true;
  /** The conversation's disappearing-message timer when it was sent (absent: off). */
  expireTimerSeconds?: number;
}

/**
 * What a message carries: text, receipts and typing notices as the IPC contract has them, files as pointers. Not
 * `unsent`: that goes to the user's own devices only, as SyncUnsentEnvelope.
 */
export type MessageContent = Exclude<OutgoingContent, { kind: 'media' | 'unsent' }> | WireMediaContent;

export interface MessageEnvelope extends Stamped {
  type: 'message';
  conversation: ContentConversation;
  content: MessageContent;
}

export interface GroupUpdateEnvelope extends Stamped {
  type: 'group_update';
  groupId: string;
  update: GroupUpdate;
  /** The group as the sender sees it after the update. */
  state: GroupSnapshot;
}

export interface SenderKeyEnvelope extends Stamped {
  type: 'sender_key';
  groupId: string;
  /** An encoded SenderKeyDistributionMessage. */
  distribution: Uint8Array;
}

/** Asks the admin who made an invite link to let the sender into the group (issue 12). */
export interface GroupJoinRequestEnvelope extends Stamped {
  type: 'group_join_request';
  groupId: string;
  /** The link's token, checked by the admin's device. */
  token: string;
  /** Set when an admin's device hands on a request it received: the joiner who asked (the sender is that admin). */
  forwardedFor?: string;
}

/** The admin's device's answer when it does not add the joiner (yet). */
export interface GroupJoinAnswerEnvelope extends Stamped {
  type: 'group_join_answer';
  groupId: string;
  outcome: JoinOutcome;
}

/**
 * Content from a newer Parley: a content kind (or a conversation kind) this version does not know. Kept whole, so a
 * later version can show it; `silent` content is dropped instead (the sender said so).
 */
export interface UnsupportedEnvelope extends Stamped {
  type: 'unsupported';
  /** Absent when the conversation kind itself is new: the message is shown in the chat with its sender. */
  conversation: ContentConversation | undefined;
  silent: boolean;
  /** The content format version: CONTENT_VERSION, or a newer frame version this one cannot open at all. */
  version: number;
  /** CONTENT_VERSION: the protobuf bytes as received (without frame and padding); newer: the whole plaintext. */
  wire: Uint8Array;
}

/**
 * A transcript of a message this account sent from another of its devices (content.proto SyncMessage.Sent), so
 * every device shows it in the same conversation: to `recipient` (a direct message) or in the message's group.
 */
export interface SyncSentEnvelope extends Stamped {
  type: 'sync_sent';
  /** The direct conversation's other user; absent for a group message. */
  recipient: string | undefined;
  message: MessageEnvelope;
}

/** One message read on another device of this account: its author (maybe unknown in a group) and its id. */
export interface ReadMessageRef {
  author: string | undefined;
  messageId: string;
}

/**
 * Messages of one conversation this account read on another of its devices (content.proto SyncMessage.Read), so
 * every device clears the same unread messages: the direct conversation with `peer`, or `groupId`'s group.
 */
export interface SyncReadEnvelope extends Stamped {
  type: 'sync_read';
  conversation: { kind: 'dm'; peer: string } | { kind: 'group'; groupId: string };
  messages: ReadMessageRef[];
}

/**
 * This account's user marked `user` verified with `identityKey` (the key their safety number was computed from), or
 * cleared the mark, on another of their devices (content.proto SyncMessage.Verified).
 */
export interface SyncVerifiedEnvelope extends Stamped {
  type: 'sync_verified';
  user: string;
  identityKey: Uint8Array;
  verified: boolean;
}

/**
 * This account's user accepted `user`'s changed key on another of their devices; `identityKey` is the key their
 * safety number is computed from after accepting (content.proto SyncMessage.IdentityAccepted).
 */
export interface SyncIdentityAcceptedEnvelope extends Stamped {
  type: 'sync_identity_accepted';
  user: string;
  identityKey: Uint8Array;
}

/**
 * This account's user added `user` as a contact (`added`), or blocked or unblocked them (`blocked`; absent:
 * unchanged), on another of their devices (content.proto SyncMessage.Contact).
 */
export interface SyncContactEnvelope extends Stamped {
  type: 'sync_contact';
  user: string;
  added: boolean;
  blocked?: boolean;
}

/** Why an own message will not be sent from the device that wrote it (content.proto SyncMessage.Unsent.Reason). */
export type UnsentReason = 'failed' | 'deleted';

/**
 * Own messages another of this account's devices will not send after all (content.proto SyncMessage.Unsent): in the
 * direct conversation with `peer`, or in `groupId`'s group.
 */
export interface SyncUnsentEnvelope extends Stamped {
  type: 'sync_unsent';
  conversation: { kind: 'dm'; peer: string } | { kind: 'group'; groupId: string };
  messageIds: string[];
  reason: UnsentReason;
}

/** What this version sends. */
export type Envelope =
  | MessageEnvelope
  | GroupUpdateEnvelope
  | SenderKeyEnvelope
  | GroupJoinRequestEnvelope
  | GroupJoinAnswerEnvelope
  | SyncSentEnvelope
  | SyncReadEnvelope
  | SyncVerifiedEnvelope
  | SyncUnsentEnvelope
  | SyncIdentityAcceptedEnvelope
  | SyncContactEnvelope;
/** What this version may receive. */
export type ReceivedEnvelope = Envelope | UnsupportedEnvelope;
