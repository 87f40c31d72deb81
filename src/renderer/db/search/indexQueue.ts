// The search indexer's two queues (docs/security.md §10.2). Whoever stores, edits, deletes or purges messages only
// notes which seqs changed, with one small row per transaction, and never touches the index itself: the receive
// transaction of a catch-up batch and a purge batch stay as short as they were without an index. The indexer
// (indexMessages.ts) works through the queues later, a bounded slice at a time.
// - `indexQueue`: ranges of seqs whose index entries are to be brought in line with their rows — a stored batch, a
//   send, an edit. Until the indexer has been there, search cannot find them by their words, and says so
//   (`indexBehind`).
// - `indexRemovals`: seqs of deleted and purged messages whose postings are to go. Search never finds them in the
//   meantime — it confirms every candidate on the live row (searchMessages.ts) — but their hashes are still in storage
//   until then, so the indexer takes these first.
import type { ParleyDatabase } from '../database';

/** Ascending runs of consecutive seqs, as [first, last] pairs. */
export function runsOf(seqs: readonly number[]): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const seq of sorted) {
    const run = runs[runs.length - 1];
    if (run && seq === run[1] + 1) run[1] = seq;
    else runs.push([seq, seq]);
  }
  return runs;
}

/**
 * Queues messages whose text was just stored or changed (one row per run of consecutive seqs: a stored batch is
 * one). Runs in the caller's transaction, whose scope includes indexQueue.
 */
export async function queueForIndexing(db: ParleyDatabase, seqs: readonly number[]): Promise<void> {
  const runs = runsOf(seqs);
  if (runs.length > 0) await db.indexQueue.bulkAdd(runs.map(([first, last]) => ({ first, last })));
}

/**
 * Queues the removal of deleted or purged messages from the index (one row per conversation). Runs in the deleting
 * transaction, whose scope includes indexRemovals; the row is written as it is (nothing sealed), so the transaction
 * waits for no encryption.
 */
export async function queueForRemoval(db: ParleyDatabase, messages: readonly { seq: number; conversationId: string }[]): Promise<void> {
  const byConversation = new Map<string, number[]>();
  for (const { seq, conversationId } of messages) {
    const seqs = byConversation.get(conversationId);
    if (seqs) seqs.push(seq);
    else byConversation.set(conversationId, [seq]);
  }
  if (byConversation.size > 0) await db.indexRemovals.bulkAdd([...byConversation].map(([conversationId, seqs]) => ({ conversationId, seqs })));
}

/**
 * Whether some stored or changed text is not indexed yet: search may miss it (the UI says so). Live-queryable: it reads
 * the queue by an index (a key-only read), as Dexie learns no primary key of a row added to an auto-increment table,
 * only its indexed fields, so a read by primary key would not see additions.
 */
export async function indexBehind(db: ParleyDatabase): Promise<boolean> {
  return (await db.indexQueue.orderBy('first').limit(1).keys()).length > 0;
}
