// What a group is and how it changes (pure). The state travels only inside encrypted control messages; every
// member applies each update to its own copy and checks it there: only admins rename, add or remove, anyone may
// leave. A member removal or departure starts a new key epoch, which makes every remaining member rotate its sender
// key before it sends again. Invite links are group state too: only admins make, revoke or answer through them, and
// every member counts their uses the same way.
//
// Changes converge (docs/protocol.md, "Group changes"): each member keeps its recent changes and applies them in one
// total order — revision, then the change's order hash — re-applying them whenever one arrives late. Every member
// that holds the same changes holds the same state, whatever order they arrived in; a change that no longer applies
// where it stands in that order (a second admin let in the link's last allowed person too) is skipped by everyone.
import { createHash } from 'node:crypto';
import type { GroupUpdate } from '../../../shared/ipc';
import { MAX_GROUP_MEMBERS, MAX_PENDING_JOIN_REQUESTS } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import {
  MAX_GROUP_INVITE_LINKS,
  MAX_LOGGED_CHANGES,
  type ChangeLog,
  toBase,
  type GroupBase,
  type GroupSnapshot,
  type GroupState,
  type InviteLinkRecord,
  type LoggedChange,
} from './group';

export type GroupRuleFailure = 'not_group_member' | 'not_group_admin' | 'stale' | 'invalid';

export type RuleResult =
  /** `undone`: people this user let in through a link whose admission everyone now skips (they must be told). */
  | { ok: true; state: GroupState; undone?: readonly string[] }
  /** `state`: the change does not apply where it stands now but is kept in the order (one arriving later may come before it). */
  | { ok: false; reason: GroupRuleFailure; state?: GroupState };

const sorted = (names: Iterable<string>) => [...new Set([...names].map(normalizeUsername))].sort();

export function createGroupState(groupId: string, name: string, creator: string, members: readonly string[], now: number): GroupState {
  const me = normalizeUsername(creator);
  return {
    groupId,
    name,
    members: sorted([me, ...members]),
    admins: [me],
    createdBy: me,
    revision: 1,
    keyEpoch: 1,
    active: true,
    createdAt: now,
    inviteLinks: [],
    approveNewMembers: false,
  };
}

/** When the last admin leaves, the first remaining member (in sorted order, the same for everyone) takes over. */
function withAdmins(members: readonly string[], admins: readonly string[]): string[] {
  const kept = admins.filter((a) => members.includes(a));
  return kept.length > 0 || members.length === 0 ? kept : [members[0]!];
}

/** Applies an update made by `actor` (already checked to be this device's own user, or the sender of the message). */
function applyTo(state: GroupState, actor: string, update: GroupUpdate, revision: number, me: string): RuleResult {
  const isAdmin = state.admins.includes(actor);
  const isMember = state.members.includes(actor);
  if (!isMember) return { ok: false, reason: 'not_group_member' };
  switch (update.kind) {
    case 'created':
      return { ok: false, reason: 'stale' };
    case 'renamed':
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      return { ok: true, state: { ...state, name: update.name, revision } };
    case 'members_added': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const members = sorted([...state.members, ...update.members]);
      if (members.length > MAX_GROUP_MEMBERS) return { ok: false, reason: 'invalid' };
      let inviteLinks = state.inviteLinks;
      if (update.inviteId !== undefined) {
        const joined = members.length - state.members.length;
        const link = state.inviteLinks.find((l) => l.inviteId === update.inviteId);
        // Where two admins let people in at once, the one ordered second finds the link revoked or used up.
        if (!link || link.revoked || (link.maxUses > 0 && link.uses + joined > link.maxUses)) return { ok: false, reason: 'invalid' };
        inviteLinks = withLink(state, update.inviteId, (l) => ({ ...l, uses: l.uses + joined }))!;
      }
      return { ok: true, state: { ...state, members, inviteLinks, revision, active: state.active || members.includes(me) } };
    }
    case 'member_removed': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const removed = normalizeUsername(update.member);
      if (!state.members.includes(removed) || removed === actor) return { ok: false, reason: 'invalid' };
      const members = state.members.filter((m) => m !== removed);
      const admins = withAdmins(members, state.admins.filter((a) => a !== removed));
      return { ok: true, state: { ...state, members, admins, revision, keyEpoch: revision, active: state.active && removed !== me } };
    }
    case 'member_left': {
      const members = state.members.filter((m) => m !== actor);
      const admins = withAdmins(members, state.admins.filter((a) => a !== actor));
      return { ok: true, state: { ...state, members, admins, revision, keyEpoch: revision, active: state.active && actor !== me } };
    }
    case 'admin_added': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const member = normalizeUsername(update.member);
      if (!state.members.includes(member) || state.admins.includes(member)) return { ok: false, reason: 'invalid' };
      return { ok: true, state: { ...state, admins: sorted([...state.admins, member]), revision } };
    }
    case 'invite_created': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const { link } = update;
      if (link.expiresAt <= link.createdAt || state.inviteLinks.some((l) => l.inviteId === link.inviteId)) return { ok: false, reason: 'invalid' };
      // Links that had expired when this one was made go (every member drops the same ones: the time is the change's).
      const kept = state.inviteLinks.filter((l) => l.expiresAt > link.createdAt);
      if (kept.length >= MAX_GROUP_INVITE_LINKS) return { ok: false, reason: 'invalid' };
      const created: InviteLinkRecord = { ...link, admin: actor, uses: 0, revoked: false, declined: [] };
      return { ok: true, state: { ...state, inviteLinks: [...kept, created], revision } };
    }
    case 'invite_revoked': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const inviteLinks = withLink(state, update.inviteId, (link) => ({ ...link, revoked: true }));
      return inviteLinks ? { ok: true, state: { ...state, inviteLinks, revision } } : { ok: false, reason: 'invalid' };
    }
    case 'join_declined': {
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      const member = normalizeUsername(update.member);
      const inviteLinks = withLink(state, update.inviteId, (link) => ({
        ...link,
        declined: [...link.declined.filter((d) => d !== member), member].slice(-MAX_PENDING_JOIN_REQUESTS),
      }));
      return inviteLinks ? { ok: true, state: { ...state, inviteLinks, revision } } : { ok: false, reason: 'invalid' };
    }
    case 'approval_changed':
      if (!isAdmin) return { ok: false, reason: 'not_group_admin' };
      return { ok: true, state: { ...state, approveNewMembers: update.approveNewMembers, revision } };
  }
}

/** The links with `inviteId`'s changed by `edit`; undefined when the group has no such link. */
function withLink(state: GroupState, inviteId: string, edit: (link: InviteLinkRecord) => InviteLinkRecord): InviteLinkRecord[] | undefined {
  if (!state.inviteLinks.some((l) => l.inviteId === inviteId)) return undefined;
  return state.inviteLinks.map((l) => (l.inviteId === inviteId ? edit(l) : l));
}

/**
 * The tie-break between changes of one revision: a hash of the group, revision, author and message id, so every
 * member orders them alike and no one can tell in advance which of two concurrent changes comes first.
 */
export function changeOrder(groupId: string, revision: number, actor: string, messageId: string): string {
  return createHash('sha256').update(`parley group change\u0000${groupId}\u0000${revision}\u0000${actor}\u0000${messageId}`).digest('hex');
}

function byOrder(a: LoggedChange, b: LoggedChange): number {
  return a.revision - b.revision || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);
}

/**
 * `base` with `changes` applied in the one order. A change that does not apply where it stands is skipped but kept
 * (a change that arrives later may come before it). Beyond MAX_LOGGED_CHANGES the oldest go into the base, for good.
 */
function fold(groupId: string, createdAt: number, base: GroupBase, changes: readonly LoggedChange[], me: string) {
  const ordered = [...changes].sort(byOrder);
  const overflow = Math.max(0, ordered.length - MAX_LOGGED_CHANGES);
  let state: GroupState = { groupId, createdAt, ...base };
  let kept = base;
  const refused = new Map<string, GroupRuleFailure>();
  ordered.forEach((change, index) => {
    const result = applyTo(state, change.actor, change.update, change.revision, me);
    if (result.ok) state = result.state;
    else refused.set(change.order, result.reason);
    if (index === overflow - 1) kept = { ...toBase(state), revision: change.revision };
  });
  const log = { base: kept, changes: ordered.slice(overflow) };
  // The highest revision known, applied or not: the next change goes after every one of them.
  const revision = Math.max(kept.revision, ...log.changes.map((c) => c.revision));
  return { state: { ...state, revision, log }, refused };
}

/**
 * `current` with `change` in its place in the order; refused when it is known, too old, or does not apply there.
 * One that does not apply is still kept when its author is or was a member (in the base or added since): whether it
 * applies depends on the changes around it, and every member must keep the same ones. Anyone else's goes.
 */
function withChange(current: GroupState, change: LoggedChange, me: string): RuleResult {
  const log = current.log ?? { base: toBase(current), changes: [] };
  if (change.revision <= log.base.revision || log.changes.some((c) => c.order === change.order)) return { ok: false, reason: 'stale' };
  const folded = fold(current.groupId, current.createdAt, log.base, [...log.changes, change], me);
  const { refused } = folded;
  const state = current.admittedBy === undefined ? folded.state : { ...folded.state, admittedBy: current.admittedBy };
  const reason = refused.get(change.order);
  if (!reason) {
    const undone = undoneAdmissions(current, state, refused, me);
    return undone.length === 0 ? { ok: true, state } : { ok: true, state, undone };
  }
  return change.update.kind !== 'created' && wasMember(log, change.actor) ? { ok: false, reason, state } : { ok: false, reason };
}

/**
 * People `me` let in through an invite link (a `members_added` naming it) who were members before this fold and
 * are not after it, because that admission is now skipped: a concurrent one ordered before it took the link's
 * last use. Every other member's copy never had them; their own copy came from this user's snapshot.
 */
function undoneAdmissions(before: GroupState, after: GroupState, refused: ReadonlyMap<string, GroupRuleFailure>, me: string): string[] {
  const skipped = (after.log?.changes ?? []).flatMap((c) =>
    c.actor === me && c.update.kind === 'members_added' && c.update.inviteId !== undefined && refused.has(c.order) ? c.update.members.map(normalizeUsername) : [],
  );
  return [...new Set(skipped)].filter((user) => before.members.includes(user) && !after.members.includes(user));
}

function wasMember(log: ChangeLog, user: string): boolean {
  return log.base.members.includes(user) || log.changes.some((c) => c.update.kind === 'members_added' && c.update.members.map(normalizeUsername).includes(user));
}

/** A change this user makes (sent as message `messageId`): the new state and the update to tell the others. */
export function localChange(state: GroupState, me: string, update: GroupUpdate, messageId: string): RuleResult {
  if (!state.active) return { ok: false, reason: 'not_group_member' };
  const actor = normalizeUsername(me);
  const revision = state.revision + 1;
  const result = withChange(state, { messageId, order: changeOrder(state.groupId, revision, actor, messageId), revision, actor, update }, actor);
  // Made after every change this device knows: it applies now or is not made at all.
  return result.ok ? result : { ok: false, reason: result.reason };
}

/** A change as it arrived: its author (the authenticated sender of the pairwise message) and its message. */
export interface ReceivedChange {
  groupId: string;
  sender: string;
  messageId: string;
  update: GroupUpdate;
  snapshot: GroupSnapshot;
}

/**
 * An update received from a member, put in its place in the order. For a group this device does not know yet, the
 * sender's snapshot is taken as it is, but only if it makes this user a member and the sender an admin of it (the
 * group was created with us in it, or we were added).
 */
export function receivedChange(current: GroupState | undefined, received: ReceivedChange, me: string, now: number): RuleResult {
  const { groupId, sender, update, snapshot } = received;
  const actor = normalizeUsername(sender);
  const self = normalizeUsername(me);
  if (normalizeUsername(update.by) !== actor) return { ok: false, reason: 'invalid' };
  const members = sorted(snapshot.members);
  const admins = sorted(snapshot.admins).filter((a) => members.includes(a));
  const joins = update.kind === 'created' || (update.kind === 'members_added' && update.members.map(normalizeUsername).includes(self));
  if (!current || (!current.active && joins)) {
    if (current && snapshot.revision <= current.revision) return { ok: false, reason: 'stale' };
    if (!joins || !members.includes(self) || !admins.includes(actor)) return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      state: {
        groupId,
        name: snapshot.name,
        members,
        admins,
        createdBy: normalizeUsername(snapshot.createdBy),
        revision: snapshot.revision,
        keyEpoch: snapshot.revision,
        active: true,
        createdAt: current?.createdAt ?? now,
        inviteLinks: snapshot.inviteLinks,
        approveNewMembers: snapshot.approveNewMembers,
        ...(update.kind === 'members_added' && update.inviteId !== undefined ? { admittedBy: actor } : {}),
      },
    };
  }
  const revision = snapshot.revision;
  return withChange(current, { messageId: received.messageId, order: changeOrder(groupId, revision, actor, received.messageId), revision, actor, update }, self);
}
