// The one definition of a group's state in the core. Everything else is a projection of it: the vault record
// (GroupStore, pending broadcasts), the renderer's view (toView → the IPC GroupView), and the snapshot that travels
// in group updates (toSnapshot → end-to-end content, docs/protocol.md). Pure data; the rules live in groupRules.ts.
import { z } from 'zod';
import { GroupId, GroupName, GroupUpdate, InviteLinkTerms, MAX_GROUP_MEMBERS, MAX_INVITE_USES, MAX_PENDING_JOIN_REQUESTS, type GroupView } from '../../../shared/ipc';
import { MessageId, Username } from '../../../shared/protocol';

const Members = z.array(Username).max(MAX_GROUP_MEMBERS);

/** Invite links one group keeps (a link that expired goes when a newer one is made). */
export const MAX_GROUP_INVITE_LINKS = 32;

/** An invite link as every member's copy of the group holds it (docs/security.md, "Group invites"). */
export const InviteLinkRecord = InviteLinkTerms.extend({
  /** The admin who made it; `device` is the device that signed its token. */
  admin: Username,
  /** People let in with it (each members_added naming it counts). */
  uses: z.number().int().min(0).max(MAX_GROUP_MEMBERS * MAX_INVITE_USES),
  revoked: z.boolean(),
  /** People an admin turned down through it, latest last. */
  declined: z.array(Username).max(MAX_PENDING_JOIN_REQUESTS),
});
export type InviteLinkRecord = z.infer<typeof InviteLinkRecord>;

/** Recent changes each member keeps, so one that arrives late still takes its place in the order (groupRules.ts). */
export const MAX_LOGGED_CHANGES = 64;

/** A change as the log keeps it: ordered by (revision, order), the same for every member. */
export const LoggedChange = z.strictObject({
  messageId: MessageId,
  /** SHA-256 of the group, revision, author and message id (hex): breaks ties between changes of one revision. */
  order: z.string().regex(/^[0-9a-f]{64}$/),
  revision: z.number().int().positive(),
  actor: Username,
  update: GroupUpdate,
});
export type LoggedChange = z.infer<typeof LoggedChange>;

/** The state's fields that changes change (the rest never do). */
const GroupFields = {
  name: GroupName,
  /** Normalized usernames, sorted, this device's user included while a member. */
  members: Members,
  admins: Members,
  createdBy: Username,
  /** Orders changes (a Lamport clock): a change takes the highest revision its author knew, plus one. */
  revision: z.number().int().nonnegative(),
  /** Revision of the last removal or departure: sender keys made before it must be rotated. */
  keyEpoch: z.number().int().nonnegative(),
  /** This user is a member (not left, not removed). */
  active: z.boolean(),
  /** The group's invite links (records stored before links were shared have none). */
  inviteLinks: z.array(InviteLinkRecord).max(MAX_GROUP_INVITE_LINKS).default([]),
  /** An admin lets in each person who asks with a link (every link follows it). */
  approveNewMembers: z.boolean().default(false),
};
export const GroupBase = z.strictObject(GroupFields);
export type GroupBase = z.infer<typeof GroupBase>;

/** The state is `base` with `changes` applied in order (records stored before the log have none: base = state). */
export const ChangeLog = z.strictObject({
  base: GroupBase,
  changes: z.array(LoggedChange).max(MAX_LOGGED_CHANGES),
});
export type ChangeLog = z.infer<typeof ChangeLog>;

/** The schema of the state, as the vault stores it. */
export const GroupRecord = z.strictObject({
  groupId: GroupId,
  ...GroupFields,
  createdAt: z.number().int(),
  log: ChangeLog.optional(),
  /** The admin who let this user in through an invite link: only they can say the admission did not count. */
  admittedBy: Username.optional(),
});

type Mutable = z.infer<typeof GroupRecord>;
export type GroupState = Readonly<Omit<Mutable, 'members' | 'admins' | 'inviteLinks' | 'log'>> & {
  readonly members: readonly string[];
  readonly admins: readonly string[];
  readonly inviteLinks: readonly InviteLinkRecord[];
  readonly log?: ChangeLog;
};

/** The part of the state a group update carries to the other members (what they cannot work out themselves). */
export const GroupSnapshotRecord = GroupRecord.pick({ name: true, members: true, admins: true, createdBy: true, revision: true, inviteLinks: true, approveNewMembers: true }).extend({
  members: Members.min(1),
});
export type GroupSnapshot = z.infer<typeof GroupSnapshotRecord>;

export function toView(state: GroupState): GroupView {
  return {
    groupId: state.groupId,
    name: state.name,
    members: [...state.members],
    admins: [...state.admins],
    createdBy: state.createdBy,
    active: state.active,
    approveNewMembers: state.approveNewMembers,
  };
}

export function toSnapshot(state: GroupState): GroupSnapshot {
  return {
    name: state.name,
    members: [...state.members],
    admins: [...state.admins],
    createdBy: state.createdBy,
    revision: state.revision,
    inviteLinks: state.inviteLinks.map(copyLink),
    approveNewMembers: state.approveNewMembers,
  };
}

/** The fields changes change, as a change log's base. */
export function toBase(state: GroupState): GroupBase {
  return { ...toSnapshot(state), keyEpoch: state.keyEpoch, active: state.active };
}

/** The state as a plain record for the vault (copies the lists, so a stored record never aliases live state). */
export function toRecord(state: GroupState): Mutable {
  const { log, ...rest } = state;
  const copy = { ...rest, members: [...state.members], admins: [...state.admins], inviteLinks: state.inviteLinks.map(copyLink) };
  return log ? { ...copy, log: structuredClone(log) } : copy;
}

function copyLink(link: InviteLinkRecord): InviteLinkRecord {
  return { ...link, declined: [...link.declined] };
}
