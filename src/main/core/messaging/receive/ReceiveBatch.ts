// Decrypts a batch of deliveries from one sender device, in order, against working copies of the state they touch
// (that device's sessions, its sender keys, our prekeys, the groups it speaks about), and says what each one is:
// something for the inbox, a typing notice, a control message, or a failure. Nothing is stored here and no
// stored state is changed; a failure leaves the working copies as they were before it, so the next item goes on.
import { CodedError } from '../../../../shared/base';
import { ACTION_CLOCK_SKEW_MS } from '../../../../shared/conversations/messageRules';
import { toHex } from '../../../../shared/crypto/bytes';
import { CryptoError, isCryptoError, type CryptoErrorCode } from '../../../../shared/crypto/errors';
import { decodeSenderKeyDistributionMessage, decodeSenderKeyMessage } from '../../../../shared/crypto/sender-key-message';
import { groupDecrypt, processSenderKeyDistributionMessage } from '../../../../shared/crypto/sender-key-record';
import type { IncomingContent, ReceivedMessage } from '../../../../shared/ipc';
import { toBase64 } from '../../../../shared/encoding/base64';
import { addressKey, normalizeUsername, type Address } from '../../../../shared/protocol';
import { observeSender, type CertifiedDevice, type IdentityOutcome, type Peer } from '../../contacts/identityTrust';
import type { GroupState } from '../../groups/group';
import type { AttachmentPointerData } from '../../media/AttachmentPointer';
import { receivedChange, type ReceivedChange } from '../../groups/groupRules';
import type { ReceivedSenderKey } from '../../groups/SenderKeyStore';
import type { PreKeyState } from '../../prekeys/PreKeyStore';
import { decryptPairwise, type PreKeyLookup } from '../../sessions/pairwiseDecrypt';
import { isRetiredBaseKey, withSessions, type DeviceSessions } from '../../sessions/SessionStore';
import { idHint, type Delivery } from '../../transport';
import type { MessagingContext } from '../context';
import type { ProfilePointerData } from '../../profiles/ProfilePointer';
import { ContentError, decodeEnvelope, type GroupJoinAnswerEnvelope, type GroupJoinRequestEnvelope, type MessageContent, type ReceivedEnvelope } from '../wire';
import { inboxIdOf } from '../Inbox';
import { unwrapPayload } from '../payload';

export type ReceiveFailureCode = CryptoErrorCode | 'bad_envelope' | 'unsupported_payload' | 'not_a_member' | 'untrusted_device';

/** Decrypted content: what decodeEnvelope made of it, or why it is broken. */
type Decoded = ReceivedEnvelope | { type: 'malformed'; detail: string };

export type ItemOutcome =
  | {
      kind: 'inbox';
      delivery: Delivery;
      message: ReceivedMessage;
      group?: ReceivedChange;
      /** Files the message carries: the pipeline adopts them and fills in the content's attachments. */
      pointers?: AttachmentPointerData[];
    }
  | { kind: 'typing'; delivery: Delivery; message: ReceivedMessage }
  /**
   * `silent`: content of a kind this version does not know, which its sender marked as safe to drop.
   * `action_refused`: a message action its sender may not take (checkAction): acked and dropped, never shown.
   * `blocked`: content from a user this user blocked: decrypted (the session moves on), acked, dropped unread.
   */
  | { kind: 'control'; delivery: Delivery; what: 'sender_key' | 'group_update_ignored' | 'silent' | 'action_refused' | 'blocked'; group?: ReceivedChange }
  | { kind: 'failed'; delivery: Delivery; code: ReceiveFailureCode }
  /** This user verified a contact (or cleared it) on another of their devices: the pipeline applies it. */
  | { kind: 'verified'; delivery: Delivery; user: string; identityKey: Uint8Array; verified: boolean }
  /** This user added a contact, or blocked or unblocked someone, on another of their devices: the pipeline applies it. */
  | { kind: 'contact'; delivery: Delivery; user: string; added: boolean; blocked?: boolean }
  /** This user accepted a contact's changed key on another of their devices: the pipeline applies it. */
  | { kind: 'identity_accepted'; delivery: Delivery; user: string; identityKey: Uint8Array }
  /** A join request for one of this device's invite links, or an admin's answer to one this device sent. */
  | { kind: 'invite'; delivery: Delivery; envelope: GroupJoinRequestEnvelope | GroupJoinAnswerEnvelope }
  /** Group content from a group not known yet, or a sender not yet a member: its notice may be a moment behind. */
  | { kind: 'deferred'; delivery: Delivery; groupId: string };

class ReceiveFailure extends CodedError<ReceiveFailureCode> {
  override readonly name = 'ReceiveFailure';
  constructor(code: ReceiveFailureCode) {
    super(code, code);
  }
}

/** Control flow, not a failure: the item waits for its group's state. */
class Deferred extends CodedError<'deferred'> {
  override readonly name = 'Deferred';
  constructor(readonly groupId: string) {
    super('deferred', 'waits for the group state');
  }
}

export class ReceiveBatch {
  readonly outcomes: ItemOutcome[] = [];
  /** The device's sessions after every item that decrypted. */
  sessions: DeviceSessions;
  sessionsChanged = false;
  /** One-time prekeys (curve, KEM) that started sessions in this batch: delete them after the sessions are stored. */
  readonly usedOneTimePreKeys = new Set<number>();
  readonly usedKemPreKeys = new Set<number>();
  /** Sender-key records changed (new chains, advanced chains), by distribution id. */
  readonly senderKeys = new Map<string, ReceivedSenderKey>();
  /** The sender's trust record after the identity keys seen in this batch (working copy). */
  peer: Peer | undefined;
  /** Identity keys new sessions in this batch were bound to, in order: stored against the peer afterwards. */
  readonly observedIdentityKeys: Uint8Array[] = [];
  /** What the relay vouched for the sender device, when it was looked up (a device this user did not know). */
  certified: CertifiedDevice | undefined;
  /** The sender wrote to this user directly (a 1:1 message): list them as a contact. */
  becameContact = false;
  private readonly groups = new Map<string, GroupState | undefined>();
  private readonly from: Address;
  /** What a message that starts a session may name: made once per batch, not per message. */
  private readonly preKeyLookup: PreKeyLookup;

  constructor(
    private readonly ctx: MessagingContext,
    from: Address,
    sessions: DeviceSessions,
    preKeys: PreKeyState,
    private readonly loadSenderKey: (distributionId: Uint8Array) => Promise<ReceivedSenderKey | undefined>,
  ) {
    this.from = { user: normalizeUsername(from.user), device: from.device };
    this.sessions = sessions;
    this.peer = ctx.peers.get(this.from.user);
    this.preKeyLookup = {
      signedPreKey: (id) => preKeys.signed.find((k) => k.id === id),
      oneTimePreKey: (id) => (this.usedOneTimePreKeys.has(id) ? undefined : preKeys.oneTime.find((k) => k.id === id)),
      kemPreKey: (id) => (this.usedKemPreKeys.has(id) ? undefined : preKeys.kem.find((k) => k.id === id)),
      isRetiredBaseKey: (baseKey) => isRetiredBaseKey(this.sessions, baseKey),
    };
  }

  async add(delivery: Delivery): Promise<void> {
    try {
      this.outcomes.push(this.unlessBlocked(await this.process(delivery)));
    } catch (error) {
      if (error instanceof Deferred) {
        this.outcomes.push({ kind: 'deferred', delivery, groupId: error.groupId });
        return;
      }
      const code = error instanceof ReceiveFailure ? error.code : isCryptoError(error) ? error.code : undefined;
      if (code === undefined) throw error;
      this.outcomes.push({ kind: 'failed', delivery, code });
    }
  }

  /**
   * A blocked sender's messages, actions, receipts and typing notices are dropped here, before the renderer sees
   * them (so no receipt ever goes back); group changes they make still apply, so the group's state stays shared.
   */
  private unlessBlocked(outcome: ItemOutcome): ItemOutcome {
    if (!this.peer?.blocked || this.from.user === this.ctx.me.user) return outcome;
    if ((outcome.kind === 'inbox' && !outcome.group) || outcome.kind === 'typing') {
      this.ctx.logger.info('receive.blocked_dropped', { kind: outcome.message.content.kind });
      return { kind: 'control', delivery: outcome.delivery, what: 'blocked' };
    }
    return outcome;
  }

  /** The profile a message points at is read in the background, unless its sender is blocked. */
  private noticeProfile(envelope: { profile?: ProfilePointerData }): void {
    if (envelope.profile && !(this.peer?.blocked && this.from.user !== this.ctx.me.user)) this.ctx.profiles.noticed(this.from.user, envelope.profile);
  }

  /** The group as this batch has left it so far (stored state plus updates earlier in the batch). */
  group(groupId: string): GroupState | undefined {
    return this.groups.has(groupId) ? this.groups.get(groupId) : this.ctx.groups.get(groupId);
  }

  private async process(delivery: Delivery): Promise<ItemOutcome> {
    const payload = unwrapPayload(delivery.payload);
    if (!payload) throw new ReceiveFailure('unsupported_payload');
    if (payload.kind === 'senderKey') return this.processGroupMessage(delivery, payload.ciphertext);

    const result = decryptPairwise(this.ctx.provider, this.ctx.identity, this.sessions.sessions, payload.kind, payload.ciphertext, this.preKeyLookup);
    // Everything below may still reject the content; only then do the working copies move on. Broken content is not
    // rejected: it decrypted (the key is spent, the sender is authentic), so it moves the state on and is reported.
    const envelope = decodeContent(result.plaintext, delivery);
    const outcome = this.classifyPairwise(delivery, envelope);
    if (envelope.type === 'message' || envelope.type === 'sync_sent') this.noticeProfile(envelope);
    const senderKey = envelope.type === 'sender_key' ? await this.senderKeyUpdate(envelope.groupId, envelope.distribution) : undefined;
    const trust = result.newSession ? this.trustNewSession(result.remoteIdentityKey) : 'unchanged';
    const keyChanged = trust === 'changed' || trust === 'changed_held' || trust === 'relinked';
    this.sessions = withSessions(this.sessions, keyChanged ? result.sessions.slice(0, 1) : result.sessions);
    this.sessionsChanged = true;
    if (result.usedOneTimePreKeyId !== undefined) this.usedOneTimePreKeys.add(result.usedOneTimePreKeyId);
    if (result.usedKemPreKeyId !== undefined) this.usedKemPreKeys.add(result.usedKemPreKeyId);
    if (senderKey) this.senderKeys.set(senderKey.key, senderKey.value);
    if ((outcome.kind === 'inbox' || outcome.kind === 'control') && outcome.group) {
      const change = receivedChange(this.group(outcome.group.groupId), outcome.group, this.ctx.me.user, this.ctx.now());
      if (change.state) this.groups.set(outcome.group.groupId, change.state);
    }
    if (envelope.type === 'message' && envelope.conversation.kind === 'dm' && (envelope.content.kind === 'text' || envelope.content.kind === 'media') && !this.peer?.blocked) this.becameContact = true;
    return outcome;
  }

  private classifyPairwise(delivery: Delivery, envelope: Decoded): ItemOutcome {
    const dm = `dm:${this.from.user}`;
    switch (envelope.type) {
      case 'message': {
        const conversation = envelope.conversation;
        if (conversation.kind === 'group') this.checkMember(conversation.groupId);
        const conversationId = conversation.kind === 'dm' ? `dm:${this.from.user}` : `group:${conversation.groupId}`;
        return this.contentOutcome(delivery, conversationId, envelope.messageId, envelope.sentAt, envelope.content);
      }
      case 'group_update': {
        const group: ReceivedChange = { groupId: envelope.groupId, sender: this.from.user, messageId: envelope.messageId, update: envelope.update, snapshot: envelope.state };
        const change = receivedChange(this.group(envelope.groupId), group, this.ctx.me.user, this.ctx.now());
        if (!change.ok) {
          this.ctx.logger.info('group.update_ignored', { reason: change.reason, kind: envelope.update.kind });
          // One kept in the order (it may apply once an earlier one arrives) is stored, never shown.
          return { kind: 'control', delivery, what: 'group_update_ignored', ...(change.state ? { group } : {}) };
        }
        const message = this.received(delivery, `group:${envelope.groupId}`, envelope.messageId, envelope.sentAt, { kind: 'group_update', update: envelope.update });
        return { kind: 'inbox', delivery, message, group };
      }
      case 'group_join_request':
      case 'group_join_answer':
        return { kind: 'invite', delivery, envelope };
      case 'sync_sent': {
        // Only this account's own devices send transcripts; shown as this user's sent message in its conversation.
        if (this.from.user !== this.ctx.me.user || envelope.recipient === this.ctx.me.user) throw new ReceiveFailure('bad_envelope');
        const { message } = envelope;
        if (message.conversation.kind === 'group') this.checkMember(message.conversation.groupId);
        const conversationId = message.conversation.kind === 'group' ? `group:${message.conversation.groupId}` : `dm:${envelope.recipient}`;
        return this.contentOutcome(delivery, conversationId, message.messageId, message.sentAt, message.content);
      }
      case 'sync_read': {
        // What this user read on another of their devices: handed on as their own read receipt in that conversation,
        // which the renderer takes as "read here too" (and answers with no receipts of its own).
        const { conversation } = envelope;
        if (this.from.user !== this.ctx.me.user || (conversation.kind === 'dm' && conversation.peer === this.ctx.me.user)) throw new ReceiveFailure('bad_envelope');
        const conversationId = conversation.kind === 'dm' ? `dm:${conversation.peer}` : `group:${conversation.groupId}`;
        const content: IncomingContent = { kind: 'receipt', receipt: 'read', messageIds: envelope.messages.map((m) => m.messageId) };
        return { kind: 'inbox', delivery, message: this.received(delivery, conversationId, envelope.messageId, envelope.sentAt, content) };
      }
      case 'sync_verified':
        // Only this account's own devices say what its user verified, and never about the user themself.
        if (this.from.user !== this.ctx.me.user || envelope.user === this.ctx.me.user) throw new ReceiveFailure('bad_envelope');
        return { kind: 'verified', delivery, user: envelope.user, identityKey: envelope.identityKey, verified: envelope.verified };
      case 'sync_contact':
        // Only this account's own devices say whom its user added or blocked, and never the user themself.
        if (this.from.user !== this.ctx.me.user || envelope.user === this.ctx.me.user) throw new ReceiveFailure('bad_envelope');
        return { kind: 'contact', delivery, user: envelope.user, added: envelope.added, ...(envelope.blocked === undefined ? {} : { blocked: envelope.blocked }) };
      case 'sync_identity_accepted':
        // Only this account's own devices say what its user accepted, and never about the user themself.
        if (this.from.user !== this.ctx.me.user || envelope.user === this.ctx.me.user) throw new ReceiveFailure('bad_envelope');
        return { kind: 'identity_accepted', delivery, user: envelope.user, identityKey: envelope.identityKey };
      case 'sync_unsent': {
        // Own messages another of this user's devices will not send: handed on as this user's own notice in that
        // conversation; the renderer marks only rows of this user's it shows as being sent from there.
        const { conversation } = envelope;
        if (this.from.user !== this.ctx.me.user || (conversation.kind === 'dm' && conversation.peer === this.ctx.me.user)) throw new ReceiveFailure('bad_envelope');
        const conversationId = conversation.kind === 'dm' ? `dm:${conversation.peer}` : `group:${conversation.groupId}`;
        const content: IncomingContent = { kind: 'unsent', messageIds: envelope.messageIds, reason: envelope.reason };
        return { kind: 'inbox', delivery, message: this.received(delivery, conversationId, envelope.messageId, envelope.sentAt, content) };
      }
      case 'sender_key':
        // Kept even from a sender not (yet) in our member list: the notice adding them may be a moment behind, and
        // a key alone opens nothing — every group message is checked against the membership when it arrives.
        return { kind: 'control', delivery, what: 'sender_key' };
      case 'unsupported': {
        if (envelope.silent) return { kind: 'control', delivery, what: 'silent' };
        const conversation = envelope.conversation;
        if (conversation?.kind === 'group') this.checkMember(conversation.groupId);
        const conversationId = conversation?.kind === 'group' ? `group:${conversation.groupId}` : dm;
        return this.unsupported(delivery, conversationId, envelope);
      }
      case 'malformed':
        return this.unreadable(delivery, dm, envelope.detail);
    }
  }

  private async processGroupMessage(delivery: Delivery, ciphertext: Uint8Array): Promise<ItemOutcome> {
    const { header } = decodeSenderKeyMessage(ciphertext);
    const key = toHex(header.distributionId);
    const stored = this.senderKeys.get(key) ?? (await this.loadSenderKey(header.distributionId));
    if (!stored) throw new CryptoError('unknown_session', 'no sender key for this group message');
    const { record, plaintext } = groupDecrypt(this.ctx.provider, stored.record, ciphertext);
    const envelope = decodeContent(plaintext, delivery);
    const conversationId = `group:${stored.groupId}`;
    const inThisGroup = (conversation: { kind: string; groupId?: string } | undefined) =>
      conversation === undefined || (conversation.kind === 'group' && conversation.groupId === stored.groupId);
    if ((envelope.type === 'message' || envelope.type === 'unsupported') && !inThisGroup(envelope.conversation)) {
      throw new ReceiveFailure('bad_envelope');
    }
    // Only messages travel on a sender key; control content must come pairwise.
    if (envelope.type !== 'message' && envelope.type !== 'unsupported' && envelope.type !== 'malformed') throw new ReceiveFailure('bad_envelope');
    this.checkMember(stored.groupId);
    this.senderKeys.set(key, { groupId: stored.groupId, record });
    switch (envelope.type) {
      case 'message':
        this.noticeProfile(envelope);
        return this.contentOutcome(delivery, conversationId, envelope.messageId, envelope.sentAt, envelope.content);
      case 'unsupported':
        return envelope.silent ? { kind: 'control', delivery, what: 'silent' } : this.unsupported(delivery, conversationId, envelope);
      case 'malformed':
        return this.unreadable(delivery, conversationId, envelope.detail);
    }
  }

  private unsupported(delivery: Delivery, conversationId: string, envelope: Extract<ReceivedEnvelope, { type: 'unsupported' }>): ItemOutcome {
    const content: IncomingContent = { kind: 'unsupported', version: envelope.version, wire: toBase64(envelope.wire) };
    return { kind: 'inbox', delivery, message: this.received(delivery, conversationId, envelope.messageId, envelope.sentAt, content) };
  }

  /** Content that decrypted but is broken: reported in the conversation (under the relay's id), never dropped unseen. */
  private unreadable(delivery: Delivery, conversationId: string, detail: string): ItemOutcome {
    this.ctx.logger.warn('receive.malformed_content', { from: idHint(addressKey(this.from)), device: this.from.device, detail });
    const content: IncomingContent = { kind: 'unreadable', reason: 'malformed' };
    return { kind: 'inbox', delivery, message: this.received(delivery, conversationId, delivery.messageId, delivery.sentAt, content) };
  }

  private async senderKeyUpdate(groupId: string, bytes: Uint8Array): Promise<{ key: string; value: ReceivedSenderKey }> {
    const distribution = decodeSenderKeyDistributionMessage(bytes);
    const key = toHex(distribution.distributionId);
    const stored = this.senderKeys.get(key) ?? (await this.loadSenderKey(distribution.distributionId));
    if (stored && stored.groupId !== groupId) throw new ReceiveFailure('bad_envelope');
    return { key, value: { groupId, record: processSenderKeyDistributionMessage(stored?.record, distribution) } };
  }

  /**
   * Group content is accepted only from a current member, and only while this user is one. From a group we do not
   * know, or a sender not yet a member, it waits (the pipeline parks it) for the notice that may still be on its way.
   */
  private checkMember(groupId: string): void {
    const group = this.group(groupId);
    if (group && !group.active) throw new ReceiveFailure('not_a_member');
    if (!group || !group.members.includes(this.from.user)) throw new Deferred(groupId);
  }

  private contentOutcome(delivery: Delivery, conversationId: string, messageId: string, sentAt: number, content: MessageContent): ItemOutcome {
    const refusal = this.checkAction(delivery, conversationId, sentAt, content);
    if (refusal) {
      this.ctx.logger.info('receive.action_refused', { kind: content.kind, reason: refusal });
      return { kind: 'control', delivery, what: 'action_refused' };
    }
    if (content.kind === 'media') {
      const { attachments: pointers, ...rest } = content;
      const message = this.received(delivery, conversationId, messageId, sentAt, { ...rest, attachments: [] });
      return { kind: 'inbox', delivery, message, pointers };
    }
    const message = this.received(delivery, conversationId, messageId, sentAt, content);
    return content.kind === 'typing' ? { kind: 'typing', delivery, message } : { kind: 'inbox', delivery, message };
  }

  /**
   * What the core can check of a message action without the history (the renderer checks the rest against the
   * target it holds: db/actions.ts): an edit or delete must not claim a time far from when the relay accepted it (so
   * it cannot be back-dated into the edit window), a reaction in a 1:1 chat names a message of one of its two people,
   * and only a group's admins set its disappearing-message timer. Returns why it is refused, or undefined.
   */
  private checkAction(delivery: Delivery, conversationId: string, sentAt: number, content: MessageContent): string | undefined {
    switch (content.kind) {
      case 'edit':
      case 'delete':
        return Math.abs(sentAt - delivery.sentAt) > ACTION_CLOCK_SKEW_MS ? 'time_out_of_range' : undefined;
      case 'reaction':
        // The chat's two people: its other user (the sender, or for a transcript its recipient) and this user.
        if (!conversationId.startsWith('dm:')) return undefined;
        return content.targetAuthor === conversationId.slice(3) || content.targetAuthor === this.ctx.me.user ? undefined : 'not_in_conversation';
      case 'expiry_timer': {
        if (!conversationId.startsWith('group:')) return undefined;
        return this.group(conversationId.slice('group:'.length))?.admins.includes(this.from.user) ? undefined : 'not_an_admin';
      }
      default:
        return undefined;
    }
  }

  private received(delivery: Delivery, conversationId: string, messageId: string, sentAt: number, content: IncomingContent): ReceivedMessage {
    return {
      inboxId: inboxIdOf(delivery),
      conversationId,
      messageId,
      sender: { user: this.from.user, device: this.from.device },
      sentAt,
      receivedAt: this.ctx.now(),
      content,
    };
  }

  /** Throws (nothing moves on) for a device key its account does not vouch for. */
  private trustNewSession(identityKey: Uint8Array): IdentityOutcome {
    const observed = observeSender(this.peer, this.from.user, this.from.device, identityKey, this.certified, this.ctx.now());
    if (observed.outcome === 'foreign_account') throw new ReceiveFailure('untrusted_device');
    this.observedIdentityKeys.push(identityKey);
    this.peer = observed.peer;
    return observed.outcome;
  }
}

/** Decodes content; broken content becomes `malformed`, a newer frame version `unsupported` under the relay's id. */
function decodeContent(plaintext: Uint8Array, delivery: Delivery): Decoded {
  try {
    return decodeEnvelope(plaintext);
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    if (error.code === 'newer_content_version') {
      return { type: 'unsupported', messageId: delivery.messageId, sentAt: delivery.sentAt, conversation: undefined, silent: false, version: plaintext[0]!, wire: plaintext };
    }
    return { type: 'malformed', detail: error.message };
  }
}
