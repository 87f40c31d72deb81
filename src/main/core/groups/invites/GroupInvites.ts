// Group invite links (docs/security.md, "Group invites"). An admin's device makes a link: a token signed with its
// identity key, and the link's terms in the group's state (a group change every member applies), so every admin's
// device knows the link: its expiry, use count and whether it was revoked. A joiner's device reads the token, checks
// the signature against the key the relay vouches for the signing device, and asks every device of the admins the
// token names, pairwise. Each admin's device checks the token against the group's copy of the link: the signing
// device adds the joiner at once where the link needs no approval; otherwise every admin's device keeps the request
// until an admin lets them in (members_added naming the link) or turns them down (join_declined), and the first
// answer to reach the others settles it there. The relay sees pairwise ciphertexts between devices and nothing of
// the group.
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
import type { GroupState, InviteLinkRecord } from '../group';
import { InviteTokenError, MAX_TOKEN_ADMINS, readInvite, signInvite, verifyInvite, type InviteTerms, type ReadInvite } from './inviteToken';
import type { InviteRecord, InviteStore } from './InviteStore';
import type { JoinInbox, QueuedJoinRequest } from './JoinInbox';
import type { UndoneAdmission } from './UndoneAdmissions';
import { decideJoin } from './joinRules';
import type { PendingJoins } from './PendingJoins';

const HOUR_MS = 60 * 60 * 1000;

export interface CreateInvite {
  groupId: string;
  expiresInHours: number;
  maxUses: number;
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

  // ── the admins' side ──

  async create(request: CreateInvite): Promise<InviteView> {
    const group = this.requireAdmin(request.groupId);
    const now = this.ctx.now();
    const me = this.ctx.me;
    const inviteId = randomBytes(16).toString('base64url');
    const expiresAt = Math.floor((now + request.expiresInHours * HOUR_MS) / 1000) * 1000;
    // The joiner asks these admins' devices: this one first, then the others (sorted), as many as a token holds.
    const admins = [me.user, ...group.admins.filter((a) => a !== me.user)].slice(0, MAX_TOKEN_ADMINS);
    const terms: InviteTerms = {
      groupId: group.groupId,
      inviteId,
      inviter: me.user,
      inviterDevice: me.device,
      groupName: group.name,
      expiresAt,
      maxUses: request.maxUses,
      // The group's setting now, for the join dialog's hint; the setting when a request arrives decides.
      approval: group.approveNewMembers,
      admins,
    };
    const token = signInvite(this.ctx.provider, this.ctx.identity.signing, terms);
    // The token first: once the group has the link, this device must be able to show it.
    if (!(await this.store.add({ inviteId, groupId: group.groupId, token, expiresAt, requests: [] }))) {
      throw new AppError('invalid_request', { id: 'invite.too_many_links' });
    }
    await this.groups.addInviteLink(group.groupId, { inviteId, device: me.device, createdAt: now, expiresAt, maxUses: request.maxUses, approval: terms.approval });
    this.ctx.logger.info('group.invite_created', { group: idHint(group.groupId), approval: terms.approval });
    this.ctx.events.emit('groups.invitesChanged', { groupId: group.groupId });
    return this.view(group.groupId, inviteId);
  }

  /** The group's links (any admin's), newest first, with the requests waiting on this device. Admins only. */
  async list(groupId: string): Promise<InviteView[]> {
    const group = this.ctx.groups.get(groupId);
    if (!group?.active || !group.admins.includes(this.ctx.me.user)) return [];
    const records = await this.store.all();
    return [...group.inviteLinks].reverse().map((link) => viewOf(group, link, records.find((r) => r.inviteId === link.inviteId)));
  }

  /** Any admin stops any link of the group, on every admin's device; people waiting here are told it was revoked. */
  async revoke(groupId: string, inviteId: string): Promise<InviteView> {
    const link = this.requireLink(groupId, inviteId);
    if (!link.revoked) await this.groups.revokeInviteLink(groupId, inviteId);
    let waiting: readonly string[] = [];
    await this.store.update(inviteId, (r) => {
      waiting = r.requests;
      return r.requests.length === 0 ? r : { ...r, requests: [] };
    });
    this.ctx.events.emit('groups.invitesChanged', { groupId });
    for (const joiner of waiting) {
      await this.answer(joiner, groupId, 'revoked').catch((error: unknown) => this.ctx.logger.warn('group.join_answer_failed', { code: codeOf(error) }));
    }
    return this.view(groupId, inviteId);
  }

  /**
   * An admin lets a waiting person in (a use of the link) or turns them away. Every admin's device hears of it as a
   * group change and drops the request; one already settled by another admin is refused here.
   */
  async answerRequest(groupId: string, inviteId: string, user: string, approve: boolean): Promise<InviteView> {
    const joiner = normalizeUsername(user);
    const link = this.requireLink(groupId, inviteId);
    const group = this.requireAdmin(groupId);
    if (group.members.includes(joiner)) throw new AppError('invalid_request', { id: 'invite.already_member', params: { user } });
    if (link.declined.includes(joiner)) throw new AppError('invalid_request', { id: 'invite.already_declined', params: { user } });
    if (!(await this.store.get(inviteId))?.requests.includes(joiner)) throw new AppError('invalid_request', { id: 'invite.not_waiting', params: { user } });
    if (!approve) {
      await this.groups.declineJoin(groupId, inviteId, joiner);
      await this.forget(inviteId, joiner);
      await this.answer(joiner, groupId, 'declined').catch((error: unknown) => this.ctx.logger.warn('group.join_answer_failed', { code: codeOf(error) }));
      return this.view(groupId, inviteId);
    }
    if (link.revoked) throw new AppError('invalid_request', { id: 'invite.revoked' });
    if (this.ctx.now() >= link.expiresAt) throw new AppError('invite_expired', { id: 'invite.expired' });
    if (link.maxUses > 0 && link.uses >= link.maxUses) throw new AppError('invalid_request', { id: 'invite.used_up' });
    await this.groups.addMembers(groupId, [joiner], inviteId);
    await this.forget(inviteId, joiner);
    return this.view(groupId, inviteId);
  }

  /** Join requests and owed answers stored by the receive path (or left from before a restart): one at a time. */
  drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        for (const admission of await this.ctx.undoneAdmissions.all()) {
          if (this.ctx.relay.snapshot.state !== 'online') return;
          await this.tellUndone(admission);
        }
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

  /** One request: decided against the group's copy of the link, then acted on, then forgotten. */
  private async handle(request: QueuedJoinRequest): Promise<void> {
    const joiner = request.joiner;
    try {
      let invite: ReadInvite | undefined;
      try {
        invite = readInvite(request.token);
      } catch (error) {
        if (!(error instanceof InviteTokenError)) throw error;
      }
      const group = this.ctx.groups.get(request.groupId);
      const held = invite ? ((await this.store.get(invite.terms.inviteId))?.requests ?? []) : [];
      const decision =
        invite && invite.terms.groupId === request.groupId
          ? decideJoin({
              terms: invite.terms,
              signatureValid: await this.signedByItsDevice(invite),
              group,
              me: this.ctx.me,
              joiner,
              now: this.ctx.now(),
              held,
              ...(request.forwardedBy === undefined ? {} : { forwardedBy: request.forwardedBy }),
            })
          : ({ kind: 'answer', outcome: 'invalid' } as const);
      this.ctx.logger.info('group.join_request', { group: idHint(request.groupId), decision: decision.kind === 'answer' ? decision.outcome : decision.kind });
      switch (decision.kind) {
        case 'add':
          await this.groups.addMembers(request.groupId, [joiner], invite!.terms.inviteId);
          break;
        case 'hold': {
          // Handed on first: should that fail for now, the request stays queued and is handed on again.
          if (request.forwardedBy === undefined) await this.handOn(request, invite!.terms);
          const { inviteId, expiresAt } = invite!.terms;
          const fresh: InviteRecord = { inviteId, groupId: request.groupId, expiresAt, requests: [] };
          await this.store.update(inviteId, (r) => (r.requests.includes(joiner) ? r : { ...r, requests: [...r.requests, joiner] }), fresh);
          this.ctx.events.emit('groups.invitesChanged', { groupId: request.groupId });
          if (decision.tell) await this.answer(joiner, request.groupId, 'pending_approval');
          break;
        }
        case 'answer':
          await this.answer(joiner, request.groupId, decision.outcome);
          break;
        case 'ignore':
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

  /** Tells someone this user let in that the admission did not count (the link's last use went to another). */
  private async tellUndone(admission: UndoneAdmission): Promise<void> {
    try {
      await this.answer(admission.joiner, admission.groupId, 'used_up');
    } catch (error) {
      if (isRetryable(error)) throw error;
      this.ctx.logger.warn('group.join_answer_failed', { code: codeOf(error) });
    }
    await this.ctx.undoneAdmissions.remove(admission);
  }

  /** Whether the token carries the signature of the device it names (this one, or one the relay lists for its admin). */
  private async signedByItsDevice(invite: ReadInvite): Promise<boolean> {
    const { inviter, inviterDevice } = invite.terms;
    if (inviter === this.ctx.me.user && inviterDevice === this.ctx.me.device) return verifyInvite(this.ctx.provider, this.ctx.identity.signing.publicKey, invite);
    try {
      await this.pairwise.devicesOf(inviter);
    } catch (error) {
      if (isRetryable(error)) throw error;
      return false;
    }
    const known = this.ctx.peers.get(inviter)?.devices.find((d) => d.device === inviterDevice);
    return known !== undefined && verifyInvite(this.ctx.provider, fromBase64(known.identityKey), invite);
  }

  /**
   * The token names the admins when the link was made; admins made since get the request from this admin's device,
   * pairwise (they keep it for an admin to answer; the admins the token names answer the joiner).
   */
  private async handOn(request: QueuedJoinRequest, terms: InviteTerms): Promise<void> {
    const group = this.ctx.groups.get(request.groupId);
    const unnamed = (group?.admins ?? []).filter((a) => a !== this.ctx.me.user && a !== request.joiner && !terms.admins.includes(a));
    if (unnamed.length === 0) return;
    const envelope: GroupJoinRequestEnvelope = { type: 'group_join_request', groupId: request.groupId, messageId: ulid(), sentAt: this.ctx.now(), token: request.token, forwardedFor: request.joiner };
    const plaintext = encodeEnvelope(envelope);
    for (const admin of unnamed) {
      await this.pairwise.sendToUser(admin, plaintext, (device) => relayMessageId('ctl', envelope.messageId, request.groupId, addressKey(device))).catch((error: unknown) => {
        if (isRetryable(error)) throw error;
        this.ctx.logger.warn('group.join_request_not_handed_on', { code: codeOf(error) });
      });
    }
  }

  private forget(inviteId: string, joiner: string): Promise<void> {
    return this.store.update(inviteId, (r) => (r.requests.includes(joiner) ? { ...r, requests: r.requests.filter((u) => u !== joiner) } : r));
  }

  private async answer(joiner: string, groupId: string, outcome: JoinOutcome): Promise<void> {
    const envelope: GroupJoinAnswerEnvelope = { type: 'group_join_answer', groupId, messageId: ulid(), sentAt: this.ctx.now(), outcome };
    await this.pairwise.sendToUser(joiner, encodeEnvelope(envelope), (device) => relayMessageId('ctl', envelope.messageId, groupId, addressKey(device)));
  }

  private async view(groupId: string, inviteId: string): Promise<InviteView> {
    const group = this.ctx.groups.get(groupId);
    const link = group?.inviteLinks.find((l) => l.inviteId === inviteId);
    if (!group || !link) throw unknownInvite();
    return viewOf(group, link, await this.store.get(inviteId));
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
   * Asks the devices of the admins the link names to let this user in. The token must carry the signature of the
   * device it names (checked against the identity key the relay hands out for it); joining itself arrives as a
   * group update. Errors: bad_invite, invite_expired, unknown_user, offline (retryable).
   */
  async join(token: string): Promise<void> {
    const invite = this.readLive(token);
    const { terms } = invite;
    if (terms.inviter === this.ctx.me.user) throw new AppError('bad_invite', { id: 'invite.own' });
    if (this.ctx.relay.snapshot.state !== 'online') throw new AppError('offline', { id: 'offline.try_again' }, true);
    try {
      await this.pairwise.devicesOf(terms.inviter);
    } catch (error) {
      throw toAppError(error, 'contact', terms.inviter);
    }
    const known = this.ctx.peers.get(terms.inviter)?.devices.find((d) => d.device === terms.inviterDevice);
    if (!known || !verifyInvite(this.ctx.provider, fromBase64(known.identityKey), invite)) {
      throw new AppError('bad_invite', { id: 'invite.not_from_inviter', params: { user: terms.inviter } });
    }
    const envelope: GroupJoinRequestEnvelope = { type: 'group_join_request', groupId: terms.groupId, messageId: ulid(), sentAt: this.ctx.now(), token };
    const admins = terms.admins.filter((a) => a !== this.ctx.me.user);
    // Remembered before sending: an answer can come back before the send resolves.
    await this.asked.add({ groupId: terms.groupId, groupName: terms.groupName, inviter: terms.inviter, admins, expiresAt: terms.expiresAt, askedAt: this.ctx.now(), approval: terms.approval });
    this.ctx.events.emit('groups.pendingJoinsChanged', {});
    const plaintext = encodeEnvelope(envelope);
    const relayIdFor = (admin: Address) => relayMessageId('ctl', envelope.messageId, terms.groupId, addressKey(admin));
    try {
      await this.pairwise.sendToUser(terms.inviter, plaintext, relayIdFor);
    } catch (error) {
      throw toAppError(error, 'contact', terms.inviter);
    }
    // The other admins: best effort (one whose account is gone is skipped; the inviter's devices have it already).
    for (const admin of admins.filter((a) => a !== terms.inviter)) {
      await this.pairwise.sendToUser(admin, plaintext, relayIdFor).catch((error: unknown) => {
        if (isRetryable(error)) throw toAppError(error, 'contact', admin);
        this.ctx.logger.warn('group.join_request_unsent', { code: codeOf(error) });
      });
    }
    this.ctx.logger.info('group.join_requested', { group: idHint(terms.groupId) });
  }

  /**
   * An admin's device answered a request this device sent (answers from anyone not asked are dropped), or the admin
   * who let this user in says that admission did not count.
   */
  async answered(from: Address, groupId: string, outcome: JoinOutcome): Promise<void> {
    const admin = normalizeUsername(from.user);
    // Let in, then not: the admin who let this user in found another admin had taken the link's last use.
    if (outcome === 'used_up' && (await this.groups.admissionUndone(groupId, admin))) {
      this.ctx.events.emit('groups.joinAnswered', { groupId, inviter: admin, outcome, admissionUndone: true });
      return;
    }
    const inviter = await this.asked.askedOf(groupId, admin);
    if (inviter === undefined) return;
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
      if (error instanceof InviteTokenError) throw new AppError('bad_invite', { id: 'invite.invalid' }, false, error.message);
      throw error;
    }
    if (this.ctx.now() >= invite.terms.expiresAt) throw new AppError('invite_expired', { id: 'invite.expired_ask_admin' });
    return invite;
  }

  private requireLink(groupId: string, inviteId: string): InviteLinkRecord {
    const link = this.requireAdmin(groupId).inviteLinks.find((l) => l.inviteId === inviteId);
    if (!link) throw unknownInvite();
    return link;
  }

  private requireAdmin(groupId: string): GroupState {
    const group = this.ctx.groups.get(groupId);
    if (!group) throw new AppError('unknown_group', { id: 'group.unknown' });
    if (!group.active) throw new AppError('not_group_member', { id: 'group.not_member' });
    if (!group.admins.includes(this.ctx.me.user)) throw new AppError('not_group_admin', { id: 'group.not_admin' });
    return group;
  }
}

/** A link as admins see it: the group's copy, its token when this device made it, the requests still open here. */
function viewOf(group: GroupState, link: InviteLinkRecord, record: InviteRecord | undefined): InviteView {
  const open = link.revoked ? [] : (record?.requests ?? []).filter((u) => !group.members.includes(u) && !link.declined.includes(u));
  return {
    inviteId: link.inviteId,
    groupId: group.groupId,
    admin: link.admin,
    ...(record?.token ? { link: `parley://join/${record.token}` } : {}),
    expiresAt: link.expiresAt,
    maxUses: link.maxUses,
    uses: link.uses,
    revoked: link.revoked,
    requests: open,
  };
}

function unknownInvite(): AppError {
  return new AppError('invalid_request', { id: 'invite.unknown' });
}

function isRetryable(error: unknown): boolean {
  return (error instanceof AppError || error instanceof TransportError) && error.retryable;
}
