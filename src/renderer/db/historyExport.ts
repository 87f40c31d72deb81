// The primary's history for a device being linked: read through the app's own (sealed) tables, a chat at a time in
// display order, turned into the contract's history shapes and handed to main in batches (history.addToExport).
// Only what a chat shows goes: files by their local id (main adds their pointers), never a key. Rows main would
// refuse (a notice instead of content, a shape the contract does not allow) are left out, not sent broken. A message
// still in this device's outbox goes as `sending`: this device sends it, and its transcript settles it on the new one.
import Dexie from 'dexie';
import { HistoryMessage, MAX_HISTORY_BATCH, type HistoryConversation } from '../../shared/ipc';
import type { ParleyDatabase } from './database';
import type { ConversationRow, StoredMessage } from './rows';

export interface HistoryBatch {
  conversations: HistoryConversation[];
  messages: HistoryMessage[];
}

/**
 * Sends every chat with messages from `since` on (all chats for null) and those messages, oldest first per chat,
 * in batches of at most MAX_HISTORY_BATCH; reports messages read so far of all there are. Returns messages sent.
 */
export async function exportHistory(
  db: ParleyDatabase,
  since: number | null,
  send: (batch: HistoryBatch) => Promise<void>,
  onProgress: (read: number, total: number) => void = () => undefined,
): Promise<number> {
  const conversations = await db.conversations.toArray();
  const total = await db.messages.count();
  let batch: HistoryBatch = { conversations: [], messages: [] };
  let read = 0;
  let sent = 0;
  const flush = async () => {
    if (batch.conversations.length === 0 && batch.messages.length === 0) return;
    await send(batch);
    sent += batch.messages.length;
    batch = { conversations: [], messages: [] };
  };
  for (const conversation of conversations) {
    let announced = false;
    if (since === null) {
      batch.conversations.push(toHistoryConversation(conversation));
      announced = true;
    }
    let after: number = -Infinity;
    for (;;) {
      const rows = (await db.messages
        .where('[conversationId+seq]')
        .between([conversation.id, after], [conversation.id, Dexie.maxKey], false, true)
        .limit(MAX_HISTORY_BATCH)
        .toArray()) as StoredMessage[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
      read += rows.length;
      for (const row of rows) {
        if (since !== null && row.timestamp < since) continue;
        const message = toHistoryMessage(row, conversation.lastReadSeq);
        if (!message) continue;
        if (!announced) {
          batch.conversations.push(toHistoryConversation(conversation));
          announced = true;
        }
        batch.messages.push(message);
        if (batch.messages.length === MAX_HISTORY_BATCH || batch.conversations.length === MAX_HISTORY_BATCH) await flush();
      }
      onProgress(read, total);
    }
    if (batch.conversations.length === MAX_HISTORY_BATCH) await flush();
  }
  await flush();
  return sent;
}

export function toHistoryConversation(row: ConversationRow): HistoryConversation {
  return {
    id: row.id,
    title: row.title.slice(0, 200),
    createdAt: row.createdAt,
    lastActivityAt: row.lastActivityAt,
    ...(row.mutedUntil !== undefined ? { mutedUntil: row.mutedUntil } : {}),
    ...(row.expireTimerSeconds ? { expireTimerSeconds: row.expireTimerSeconds } : {}),
    ...(row.pinnedAt !== undefined ? { pinnedAt: row.pinnedAt } : {}),
    ...(row.archived ? { archived: true as const } : {}),
  };
}

/**
 * The row as the archive carries it, or null for a row that has no content to carry. An incoming message after the
 * chat's read position (`lastReadSeq`) goes as unread.
 */
export function toHistoryMessage(row: StoredMessage, lastReadSeq: number): HistoryMessage | null {
  if (row.notice !== undefined) return null;
  const message = {
    conversationId: row.conversationId,
    messageId: row.messageId,
    sender: row.sender,
    direction: row.direction,
    body: row.body,
    timestamp: row.timestamp,
    ...(row.direction === 'out' && row.status !== undefined ? { status: row.status === 'queued' ? 'sending' : row.status } : {}),
    ...(row.sentAt !== undefined ? { sentAt: row.sentAt } : {}),
    ...(row.attachments?.length ? { attachments: row.attachments.map((attachment) => attachment.id) } : {}),
    ...(row.quote ? { quote: row.quote } : {}),
    ...(row.editedAt !== undefined ? { editedAt: row.editedAt } : {}),
    ...(row.deleted ? { deleted: true } : {}),
    ...(row.reactions && Object.keys(row.reactions).length > 0
      ? { reactions: Object.entries(row.reactions).map(([user, reaction]) => ({ user, emoji: reaction.emoji, at: reaction.at })) }
      : {}),
    ...(row.expireTimerSeconds ? { expireTimerSeconds: row.expireTimerSeconds } : {}),
    ...(row.expiresAt !== undefined ? { expiresAt: row.expiresAt } : {}),
    ...(row.update ? { update: row.update } : {}),
    ...(row.timer ? { timer: row.timer } : {}),
    ...(row.linkedDevice !== undefined ? { linkedDevice: row.linkedDevice } : {}),
    ...(row.direction === 'in' && row.seq > lastReadSeq ? { unread: true } : {}),
  };
  const parsed = HistoryMessage.safeParse(message);
  return parsed.success ? parsed.data : null;
}
