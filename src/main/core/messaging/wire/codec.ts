// Converts between the core's envelopes (model.ts) and content.proto inside its frame (frame.ts). Decoding is
// forward-compatible: fields it does not know are skipped, a content kind or conversation kind it does not know
// becomes an `unsupported` envelope that keeps the bytes, and only content that is broken — not protobuf, missing a
// required field, a value out of range — is a ContentError('malformed_content'). A peer is untrusted input: every
// value that reaches the rest of the core has passed the IPC contract's own schemas here.
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { z } from 'zod';
import {
  DeleteContent,
  EditContent,
  ExpiryTimerContent,
  ExpiryTimerSeconds,
  GroupId,
  GroupUpdate,
  InviteLinkToken,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_BODY_CHARS,
  ReactionContent,
  ReceiptContent,
  TextContent,
  TypingContent,
  type InviteLinkTerms,
  type JoinOutcome,
} from '../../../../shared/ipc';
import { MessageId, Username, normalizeUsername } from '../../../../shared/protocol';
import { GroupSnapshotRecord, type GroupSnapshot, type InviteLinkRecord } from '../../groups/group';
import { toPointer, fromPointer } from './attachmentPointers';
import { fromProfilePointer, toProfilePointer } from './profilePointers';
import { CONTENT_VERSION, frameContent, malformedContent as malformed, unframeContent } from './frame';
import {
  ContentSchema,
  GroupChangeSchema,
  GroupStateSchema,
  GroupInvite_JoinAnswer_Outcome as Outcome,
  InviteLinkSchema,
  Receipt_Type,
  type Content,
  type Conversation,
  type DataMessage,
  type GroupChange,
  type GroupState,
  type InviteLink,
  type SyncMessage_ReadMessage,
  SyncMessage_Unsent_Reason as UnsentReasonWire,
  SyncMessage_Contact_Block as BlockWire,
} from './gen/content_pb';
import type { ContentConversation, Envelope, MessageContent, ReceivedEnvelope, SyncReadEnvelope, SyncUnsentEnvelope, UnsupportedEnvelope, WireMediaContent } from './model';

/** A sender-key distribution message is about 100 bytes; anything near this bound is not one. */
const MAX_DISTRIBUTION_BYTES = 256;
/** As many messages as one read receipt names. */
export const MAX_READ_SYNC_MESSAGES = 500;

// ── encode ────────────────────────────────────────────────────────────────────

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return frameContent(toBinary(ContentSchema, toContent(envelope)));
}

function toContent(envelope: Envelope): Content {
  const stamp = {
    messageId: envelope.messageId,
    sentAt: BigInt(envelope.sentAt),
    ...(envelope.profile ? { profile: toProfilePointer(envelope.profile) } : {}),
  };
  switch (envelope.type) {
    case 'message':
      return create(ContentSchema, { ...stamp, conversation: toConversation(envelope.conversation), body: toBody(envelope.content) });
    case 'group_update':
      return create(ContentSchema, {
        ...stamp,
        conversation: toConversation({ kind: 'group', groupId: envelope.groupId }),
        body: { case: 'groupUpdate', value: { change: toChange(envelope.update), state: toState(envelope.state) } },
      });
    case 'sender_key':
      return create(ContentSchema, {
        ...stamp,
        conversation: toConversation({ kind: 'group', groupId: envelope.groupId }),
        body: { case: 'senderKey', value: { distribution: envelope.distribution } },
      });
    case 'group_join_request':
      return create(ContentSchema, {
        ...stamp,
        conversation: toConversation({ kind: 'group', groupId: envelope.groupId }),
        silent: true,
        body: { case: 'groupInvite', value: { kind: { case: 'request', value: { token: envelope.token, joiner: envelope.forwardedFor ?? '' } } } },
      });
    case 'group_join_answer':
      return create(ContentSchema, {
        ...stamp,
        conversation: toConversation({ kind: 'group', groupId: envelope.groupId }),
        silent: true,
        body: { case: 'groupInvite', value: { kind: { case: 'answer', value: { outcome: OUTCOMES[envelope.outcome] } } } },
      });
    case 'sync_sent':
      // Silent: a version that does not know transcripts drops them instead of showing "needs a newer version".
      return create(ContentSchema, {
        ...stamp,
        silent: true,
        body: { case: 'sync', value: { kind: { case: 'sent', value: { recipient: envelope.recipient ?? '', content: toContent(envelope.message) } } } },
      });
    case 'sync_read': {
      const { conversation } = envelope;
      const messages = envelope.messages.map(({ author, messageId }) => ({
        author: conversation.kind === 'dm' ? conversation.peer : (author ?? ''),
        messageId,
        groupId: conversation.kind === 'group' ? conversation.groupId : '',
      }));
      return create(ContentSchema, { ...stamp, silent: true, body: { case: 'sync', value: { kind: { case: 'read', value: { messages } } } } });
    }
    case 'sync_verified': {
      const value = { user: envelope.user, identityKey: envelope.identityKey, verified: envelope.verified };
      return create(ContentSchema, { ...stamp, silent: true, body: { case: 'sync', value: { kind: { case: 'verified', value } } } });
    }
    case 'sync_contact': {
      const block = envelope.blocked === undefined ? BlockWire.UNCHANGED : envelope.blocked ? BlockWire.BLOCKED : BlockWire.UNBLOCKED;
      const value = { user: envelope.user, added: envelope.added, block };
      return create(ContentSchema, { ...stamp, silent: true, body: { case: 'sync', value: { kind: { case: 'contact', value } } } });
    }
    case 'sync_identity_accepted': {
      const value = { user: envelope.user, identityKey: envelope.identityKey };
      return create(ContentSchema, { ...stamp, silent: true, body: { case: 'sync', value: { kind: { case: 'identityAccepted', value } } } });
    }
    case 'sync_unsent': {
      const { conversation } = envelope;
      const value = {
        recipient: conversation.kind === 'dm' ? conversation.peer : '',
        groupId: conversation.kind === 'group' ? conversation.groupId : '',
        messageIds: envelope.messageIds,
        reason: envelope.reason === 'deleted' ? UnsentReasonWire.DELETED : UnsentReasonWire.FAILED,
      };
      return create(ContentSchema, { ...stamp, silent: true, body: { case: 'sync', value: { kind: { case: 'unsent', value } } } });
    }
  }
}

const OUTCOMES: Readonly<Record<JoinOutcome, Outcome>> = {
  pending_approval: Outcome.PENDING_APPROVAL,
  declined: Outcome.DECLINED,
  expired: Outcome.EXPIRED,
  revoked: Outcome.REVOKED,
  used_up: Outcome.USED_UP,
  invalid: Outcome.INVALID,
  already_member: Outcome.ALREADY_MEMBER,
};

type ContentInit = MessageInitShape<typeof ContentSchema>;

function toConversation(conversation: ContentConversation): ContentInit['conversation'] {
  return { kind: conversation.kind === 'dm' ? { case: 'direct', value: {} } : { case: 'group', value: { groupId: conversation.groupId } } };
}

function toBody(content: MessageContent): ContentInit['body'] {
  switch (content.kind) {
    case 'text':
      return { case: 'data', value: { body: content.body, quote: content.quote, expireTimerSeconds: content.expireTimerSeconds ?? 0, forwarded: content.forwarded ?? false } };
    case 'media':
      return {
        case: 'data',
        value: {
          body: content.caption,
          attachments: content.attachments.map(toPointer),
          ...quoteOf(content.replyTo),
          expireTimerSeconds: content.expireTimerSeconds ?? 0,
          forwarded: content.forwarded ?? false,
        },
      };
    case 'receipt':
      return { case: 'receipt', value: { type: content.receipt === 'read' ? Receipt_Type.READ : Receipt_Type.DELIVERED, messageIds: content.messageIds } };
    case 'typing':
      return { case: 'typing', value: { typing: content.typing } };
    case 'reaction':
      return { case: 'reaction', value: { targetMessageId: content.targetMessageId, targetAuthor: content.targetAuthor, emoji: content.emoji, remove: content.remove } };
    case 'edit':
      return { case: 'edit', value: { targetMessageId: content.targetMessageId, data: { body: content.body } } };
    case 'delete':
      return { case: 'delete', value: { targetMessageId: content.targetMessageId } };
    case 'expiry_timer':
      return { case: 'expiryTimer', value: { seconds: content.seconds } };
  }
}

function quoteOf(replyTo: string | undefined): { quote?: { messageId: string } } {
  return replyTo === undefined ? {} : { quote: { messageId: replyTo } };
}

export function toChange(update: GroupUpdate): MessageInitShape<typeof GroupChangeSchema> {
  const by = update.by;
  switch (update.kind) {
    case 'created':
      return { by, kind: { case: 'created', value: { name: update.name, members: update.members } } };
    case 'renamed':
      return { by, kind: { case: 'renamed', value: { name: update.name } } };
    case 'members_added':
      return { by, kind: { case: 'membersAdded', value: { members: update.members, inviteId: update.inviteId ?? '' } } };
    case 'member_removed':
      return { by, kind: { case: 'memberRemoved', value: { member: update.member } } };
    case 'member_left':
      return { by, kind: { case: 'memberLeft', value: {} } };
    case 'admin_added':
      return { by, kind: { case: 'adminAdded', value: { member: update.member } } };
    case 'invite_created': {
      const link = toLink({ ...update.link, admin: by, uses: 0, revoked: false, declined: [] });
      return { by, kind: { case: 'inviteLinkCreated', value: { link } } };
    }
    case 'invite_revoked':
      return { by, kind: { case: 'inviteLinkRevoked', value: { inviteId: update.inviteId } } };
    case 'join_declined':
      return { by, kind: { case: 'joinRequestDeclined', value: { inviteId: update.inviteId, member: update.member } } };
    case 'approval_changed':
      return { by, kind: { case: 'approvalChanged', value: { approveNewMembers: update.approveNewMembers } } };
  }
}

export function toState(state: GroupSnapshot): MessageInitShape<typeof GroupStateSchema> {
  const access = { inviteLinks: state.inviteLinks.map(toLink), approveNewMembers: state.approveNewMembers };
  return { name: state.name, members: state.members, admins: state.admins, createdBy: state.createdBy, revision: BigInt(state.revision), access };
}

function toLink(link: InviteLinkRecord): MessageInitShape<typeof InviteLinkSchema> {
  return {
    inviteId: link.inviteId,
    admin: link.admin,
    adminDevice: link.device,
    createdAt: BigInt(link.createdAt),
    expiresAt: BigInt(link.expiresAt),
    maxUses: link.maxUses,
    approval: link.approval,
    uses: link.uses,
    revoked: link.revoked,
    declined: link.declined,
  };
}

// ── decode ────────────────────────────────────────────────────────────────────

/** Throws ContentError: 'malformed_content' for broken content, 'newer_content_version' for a newer frame. */
export function decodeEnvelope(bytes: Uint8Array): ReceivedEnvelope {
  const wire = unframeContent(bytes);
  let content: Content;
  try {
    content = fromBinary(ContentSchema, wire);
  } catch {
    throw malformed('not a content protobuf');
  }
  const envelope = fromContent(content, wire);
  const profile = fromProfilePointer(content.profile);
  return profile && (envelope.type === 'message' || envelope.type === 'sync_sent') ? { ...envelope, profile } : envelope;
}

function fromContent(content: Content, wire: Uint8Array): ReceivedEnvelope {
  const messageId = valid(MessageId, content.messageId, 'message id');
  const sentAt = timestamp(content.sentAt);
  // A transcript names its conversation inside (the only content without one of its own).
  if (content.body.case === 'sync') return fromSync(content, messageId, sentAt);
  const conversation = fromConversation(content.conversation);
  const unsupported = (): UnsupportedEnvelope => ({
    type: 'unsupported',
    messageId,
    sentAt,
    conversation: conversation === 'unknown' ? undefined : conversation,
    silent: content.silent,
    version: CONTENT_VERSION,
    wire,
  });
  if (conversation === 'unknown') return unsupported();
  const body = content.body;
  switch (body.case) {
    case 'data':
      return { type: 'message', conversation, messageId, sentAt, content: fromData(body.value) };
    case 'receipt': {
      const receipt = fromReceipt(body.value.type);
      // A receipt type from a newer version confirms something this one does not track: nothing to show or keep.
      if (receipt === undefined) return { ...unsupported(), silent: true };
      const value = valid(ReceiptContent, { kind: 'receipt', receipt, messageIds: body.value.messageIds }, 'receipt');
      return { type: 'message', conversation, messageId, sentAt, content: value };
    }
    case 'typing':
      return { type: 'message', conversation, messageId, sentAt, content: valid(TypingContent, { kind: 'typing', typing: body.value.typing }, 'typing') };
    case 'groupUpdate': {
      const groupId = groupOf(conversation, 'group update');
      const { change, state } = body.value;
      if (!change || !state) throw malformed('group update without its change or state');
      const update = fromChange(change);
      if (update === undefined) return unsupported();
      return { type: 'group_update', groupId, messageId, sentAt, update, state: fromState(state) };
    }
    case 'senderKey': {
      const groupId = groupOf(conversation, 'sender key');
      const distribution = body.value.distribution;
      if (distribution.length === 0 || distribution.length > MAX_DISTRIBUTION_BYTES) throw malformed('sender key distribution size');
      return { type: 'sender_key', groupId, messageId, sentAt, distribution };
    }
    case 'groupInvite': {
      const groupId = groupOf(conversation, 'group invite');
      const kind = body.value.kind;
      if (kind.case === 'request') {
        const token = valid(InviteLinkToken, kind.value.token, 'invite token');
        const forwardedFor = kind.value.joiner === '' ? undefined : normalizeUsername(valid(Username, kind.value.joiner, 'joiner'));
        return { type: 'group_join_request', groupId, messageId, sentAt, token, ...(forwardedFor === undefined ? {} : { forwardedFor }) };
      }
      const outcome = kind.case === 'answer' ? fromOutcome(kind.value.outcome) : undefined;
      // An invite message of a kind or an answer this version does not know: nothing to show, drop it.
      if (outcome === undefined) return { ...unsupported(), silent: true };
      return { type: 'group_join_answer', groupId, messageId, sentAt, outcome };
    }
    case 'reaction': {
      const { targetMessageId, targetAuthor, emoji, remove } = body.value;
      const value = valid(ReactionContent, { kind: 'reaction', targetMessageId, targetAuthor: normalizeUsername(targetAuthor), emoji, remove }, 'reaction');
      return { type: 'message', conversation, messageId, sentAt, content: value };
    }
    case 'edit': {
      const data = body.value.data;
      if (!data) throw malformed('edit without its new text');
      // New attachments in an edit are for a newer version: kept and shown as such, never half applied.
      if (data.attachments.length > 0) return unsupported();
      const value = valid(EditContent, { kind: 'edit', targetMessageId: body.value.targetMessageId, body: data.body }, 'edit');
      return { type: 'message', conversation, messageId, sentAt, content: value };
    }
    case 'delete': {
      const value = valid(DeleteContent, { kind: 'delete', targetMessageId: body.value.targetMessageId }, 'delete');
      return { type: 'message', conversation, messageId, sentAt, content: value };
    }
    case 'expiryTimer': {
      const value = valid(ExpiryTimerContent, { kind: 'expiry_timer', seconds: body.value.seconds }, 'expiry timer');
      return { type: 'message', conversation, messageId, sentAt, content: value };
    }
    case undefined:
      // Kinds this version defines for later (or does not know at all): kept, and shown as needing a newer version.
      return unsupported();
  }
}

function fromSync(content: Content, messageId: string, sentAt: number): ReceivedEnvelope {
  const sync = content.body.case === 'sync' ? content.body.value : undefined;
  const silent = (): UnsupportedEnvelope => ({ type: 'unsupported', messageId, sentAt, conversation: undefined, silent: true, version: CONTENT_VERSION, wire: new Uint8Array(0) });
  if (sync?.kind.case === 'read') return fromSyncRead(sync.kind.value.messages, messageId, sentAt);
  if (sync?.kind.case === 'verified') {
    const { user, identityKey, verified } = sync.kind.value;
    if (identityKey.length !== 32) throw malformed('a verified sync without a 32-byte key');
    return { type: 'sync_verified', messageId, sentAt, user: normalizeUsername(valid(Username, user, 'verified user')), identityKey, verified };
  }
  if (sync?.kind.case === 'contact') {
    const { user, added, block } = sync.kind.value;
    // A block state this version does not know changes nothing.
    const blocked = block === BlockWire.BLOCKED ? { blocked: true } : block === BlockWire.UNBLOCKED ? { blocked: false } : {};
    return { type: 'sync_contact', messageId, sentAt, user: normalizeUsername(valid(Username, user, 'contact user')), added, ...blocked };
  }
  if (sync?.kind.case === 'identityAccepted') {
    const { user, identityKey } = sync.kind.value;
    if (identityKey.length !== 32) throw malformed('an accepted key that is not 32 bytes');
    return { type: 'sync_identity_accepted', messageId, sentAt, user: normalizeUsername(valid(Username, user, 'accepted user')), identityKey };
  }
  if (sync?.kind.case === 'unsent') return fromSyncUnsent(sync.kind.value, messageId, sentAt);
  if (sync?.kind.case !== 'sent') return silent();
  const inner = sync.kind.value.content;
  if (!inner || inner.body.case === 'sync') throw malformed('a transcript without its content');
  const message = decodeEnvelope(frameContent(toBinary(ContentSchema, inner)));
  // Only messages a person wrote are transcribed; anything else this version cannot show is dropped.
  if (message.type !== 'message') return silent();
  const recipient = sync.kind.value.recipient;
  if (message.conversation.kind === 'dm') {
    return { type: 'sync_sent', messageId, sentAt, recipient: normalizeUsername(valid(Username, recipient, 'transcript recipient')), message };
  }
  if (recipient !== '') throw malformed('a group transcript names a recipient');
  return { type: 'sync_sent', messageId, sentAt, recipient: undefined, message };
}

/** A read sync names 1–500 messages of one conversation: a group's, or the direct one with their one author. */
function fromSyncRead(messages: SyncMessage_ReadMessage[], messageId: string, sentAt: number): SyncReadEnvelope {
  const first = messages[0];
  if (!first || messages.length > MAX_READ_SYNC_MESSAGES) throw malformed('read sync size');
  const groupId = first.groupId;
  const conversation: SyncReadEnvelope['conversation'] =
    groupId === '' ? { kind: 'dm', peer: normalizeUsername(valid(Username, first.author, 'read author')) } : { kind: 'group', groupId: valid(GroupId, groupId, 'group id') };
  const refs = messages.map((message) => {
    if (message.groupId !== groupId) throw malformed('a read sync names several conversations');
    const author = message.author === '' ? undefined : normalizeUsername(valid(Username, message.author, 'read author'));
    if (conversation.kind === 'dm' && author !== conversation.peer) throw malformed('a read sync names several conversations');
    return { author, messageId: valid(MessageId, message.messageId, 'read message id') };
  });
  return { type: 'sync_read', messageId, sentAt, conversation, messages: refs };
}

/**
 * Own messages of one conversation another device will not send: a direct one (`recipient`) or a group, never both;
 * 1–500 ids. A reason this version does not know reads as failed: either way the message was not sent from there.
 */
function fromSyncUnsent(unsent: { recipient: string; groupId: string; messageIds: string[]; reason: UnsentReasonWire }, messageId: string, sentAt: number): SyncUnsentEnvelope {
  const { recipient, groupId, messageIds } = unsent;
  if (messageIds.length === 0 || messageIds.length > MAX_READ_SYNC_MESSAGES) throw malformed('unsent sync size');
  if ((recipient === '') === (groupId === '')) throw malformed('an unsent sync names no conversation, or two');
  const conversation: SyncUnsentEnvelope['conversation'] =
    groupId === '' ? { kind: 'dm', peer: normalizeUsername(valid(Username, recipient, 'unsent recipient')) } : { kind: 'group', groupId: valid(GroupId, groupId, 'group id') };
  const ids = messageIds.map((id) => valid(MessageId, id, 'unsent message id'));
  return { type: 'sync_unsent', messageId, sentAt, conversation, messageIds: ids, reason: unsent.reason === UnsentReasonWire.DELETED ? 'deleted' : 'failed' };
}

function fromConversation(conversation: Conversation | undefined): ContentConversation | 'unknown' {
  if (!conversation) throw malformed('content without a conversation');
  switch (conversation.kind.case) {
    case 'direct':
      return { kind: 'dm' };
    case 'group':
      return { kind: 'group', groupId: valid(GroupId, conversation.kind.value.groupId, 'group id') };
    case undefined:
      return 'unknown';
  }
}

/** Text (with an optional reply), or files with a caption; either with its timer. */
function fromData(data: DataMessage): MessageContent {
  const timer = valid(ExpiryTimerSeconds, data.expireTimerSeconds, 'expiry timer');
  const timed = timer > 0 ? { expireTimerSeconds: timer } : {};
  if (data.attachments.length === 0) {
    const quote = data.quote ? { messageId: data.quote.messageId, author: normalizeUsername(data.quote.author), text: data.quote.text } : undefined;
    return valid(TextContent, { kind: 'text', body: data.body, ...(quote ? { quote } : {}), ...timed, ...forwardedOf(data) }, 'text');
  }
  const replyTo = data.quote?.messageId;
  if (data.attachments.length > MAX_ATTACHMENTS_PER_MESSAGE) throw malformed('too many attachments');
  if (data.body.length > MAX_BODY_CHARS) throw malformed('caption too long');
  const media: WireMediaContent = { kind: 'media', caption: data.body, attachments: data.attachments.map(fromPointer), ...timed, ...forwardedOf(data) };
  if (replyTo) media.replyTo = valid(MessageId, replyTo, 'reply');
  return media;
}

function forwardedOf(data: DataMessage): { forwarded?: true } {
  return data.forwarded ? { forwarded: true } : {};
}

function fromReceipt(type: Receipt_Type): 'delivered' | 'read' | undefined {
  if (type === Receipt_Type.DELIVERED) return 'delivered';
  if (type === Receipt_Type.READ) return 'read';
  return undefined;
}

function fromOutcome(outcome: Outcome): JoinOutcome | undefined {
  return (Object.keys(OUTCOMES) as JoinOutcome[]).find((name) => OUTCOMES[name] === outcome);
}

export function fromChange(change: GroupChange): GroupUpdate | undefined {
  const by = change.by;
  const kind = change.kind;
  let update: unknown;
  switch (kind.case) {
    case 'created':
      update = { kind: 'created', by, name: kind.value.name, members: kind.value.members };
      break;
    case 'renamed':
      update = { kind: 'renamed', by, name: kind.value.name };
      break;
    case 'membersAdded':
      update = { kind: 'members_added', by, members: kind.value.members, ...(kind.value.inviteId !== '' ? { inviteId: kind.value.inviteId } : {}) };
      break;
    case 'memberRemoved':
      update = { kind: 'member_removed', by, member: kind.value.member };
      break;
    case 'memberLeft':
      update = { kind: 'member_left', by };
      break;
    case 'adminAdded':
      update = { kind: 'admin_added', by, member: kind.value.member };
      break;
    case 'inviteLinkCreated': {
      const link = kind.value.link;
      if (!link || link.admin !== by) throw malformed('an invite link made by someone other than the change’s author');
      update = { kind: 'invite_created', by, link: linkTerms(link) };
      break;
    }
    case 'inviteLinkRevoked':
      update = { kind: 'invite_revoked', by, inviteId: kind.value.inviteId };
      break;
    case 'joinRequestDeclined':
      update = { kind: 'join_declined', by, inviteId: kind.value.inviteId, member: kind.value.member };
      break;
    case 'approvalChanged':
      update = { kind: 'approval_changed', by, approveNewMembers: kind.value.approveNewMembers };
      break;
    case undefined:
      return undefined;
  }
  return valid(GroupUpdate, update, 'group change');
}

export function fromState(state: GroupState): GroupSnapshot {
  const inviteLinks = (state.access?.inviteLinks ?? []).map((link) => ({
    ...linkTerms(link),
    admin: link.admin,
    uses: link.uses,
    revoked: link.revoked,
    declined: link.declined,
  }));
  const snapshot = { name: state.name, members: state.members, admins: state.admins, createdBy: state.createdBy, revision: safeNumber(state.revision, 'group revision'), inviteLinks, approveNewMembers: state.access?.approveNewMembers ?? false };
  return valid(GroupSnapshotRecord, snapshot, 'group state');
}

function linkTerms(link: InviteLink): InviteLinkTerms {
  return {
    inviteId: link.inviteId,
    device: link.adminDevice,
    createdAt: safeNumber(link.createdAt, 'invite link time'),
    expiresAt: safeNumber(link.expiresAt, 'invite link expiry'),
    maxUses: link.maxUses,
    approval: link.approval,
  };
}

function groupOf(conversation: ContentConversation, what: string): string {
  if (conversation.kind !== 'group') throw malformed(`${what} outside a group`);
  return conversation.groupId;
}

function timestamp(value: bigint): number {
  if (value === 0n) throw malformed('content without a time');
  return safeNumber(value, 'time');
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`${what} out of range`);
  return Number(value);
}

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformed(`invalid ${what}`);
  return parsed.data;
}

