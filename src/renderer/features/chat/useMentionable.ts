// Who can be mentioned in a chat: a group's members (lower-cased), or nobody in a one-to-one chat.
import { useMemo } from 'react';
import { groupIdOf } from '../../db/conversations';
import { useGroups } from '../../store/groups';

const NOBODY: readonly string[] = [];

/** The members of the chat's group, as they are now (a one-to-one chat: none). */
export function useGroupMembers(conversationId: string): readonly string[] {
  const groupId = groupIdOf(conversationId);
  return useGroups((state) => (groupId ? state.groups[groupId]?.members : undefined)) ?? NOBODY;
}

/** Whether a lower-cased username is a member of the chat's group. */
export function useMentionable(conversationId: string): (username: string) => boolean {
  const members = useGroupMembers(conversationId);
  return useMemo(() => {
    const known = new Set(members.map((member) => member.toLowerCase()));
    return (username: string) => known.has(username);
  }, [members]);
}
