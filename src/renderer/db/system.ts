// System rows in a group's history ("alice added carol") for changes this user made; changes by others arrive
// as group_update messages and are stored by storeReceived.
import { ulid } from 'ulid';
import type { GroupUpdate } from '../../shared/ipc';
import type { ParleyDatabase } from './database';

export async function addSystemRow(db: ParleyDatabase, conversationId: string, update: GroupUpdate, now = Date.now()): Promise<number> {
  return db.transaction('rw', db.messages, db.conversations, async () => {
    const seq = await db.messages.add({
      conversationId,
      messageId: ulid(now),
      sender: update.by,
      direction: 'system',
      body: '',
      timestamp: now,
      update,
    });
    await db.conversations
      .where('id')
      .equals(conversationId)
      .modify((row) => {
        if (now > row.lastActivityAt) row.lastActivityAt = now;
        // Own changes are read by definition.
        row.lastReadSeq = Math.max(row.lastReadSeq, seq);
      });
    return seq;
  });
}
