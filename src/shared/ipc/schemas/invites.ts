// Group invite links as the renderer sees them: an admin's links (with their QR code drawn from `link`), the
// preview a joiner is shown before asking, and the answers a join request can get. Tokens are made, read and
// checked in main; the renderer only passes them along.
import { z } from 'zod';
import { Username } from '../../protocol/fields';
import { GroupId, GroupName, InviteId, MAX_INVITE_USES } from './groups';
import { InviteLinkToken } from './links';

/** Longest an invite may stay valid: 30 days. */
export const MAX_INVITE_HOURS = 30 * 24;
/** Join requests one link holds while they wait for an admin. */
export const MAX_PENDING_JOIN_REQUESTS = 100;

export const CreateInviteRequest = z.strictObject({
  groupId: GroupId,
  expiresInHours: z.number().int().min(1).max(MAX_INVITE_HOURS),
  /** 0: any number of people. */
  maxUses: z.number().int().min(0).max(MAX_INVITE_USES),
});

export const InviteView = z.strictObject({
  inviteId: InviteId,
  groupId: GroupId,
  /** The admin who made it (any admin's device lists it, answers for it and may revoke it). */
  admin: Username,
  /** parley://join/<token>: what the QR code holds. Only on the device that made the link: the group never carries it. */
  link: z.string().max(1100).optional(),
  expiresAt: z.number().int(),
  maxUses: z.number().int().min(0).max(MAX_INVITE_USES),
  uses: z.number().int().min(0),
  revoked: z.boolean(),
  /** People waiting here for an admin to let them in. */
  requests: z.array(Username).max(MAX_PENDING_JOIN_REQUESTS),
});
export type InviteView = z.infer<typeof InviteView>;

/** What the join dialog shows, read from the token before anything is sent. */
export const InvitePreview = z.strictObject({
  groupId: GroupId,
  groupName: GroupName,
  inviter: Username,
  expiresAt: z.number().int(),
  approval: z.boolean(),
  /** This device's user is already in the group. */
  alreadyMember: z.boolean(),
});
export type InvitePreview = z.infer<typeof InvitePreview>;

export const JoinRequest = z.strictObject({ token: InviteLinkToken });

/** The admin's device's answer to a join request (joining itself arrives as the group's members_added). */
export const JOIN_OUTCOMES = ['pending_approval', 'declined', 'expired', 'revoked', 'used_up', 'invalid', 'already_member'] as const;
export const JoinOutcome = z.enum(JOIN_OUTCOMES);
export type JoinOutcome = z.infer<typeof JoinOutcome>;

/** `admissionUndone`: `inviter` had let this user in, but every member skipped it (the link's last use went to another). */
export const JoinAnswered = z.strictObject({ groupId: GroupId, inviter: Username, outcome: JoinOutcome, admissionUndone: z.literal(true).optional() });
export type JoinAnswered = z.infer<typeof JoinAnswered>;

/** A join request this device sent that is not settled yet (kept in main across restarts). */
export const PendingJoinView = z.strictObject({
  groupId: GroupId,
  groupName: GroupName,
  inviter: Username,
  /** The link's expiry: the request is forgotten then. */
  expiresAt: z.number().int(),
  askedAt: z.number().int(),
  approval: z.boolean(),
  /** The admin's device answered that an admin lets each person in: waiting for one. */
  waiting: z.boolean(),
});
export type PendingJoinView = z.infer<typeof PendingJoinView>;
/** Unsettled join requests one device keeps (the oldest goes beyond it). */
export const MAX_PENDING_JOINS = 50;

export const AnswerJoinRequest = z.strictObject({ groupId: GroupId, inviteId: InviteId, user: Username, approve: z.boolean() });
