// The one definition of a group's state in the core. Everything else is a projection of it: the vault record
// (GroupStore, pending broadcasts), the renderer's view (toView → the IPC GroupView), and the snapshot that travels
// in group updates (toSnapshot → end-to-end content, docs/protocol.md). Pure data; the rules live in groupRules.ts.
import { z } from 'zod';
import { GroupId, GroupName, InviteLinkTerms, MAX_GROUP_MEMBERS, MAX_INVITE_USES, MAX_PENDING_JOIN_REQUESTS, type GroupView } from '../../../shared/ipc';
import { Username } from '../../../shared/protocol';

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

/** The schema of the state, as the vault stores it. */
export const GroupRecord = z.strictObject({
  groupId: GroupId,
  name: GroupName,
  /** Normalized usernames, sorted, this device's user included while a member. */
  members: Members,
  admins: Members,
  createdBy: Username,
  /** Orders changes: every member applies each change once, in revision order. */
  revision: z.number().int().nonnegative(),
  /** Revision of the last removal or departure: sender keys made before it must be rotated. */
  keyEpoch: z.number().int().nonnegative(),
  /** This user is a member (not left, not removed). */
  active: z.boolean(),
  createdAt: z.number().int(),
  /** The group's invite links (records stored before links were shared have none). */
  inviteLinks: z.array(InviteLinkRecord).max(MAX_GROUP_INVITE_LINKS).default([]),
  /** An admin lets in each person who asks with a link (every link follows it). */
  approveNewMembers: z.boolean().default(false),
});

type Mutable = z.infer<typeof GroupRecord>;
export type GroupState = Readonly<Omit<Mutable, 'members' | 'admins' | 'inviteLinks'>> & {
  readonly members: readonly string[];
  readonly admins: readonly string[];
  readonly inviteLinks: readonly InviteLinkRecord[];
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

/** The state as a plain record for the vault (copies the lists, so a stored record never aliases live state). */
export function toRecord(state: GroupState): Mutable {
  return { ...state, members: [...state.members], admins: [...state.admins], inviteLinks: state.inviteLinks.map(copyLink) };
}

function copyLink(link: InviteLinkRecord): InviteLinkRecord {
  return { ...link, declined: [...link.declined] };
}
