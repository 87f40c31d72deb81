// Applies a group update received from a member to the stored group, under the group's lock, checking it in its
// place in the order of changes (only admins rename, add, remove; changes apply once). Idempotent:
// applying it again (after a crash, from the inbox) changes nothing. When this user was removed, its own sender
// key goes, so it can never send on it again. When the change makes everyone skip a link admission this user made
// (another admin took the last use), the people it let in are queued to be told.
import type { MessagingContext } from '../messaging/context';
import type { GroupState } from './group';
import { receivedChange, type ReceivedChange } from './groupRules';

export async function applyReceivedUpdate(ctx: MessagingContext, received: ReceivedChange): Promise<GroupState | undefined> {
  return ctx.groups.exclusive(received.groupId, async () => {
    const current = ctx.groups.get(received.groupId);
    const change = receivedChange(current, received, ctx.me.user, ctx.now());
    if (!change.ok) {
      // 'stale' is the normal answer when this update was applied before (a restart re-applies pending ones).
      if (change.reason !== 'stale') ctx.logger.info('group.update_rejected', { reason: change.reason, kind: received.update.kind });
      // Kept in the order without effect now: the group as members see it is unchanged.
      if (change.state) await ctx.groups.save(change.state);
      return undefined;
    }
    if (!change.state.active) await ctx.senderKeys.deleteOwn(received.groupId);
    // Stored before the state: after a crash in between, applying the update again finds them again.
    const undone = (change.undone ?? []).map((joiner) => ({ joiner, groupId: received.groupId }));
    if (undone.length > 0) await ctx.undoneAdmissions.add(undone);
    await ctx.groups.save(change.state);
    if (undone.length > 0) {
      ctx.logger.info('group.admissions_undone', { count: undone.length });
      ctx.joinWorkQueued();
    }
    return change.state;
  });
}
