// Unsent text per chat, so switching chats never loses what the user was writing. The session writes it to the
// account's database as it changes (features/composer/keepDrafts.ts), so a restart does not lose it either.
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
