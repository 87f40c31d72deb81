// Groups as main reports them (name, members, admins, whether this user is still in), following groups.changed.
import { create } from 'zustand';
import type { GroupView } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface GroupsStore {
  groups: Record<string, GroupView>;
  load(): Promise<GroupView[]>;
  /** Follows groups.changed; returns the unsubscribe function. */
  follow(onChange?: (group: GroupView) => void): () => void;
  create(name: string, members: string[]): Promise<GroupView>;
  rename(groupId: string, name: string): Promise<GroupView>;
  addMembers(groupId: string, members: string[]): Promise<GroupView>;
  removeMember(groupId: string, member: string): Promise<GroupView>;
  makeAdmin(groupId: string, member: string): Promise<GroupView>;
  setApproval(groupId: string, approveNewMembers: boolean): Promise<GroupView>;
  leave(groupId: string): Promise<GroupView>;
}

export const useGroups = create<GroupsStore>((set) => {
  const put = (group: GroupView) => {
    set((state) => ({ groups: { ...state.groups, [group.groupId]: group } }));
    return group;
  };
  return {
    groups: {},
    async load() {
      const list = await invoke('groups.list', {});
      set({ groups: Object.fromEntries(list.map((group) => [group.groupId, group])) });
      return list;
    },
    follow(onChange) {
      return subscribe('groups.changed', ({ group }) => {
        put(group);
        onChange?.(group);
      });
    },
    async create(name, members) {
      return put(await invoke('groups.create', { name, members }));
    },
    async rename(groupId, name) {
      return put(await invoke('groups.rename', { groupId, name }));
    },
    async addMembers(groupId, members) {
      return put(await invoke('groups.addMembers', { groupId, members }));
    },
    async removeMember(groupId, member) {
      return put(await invoke('groups.removeMember', { groupId, member }));
    },
    async makeAdmin(groupId, member) {
      return put(await invoke('groups.makeAdmin', { groupId, member }));
    },
    async setApproval(groupId, approveNewMembers) {
      return put(await invoke('groups.setApproval', { groupId, approveNewMembers }));
    },
    async leave(groupId) {
      return put(await invoke('groups.leave', { groupId }));
    },
  };
});
