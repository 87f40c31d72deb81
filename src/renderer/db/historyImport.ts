// The new device stores the history its primary sent along, one batch per transaction. Imported messages get
// negative seqs, fixed by their place in the archive (message i of n gets i − n): they sort before everything this
// device received itself, count as read (every read position is ≥ 0), owe no receipts, and a batch stored again
// after an interruption lands on the same rows — nothing is imported twice. How far the import got is kept in
// `meta` in the same transaction, so a restart goes on from there. The search index takes them up in the background.
// What was unread on the primary stays unread: the chat's read position goes back to just before its first unread
// imported message (unless this device already read something of that chat itself), and so do its read receipts'
// position — reading them here sends read receipts (and a read sync to the primary), and starts their timers. An
// unread group message naming this user marks the chat with '@' as it would have on arrival (mentions as the
// primary showed them: the body in the archive is the edited one, a deleted one has none). What arrived live for a
// message before its batch (a reaction, edit or delete, an unsent notice; kept by db/earlyActions.ts) is applied once
// the message is stored.
import { mentionsUser } from '../../shared/conversations/mentions';
import type { AttachmentView, HistoryConversation, HistoryImportBatch, HistoryMessage } from '../../shared/ipc';
import { conversationKind } from './conversations';
import type { ParleyDatabase } from './database';
import { tombstoneMarks, type ConversationRow, type MessageRow } from './rows';
import { queueForIndexing } from './search/indexQueue';
import { applyReceivedAction } from './actions';
import { takeEarlyActions, type EarlyUnsent } from './earlyActions';
import { FAILED_ON_OTHER_DEVICE, applyUnsentNotice } from './unsentElsewhere';

export const HISTORY_IMPORT_POSITION = 'history.importedUpTo';

export interface ImportPosition {
  /** Messages of the archive stored so far. */
  offset: number;
  total: number;
}

export async function importPosition(db: ParleyDatabase): Promise<ImportPosition | null> {
  return ((await db.meta.get(HISTORY_IMPORT_POSITION))?.value as ImportPosition | undefined) ?? null;
}

export async function forgetImportPosition(db: ParleyDatabase): Promise<void> {
  await db.meta.delete(HISTORY_IMPORT_POSITION);
}

/** Stores the batch that starts at `offset` of an archive of `total` messages. */
export async function storeHistoryBatch(db: ParleyDatabase, batch: HistoryImportBatch, offset: number, total: number, me: string): Promise<void> {
  const files = new Map(batch.attachments.map((attachment) => [attachment.id, attachment]));
  await db.transaction('rw', [db.conversations, db.messages, db.meta, db.earlyActions, db.fileDeletions, db.indexQueue, db.indexRemovals], async () => {
    for (const conversation of batch.conversations) {
      if (!(await db.conversations.get(conversation.id))) await db.conversations.add(toConversationRow(conversation));
    }
    // Messages this device holds already under another seq (it received them itself) stay as they are.
    const keyOf = (m: { conversationId: string; messageId: string; sender: string }) => JSON.stringify([m.conversationId, m.messageId, m.sender]);
    const held = await db.messages
      .where('[conversationId+messageId+sender]')
      .anyOf(batch.messages.map((m) => [m.conversationId, m.messageId, m.sender]))
      .toArray();
    const heldAt = new Map(held.map((row) => [keyOf(row), row.seq]));
    const rows: MessageRow[] = [];
    const unindexed: number[] = [];
    const firstUnread = new Map<string, number>();
    const newestMention = new Map<string, number>();
    for (const [index, message] of batch.messages.entries()) {
      const seq = offset + index - total;
      const existing = heldAt.get(keyOf(message));
      if (existing !== undefined && existing !== seq) continue;
      rows.push(toMessageRow(message, seq, files));
      if (message.body) unindexed.push(seq);
      if (message.unread && message.direction === 'in' && !firstUnread.has(message.conversationId)) firstUnread.set(message.conversationId, seq);
      if (message.unread && isUnreadMention(message, me)) newestMention.set(message.conversationId, seq);
    }
    await db.messages.bulkPut(rows);
    await queueForIndexing(db, unindexed);
    for (const [conversationId, seq] of firstUnread) await keepUnreadFrom(db, conversationId, seq);
    for (const [conversationId, seq] of newestMention) await markMention(db, conversationId, seq);
    // What came live, from this user's other devices or from others, for these rows before they were here.
    const now = Date.now();
    for (const kept of await takeEarlyActions(db, rows.map(({ conversationId, messageId }) => ({ conversationId, messageId, receivedAt: now })))) {
      if (kept.content.kind === 'unsent') await applyUnsentNotice(db, kept as EarlyUnsent, me, false);
      else await applyReceivedAction(db, kept);
    }
    await db.meta.put({ key: HISTORY_IMPORT_POSITION, value: { offset: offset + batch.messages.length, total } satisfies ImportPosition });
  });
}

/** The chat's imported messages from `seq` on were unread on the primary: unread here too (see the header). */
async function keepUnreadFrom(db: ParleyDatabase, conversationId: string, seq: number): Promise<void> {
  await db.conversations
    .where('id')
    .equals(conversationId)
    .modify((row) => {
      // Read here already (a positive position): the user has seen that chat on this device; leave it.
      if (row.lastReadSeq > 0 || row.lastReadSeq <= seq - 1) return;
      row.lastReadSeq = seq - 1;
      row.readReceiptsSentUpTo = Math.min(row.readReceiptsSentUpTo ?? 0, seq - 1);
    });
}

function isUnreadMention(message: HistoryMessage, me: string): boolean {
  return message.direction === 'in' && !message.deleted && conversationKind(message.conversationId) === 'group' && mentionsUser(message.body, me);
}

/** An unread message at `seq` names this user: the chat's '@' mark, unless it is read here already or marks a newer one. */
async function markMention(db: ParleyDatabase, conversationId: string, seq: number): Promise<void> {
  await db.conversations
    .where('id')
    .equals(conversationId)
    .modify((row) => {
      if (seq <= row.lastReadSeq || seq <= (row.lastMentionSeq ?? -Infinity)) return;
      row.lastMentionSeq = seq;
    });
}

function toConversationRow(conversation: HistoryConversation): ConversationRow {
  return {
    id: conversation.id,
    kind: conversationKind(conversation.id),
    title: conversation.title,
    lastActivityAt: conversation.lastActivityAt,
    lastReadSeq: 0,
    createdAt: conversation.createdAt,
    ...(conversation.mutedUntil !== undefined ? { mutedUntil: conversation.mutedUntil } : {}),
    ...(conversation.expireTimerSeconds ? { expireTimerSeconds: conversation.expireTimerSeconds } : {}),
    ...(conversation.pinnedAt !== undefined ? { pinnedAt: conversation.pinnedAt } : {}),
    ...(conversation.archived ? { archived: true as const } : {}),
  };
}

function toMessageRow(message: HistoryMessage, seq: number, files: ReadonlyMap<string, AttachmentView>): MessageRow & { seq: number } {
  const attachments = (message.attachments ?? []).flatMap((id) => files.get(id) ?? []);
  return {
    seq,
    conversationId: message.conversationId,
    messageId: message.messageId,
    sender: message.sender,
    direction: message.direction,
    body: message.body,
    timestamp: message.timestamp,
    ...(message.status !== undefined ? { status: message.status } : {}),
    // It failed on the device that wrote it, which retries it if the user asks there (see unsentElsewhere).
    ...(message.status === 'failed' ? { failure: FAILED_ON_OTHER_DEVICE } : {}),
    ...(message.sentAt !== undefined ? { sentAt: message.sentAt } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(message.quote ? { quote: message.quote, quotedId: message.quote.messageId } : {}),
    ...(message.editedAt !== undefined ? { editedAt: message.editedAt } : {}),
    ...(message.deleted ? tombstoneMarks(message.direction) : {}),
    ...(message.reactions ? { reactions: Object.fromEntries(message.reactions.map((r) => [r.user, { emoji: r.emoji, at: r.at }])) } : {}),
    ...(message.expireTimerSeconds !== undefined ? { expireTimerSeconds: message.expireTimerSeconds } : {}),
    ...(message.expiresAt !== undefined ? { expiresAt: message.expiresAt } : {}),
    ...(message.update ? { update: message.update } : {}),
    ...(message.timer ? { timer: message.timer } : {}),
    ...(message.linkedDevice !== undefined ? { linkedDevice: message.linkedDevice } : {}),
    ...(message.direction === 'in' ? { receivedAt: message.timestamp } : {}),
  };
}
