// The groups of a history archive, taken into this device's group store: only groups it does not know yet (one it
// knows came live from the group itself and is at least as new). A group is active here only if the archive says
// this user is still a member; its sender keys are made and exchanged as for any member (docs/security.md §18).
import { normalizeUsername } from '../../../shared/protocol';
import type { GroupStore } from '../groups/GroupStore';
import type { ArchiveGroup } from './archiveCodec';

export async function adoptGroups(store: GroupStore, groups: readonly ArchiveGroup[], me: string, now: number): Promise<number> {
  let adopted = 0;
  const self = normalizeUsername(me);
  for (const { groupId, snapshot, active } of groups) {
    await store.exclusive(groupId, async () => {
      if (store.get(groupId)) return;
      const members = [...new Set(snapshot.members.map(normalizeUsername))].sort();
      await store.save({
        groupId,
        name: snapshot.name,
        members,
        admins: [...new Set(snapshot.admins.map(normalizeUsername))].filter((admin) => members.includes(admin)).sort(),
        createdBy: normalizeUsername(snapshot.createdBy),
        revision: snapshot.revision,
        keyEpoch: snapshot.revision,
        active: active && members.includes(self),
        createdAt: now,
        inviteLinks: snapshot.inviteLinks,
        approveNewMembers: snapshot.approveNewMembers,
      });
      adopted++;
    });
  }
  return adopted;
}
