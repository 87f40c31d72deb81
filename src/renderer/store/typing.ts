// Who is typing where: transient state from typing notices, never stored, each entry expiring on its own
// (a sender that goes away without saying "stopped" must not type forever).
import { create } from 'zustand';

export const TYPING_EXPIRY_MS = 6_000;

interface TypingStore {
  /** conversationId → username → expiry (epoch ms). */
  typing: Record<string, Record<string, number>>;
  note(conversationId: string, user: string, typing: boolean, now?: number): void;
  /** Drops expired entries (run by the timer that note() sets). */
  expire(now?: number): void;
}

let expiryTimer: ReturnType<typeof setTimeout> | null = null;

export const useTyping = create<TypingStore>((set, get) => ({
  typing: {},
  note(conversationId, user, typing, now = Date.now()) {
    set((state) => {
      const { [user]: _previous, ...others } = state.typing[conversationId] ?? {};
      const users = typing ? { ...others, [user]: now + TYPING_EXPIRY_MS } : others;
      return { typing: { ...state.typing, [conversationId]: users } };
    });
    if (typing) {
      if (expiryTimer) clearTimeout(expiryTimer);
      expiryTimer = setTimeout(() => get().expire(), TYPING_EXPIRY_MS + 50);
    }
  },
  expire(now = Date.now()) {
    const next: Record<string, Record<string, number>> = {};
    let soonest = Infinity;
    for (const [conversationId, users] of Object.entries(get().typing)) {
      const alive = Object.fromEntries(Object.entries(users).filter(([, expiry]) => expiry > now));
      for (const expiry of Object.values(alive)) soonest = Math.min(soonest, expiry);
      if (Object.keys(alive).length > 0) next[conversationId] = alive;
    }
    set({ typing: next });
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = soonest === Infinity ? null : setTimeout(() => get().expire(), soonest - now + 50);
  },
}));

/** Selector: username → expiry for one conversation (a stable reference until it changes). */
export function typingIn(conversationId: string | null) {
  return (state: TypingStore): Record<string, number> | undefined => (conversationId ? state.typing[conversationId] : undefined);
}
