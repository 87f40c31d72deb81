// Unsent text per chat, so switching chats never loses what the user was writing. Kept in memory for the
// session (drafts are not history; Dexie holds only messages the user sent).
import { create } from 'zustand';

interface DraftsStore {
  drafts: Record<string, string>;
  setDraft(conversationId: string, text: string): void;
  clearDraft(conversationId: string): void;
}

export const useDrafts = create<DraftsStore>((set) => ({
  drafts: {},
  setDraft(conversationId, text) {
    set((state) => ({ drafts: { ...state.drafts, [conversationId]: text } }));
  },
  clearDraft(conversationId) {
    set((state) => {
      const { [conversationId]: _removed, ...rest } = state.drafts;
      return { drafts: rest };
    });
  },
}));
