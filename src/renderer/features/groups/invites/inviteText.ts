// The words for invite links: what a link allows, and what an admin's device answered a join request. Pure, so
// the dialogs stay free of wording and the wording is tested.
import type { InviteView, JoinOutcome, PendingJoinView } from '../../../../shared/ipc';

export const EXPIRY_CHOICES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 7 * 24, label: '7 days' },
  { hours: 30 * 24, label: '30 days' },
] as const;

export const USE_CHOICES = [
  { uses: 0, label: 'Any number of people' },
  { uses: 1, label: '1 person' },
  { uses: 5, label: '5 people' },
  { uses: 25, label: '25 people' },
] as const;

/** "Expires in 3 hours", "Expires Tue 14:05", "Expired". */
export function expiryText(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  if (left <= 0) return 'Expired';
  const minutes = Math.ceil(left / 60_000);
  if (minutes < 60) return `Expires in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours <= 24) return `Expires in ${hours} hour${hours === 1 ? '' : 's'}`;
  const at = new Date(expiresAt);
  return `Expires ${at.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}`;
}

/** One line under a link: expiry and uses. */
export function inviteSummary(invite: InviteView, now: number): string {
  const uses = invite.maxUses === 0 ? `${invite.uses} joined` : `${invite.uses} of ${invite.maxUses} joined`;
  return [expiryText(invite.expiresAt, now), uses].join(' · ');
}

/** A link another device made: every admin may revoke it and answer for it, only that device can show it. */
export function madeElsewhereText(admin: string): string {
  return `Made on ${admin}’s device, the only one that can show this link.`;
}

/** A link still lets people in (or ask): not revoked, not expired, not used up. */
export function isLive(invite: InviteView, now: number): boolean {
  return !invite.revoked && invite.expiresAt > now && (invite.maxUses === 0 || invite.uses < invite.maxUses);
}

export function outcomeText(outcome: JoinOutcome): { text: string; final: boolean } {
  switch (outcome) {
    case 'pending_approval':
      return { text: `Asked. You will join as soon as an admin lets you in; the group’s admins can see your request.`, final: false };
    case 'declined':
      return { text: 'An admin of the group declined your request.', final: true };
    case 'expired':
      return { text: 'This invite link has expired. Ask an admin of the group for a new one.', final: true };
    case 'revoked':
      return { text: 'This invite link was revoked. Ask an admin of the group for a new one.', final: true };
    case 'used_up':
      return { text: 'This invite link has been used as many times as it allows. Ask an admin of the group for a new one.', final: true };
    case 'invalid':
      return { text: 'The group’s admins do not know this invite link. Ask for a new one.', final: true };
    case 'already_member':
      return { text: 'The group’s admins say you are already in this group.', final: true };
  }
}

/** The chat's line when an admission through a link was undone (db/systemNotes.ts). */
export function admissionUndoneLine(admin: string): string {
  return `${admin} let you in, but someone else took the invite link’s last place at the same moment, so you are not in this group. Ask an admin for a new link.`;
}

/** A join request sent and not settled: asked, or told to wait for an admin. */
export function pendingJoinText(join: Pick<PendingJoinView, 'groupName' | 'inviter' | 'waiting'>): string {
  return join.waiting
    ? `Waiting for an admin to let you into “${join.groupName}” (asked ${join.inviter}).`
    : `Asked the admins of “${join.groupName}” to let you in (link from ${join.inviter})…`;
}
