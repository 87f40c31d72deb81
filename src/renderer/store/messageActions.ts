// What the open chat's composer is doing with an existing message — replying to it or editing it — and which message
// the list should bring into view (a quote was clicked). Per conversation, so switching chats keeps each one's state.
import { create } from 'zustand';
import type { StoredMessage } from '../db/rows';

export type ComposerMode = { kind: 'reply'; message: StoredMessage } | { kind: 'edit'; message: StoredMessage };

/** A request to show a message: `serial` makes a second click on the same quote jump again. */
export interface JumpRequest {
  conversationId: string;
  messageId: string;
  author: string;
  serial: number;
}

interface MessageActionsStore {
  modes: Record<string, ComposerMode>;
  jump: JumpRequest | null;
  reply(message: StoredMessage): void;
  edit(message: StoredMessage): void;
  cancel(conversationId: string): void;
  jumpTo(conversationId: string, messageId: string, author: string): void;
}

export const useMessageActions = create<MessageActionsStore>((set) => ({
  modes: {},
  jump: null,
  reply(message) {
    set((state) => ({ modes: { ...state.modes, [message.conversationId]: { kind: 'reply', message } } }));
  },
  edit(message) {
    set((state) => ({ modes: { ...state.modes, [message.conversationId]: { kind: 'edit', message } } }));
  },
  cancel(conversationId) {
    set((state) => {
      const { [conversationId]: _removed, ...rest } = state.modes;
      return { modes: rest };
    });
  },
  jumpTo(conversationId, messageId, author) {
    set((state) => ({ jump: { conversationId, messageId, author, serial: (state.jump?.serial ?? 0) + 1 } }));
  },
}));
