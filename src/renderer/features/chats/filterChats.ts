// The chat list's search: by name, case- and accent-insensitive. Order (by activity) comes from Dexie.
import type { ChatSummary } from '../../db/conversations';

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export function filterChats(chats: readonly ChatSummary[], query: string): ChatSummary[] {
  const needle = fold(query.trim());
  if (!needle) return [...chats];
  return chats.filter((chat) => fold(chat.conversation.title).includes(needle));
}
