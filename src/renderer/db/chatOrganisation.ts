// Pinned and archived chats, kept on this device's conversation rows (sealed at rest like the rest of the row):
// pinned chats head the list, archived ones leave it for the Archived list. A new message from someone else takes
// a chat out of the archive unless it is muted (incoming.ts), as people expect from Signal.
import type { ParleyDatabase } from './database';
import type { ConversationRow } from './rows';

/** Pins a chat (at `now`, which orders nothing but records when) or unpins it; pinning takes it out of the archive. */
export async function setPinned(db: ParleyDatabase, conversationId: string, pinned: boolean, now = Date.now()): Promise<void> {
  await db.conversations.update(conversationId, pinned ? { pinnedAt: now, archived: undefined } : { pinnedAt: undefined });
}

/** Archives a chat (which unpins it) or brings it back to the list. */
export async function setArchived(db: ParleyDatabase, conversationId: string, archived: boolean): Promise<void> {
  await db.conversations.update(conversationId, archived ? { archived: true, pinnedAt: undefined } : { archived: undefined });
}

/** The list's order: pinned chats first, each part by newest activity (the order the rows come in is kept). */
export function pinnedFirst<T extends { conversation: ConversationRow }>(chats: readonly T[]): T[] {
  return [...chats.filter((chat) => chat.conversation.pinnedAt !== undefined), ...chats.filter((chat) => chat.conversation.pinnedAt === undefined)];
}
