// What the admin's device does with a join request (pure): refuse a forged token or one it has no record of,
// refuse a revoked, expired or used-up link, answer someone already in the group, hold the request for an admin
// on an approval link, or add the joiner. The signature is checked by the caller (it needs the crypto provider).
import type { JoinOutcome } from '../../../../shared/ipc';
import { MAX_PENDING_JOIN_REQUESTS } from '../../../../shared/ipc';
import { normalizeUsername, type Address } from '../../../../shared/protocol';
import type { GroupState } from '../group';
import type { InviteTerms } from './inviteToken';
import type { InviteRecord } from './InviteStore';

export type JoinDecision =
  /** Add the joiner now and count a use. */
  | { kind: 'add' }
  /** Keep the request for an admin to approve or decline. */
  | { kind: 'ask_admin' }
  /** Change nothing; tell the joiner. */
  | { kind: 'answer'; outcome: JoinOutcome };

export interface JoinRequestFacts {
  /** The token as the joiner sent it, and what it says. */
  token: string;
  terms: InviteTerms;
  /** The token's signature verifies with this device's identity key. */
  signatureValid: boolean;
  /** This device's record of the invite the token names. */
  record: InviteRecord | undefined;
  /** The group as this device knows it now. */
  group: GroupState | undefined;
  me: Address;
  /** The authenticated sender of the request. */
  joiner: string;
  now: number;
}

export function decideJoin(facts: JoinRequestFacts): JoinDecision {
  const { terms, record, group, me, now } = facts;
  const joiner = normalizeUsername(facts.joiner);
  const ours = terms.inviter === me.user && terms.inviterDevice === me.device;
  if (!facts.signatureValid || !ours || !record || record.token !== facts.token || record.groupId !== terms.groupId) {
    return answer('invalid');
  }
  // A link works only while the admin who made it is still an admin of the group.
  if (!group || !group.active || !group.admins.includes(me.user)) return answer('revoked');
  if (group.members.includes(joiner)) return answer('already_member');
  if (record.revoked) return answer('revoked');
  if (now >= record.expiresAt) return answer('expired');
  // Counted but not yet added (the device stopped in between): let them in, without counting again.
  if (record.joined.includes(joiner)) return { kind: 'add' };
  if (record.maxUses > 0 && record.uses >= record.maxUses) return answer('used_up');
  if (!record.approval) return { kind: 'add' };
  if (record.requests.includes(joiner)) return answer('pending_approval');
  if (record.requests.length >= MAX_PENDING_JOIN_REQUESTS) return answer('used_up');
  return { kind: 'ask_admin' };
}

function answer(outcome: JoinOutcome): JoinDecision {
  return { kind: 'answer', outcome };
}
