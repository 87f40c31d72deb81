// Group invite links (docs/security.md, "Group invites"). An admin's device makes a link: a token signed with its
// identity key, and a record in its vault that alone makes the token work (revoking, the use count and the expiry
// are enforced against it). A joiner's device reads the token, checks the signature against the key the relay
// vouches for that device, and asks that one device, pairwise; the admin's device adds the joiner as any admin
// adds a member, keeps the request for an admin to approve, or answers why not. The relay sees pairwise
// ciphertexts between two devices and nothing of the group.
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { fromBase64 } from '../../../../shared/encoding/base64';
import {
  AppError,
  type InvitePreview,
  type InviteView,
  type JoinOutcome,
  type PendingJoinView,
} from '../../../../shared/ipc';
import { addressKey, normalizeUsername, type Address } from '../../../../shared/protocol';
import { toAppError } from '../../messaging/appErrors';
import type { MessagingContext } from '../../messaging/context';
import { relayMessageId } from '../../messaging/relayIds';
import { encodeEnvelope, type GroupJoinAnswerEnvelope, type GroupJoinRequestEnvelope } from '../../messaging/wire';
import type { PairwiseChannel } from '../../sessions/PairwiseChannel';
import { TransportError, idHint } from '../../transport';
import { codeOf, type GroupService } from '../GroupService';
import type { GroupState } from '../group';
import { InviteTokenError, readInvite, signInvite, verifyInvite, type ReadInvite } from './inviteToken';
import type { InviteRecord, InviteStore } from './InviteStore';
import type { JoinInbox, QueuedJoinRequest } from './JoinInbox';
import { decideJoin } from './joinRules';
import type { PendingJoins } from './PendingJoins';

const HOUR_MS = 60 * 60 * 1000;

export interface CreateInvite {
  groupId: string;
  expiresInHours: number;
  maxUses: number;
  approval: boolean;
}

export class GroupInvites {
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(
    private readonly ctx: MessagingContext,
    private readonly pairwise: PairwiseChannel,
    private readonly groups: GroupService,
    private readonly store: InviteStore,
    private readonly inbox: JoinInbox,
    /** Join requests this device sent and not settled: only their answers reach the renderer. */
    private readonly asked: PendingJoins,
  ) {}

  // ── the admin's side ──

  async create(request: CreateInvite): Promise<InviteView> {
    const group = this.requireAdmin(request.groupId);
    const now = this.ctx.now();
    const inviteId = randomBytes(16).toString('base64url');
    const expiresAt = Math.floor((now + request.expiresInHours * HOUR_MS) / 1000) * 1000;
    const token = signInvite(this.ctx.provider, this.ctx.identity.signing, {
      groupId: group.groupId,
      inviteId,
      inviter: this.ctx.me.user,
      inviterDevice: this.ctx.me.device,
      groupName: group.name,
      expiresAt,
      maxUses: request.maxUses,
      approval: request.approval,
    });
    const record: InviteRecord = {
      inviteId,
      groupId: group.groupId,
      token,
      createdAt: now,
      expiresAt,
      maxUses: request.maxUses,
      approval: request.approval,
      uses: 0,
      revoked: false,
      joined: [],
      requests: [],
    };
    if (!(await this.store.add(record))) throw new AppError('invalid_request', 'This device keeps too many invite links. Revoke some, or wait for them to expire.');
    this.ctx.logger.info('group.invite_created', { group: idHint(group.groupId), approval: request.approval });
    return viewOf(record);
  }

  /** This device's links for the group, newest first. */
  async list(groupId: string): Promise<InviteView[]> {
    return (await this.store.all()).filter((r) => r.groupId === groupId).map(viewOf).reverse();
  }

  /** Stops the link; people still waiting on it are told it was revoked (best effort: offline, they are not). */
  async revoke(groupId: string, inviteId: string): Promise<InviteView> {
    let waiting: readonly string[] = [];
    const record = await this.store.update(inviteId, (r) => {
      if (r.groupId !== groupId || r.revoked) return r;
      waiting = r.requests;
      return { ...r, revoked: true, requests: [] };
    });
    if (!record || record.groupId !== groupId) throw unknownInvite();
    this.ctx.events.emit('groups.invitesChanged', { groupId });
    for (const joiner of waiting) {
      await this.answer(joiner, groupId, 'revoked').catch((error: unknown) => this.ctx.logger.warn('group.join_answer_failed', { code: codeOf(error) }));
    }
    return viewOf(record);
  }

  /** An admin lets a waiting person in (a use of the link) or turns them away. */
  async answerRequest(groupId: string, inviteId: string, user: string, approve: boolean): Promise<InviteView> {
    const joiner = normalizeUsername(user);
    const current = await this.store.get(inviteId);
    if (!current || current.groupId !== groupId) throw unknownInvite();
    if (!current.requests.includes(joiner)) throw new AppError('invalid_request', `${user} is not waiting to join with this link.`);
    if (!approve) {
      const record = await this.store.update(inviteId, (r) => ({ ...r, requests: r.requests.filter((u) => u !== joiner) }));
      await this.answer(joiner, groupId, 'declined').catch((error: unknown) => this.ctx.logger.warn('group.join_answer_failed', { code: codeOf(error) }));
      this.ctx.events.emit('groups.invitesChanged', { groupId });
      return viewOf(record!);
    }
    this.requireAdmin(groupId);
    if (current.maxUses > 0 && current.uses >= current.maxUses) throw new AppError('invalid_request', 'This link has been used as many times as it allows.');
    await this.groups.addMembers(groupId, [joiner]);
    const record = await this.store.update(inviteId, (r) => counted({ ...r, requests: r.requests.filter((u) => u !== joiner) }, joiner));
    this.ctx.events.emit('groups.invitesChanged', { groupId });
    return viewOf(record!);
  }

  /** Join requests stored by the receive path (or left from before a restart): deal with them one at a time. */
  drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        for (const request of await this.inbox.all()) {
          if (this.ctx.relay.snapshot.state !== 'online') return;
          await this.handle(request);
        }
      } while (this.drainAgain);
    })()
      .catch((error: unknown) => this.ctx.logger.warn('group.join_requests_deferred', { code: codeOf(error) }))
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** One request: decided against this device's record and group, then acted on, then forgotten. */
  private async handle(request: QueuedJoinRequest): Promise<void> {
    const joiner = request.joiner;
    let invite: ReadInvite | undefined;
    try {
      invite = readInvite(request.token);
    } catch (error) {
      if (!(error instanceof InviteTokenError)) throw error;
    }
    const record = invite && (await this.store.get(invite.terms.inviteId));
    const decision = invite
      ? decideJoin({
          token: request.token,
          terms: invite.terms,
          signatureValid: invite.terms.groupId === request.groupId && verifyInvite(this.ctx.provider, this.ctx.identity.signing.publicKey, invite),
          record,
          group: this.ctx.groups.get(invite.terms.groupId),
          me: this.ctx.me,
          joiner,
          now: this.ctx.now(),
        })
      : ({ kind: 'answer', outcome: 'invalid' } as const);
    this.ctx.logger.info('group.join_request', { group: idHint(request.groupId), decision: decision.kind === 'answer' ? decision.outcome : decision.kind });
    try {
      switch (decision.kind) {
        case 'add':
          // Counted first: a crash before the add leaves the joiner counted, and their request (still queued) is
          // then let in without counting again (joinRules: someone counted is added while the link is live).
          await this.store.update(record!.inviteId, (r) => counted(r, joiner));
          await this.groups.addMembers(record!.groupId, [joiner]);
          break;
        case 'ask_admin':
          await this.store.update(record!.inviteId, (r) => (r.requests.includes(joiner) ? r : { ...r, requests: [...r.requests, joiner] }));
          this.ctx.events.emit('groups.invitesChanged', { groupId: record!.groupId });
          await this.answer(joiner, request.groupId, 'pending_approval');
          break;
        case 'answer':
          await this.answer(joiner, request.groupId, decision.outcome);
          break;
      }
    } catch (error) {
      // Offline or the relay busy: the request stays queued for the next `online`. Anything else will not get
      // better by trying again (the joiner's account is gone, say): it is dropped.
      if (isRetryable(error)) throw error;
      this.ctx.logger.warn('group.join_request_failed', { code: codeOf(error) });
    }
    await this.inbox.remove(request);
  }

  private async answer(joiner: string, groupId: string, outcome: JoinOutcome): Promise<void> {
    const envelope: GroupJoinAnswerEnvelope = { type: 'group_join_answer', groupId, messageId: ulid(), sentAt: this.ctx.now(), outcome };
    await this.pairwise.sendToUser(joiner, encodeEnvelope(envelope), (device) => relayMessageId('ctl', envelope.messageId, groupId, addressKey(device)));
  }

  // ── the joiner's side ──

  /** What the join dialog shows. Errors: bad_invite, invite_expired. */
  preview(token: string): InvitePreview {
    const { terms } = this.readLive(token);
    const group = this.ctx.groups.get(terms.groupId);
    return {
      groupId: terms.groupId,
      groupName: terms.groupName,
      inviter: terms.inviter,
      expiresAt: terms.expiresAt,
      approval: terms.approval,
      alreadyMember: group?.active === true && group.members.includes(this.ctx.me.user),
    };
  }

  /**
   * Asks the admin's device that made the link to let this user in. The token must carry that device's signature
   * (checked against the identity key the relay hands out for it); joining itself arrives as a group update.
   * Errors: bad_invite, invite_expired, unknown_user, offline (retryable).
   */
  async join(token: string): Promise<void> {
    const invite = this.readLive(token);
    const { terms } = invite;
    if (terms.inviter === this.ctx.me.user) throw new AppError('bad_invite', 'This is your own invite link.');
    if (this.ctx.relay.snapshot.state !== 'online') throw new AppError('offline', 'Not connected to the relay right now. Try again once Parley is back online.', true);
    const device: Address = { user: terms.inviter, device: terms.inviterDevice };
    try {
      await this.pairwise.devicesOf(terms.inviter);
    } catch (error) {
      throw toAppError(error, 'contact', terms.inviter);
    }
    const known = this.ctx.peers.get(terms.inviter)?.devices.find((d) => d.device === terms.inviterDevice);
    if (!known || !verifyInvite(this.ctx.provider, fromBase64(known.identityKey), invite)) {
      throw new AppError('bad_invite', `This invite link was not made by ${terms.inviter}’s Parley. Ask them for a new one.`);
    }
    const envelope: GroupJoinRequestEnvelope = { type: 'group_join_request', groupId: terms.groupId, messageId: ulid(), sentAt: this.ctx.now(), token };
    // Remembered before sending: an answer can come back before the send resolves.
    await this.asked.add({ groupId: terms.groupId, groupName: terms.groupName, inviter: terms.inviter, expiresAt: terms.expiresAt, askedAt: this.ctx.now(), approval: terms.approval });
    this.ctx.events.emit('groups.pendingJoinsChanged', {});
    try {
      const payload = await this.pairwise.encrypt(device, encodeEnvelope(envelope));
      await this.ctx.relay.send(relayMessageId('ctl', envelope.messageId, terms.groupId, addressKey(device)), [device], payload);
    } catch (error) {
      throw toAppError(error, 'contact', terms.inviter);
    }
    this.ctx.logger.info('group.join_requested', { group: idHint(terms.groupId) });
  }

  /** An admin's device answered a request this device sent (answers nobody asked for are dropped). */
  async answered(from: Address, groupId: string, outcome: JoinOutcome): Promise<void> {
    const inviter = normalizeUsername(from.user);
    if (!(await this.asked.has(groupId, inviter))) return;
    if (outcome === 'pending_approval') await this.asked.markWaiting(groupId, inviter);
    else await this.asked.remove(groupId, inviter);
    this.ctx.events.emit('groups.joinAnswered', { groupId, inviter, outcome });
    this.ctx.events.emit('groups.pendingJoinsChanged', {});
  }

  /** Join requests not settled yet: not refused, link not expired, and this user not in the group yet. */
  pending(): Promise<PendingJoinView[]> {
    return this.asked.open(this.ctx.now(), (groupId) => {
      const group = this.ctx.groups.get(groupId);
      return group?.active === true && group.members.includes(this.ctx.me.user);
    });
  }

  private readLive(token: string): ReadInvite {
    let invite: ReadInvite;
    try {
      invite = readInvite(token);
    } catch (error) {
      if (error instanceof InviteTokenError) throw new AppError('bad_invite', error.message);
      throw error;
    }
    if (this.ctx.now() >= invite.terms.expiresAt) throw new AppError('invite_expired', 'This invite link has expired. Ask an admin of the group for a new one.');
    return invite;
  }

  private requireAdmin(groupId: string): GroupState {
    const group = this.ctx.groups.get(groupId);
    if (!group) throw new AppError('unknown_group', 'This group does not exist on this device.');
    if (!group.active) throw new AppError('not_group_member', 'You are no longer a member of this group.');
    if (!group.admins.includes(this.ctx.me.user)) throw new AppError('not_group_admin', 'Only the group’s admins can do that.');
    return group;
  }
}

/** The record after `joiner` joined with it: counted once, however often they ask. */
function counted(record: InviteRecord, joiner: string): InviteRecord {
  return record.joined.includes(joiner) ? record : { ...record, uses: record.uses + 1, joined: [...record.joined, joiner] };
}

function viewOf(record: InviteRecord): InviteView {
  return {
    inviteId: record.inviteId,
    groupId: record.groupId,
    link: `parley://join/${record.token}`,
    expiresAt: record.expiresAt,
    maxUses: record.maxUses,
    uses: record.uses,
    approval: record.approval,
    revoked: record.revoked,
    requests: [...record.requests],
  };
}

function unknownInvite(): AppError {
  return new AppError('invalid_request', 'This device has no such invite link for this group.');
}

function isRetryable(error: unknown): boolean {
  return (error instanceof AppError || error instanceof TransportError) && error.retryable;
}
