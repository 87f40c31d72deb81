// The chat list's and the chat picker's search: by name, case- and accent-insensitive. A 1:1 chat is found by its
// title (the username) and by the display name its person shared (store/profiles.ts). Order (by activity) comes
// from Dexie.
import { dmPeer, type ChatSummary } from '../../db/conversations';

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** `displayName`: the name a person shared in their profile, if any. */
export function filterChats(chats: readonly ChatSummary[], query: string, displayName: (username: string) => string | undefined = () => undefined): ChatSummary[] {
  const needle = fold(query.trim());
  if (!needle) return [...chats];
  return chats.filter(({ conversation }) => {
    if (fold(conversation.title).includes(needle)) return true;
    const peer = conversation.kind === 'dm' ? dmPeer(conversation.id) : null;
    const name = peer === null ? undefined : displayName(peer);
    return name !== undefined && fold(name).includes(needle);
  });
}
