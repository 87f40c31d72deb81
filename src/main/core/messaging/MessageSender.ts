// messages.send: encrypts the renderer's message for a conversation and hands it to the relay. Sends of one
// conversation run strictly one after another (docs/architecture.md, invariant 3), different conversations in parallel. A 1:1 message
// goes to every device of the peer as its own pairwise ciphertext; a group message is one Sender Keys ciphertext.
// The end-to-end message id inside the envelope is the renderer's; relay ids are derived from it per copy, so a
// retry with the same id is stored once. Sending to a verified contact whose key changed is held.
import { AppError, type OutgoingContent, type ResponseOf } from '../../../shared/ipc';
import { addressKey } from '../../../shared/protocol';
import type { KeyedQueue } from '../../../shared/base';
import { isSendHeld } from '../contacts/identityTrust';
import type { GroupSender } from '../groups/GroupSender';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { toAppError } from './appErrors';
import { dropPreviewsToFit } from '../media/dropPreviewsToFit';
import type { MessagingContext } from './context';
import { encodeEnvelope, type Envelope, type MessageContent, type MessageEnvelope, type SyncReadEnvelope, type SyncSentEnvelope, type SyncUnsentEnvelope } from './wire';
import { relayMessageId } from './relayIds';

/**
 * What this user sends that their other devices show too, as a transcript: what they wrote or sent as files, and the
 * actions they took on messages. Not receipts (read sync covers reading) or typing notices.
 */
const TRANSCRIBED = new Set<MessageContent['kind']>(['text', 'media', 'reaction', 'edit', 'delete', 'expiry_timer']);

/** Largest padded envelope sent; with the ciphertext's overhead it stays under the relay's payload limit. */
export const MAX_ENVELOPE_BYTES = 120 * 1024;

export interface SendRequest {
  conversationId: string;
  messageId: string;
  content: OutgoingContent;
}

export class MessageSender {
  constructor(
    private readonly ctx: MessagingContext,
    private readonly pairwise: PairwiseChannel,
    private readonly groups: GroupSender,
    private readonly lanes: KeyedQueue,
  ) {}

  async send(request: SendRequest): Promise<ResponseOf<'messages.send'>> {
    const failed = (error: unknown) => {
      const appError = toAppError(error, 'send', request.conversationId.startsWith('dm:') ? request.conversationId.slice(3) : undefined);
      this.ctx.logger.info('send.failed', { code: appError.code, retryable: appError.retryable });
      return appError;
    };
    const { content: requested } = request;
    if (requested.kind === 'unsent') {
      return this.lanes.run(request.conversationId, async () => {
        try {
          await this.sendUnsent(request.conversationId, request.messageId, requested);
        } catch (error) {
          throw failed(error);
        }
        return { messageId: request.messageId, sentAt: this.ctx.now() };
      });
    }
    // Files finish uploading outside the conversation's lane, so receipts and typing notices are not held behind them.
    let content: MessageContent;
    try {
      content = await this.wireContent(request.conversationId, request.messageId, requested);
    } catch (error) {
      throw failed(error);
    }
    return this.lanes.run(request.conversationId, async () => {
      try {
        await this.sendNow(request.conversationId, request.messageId, content);
      } catch (error) {
        throw failed(error);
      }
      return { messageId: request.messageId, sentAt: this.ctx.now() };
    });
  }

  /**
   * Tells this user's other devices that own messages of the conversation will not be sent from here (they failed
   * for good, or were deleted first): SyncMessage.Unsent, never to the conversation. Unlike transcripts it is not
   * best effort — the renderer queues it in its outbox, so an error (offline) makes it try again later. With no
   * other device there is no one to tell.
   */
  private async sendUnsent(conversationId: string, messageId: string, content: Extract<OutgoingContent, { kind: 'unsent' }>): Promise<void> {
    const groupId = conversationId.startsWith('group:') ? conversationId.slice(6) : undefined;
    const peerName = conversationId.startsWith('dm:') ? conversationId.slice(3) : undefined;
    if (peerName === this.ctx.me.user || (peerName === undefined && groupId === undefined)) {
      throw new AppError('unknown_conversation', { id: 'conversation.unknown' });
    }
    if (this.ctx.relay.snapshot.state !== 'online') {
      throw new AppError('offline', { id: 'offline.will_send' }, true);
    }
    if ((await this.pairwise.ownOtherDevices()) === 0) return;
    const sync: SyncUnsentEnvelope = {
      type: 'sync_unsent',
      messageId,
      sentAt: this.ctx.now(),
      conversation: groupId === undefined ? { kind: 'dm', peer: peerName! } : { kind: 'group', groupId },
      messageIds: content.messageIds,
      reason: content.reason,
    };
    await this.pairwise.sendToUser(this.ctx.me.user, encodeEnvelope(sync), (device) => relayMessageId('sync', messageId, addressKey(device)));
  }

  private async wireContent(conversationId: string, messageId: string, content: Exclude<OutgoingContent, { kind: 'unsent' }>): Promise<MessageContent> {
    if (content.kind !== 'media') return content;
    const attachments = await this.ctx.attachments.pointers(content.attachmentIds, { conversationId, messageId, sender: this.ctx.me.user });
    return {
      kind: 'media',
      caption: content.caption,
      attachments,
      ...(content.replyTo === undefined ? {} : { replyTo: content.replyTo }),
      ...(content.forwarded ? { forwarded: true } : {}),
      ...(content.expireTimerSeconds ? { expireTimerSeconds: content.expireTimerSeconds } : {}),
    };
  }

  /**
   * Receipts in a group go back to the senders of the messages they name, pairwise; only ids whose sender is no
   * longer known here go to the whole group.
   */
  private async sendGroupReceipt(groupId: string, envelope: MessageEnvelope, receipt: Extract<OutgoingContent, { kind: 'receipt' }>): Promise<void> {
    const group = this.ctx.groups.get(groupId);
    if (!group?.active) throw new AppError('not_group_member', { id: 'group.not_member' });
    const bySender = new Map<string, string[]>();
    const unknown: string[] = [];
    for (const id of receipt.messageIds) {
      const sender = this.ctx.recentGroupSenders.senderOf(groupId, id);
      if (sender && sender !== this.ctx.me.user && group.members.includes(sender)) bySender.set(sender, [...(bySender.get(sender) ?? []), id]);
      else unknown.push(id);
    }
    for (const [sender, messageIds] of bySender) {
      const peer = this.ctx.peers.get(sender);
      if (peer && isSendHeld(peer)) continue;
      const plaintext = encodeEnvelope({ ...envelope, content: { ...receipt, messageIds } });
      await this.pairwise.sendToUser(sender, plaintext, (device) => relayMessageId('receipt', envelope.messageId, addressKey(device)));
    }
    if (unknown.length > 0) await this.groups.send(groupId, encodeEnvelope({ ...envelope, content: { ...receipt, messageIds: unknown } }), envelope.messageId);
  }

  private async sendNow(conversationId: string, messageId: string, content: MessageContent): Promise<void> {
    const groupId = conversationId.startsWith('group:') ? conversationId.slice(6) : undefined;
    const peerName = conversationId.startsWith('dm:') ? conversationId.slice(3) : undefined;
    if (peerName !== undefined) {
      if (peerName === this.ctx.me.user) throw new AppError('unknown_conversation', { id: 'conversation.self' });
      const peer = this.ctx.peers.get(peerName);
      if (!peer) throw new AppError('not_a_contact', { id: 'send.not_contact', params: { user: peerName } });
      // Nothing at all goes to a blocked user one to one: no message, receipt or typing notice.
      if (peer.blocked) throw new AppError('blocked', { id: 'send.blocked', params: { user: peerName } });
      if (isSendHeld(peer)) {
        throw new AppError('identity_changed', { id: 'send.identity_changed', params: { user: peerName } });
      }
    } else if (groupId === undefined || !this.ctx.groups.get(groupId)) {
      throw new AppError(groupId === undefined ? 'unknown_conversation' : 'unknown_group', { id: 'conversation.unknown' });
    }
    // Nothing is encrypted (no ratchet step spent) while it cannot leave anyway.
    if (this.ctx.relay.snapshot.state !== 'online') {
      throw new AppError('offline', { id: 'offline.will_send' }, true);
    }
    // What the user writes shares their profile with the people it goes to (docs/protocol.md "Profiles").
    const profile = TRANSCRIBED.has(content.kind) ? this.ctx.profiles.outgoingPointer() : undefined;
    const framed: MessageEnvelope = {
      type: 'message',
      conversation: groupId === undefined ? { kind: 'dm' } : { kind: 'group', groupId },
      messageId,
      sentAt: this.ctx.now(),
      content,
      ...(profile ? { profile } : {}),
    };
    const envelope = withinEnvelopeLimit(framed, (message) => message);
    const plaintext = encodeEnvelope(envelope);
    if (plaintext.length > MAX_ENVELOPE_BYTES) throw new AppError('message_too_large', { id: 'relay.too_large' });
    // A typing notice is live-only: the relay hands it to devices online now and stores it for no one.
    const options = { ephemeral: content.kind === 'typing' };
    if (content.kind === 'media' || profile) await this.grant(content.kind === 'media' ? content.attachments : [], profile !== undefined, groupId, peerName);
    if (groupId !== undefined) {
      if (content.kind === 'receipt') await this.sendGroupReceipt(groupId, envelope, content);
      else await this.groups.send(groupId, plaintext, messageId, options);
    } else {
      await this.pairwise.sendToUser(peerName!, plaintext, (device) => relayMessageId('dm', messageId, addressKey(device)), options);
    }
    if (TRANSCRIBED.has(content.kind)) {
      const transcript = (message: MessageEnvelope): SyncSentEnvelope => ({ type: 'sync_sent', messageId, sentAt: message.sentAt, recipient: peerName, message, ...(profile ? { profile } : {}) });
      await this.syncToOwnDevices(withinEnvelopeLimit(envelope, transcript));
    } else if (content.kind === 'receipt' && content.receipt === 'read') {
      await this.syncToOwnDevices(this.readSync(envelope, content.messageIds, groupId, peerName));
    }
  }

  /** What this user read, for their other devices; in a group each message's author as far as this device knows it. */
  private readSync(envelope: MessageEnvelope, messageIds: string[], groupId: string | undefined, peerName: string | undefined): SyncReadEnvelope {
    const stamp = { messageId: envelope.messageId, sentAt: envelope.sentAt };
    if (groupId === undefined) return { type: 'sync_read', ...stamp, conversation: { kind: 'dm', peer: peerName! }, messages: messageIds.map((id) => ({ author: peerName, messageId: id })) };
    const messages = messageIds.map((id) => ({ author: this.ctx.recentGroupSenders.senderOf(groupId, id), messageId: id }));
    return { type: 'sync_read', ...stamp, conversation: { kind: 'group', groupId }, messages };
  }

  /**
   * Sync content for this account's other devices (docs/protocol.md, SyncMessage): a transcript of a sent message,
   * so they show it as sent in the same conversation, or what was read here, so they clear it too. Best effort: the
   * message itself has reached its recipients, and an own device that cannot be reached now (no prekeys yet) must
   * not make the send fail.
   */
  private async syncToOwnDevices(sync: SyncSentEnvelope | SyncReadEnvelope): Promise<void> {
    const { ctx } = this;
    try {
      const own = await this.pairwise.ownOtherDevices();
      if (own === 0) return;
      await this.pairwise.sendToUser(ctx.me.user, encodeEnvelope(sync), (device) => relayMessageId('sync', sync.messageId, addressKey(device)));
    } catch (error) {
      ctx.logger.warn('send.sync_failed', { kind: sync.type, code: (error as { code?: string }).code ?? 'unknown' });
    }
  }

  /**
   * The devices the message goes to may fetch its files and the profile it points at, and so may this user's other
   * devices, which get its transcript; no one else can (docs/security.md §17, §20).
   */
  private async grant(pointers: Extract<MessageContent, { kind: 'media' }>['attachments'], profile: boolean, groupId: string | undefined, peerName: string | undefined): Promise<void> {
    const group = groupId === undefined ? undefined : this.ctx.groups.get(groupId);
    const devices = group ? await this.groups.memberDevices(group) : await this.pairwise.devicesOf(peerName!);
    const own = (await this.pairwise.ownOtherDevices()) > 0 ? await this.pairwise.devicesOf(this.ctx.me.user) : [];
    if (pointers.length > 0) await this.ctx.attachments.grant(pointers, [...devices, ...own]);
    if (profile) await this.ctx.profiles.grantTo([...devices, ...own]);
  }
}

/**
 * A message with files whose previews make it too large goes without some of them (largest first); `wrap` is what
 * is sent: the message itself, or a transcript carrying it.
 */
function withinEnvelopeLimit<Sent extends Envelope>(message: MessageEnvelope, wrap: (message: MessageEnvelope) => Sent): Sent {
  const content = message.content;
  const fits = (candidate: MessageEnvelope) => encodeEnvelope(wrap(candidate)).length <= MAX_ENVELOPE_BYTES;
  if (content.kind !== 'media' || fits(message)) return wrap(message);
  const attachments = dropPreviewsToFit(content.attachments, (fitted) => fits({ ...message, content: { ...content, attachments: fitted } }));
  return wrap({ ...message, content: { ...content, attachments } });
}
