// Read sync (issue 15): this user read messages on another of their devices, which says so with a read receipt of
// its own (main turns a SyncMessage.read into one, docs/protocol.md). Here the conversation's read position moves past
// the newest of those messages, so its unread count clears too, and the read receipts up to there count as sent:
// the device that read them sent them, and this one must not send them again.
import Dexie from 'dexie';
import type { ParleyDatabase } from './database';
import { markReadUpTo } from './conversations';

export async function applyReadElsewhere(db: ParleyDatabase, conversationId: string, messageIds: readonly string[], me: string): Promise<void> {
  const ranges = messageIds.map((messageId) => [
    [conversationId, messageId, Dexie.minKey],
    [conversationId, messageId, Dexie.maxKey],
  ] as const);
  // History brought from the primary sits at negative seqs: any seq counts, not only positive ones.
  let upToSeq = -Infinity;
  // Keys only: the rows are sealed at rest, and the sender and seq are all this needs.
  await db.messages
    .where('[conversationId+messageId+sender]')
    .inAnyRange(ranges)
    .eachKey((key, cursor) => {
      const sender = (key as [string, string, string])[2];
      if (sender !== me) upToSeq = Math.max(upToSeq, cursor.primaryKey as number);
    });
  if (upToSeq === -Infinity) return;
  await markReadUpTo(db, conversationId, upToSeq);
  await db.conversations
    .where('id')
    .equals(conversationId)
    .modify((row) => {
      if (upToSeq > (row.readReceiptsSentUpTo ?? 0)) row.readReceiptsSentUpTo = upToSeq;
    });
}
