// What a group is and how it changes (pure). The state travels only inside encrypted control messages; every
// member applies each update to its own copy and checks it there: only admins rename, add or remove, anyone may
// leave, updates apply once and in revision order. A member removal or departure starts a new key epoch, which
// makes every remaining member rotate its sender key before it sends again. Invite links are group state too: only
// admins make, revoke or answer through them, and every member counts their uses the same way.
import type { GroupUpdate } from '../../../shared/ipc';
import { MAX_GROUP_MEMBERS, MAX_PENDING_JOIN_REQUESTS } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import { MAX_GROUP_INVITE_LINKS, type GroupSnapshot, type GroupState, type InviteLinkRecord } from './group';

export type GroupRuleFailure = 'not_group_member' | 'not_group_admin' | 'stale' | 'invalid';

export type RuleResult = { ok: true; state: GroupState } | { ok: false; reason: GroupRuleFailure };

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
        const links = withLink(state, update.inviteId, (link) => ({ ...link, uses: link.uses + joined }));
        if (!links) return { ok: false, reason: 'invalid' };
        inviteLinks = links;
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

/** A change this user makes: the new state and the update to tell the others. */
export function localChange(state: GroupState, me: string, update: GroupUpdate): RuleResult {
  if (!state.active) return { ok: false, reason: 'not_group_member' };
  return applyTo(state, normalizeUsername(me), update, state.revision + 1, normalizeUsername(me));
}

/**
 * An update received from `sender` (the authenticated sender of the pairwise message). For a group this device does
 * not know yet, the sender's snapshot is taken as it is, but only if it makes this user a member and the sender an
 * admin of it (the group was created with us in it, or we were added).
 */
export function receivedChange(
  current: GroupState | undefined,
  groupId: string,
  sender: string,
  update: GroupUpdate,
  snapshot: GroupSnapshot,
  me: string,
  now: number,
): RuleResult {
  const actor = normalizeUsername(sender);
  const self = normalizeUsername(me);
  if (normalizeUsername(update.by) !== actor) return { ok: false, reason: 'invalid' };
  const members = sorted(snapshot.members);
  const admins = sorted(snapshot.admins).filter((a) => members.includes(a));
  if (!current || (!current.active && (update.kind === 'members_added' || update.kind === 'created'))) {
    if (current && snapshot.revision <= current.revision) return { ok: false, reason: 'stale' };
    const joins = update.kind === 'created' || (update.kind === 'members_added' && update.members.map(normalizeUsername).includes(self));
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
      },
    };
  }
  if (snapshot.revision <= current.revision) return { ok: false, reason: 'stale' };
  return applyTo(current, actor, update, snapshot.revision, self);
}
