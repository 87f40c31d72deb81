// Group membership as the renderer asks for it: create, rename, add members, remove a member, leave. Each change
// is checked against this device's copy (admins only, except leaving), stored together with the notice to send
// (PendingBroadcasts), shown in this device's history like any update, and sent over the pairwise sessions to every
// member concerned, this user's other devices included. The relay sees only device addresses; name, members and
// admins are inside the ciphertexts.
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { AppError, MAX_GROUP_MEMBERS, type GroupUpdate, type GroupView, type InviteLinkTerms } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import type { KeyedQueue } from '../../../shared/base';
import { toAppError } from '../messaging/appErrors';
import type { MessagingContext } from '../messaging/context';
import { encodeEnvelope } from '../messaging/wire';
import { inboxIdFor } from '../messaging/Inbox';
import { relayMessageId } from '../messaging/relayIds';
import { isSendHeld } from '../contacts/identityTrust';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { TransportError, idHint } from '../transport';
import { forEachConcurrently, isUnreachableMember, PAIRWISE_FANOUT_CONCURRENCY } from './GroupSender';
import { toBase, toRecord, toView, type GroupState } from './group';
import { createGroupState, localChange, receivedChange, type GroupRuleFailure } from './groupRules';
import { noticeOf, type Broadcast, type PendingBroadcasts } from './PendingBroadcasts';

export class GroupService {
  constructor(
    private readonly ctx: MessagingContext,
    private readonly pairwise: PairwiseChannel,
    /** The conversation lanes MessageSender uses: a change and a message of one group never interleave. */
    private readonly lanes: KeyedQueue,
    private readonly pending: PendingBroadcasts,
  ) {}

  list(): GroupView[] {
    return this.ctx.groups.all().map(toView);
  }

  async create(name: string, members: readonly string[]): Promise<GroupView> {
    this.requireOnline();
    const me = this.ctx.me.user;
    const others = [...new Set(members.map(normalizeUsername))].filter((m) => m !== me);
    if (others.length === 0) throw new AppError('cannot_add_self', { id: 'group.needs_others' });
    if (others.length + 1 > MAX_GROUP_MEMBERS) throw new AppError('invalid_request', { id: 'group.too_many_members', params: { max: MAX_GROUP_MEMBERS } });
    await this.reachAll(others);
    const groupId = randomBytes(16).toString('base64url');
    const state = createGroupState(groupId, name, me, others, this.ctx.now());
    return this.lanes.run(`group:${groupId}`, async () => {
      await this.ctx.groups.exclusive(groupId, async () => {
        await this.record(state, { kind: 'created', by: me, name: state.name, members: [...state.members] }, [...others, me], ulid());
      });
      return this.finish(groupId);
    });
  }

  rename(groupId: string, name: string): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'renamed', by: this.ctx.me.user, name }));
  }

  /** `inviteId`: they join with that invite link (an admin let them in; counts a use of it in every copy). */
  async addMembers(groupId: string, members: readonly string[], inviteId?: string): Promise<GroupView> {
    const current = this.require(groupId);
    const added = [...new Set(members.map(normalizeUsername))].filter((m) => !current.members.includes(m) && m !== this.ctx.me.user);
    if (added.length === 0) return toView(current);
    this.requireOnline();
    await this.reachAll(added);
    const link = inviteId === undefined ? {} : { inviteId };
    return this.change(groupId, () => ({ kind: 'members_added', by: this.ctx.me.user, members: added, ...link }), added);
  }

  makeAdmin(groupId: string, member: string): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'admin_added', by: this.ctx.me.user, member: normalizeUsername(member) }));
  }

  /** Invite links are group state: every member's copy gets the link's terms (never its token). */
  addInviteLink(groupId: string, link: InviteLinkTerms): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'invite_created', by: this.ctx.me.user, link }));
  }

  revokeInviteLink(groupId: string, inviteId: string): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'invite_revoked', by: this.ctx.me.user, inviteId }));
  }

  /** The group's "approve new members" setting: every link follows it. */
  setApproval(groupId: string, approveNewMembers: boolean): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'approval_changed', by: this.ctx.me.user, approveNewMembers }));
  }

  /** Tells every admin's device that `member`'s request through the link was turned down (they drop it too). */
  declineJoin(groupId: string, inviteId: string, member: string): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'join_declined', by: this.ctx.me.user, inviteId, member: normalizeUsername(member) }));
  }

  removeMember(groupId: string, member: string): Promise<GroupView> {
    const removed = normalizeUsername(member);
    if (removed === this.ctx.me.user) return this.leave(groupId);
    if (!this.require(groupId).members.includes(removed)) throw new AppError('invalid_request', { id: 'group.not_a_member', params: { user: member } });
    return this.change(groupId, () => ({ kind: 'member_removed', by: this.ctx.me.user, member: removed }), [removed]);
  }

  leave(groupId: string): Promise<GroupView> {
    return this.change(groupId, () => ({ kind: 'member_left', by: this.ctx.me.user }));
  }

  /** Sends every change not yet delivered to everyone (call on `online`). */
  async resendPending(): Promise<void> {
    for (const broadcast of await this.pending.all()) {
      const groupId = broadcast.state.groupId;
      await this.lanes.run(`group:${groupId}`, async () => {
        await this.ctx.groups.exclusive(groupId, () => this.catchUp(broadcast));
        await this.broadcast(broadcast).catch((error: unknown) => this.ctx.logger.warn('group.broadcast_deferred', { code: codeOf(error) }));
      });
    }
  }

  private async change(groupId: string, makeUpdate: () => GroupUpdate, alsoNotify: readonly string[] = []): Promise<GroupView> {
    this.require(groupId);
    this.requireOnline();
    return this.lanes.run(`group:${groupId}`, async () => {
      await this.ctx.groups.exclusive(groupId, async () => {
        const current = this.require(groupId);
        const update = makeUpdate();
        const messageId = ulid();
        const result = localChange(current, this.ctx.me.user, update, messageId);
        if (!result.ok) throw ruleError(result.reason);
        // Every member concerned, this user's own other devices included (they are a member too).
        await this.record(result.state, update, [...new Set([...current.members, ...alsoNotify])], messageId);
      });
      return this.finish(groupId);
    });
  }

  /**
   * Stores a change: first the notice (so it will reach the others whatever happens next), then this device's
   * history entry, then the new state. Called with the group's lock held.
   */
  private async record(state: GroupState, update: GroupUpdate, recipients: readonly string[], messageId: string): Promise<void> {
    const broadcast: Broadcast = { messageId, sentAt: this.ctx.now(), update, state: toRecord(state), recipients: [...recipients] };
    await this.pending.add(broadcast);
    await this.catchUp(broadcast);
  }

  /**
   * Makes this device's state and history reflect `broadcast` if they do not yet (after a crash, too): the change
   * takes its place in the order among any that arrived meanwhile, like a received one.
   */
  private async catchUp(broadcast: Broadcast): Promise<void> {
    const envelope = noticeOf(broadcast);
    const current = this.ctx.groups.get(envelope.groupId);
    let state: GroupState = broadcast.state;
    if (current) {
      const received = { groupId: envelope.groupId, sender: this.ctx.me.user, messageId: envelope.messageId, update: envelope.update, snapshot: envelope.state };
      const change = receivedChange(current, received, this.ctx.me.user, this.ctx.now());
      if (!change.ok) {
        // Settled meanwhile by a change that comes before it: kept in the order, never shown as made.
        if (change.state) await this.ctx.groups.save(change.state);
        return;
      }
      state = change.state;
    }
    const message = {
      inboxId: inboxIdFor('self', envelope.messageId),
      conversationId: `group:${envelope.groupId}`,
      messageId: envelope.messageId,
      sender: { user: this.ctx.me.user, device: this.ctx.me.device },
      sentAt: envelope.sentAt,
      receivedAt: this.ctx.now(),
      content: { kind: 'group_update' as const, update: envelope.update },
    };
    if (!this.ctx.inbox.has(message.inboxId)) await this.ctx.inbox.add(message, null);
    if (!state.active) await this.ctx.senderKeys.deleteOwn(envelope.groupId);
    await this.ctx.groups.save(state);
    this.ctx.groupChanged(envelope.groupId);
    this.ctx.received.show([message]);
    this.ctx.events.emit('groups.changed', { group: toView(state), update: envelope.update });
  }

  /**
   * The admin who let this user in through an invite link says the admission did not count (another admin took the
   * link's last use at the same moment, so every other member skips it): the group is left on this device, as if
   * removed. Only that admin can say so, and only while this user is in the group on the strength of it.
   */
  async admissionUndone(groupId: string, admin: string): Promise<boolean> {
    const state = await this.ctx.groups.exclusive(groupId, async () => {
      const current = this.ctx.groups.get(groupId);
      if (!current?.active || current.admittedBy !== admin) return undefined;
      const { admittedBy: _undone, ...rest } = current;
      const left: GroupState = { ...rest, active: false };
      await this.ctx.senderKeys.deleteOwn(groupId);
      // The log restarts here: no later re-fold can bring back the membership this copy took from that admin.
      await this.ctx.groups.save({ ...left, log: { base: toBase(left), changes: [] } });
      return left;
    });
    if (!state) return false;
    this.ctx.logger.info('group.admission_undone', { group: idHint(groupId) });
    this.ctx.groupChanged(groupId);
    this.ctx.events.emit('groups.changed', { group: toView(state) });
    return true;
  }

  /** Sends the notice to every recipient still waiting; one who cannot be reached is skipped, a retryable failure waits. */
  private async broadcast(broadcast: Broadcast): Promise<void> {
    const envelope = noticeOf(broadcast);
    const plaintext = encodeEnvelope(envelope);
    const done: string[] = [];
    let retry: unknown;
    await forEachConcurrently(broadcast.recipients, PAIRWISE_FANOUT_CONCURRENCY, async (user) => {
      if (user === this.ctx.me.user && (await this.pairwise.ownOtherDevices()) === 0) {
        done.push(user);
        return;
      }
      const peer = this.ctx.peers.get(user);
      // Not to a key the user has not accepted: the notice waits (pending) until they accept or verify it.
      if (peer && isSendHeld(peer)) return;
      try {
        await this.pairwise.sendToUser(user, plaintext, (device) => relayMessageId('ctl', envelope.messageId, envelope.groupId, `${device.user}.${device.device}`));
        done.push(user);
      } catch (error) {
        if (isUnreachableMember(error)) {
          this.ctx.logger.warn('group.member_unreachable', { member: idHint(user), code: codeOf(error) });
          done.push(user);
        } else {
          retry ??= error;
        }
      }
    });
    await this.pending.delivered(envelope.messageId, done);
    if (retry) throw retry;
  }

  /** After a change is stored: try to deliver it now; if the connection drops, `online` resumes it. */
  private async finish(groupId: string): Promise<GroupView> {
    for (const broadcast of await this.pending.all()) {
      if (broadcast.state.groupId !== groupId) continue;
      await this.broadcast(broadcast).catch((error: unknown) => this.ctx.logger.warn('group.broadcast_deferred', { code: codeOf(error) }));
    }
    return toView(this.require(groupId));
  }

  /** Sessions with every device of each user, so the change can reach them; unknown users fail the request. */
  private async reachAll(users: readonly string[]): Promise<void> {
    for (const user of users) {
      try {
        await this.pairwise.devicesOf(user);
      } catch (error) {
        throw toAppError(error, 'contact', user);
      }
    }
  }

  private require(groupId: string): GroupState {
    const group = this.ctx.groups.get(groupId);
    if (!group) throw new AppError('unknown_group', { id: 'group.unknown' });
    return group;
  }

  private requireOnline(): void {
    if (this.ctx.relay.snapshot.state !== 'online') {
      throw new AppError('offline', { id: 'offline.try_again' }, true);
    }
  }
}

function ruleError(reason: GroupRuleFailure): AppError {
  switch (reason) {
    case 'not_group_member':
      return new AppError('not_group_member', { id: 'group.not_member' });
    case 'not_group_admin':
      return new AppError('not_group_admin', { id: 'group.not_admin' });
    default:
      return new AppError('invalid_request', { id: 'group.change_not_applicable' });
  }
}

/** A failure's code for logs (never its message, which may name people). */
export function codeOf(error: unknown): string {
  if (error instanceof TransportError || error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : typeof error;
}
