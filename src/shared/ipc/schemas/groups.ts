// Groups as the renderer sees them. Name, members and admins exist only inside encrypted control messages;
// the relay never learns them.
import { z } from 'zod';
import { Username } from '../../protocol/fields';

/** 16 random bytes, base64url without padding. */
export const GroupId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a group id');
export const GroupName = z
  .string()
  .trim()
  .min(1, 'Group name is empty')
  .max(100, 'Group names are at most 100 characters');

/** Most members a group may have, the creator included. */
export const MAX_GROUP_MEMBERS = 1000;

/** An invite link's id: 16 random bytes, base64url without padding. */
export const InviteId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an invite id');
/** Most people one link may let in (0: no limit). */
export const MAX_INVITE_USES = 1000;

/** An invite link's terms as the group's state carries them to every member (never its token). */
export const InviteLinkTerms = z.strictObject({
  inviteId: InviteId,
  /** The admin's device that signed the token. */
  device: z.number().int().min(1).max(0xffff_ffff),
  createdAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().positive(),
  maxUses: z.number().int().min(0).max(MAX_INVITE_USES),
  approval: z.boolean(),
});
export type InviteLinkTerms = z.infer<typeof InviteLinkTerms>;

export const GroupView = z.strictObject({
  groupId: GroupId,
  name: GroupName,
  members: z.array(Username).max(MAX_GROUP_MEMBERS),
  admins: z.array(Username).max(MAX_GROUP_MEMBERS),
  createdBy: Username,
  /** This device's user has left or was removed: history stays, sending is impossible. */
  active: z.boolean(),
  /** An admin lets in each person who asks with an invite link (the group's setting, every link follows it). */
  approveNewMembers: z.boolean(),
});
export type GroupView = z.infer<typeof GroupView>;

export const GroupUpdate = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('created'), by: Username, name: GroupName, members: z.array(Username) }),
  z.strictObject({ kind: z.literal('renamed'), by: Username, name: GroupName }),
  /** `inviteId`: an admin let them in with that invite link. */
  z.strictObject({ kind: z.literal('members_added'), by: Username, members: z.array(Username).min(1), inviteId: InviteId.optional() }),
  z.strictObject({ kind: z.literal('member_removed'), by: Username, member: Username }),
  z.strictObject({ kind: z.literal('member_left'), by: Username }),
  z.strictObject({ kind: z.literal('admin_added'), by: Username, member: Username }),
  z.strictObject({ kind: z.literal('invite_created'), by: Username, link: InviteLinkTerms }),
  z.strictObject({ kind: z.literal('invite_revoked'), by: Username, inviteId: InviteId }),
  z.strictObject({ kind: z.literal('join_declined'), by: Username, inviteId: InviteId, member: Username }),
  z.strictObject({ kind: z.literal('approval_changed'), by: Username, approveNewMembers: z.boolean() }),
]);
export type GroupUpdate = z.infer<typeof GroupUpdate>;

/** `update`: the change that did it; absent when the group changed on this device alone (an admission undone). */
export const GroupChanged = z.strictObject({ group: GroupView, update: GroupUpdate.optional() });
export type GroupChanged = z.infer<typeof GroupChanged>;
