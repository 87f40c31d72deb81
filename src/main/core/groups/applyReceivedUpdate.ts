// Applies a group update received from a member to the stored group, under the group's lock, checking it against
// the state as it is now (only admins rename, add, remove; updates apply once, in revision order). Idempotent:
// applying it again (after a crash, from the inbox) changes nothing. When this user was removed, its own sender
// key goes, so it can never send on it again.
import type { GroupUpdate } from '../../../shared/ipc';
import type { MessagingContext } from '../messaging/context';
import type { GroupSnapshot, GroupState } from './group';
import { receivedChange } from './groupRules';

export async function applyReceivedUpdate(
  ctx: MessagingContext,
  sender: string,
  groupId: string,
  update: GroupUpdate,
  snapshot: GroupSnapshot,
): Promise<GroupState | undefined> {
  return ctx.groups.exclusive(groupId, async () => {
    const current = ctx.groups.get(groupId);
    const change = receivedChange(current, groupId, sender, update, snapshot, ctx.me.user, ctx.now());
    if (!change.ok) {
      // 'stale' is the normal answer when this update was applied before (a restart re-applies pending ones).
      if (change.reason !== 'stale') ctx.logger.info('group.update_rejected', { reason: change.reason, kind: update.kind });
      return undefined;
    }
    if (!change.state.active) await ctx.senderKeys.deleteOwn(groupId);
    await ctx.groups.save(change.state);
    return change.state;
  });
}
