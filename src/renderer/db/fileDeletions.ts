// Files of deleted and expired messages, until main has deleted them (docs/security.md §17). Whatever deletes a
// message row — delete for me, for everyone, a received delete, an early one, the purge of expired messages — notes
// the message here in the same transaction, so a crash between deleting the row and telling main never leaves the
// encrypted files and their keys behind: sync/FileDeletionWorker.ts hands what is noted to main (which may be told
// twice) and only then removes the note. One row per transaction, however many messages it names.
import type { GoneMessage } from '../../shared/ipc';
import type { ParleyDatabase } from './database';
import type { MessageRow } from './rows';

export interface FileDeletionRow {
  id?: number;
  messages: GoneMessage[];
}

/** Notes messages whose files main must delete; call it inside the transaction that deletes them. */
export async function noteFileDeletions(db: ParleyDatabase, messages: readonly GoneMessage[]): Promise<void> {
  if (messages.length > 0) await db.fileDeletions.add({ messages: [...messages] });
}

/** What main needs to find a deleted message's files: the message, and the ids its row names (unsent files). */
export function goneMessageOf(row: MessageRow): GoneMessage | undefined {
  const files = row.attachments?.map((attachment) => attachment.id) ?? [];
  if (files.length === 0) return undefined;
  return { conversationId: row.conversationId, messageId: row.messageId, sender: row.sender, files };
}
