// What a group is and how it changes (pure). The state travels only inside encrypted control messages; every
// member applies each update to its own copy and checks it there: only admins rename, add or remove, anyone may
// leave, updates apply once and in revision order. A member removal or departure starts a new key epoch, which
// makes every remaining member rotate its sender key before it sends again.
import type { GroupUpdate } from '../../../shared/ipc';
import { MAX_GROUP_MEMBERS } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import type { GroupSnapshot, GroupState } from './group';

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
      return { ok: true, state: { ...state, members, revision, active: state.active || members.includes(me) } };
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
  }
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
      },
    };
  }
  if (snapshot.revision <= current.revision) return { ok: false, reason: 'stale' };
  return applyTo(current, actor, update, snapshot.revision, self);
}
