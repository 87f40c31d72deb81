// Disappearing messages in IndexedDB: setting a conversation's timer (a system row, and the change queued for the
// others), and purging what has expired — in steps of a few rows, in transactions of a few milliseconds, each started
// when the page is idle, so thousands of expired messages never hold the database or a frame for long. A purged message is deleted, and the snippets that quote it
// are emptied (db/actions.ts).
import { ulid } from 'ulid';
import type { ParleyDatabase } from './database';
import { forgetQuotesOf } from './actions';
import { clearFieldsUpToHere } from './atRest/clearFields';
import { deleteByRuns } from './deleteByRuns';
import { noteFileDeletions } from './fileDeletions';
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
 * Deletes every message whose time has come, bounded by construction, so however many expired, no frame holds more
 * than a little of it:
 * - A step is PURGE_STEP rows: read by their clear fields (atRest/clearFields.ts: ids only, nothing decrypted), then
 *   deleted with what goes with them. No IndexedDB answer the purge waits on holds more than a step's rows, and no
 *   callback issues more than a step's requests; the browser renders between the callbacks.
 * - A slice is one transaction of steps, until PURGE_SLICE_MS have passed on `clock` (checked after each step)
 *   or PURGE_SLICE_ROWS rows are gone: a send waits at most a slice for the messages table, and each commit — which
 *   re-runs the page's live queries over messages, a cost per commit, not per row — comes after as many rows as the
 *   time allowed.
 * - Each slice starts when `idle` says the page is idle (waitForIdleSlice): what the last commit set off (live
 *   queries, the chat's re-render, the files handed to main) has run by then.
 * With each message go its queued sends, the receipts kept for it, and the snippets of replies quoting it; at the
 * end of its slice, its removal from the blind search index is queued (one row per chat: search/indexQueue.ts; the
 * indexer takes its postings out soon after, and search never finds a purged message meanwhile), and it is noted
 * for main to delete its files (fileDeletions.ts: whether a message has files is sealed, so every one is named).
 * Returns how many were deleted.
 */
export async function purgeExpired(
  db: ParleyDatabase,
  now = Date.now(),
  idle: () => Promise<void> = waitForIdleSlice,
  clock: () => number = () => performance.now(),
): Promise<number> {
  let purged = 0;
  for (;;) {
    await idle();
    const slice = await purgeSlice(db, now, clock);
    purged += slice.purged;
    if (slice.done) return purged;
  }
}

/** Rows per step: the most the purge reads in one IndexedDB answer, or deletes in one callback. */
export const PURGE_STEP = 64;
/**
 * A slice takes no new step once it has been open this long (ms): how long a send may wait for the messages table.
 * Not shorter: under load a step takes tens of ms of round trips, and slices of a step each multiply the commits and
 * the idle waits between them (10,000 purged in 103 s with 100 ms and steps of 32, against 40 s with the batches of 256
 * before, ×4 CPU throttling, load ~14).
 */
export const PURGE_SLICE_MS = 250;
/**
 * Rows per slice at most: its note for main stays one media.forgetMessages call (MAX_FORGET_MESSAGES); a whole number
 * of steps.
 */
export const PURGE_SLICE_ROWS = 4 * PURGE_STEP;
/** The idle time a slice waits for (ms): its first step fits it. */
export const PURGE_IDLE_MS = 10;
/** The longest wait for an idle period: a page kept busy still sees the purge go on. */
export const PURGE_IDLE_TIMEOUT_MS = 250;

/**
 * Resolves in an idle period with at least PURGE_IDLE_MS left before the next frame, or once
 * PURGE_IDLE_TIMEOUT_MS have gone by without one. V8 also collects garbage in idle periods, so waiting for one
 * leaves the collector room outside frames. Where there is no requestIdleCallback (tests under Node), after a timer.
 */
export function waitForIdleSlice(requestIdle: typeof requestIdleCallback | undefined = globalThis.requestIdleCallback): Promise<void> {
  if (typeof requestIdle !== 'function') return new Promise((resolve) => setTimeout(resolve, 16));
  const givingUpAt = performance.now() + PURGE_IDLE_TIMEOUT_MS;
  return new Promise((resolve) => {
    const onIdle = (deadline: IdleDeadline) => {
      const left = givingUpAt - performance.now();
      if (deadline.didTimeout || left <= 0 || deadline.timeRemaining() >= PURGE_IDLE_MS) resolve();
      else requestIdle(onIdle, { timeout: left });
    };
    requestIdle(onIdle, { timeout: PURGE_IDLE_TIMEOUT_MS });
  });
}

/**
 * One slice, one transaction: steps until the deadline, the row limit or no more expired; then the slice's messages
 * are queued to leave the search index, and noted for main.
 */
async function purgeSlice(db: ParleyDatabase, now: number, clock: () => number): Promise<{ purged: number; done: boolean }> {
  return db.transaction('rw', [db.messages, db.outbox, db.receipts, db.fileDeletions, db.indexRemovals], async () => {
    const deadline = clock() + PURGE_SLICE_MS;
    const gone: ExpiredKeys[] = [];
    let done = false;
    while (gone.length < PURGE_SLICE_ROWS) {
      const step = (await clearFieldsUpToHere(db, 'messages', 'expiresAt', now, PURGE_STEP)) as ExpiredKeys[];
      await purgeStep(db, step);
      gone.push(...step);
      if (step.length < PURGE_STEP) {
        done = true;
        break;
      }
      if (clock() >= deadline) break;
    }
    await queueForRemoval(db, gone);
    await noteFileDeletions(
      db,
      gone.map(({ conversationId, messageId, sender }) => ({ conversationId, messageId, sender })),
    );
    return { purged: gone.length, done };
  });
}

/** One step's rows, their queued sends, receipts and the quotes of them. */
async function purgeStep(db: ParleyDatabase, expired: readonly ExpiredKeys[]): Promise<void> {
  if (expired.length === 0) return;
  await deleteByRuns(db.messages, expired.map((message) => message.seq), (seqs) => db.messages.bulkDelete(seqs));
  await db.outbox.where('messageId').anyOf(expired.map((message) => message.messageId)).delete();
  await db.receipts.where('[conversationId+messageId]').anyOf(expired.map((message) => [message.conversationId, message.messageId])).delete();
  const byConversation = new Map<string, string[]>();
  for (const { conversationId, messageId } of expired) {
    const ids = byConversation.get(conversationId);
    if (ids) ids.push(messageId);
    else byConversation.set(conversationId, [messageId]);
  }
  for (const [conversationId, ids] of byConversation) await forgetQuotesOf(db, conversationId, ids);
}

/** What the purge reads of an expired row: fields the at-rest sealing keeps in clear. */
type ExpiredKeys = Pick<StoredMessage, 'seq' | 'conversationId' | 'messageId' | 'sender'>;
