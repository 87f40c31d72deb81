// What an admin's device does with a join request (pure). The link is the group's copy of it (every admin's device
// has the same): refuse a forged token or one the group has no link for, refuse a revoked, expired or used-up link
// or someone an admin turned down through it, answer someone already in the group, or keep the request for an admin
// (where the group's "approve new members" setting is on — every link follows it — every admin's device keeps it
// and any admin answers). With the setting off the device that signed the link adds the joiner; the other admins' devices keep the request, so an admin can still let them in when that
// device is gone. A device whose user is not an admin of the group stays silent. A request another admin's device
// handed on (to an admin the token does not name) is taken only from an admin and only kept, never answered: the
// admins the token names answer the joiner. The signature is checked by the caller (with the signing device's key).
import type { JoinOutcome } from '../../../../shared/ipc';
import { MAX_PENDING_JOIN_REQUESTS } from '../../../../shared/ipc';
import { normalizeUsername, type Address } from '../../../../shared/protocol';
import type { GroupState, InviteLinkRecord } from '../group';
import type { InviteTerms } from './inviteToken';

export type JoinDecision =
  /** Add the joiner now (a use of the link). */
  | { kind: 'add' }
  /** Keep the request for an admin to approve or decline; `tell`: answer the joiner that they wait. */
  | { kind: 'hold'; tell: boolean }
  /** Change nothing; tell the joiner. */
  | { kind: 'answer'; outcome: JoinOutcome }
  /** Not this device's to answer (its user is no admin of the group, or it already holds the request). */
  | { kind: 'ignore' };

export interface JoinRequestFacts {
  /** What the token says. */
  terms: InviteTerms;
  /** The token's signature verifies with the identity key of the device it names. */
  signatureValid: boolean;
  /** The group as this device knows it now. */
  group: GroupState | undefined;
  me: Address;
  /** The authenticated sender of the request. */
  joiner: string;
  now: number;
  /** The people whose requests on this link this device keeps already. */
  held: readonly string[];
  /** The admin whose device handed the request on (the authenticated sender), when it did not come from the joiner. */
  forwardedBy?: string;
}

export function decideJoin(facts: JoinRequestFacts): JoinDecision {
  if (facts.forwardedBy === undefined) return decideAsked(facts);
  if (!facts.group?.admins.includes(normalizeUsername(facts.forwardedBy))) return { kind: 'ignore' };
  const decision = decideAsked(facts);
  return decision.kind === 'hold' ? { kind: 'hold', tell: false } : { kind: 'ignore' };
}

function decideAsked(facts: JoinRequestFacts): JoinDecision {
  const { terms, group, me, now } = facts;
  const joiner = normalizeUsername(facts.joiner);
  if (!group || !group.active || !group.admins.includes(me.user) || group.groupId !== terms.groupId) return { kind: 'ignore' };
  const link = group.inviteLinks.find((l) => l.inviteId === terms.inviteId);
  if (!facts.signatureValid || !link || !matches(link, terms)) return answer('invalid');
  // A link works only while the admin who made it is still an admin of the group.
  if (!group.admins.includes(link.admin)) return answer('revoked');
  if (group.members.includes(joiner)) return answer('already_member');
  if (link.revoked) return answer('revoked');
  if (now >= link.expiresAt) return answer('expired');
  if (link.maxUses > 0 && link.uses >= link.maxUses) return answer('used_up');
  if (link.declined.includes(joiner)) return answer('declined');
  const signer = link.admin === me.user && link.device === me.device;
  const approval = group.approveNewMembers;
  if (!approval && signer) return { kind: 'add' };
  if (facts.held.includes(joiner)) return approval ? answer('pending_approval') : { kind: 'ignore' };
  if (facts.held.length >= MAX_PENDING_JOIN_REQUESTS) return answer('used_up');
  return { kind: 'hold', tell: approval };
}

/** The token says what the group's copy of the link says (the group's copy is the one that counts). */
function matches(link: InviteLinkRecord, terms: InviteTerms): boolean {
  return (
    link.admin === terms.inviter &&
    link.device === terms.inviterDevice &&
    link.expiresAt === terms.expiresAt &&
    link.maxUses === terms.maxUses &&
    link.approval === terms.approval
  );
}

function answer(outcome: JoinOutcome): JoinDecision {
  return { kind: 'answer', outcome };
}
