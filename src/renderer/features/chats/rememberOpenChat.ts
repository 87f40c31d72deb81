// Reopens the chat that was open when the app last closed, for one account on this computer. Which chat is open
// is not secret enough to need the vault (the chat list shows it too) and is kept in localStorage beside the
// theme. A chat that no longer exists is not reopened, and a chat chosen before this runs (a deep link) wins.
import type { ParleyDatabase } from '../../db/database';
import { useChats } from '../../store/chats';

const openChatKey = (username: string) => `parley.openChat.${username}`;

export function rememberOpenChat(db: ParleyDatabase, username: string, background: (event: string, work: Promise<unknown>) => void): () => void {
  let stopped = false;
  const saved = localStorage.getItem(openChatKey(username));
  if (saved) {
    background(
      'chats.reopen_failed',
      db.conversations.get(saved).then((conversation) => {
        if (!stopped && conversation && useChats.getState().selected === null) useChats.getState().select(saved);
      }),
    );
  }
  const unsubscribe = useChats.subscribe((state, previous) => {
    if (stopped || state.selected === previous.selected) return;
    if (state.selected === null) localStorage.removeItem(openChatKey(username));
    else localStorage.setItem(openChatKey(username), state.selected);
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
