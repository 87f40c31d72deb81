// Keeps the blind search index current, a bounded slice at a time, from the indexer's queues (indexQueue.ts) — never
// in the transactions that store, edit, delete or purge messages. A slice takes removals first (deleted and purged
// messages: their postings go, found by their messageTerms rows, nothing opened or hashed; fewer than SLICE when
// their texts are long, REMOVAL_TERMS), else up to SLICE queued seqs: their rows are read and hashed outside any
// write, then one transaction writes their postings and takes them off the queue. The message rows are never
// written. A message edited or deleted after the slice read it was queued again by its edit or delete, so a later
// slice puts it right; search meanwhile confirms every hit on the live row (searchMessages.ts), so an old word never
// finds it.
import type { ParleyDatabase } from '../database';
import type { IndexQueueRow, IndexRemovalRow, MessageRow, MessageTermsRow } from '../rows';
import { blindTermsOfAll } from './blindTerms';
import { replaceIndexedTerms, setIndexedTerms, termRowsOf, type IndexedTerms } from './postings';

/** Most seqs one slice handles: the bound on one slice's reads, hashing and transaction. */
export const SLICE = 128;
/**
 * Most term hashes one removal slice takes out of the index. Every hash names a posting row the slice reads, edits
 * and writes back, so a slice of long messages (a purge of real conversation: tens of words, each with its
 * prefixes) stops early: no IndexedDB answer or callback of a slice grows with the length of the texts, and the
 * frames of a purge stay short.
 */
export const REMOVAL_TERMS = 1_024;
/** Queue rows one slice looks at (own sends queue one row each; a stored batch one in all). */
const QUEUE_ROWS = 32;

/** Does the next slice, removals first; returns how many seqs it handled (0: nothing is queued, the index is current). */
export async function indexNextSlice(db: ParleyDatabase): Promise<number> {
  return (await removeNextSlice(db)) || indexSlice(db, await db.indexQueue.limit(QUEUE_ROWS).toArray());
}

/** Takes up to SLICE seqs of the oldest removal row out of the index; returns how many (0: no removal is queued). */
export async function removeNextSlice(db: ParleyDatabase): Promise<number> {
  const [removal] = await db.indexRemovals.limit(1).toArray();
  return removal ? removeSlice(db, removal) : 0;
}

async function removeSlice(db: ParleyDatabase, removal: IndexRemovalRow): Promise<number> {
  return db.transaction('rw', db.postings, db.messageTerms, db.indexRemovals, async () => {
    const candidates = removal.seqs.slice(0, SLICE);
    const held = await termRowsOf(db, candidates);
    const count = prefixWithin(held, REMOVAL_TERMS);
    await replaceIndexedTerms(
      db,
      candidates.slice(0, count).map((seq) => ({ seq, conversationId: removal.conversationId, terms: null })),
      held.slice(0, count),
    );
    const rest = removal.seqs.slice(count);
    if (rest.length > 0) await db.indexRemovals.put({ ...removal, seqs: rest });
    else await db.indexRemovals.delete(removal.id!);
    return count;
  });
}

/** How many of these messages, from the first (at least one), hold at most `budget` term hashes in all. */
function prefixWithin(held: readonly (MessageTermsRow | undefined)[], budget: number): number {
  let terms = 0;
  for (let count = 0; count < held.length; count++) {
    terms += held[count]?.terms.length ?? 0;
    if (terms > budget) return Math.max(count, 1);
  }
  return held.length;
}

/** Indexes up to SLICE seqs from the front of the queue. */
async function indexSlice(db: ParleyDatabase, queued: readonly IndexQueueRow[]): Promise<number> {
  const ranges: [number, number][] = [];
  let count = 0;
  for (const { first, last } of queued) {
    if (count === SLICE) break;
    const end = Math.min(last, first + (SLICE - count) - 1);
    ranges.push([first, end]);
    count += end - first + 1;
  }
  if (ranges.length === 0) return 0;
  const rows = (
    await db.transaction('r', db.messages, () => Promise.all(ranges.map(([first, last]) => db.messages.where(':id').between(first, last, true, true).toArray())))
  ).flat() as (MessageRow & { seq: number })[];
  const terms = await blindTermsOfAll(
    (await db.historyKeys).terms,
    rows.map((row) => row.body),
  );
  const changes: IndexedTerms[] = rows.map((row, index) => ({ seq: row.seq, conversationId: row.conversationId, terms: terms[index]! }));
  await db.transaction('rw', db.postings, db.messageTerms, db.indexQueue, async () => {
    await setIndexedTerms(db, changes);
    // Only the indexer changes queued rows (others add new ones), so these are as read.
    const done = ranges.map(([, end], index) => ({ row: queued[index]!, end }));
    const finished = done.filter(({ row, end }) => end === row.last).map(({ row }) => row.id!);
    if (finished.length > 0) await db.indexQueue.bulkDelete(finished);
    for (const { row, end } of done) if (end < row.last) await db.indexQueue.put({ ...row, first: end + 1 });
  });
  return count;
}
