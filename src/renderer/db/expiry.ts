// Disappearing messages in IndexedDB: setting a conversation's timer (a system row, and the change queued for the
// others), and purging what has expired — in small transactions with a pause between them, so thousands of expired
// messages never hold the database or the UI for long. A purged message is deleted, and the snippets that quote it
// are emptied (db/actions.ts).
import { ulid } from 'ulid';
import type { ParleyDatabase } from './database';
import { forgetQuotesOf } from './actions';
import { clearFieldsUpTo } from './atRest/clearFields';
import { addFileDeletionNote, sealedFileDeletionNote } from './fileDeletions';
import { queueForRemoval } from './search/indexQueue';
import type { MessageRow, StoredMessage } from './rows';

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

/** When the next message disappears (epoch ms), or undefined when none is timed: the index's key, no row opened. */
export async function nextExpiry(db: ParleyDatabase): Promise<number | undefined> {
  const [first] = await db.messages.orderBy('expiresAt').limit(1).keys();
  return first as number | undefined;
}

/**
 * Deletes every message whose time has come, PURGE_BATCH rows per transaction, each batch started only when the
 * page is idle (waitForIdleSlice): what the last commit set off — live queries re-run, the chat re-rendered, the
 * files handed to main — has run by then, and no batch lands on a busy frame. So however many expired, a frame
 * holds at most one bounded batch. Only the ids of expired rows are read, never their content: the at-rest sealing
 * keeps the purge's fields in clear (atRest/clearFields.ts), so nothing is decrypted to be deleted. Each batch queues
 * its messages' removal from the blind search index (one row: search/indexQueue.ts; the indexer takes their postings
 * out soon after, and search never finds a purged message meanwhile); with each message go its queued sends, the receipts kept for it, and the snippets of replies quoting it; each batch's messages are noted, in its transaction, for main to delete their files
 * (fileDeletions.ts: whether a message has files is sealed, so every one is named). Returns how many were deleted.
 */
export async function purgeExpired(db: ParleyDatabase, now = Date.now(), idle: () => Promise<void> = waitForIdleSlice): Promise<number> {
  let purged = 0;
  for (;;) {
    await idle();
    const expired = (await clearFieldsUpTo(db, 'messages', 'expiresAt', now, PURGE_BATCH)) as ExpiredKeys[];
    if (expired.length === 0) return purged;
    await purgeBatch(db, expired);
    purged += expired.length;
    if (expired.length < PURGE_BATCH) return purged;
  }
}

/**
 * Rows deleted per transaction: the bound on the work of each of its tasks. Every commit makes the page's live
 * queries run again (a fixed cost however many rows went), so fewer, fuller batches cost less than many small
 * ones; the note a batch leaves for main stays one media.forgetMessages call (MAX_FORGET_MESSAGES).
 */
export const PURGE_BATCH = 256;
/** The idle time a batch starts in (ms): a batch's own work fits it. */
export const PURGE_SLICE_MS = 10;
/** The longest wait for an idle slice: a page kept busy still sees the purge go on. */
export const PURGE_IDLE_TIMEOUT_MS = 250;

/**
 * Resolves in an idle period with at least PURGE_SLICE_MS left before the next frame, or once
 * PURGE_IDLE_TIMEOUT_MS have gone by without one. V8 also collects garbage in idle periods, so waiting for one
 * leaves the collector room outside frames. Where there is no requestIdleCallback (tests under Node), after a timer.
 */
export function waitForIdleSlice(requestIdle: typeof requestIdleCallback | undefined = globalThis.requestIdleCallback): Promise<void> {
  if (typeof requestIdle !== 'function') return new Promise((resolve) => setTimeout(resolve, 16));
  const givingUpAt = performance.now() + PURGE_IDLE_TIMEOUT_MS;
  return new Promise((resolve) => {
    const onIdle = (deadline: IdleDeadline) => {
      const left = givingUpAt - performance.now();
      if (deadline.didTimeout || left <= 0 || deadline.timeRemaining() >= PURGE_SLICE_MS) resolve();
      else requestIdle(onIdle, { timeout: left });
    };
    requestIdle(onIdle, { timeout: PURGE_IDLE_TIMEOUT_MS });
  });
}

/**
 * One batch in one transaction: the rows, their removal from the search index queued, queued sends, receipts, the quotes of them, and the note for
 * main to delete their files — sealed before the transaction opens, so it waits for no encryption inside.
 */
async function purgeBatch(db: ParleyDatabase, expired: readonly ExpiredKeys[]): Promise<void> {
  const note = await sealedFileDeletionNote(
    db,
    expired.map(({ conversationId, messageId, sender }) => ({ conversationId, messageId, sender })),
  );
  await db.transaction('rw', [db.messages, db.outbox, db.receipts, db.fileDeletions, db.indexRemovals], async () => {
    await deleteRows(db, expired.map((message) => message.seq));
    await queueForRemoval(db, expired);
    await db.outbox.where('messageId').anyOf(expired.map((message) => message.messageId)).delete();
    await db.receipts.where('[conversationId+messageId]').anyOf(expired.map((message) => [message.conversationId, message.messageId])).delete();
    const byConversation = new Map<string, string[]>();
    for (const { conversationId, messageId } of expired) {
      const ids = byConversation.get(conversationId);
      if (ids) ids.push(messageId);
      else byConversation.set(conversationId, [messageId]);
    }
    for (const [conversationId, ids] of byConversation) await forgetQuotesOf(db, conversationId, ids);
    await addFileDeletionNote(db, note);
  });
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
