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

export const GroupView = z.strictObject({
  groupId: GroupId,
  name: GroupName,
  members: z.array(Username).max(MAX_GROUP_MEMBERS),
  admins: z.array(Username).max(MAX_GROUP_MEMBERS),
  createdBy: Username,
  /** This device's user has left or was removed: history stays, sending is impossible. */
  active: z.boolean(),
});
export type GroupView = z.infer<typeof GroupView>;

export const GroupUpdate = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('created'), by: Username, name: GroupName, members: z.array(Username) }),
  z.strictObject({ kind: z.literal('renamed'), by: Username, name: GroupName }),
  z.strictObject({ kind: z.literal('members_added'), by: Username, members: z.array(Username).min(1) }),
  z.strictObject({ kind: z.literal('member_removed'), by: Username, member: Username }),
  z.strictObject({ kind: z.literal('member_left'), by: Username }),
]);
export type GroupUpdate = z.infer<typeof GroupUpdate>;

export const GroupChanged = z.strictObject({ group: GroupView, update: GroupUpdate });
export type GroupChanged = z.infer<typeof GroupChanged>;
