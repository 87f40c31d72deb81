// v11 → v12: tombstones of incoming messages get `deletedIncoming` (rows.ts), which the v12 index makes countable, so
// the unread count leaves them out. Only unread ones matter (a count never reaches back past the read position, which
// only moves forward), so only each chat's incoming rows after its read position are opened; older tombstones keep no
// mark. Atomic, like every upgrade.
import Dexie, { type Transaction } from 'dexie';
import type { ConversationRow, MessageRow } from './rows';

export async function markUnreadTombstones(tx: Transaction): Promise<void> {
  const messages = tx.table<MessageRow, number>('messages');
  for (const { id, lastReadSeq } of (await tx.table<ConversationRow, string>('conversations').toArray())) {
    await messages
      .where('[conversationId+direction+seq]')
      .between([id, 'in', lastReadSeq], [id, 'in', Dexie.maxKey], false, true)
      .filter((row) => row.deleted === true)
      .modify((row) => {
        row.deletedIncoming = 1;
      });
  }
}
