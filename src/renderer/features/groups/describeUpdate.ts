// A group change as a sentence for the history ("alice added carol"), with "You" for this user.
import type { GroupUpdate } from '../../../shared/ipc';

function name(user: string, me: string, capital = false): string {
  if (user !== me) return user;
  return capital ? 'You' : 'you';
}

function list(users: readonly string[], me: string): string {
  const names = users.map((user) => name(user, me));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function describeUpdate(update: GroupUpdate, me: string): string {
  const by = name(update.by, me, true);
  switch (update.kind) {
    case 'created': {
      const others = update.members.filter((member) => member !== update.by);
      return `${by} created the group “${update.name}”${others.length > 0 ? ` with ${list(others, me)}` : ''}`;
    }
    case 'renamed':
      return `${by} renamed the group to “${update.name}”`;
    case 'members_added':
      return update.inviteId ? `${by} let ${list(update.members, me)} in with an invite link` : `${by} added ${list(update.members, me)}`;
    case 'member_removed':
      return `${by} removed ${name(update.member, me)}`;
    case 'member_left':
      return `${by} left the group`;
    case 'admin_added':
      return `${by} made ${name(update.member, me)} an admin`;
    case 'invite_created':
      return `${by} made an invite link`;
    case 'invite_revoked':
      return `${by} revoked an invite link`;
    case 'join_declined':
      return `${by} turned down ${name(update.member, me)}’s request to join`;
    case 'approval_changed':
      return update.approveNewMembers ? `${by} made admins approve new members` : `${by} let new members join without approval`;
  }
}
