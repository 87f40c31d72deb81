// Which chat is open, at which message, and what the chat list is filtered by. History itself is in Dexie (useLiveQuery).
import { create } from 'zustand';

/** A message to show in the open chat (a search hit); `nonce` makes the same message a new request. */
export interface ChatFocus {
  conversationId: string;
  seq: number;
  nonce: number;
}

interface ChatsStore {
  selected: string | null;
  focus: ChatFocus | null;
  search: string;
  select(conversationId: string | null): void;
  /** Opens the chat with its history at this message. */
  openAt(conversationId: string, seq: number): void;
  setSearch(search: string): void;
}

let nonce = 0;

export const useChats = create<ChatsStore>((set) => ({
  selected: null,
  focus: null,
  search: '',
  select(selected) {
    set({ selected, focus: null });
  },
  openAt(conversationId, seq) {
    nonce += 1;
    set({ selected: conversationId, focus: { conversationId, seq, nonce } });
  },
  setSearch(search) {
    set({ search });
  },
}));
