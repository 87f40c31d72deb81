// Which chat is open and what the chat list is filtered by. History itself is in Dexie (useLiveQuery).
import { create } from 'zustand';

interface ChatsStore {
  selected: string | null;
  search: string;
  select(conversationId: string | null): void;
  setSearch(search: string): void;
}

export const useChats = create<ChatsStore>((set) => ({
  selected: null,
  search: '',
  select(selected) {
    set({ selected });
  },
  setSearch(search) {
    set({ search });
  },
}));
