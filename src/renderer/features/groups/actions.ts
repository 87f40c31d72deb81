// Group actions: main does the work (encrypted control messages to the members) and also hands this device the
// change's line in the history ("You added carol") as a group_update from this user, through messages.received
// like any other message (durable until committed). Here only the conversation follows, so it opens at once.
import type { GroupView } from '../../../shared/ipc';
import { GroupName, MAX_GROUP_MEMBERS } from '../../../shared/ipc';
import { USERNAME_PATTERN } from '../../../shared/protocol/fields';
import { ensureConversation, groupConversationId, setConversationTitle } from '../../db/conversations';
import { InputError } from '../../errors';
import { useChats } from '../../store/chats';
import { useGroups } from '../../store/groups';
import { requireSession } from '../../store/session';

/** Usernames from free text: separated by commas, spaces or new lines, "@" allowed, duplicates dropped. */
export function parseMembers(text: string, me: string): string[] {
  const names = text
    .split(/[\s,;]+/)
    .map((name) => name.replace(/^@/, '').trim())
    .filter(Boolean);
  const invalid = names.find((name) => !USERNAME_PATTERN.test(name));
  if (invalid) throw new InputError('invalid_username', `“${invalid}” is not a valid username.`);
  return [...new Set(names.map((name) => name.toLowerCase()))].filter((name) => name !== me);
}

export function checkGroupName(name: string): string {
  const parsed = GroupName.safeParse(name);
  if (!parsed.success) throw new InputError('invalid_group_name', parsed.error.issues[0]?.message ?? 'That name cannot be used.');
  return parsed.data;
}

async function follow(group: GroupView): Promise<void> {
  const { db } = requireSession();
  const conversationId = groupConversationId(group.groupId);
  await ensureConversation(db, conversationId, group.name, Date.now());
  await setConversationTitle(db, conversationId, group.name);
}

export async function createGroup(name: string, members: string[]): Promise<GroupView> {
  const groupName = checkGroupName(name);
  if (members.length === 0) throw new InputError('no_members', 'Add at least one member.');
  if (members.length > MAX_GROUP_MEMBERS - 1) throw new InputError('no_members', `A group has at most ${MAX_GROUP_MEMBERS} members.`);
  const group = await useGroups.getState().create(groupName, members);
  await follow(group);
  useChats.getState().select(groupConversationId(group.groupId));
  return group;
}

export async function renameGroup(groupId: string, name: string): Promise<void> {
  const group = await useGroups.getState().rename(groupId, checkGroupName(name));
  await follow(group);
}

export async function addMembers(groupId: string, members: string[]): Promise<void> {
  if (members.length === 0) throw new InputError('no_members', 'Type at least one username to add.');
  const group = await useGroups.getState().addMembers(groupId, members);
  await follow(group);
}

export async function removeMember(groupId: string, member: string): Promise<void> {
  const group = await useGroups.getState().removeMember(groupId, member);
  await follow(group);
}

export async function makeAdmin(groupId: string, member: string): Promise<void> {
  const group = await useGroups.getState().makeAdmin(groupId, member);
  await follow(group);
}

export async function leaveGroup(groupId: string): Promise<void> {
  const group = await useGroups.getState().leave(groupId);
  await follow(group);
}
