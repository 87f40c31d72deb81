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
      await deleteRows(db, expired.map((message) => message.seq));
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

/**
 * Deletes these message rows with one request per run of neighbouring rows: expired messages are mostly neighbours
 * (a chat's messages expire in the order they were read or sent), and a delete request per row was most of a purge
 * batch's main-thread time (IndexedDB takes each request from the page's thread). The rows between the first and the
 * last are read as keys only to find the runs; when the rows are scattered, it is one request per row after all.
 */
async function deleteRows(db: ParleyDatabase, seqs: readonly number[]): Promise<void> {
  const wanted = new Set(seqs);
  const sorted = [...wanted].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  const between = (await db.messages
    .where(':id')
    .between(sorted[0]!, sorted[sorted.length - 1]!, true, true)
    .limit(sorted.length * 2 + 1)
    .primaryKeys()) as number[];
  let runStart: number | undefined;
  let runEnd = 0;
  const runs: [number, number][] = [];
  for (const seq of between) {
    if (wanted.has(seq)) {
      runStart ??= seq;
      runEnd = seq;
    } else if (runStart !== undefined) {
      runs.push([runStart, runEnd]);
      runStart = undefined;
    }
  }
  if (runStart !== undefined) runs.push([runStart, runEnd]);
  if (between.length > sorted.length * 2 || runs.length * 2 > sorted.length) {
    await db.messages.bulkDelete(sorted);
    return;
  }
  for (const [first, last] of runs) await db.messages.where(':id').between(first, last, true, true).delete();
}

/** What the purge reads of an expired row: fields the at-rest sealing keeps in clear. */
type ExpiredKeys = Pick<StoredMessage, 'seq' | 'conversationId' | 'messageId' | 'sender'>;

/** Long enough for the browser to paint a frame between two batches. */
export const PURGE_PAUSE_MS = 16;

function pauseForAFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PURGE_PAUSE_MS));
}
