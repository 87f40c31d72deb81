// Disappearing messages in IndexedDB: setting a conversation's timer (a system row, and the change queued for the
// others), and purging what has expired — in small transactions with a pause between them, so thousands of expired
// messages never hold the database or the UI for long. A purged message is deleted, and the snippets that quote it
// are emptied (db/actions.ts).
import { ulid } from 'ulid';
import type { ParleyDatabase } from './database';
import { forgetQuotesOf } from './actions';
import { clearFieldsUpTo } from './atRest/clearFields';
import { noteFileDeletions } from './fileDeletions';
import type { MessageRow, StoredMessage } from './rows';

/** Rows deleted per transaction. */
export const PURGE_BATCH = 200;

/** Sets the timer for new messages in this conversation and tells the others (in the conversation's order). */
export async function setExpiryTimer(db: ParleyDatabase, conversationId: string, me: string, seconds: number, now = Date.now()): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, db.conversations, async () => {
    const conversation = await db.conversations.get(conversationId);
    if (!conversation || (conversation.expireTimerSeconds ?? 0) === seconds) return;
    const messageId = ulid(now);
    const row: MessageRow = { conversationId, messageId, sender: me, direction: 'system', body: '', timestamp: now, timer: { seconds } };
    const seq = await db.messages.add(row);
    await db.conversations.update(conversationId, { expireTimerSeconds: seconds, expireTimerSetAt: now, lastActivityAt: Math.max(now, conversation.lastActivityAt) });
    await db.outbox.add({ conversationId, messageId, messageSeq: seq, attempts: 0, nextAttemptAt: now, action: { kind: 'expiry_timer', seconds } });
  });
}

/** When the next message disappears (epoch ms), or undefined when none is timed. */
export async function nextExpiry(db: ParleyDatabase): Promise<number | undefined> {
  const first = await db.messages.orderBy('expiresAt').first();
  return first?.expiresAt;
}

/**
 * Deletes every message whose time has come, PURGE_BATCH per transaction, pausing between batches so the UI gets
 * frames. Only the ids of expired rows are read, never their content: the at-rest sealing keeps the purge's fields
 * in clear (atRest/clearFields.ts), so nothing is decrypted to be deleted. With each message go its blind-index
 * terms (they live on the row), queued sends, the receipts kept for it, and the snippets of replies quoting it;
 * each batch's messages are noted, in its transaction, for main to delete their files (fileDeletions.ts: whether a
 * message has files is sealed, so every one is named). Returns how many were deleted.
 */
export async function purgeExpired(db: ParleyDatabase, now = Date.now(), pause: () => Promise<void> = pauseForAFrame): Promise<number> {
  let purged = 0;
  for (;;) {
    const expired = (await clearFieldsUpTo(db, 'messages', 'expiresAt', now, PURGE_BATCH)) as ExpiredKeys[];
    if (expired.length === 0) return purged;
    const count = await db.transaction('rw', [db.messages, db.outbox, db.receipts, db.fileDeletions], async () => {
      await db.messages.bulkDelete(expired.map((message) => message.seq));
      await db.outbox.where('messageId').anyOf(expired.map((message) => message.messageId)).delete();
      await db.receipts.where('[conversationId+messageId]').anyOf(expired.map((message) => [message.conversationId, message.messageId])).delete();
      const byConversation = new Map<string, string[]>();
      for (const message of expired) byConversation.set(message.conversationId, [...(byConversation.get(message.conversationId) ?? []), message.messageId]);
      for (const [conversationId, ids] of byConversation) await forgetQuotesOf(db, conversationId, ids);
      await noteFileDeletions(
        db,
        expired.map(({ conversationId, messageId, sender }) => ({ conversationId, messageId, sender })),
      );
      return expired.length;
    });
    purged += count;
    if (count < PURGE_BATCH) return purged;
    await pause();
  }
}

/** What the purge reads of an expired row: fields the at-rest sealing keeps in clear. */
type ExpiredKeys = Pick<StoredMessage, 'seq' | 'conversationId' | 'messageId' | 'sender'>;

/** Long enough for the browser to paint a frame between two batches. */
export const PURGE_PAUSE_MS = 16;

function pauseForAFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PURGE_PAUSE_MS));
}
