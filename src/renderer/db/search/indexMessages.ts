// Keeps the blind search index current, a bounded slice at a time, from the indexer's queues (indexQueue.ts) — never
// in the transactions that store, edit, delete or purge messages. A slice takes removals first (deleted and purged
// messages: their postings go, nothing opened or hashed — a block of seqs none of whose chat's messages is left with
// one range delete, the other rows found by the messages' messageTerms rows; as many messages as name at most
// REMOVAL_ROWS posting rows to edit, edited in short transactions of a step each), else up to SLICE queued seqs: their rows are read and hashed outside any
// write, then one transaction writes their postings and takes them off the queue. The message rows are never
// written. A message edited or deleted after the slice read it was queued again by its edit or delete, so a later
// slice puts it right; search meanwhile confirms every hit on the live row (searchMessages.ts), so an old word never
// finds it.
import type { ParleyDatabase } from '../database';
import { deleteByRuns } from '../deleteByRuns';
import type { IndexQueueRow, IndexRemovalRow, MessageRow } from '../rows';
import { yieldToPage } from '../yieldToPage';
import { blindTermsOfAll } from './blindTerms';
import { blocksWithoutMessages, byRequests, POSTING_STEP, PostingRemovals, removeFromPostings, setIndexedTerms, termRowsOf, type IndexedTerms } from './postings';

/** Most seqs one slice handles: the bound on one slice's reads, hashing and transaction. */
export const SLICE = 128;
/** Most messages one removal slice takes out (a purge queues up to 256 in one removal row). */
export const REMOVAL_SLICE = 256;
/**
 * Most posting rows one removal slice edits, POSTING_STEP at a time. A removal slice takes messages until their terms
 * name this many distinct rows: the messages of a purge share most rows (a chat's common words, in one block of seqs),
 * so each row is read and written back once for hundreds of messages, not once for every few; messages with long texts
 * of rare words make shorter slices. Neither a slice nor any task of it grows with the length of the texts.
 */
export const REMOVAL_ROWS = 512;
/** Queue rows one slice looks at (own sends queue one row each; a stored batch one in all). */
const QUEUE_ROWS = 32;

/** Does the next slice, removals first; returns how many seqs it handled (0: nothing is queued, the index is current). */
export async function indexNextSlice(db: ParleyDatabase): Promise<number> {
  return (await removeNextSlice(db)) || indexSlice(db, await db.indexQueue.limit(QUEUE_ROWS).toArray());
}

/**
 * Takes the first messages of the oldest removal row out of the index; returns how many (0: no removal is queued).
 * The blocks of seqs they empty are found, the messageTerms rows of the others read in a read-only transaction, their
 * postings deleted or edited a step per transaction
 * (removeFromPostings, `betweenSteps` between two), then one short transaction deletes the messageTerms rows and moves
 * the removal row on: no transaction of a slice holds `indexRemovals` — which every purge and delete writes — for
 * more than that, and a slice cut short is done again from the start (every step of it can be done twice).
 */
export async function removeNextSlice(db: ParleyDatabase, betweenSteps: () => Promise<void> = yieldToPage): Promise<number> {
  const [removal] = await db.indexRemovals.limit(1).toArray();
  return removal ? removeSlice(db, removal, betweenSteps) : 0;
}

async function removeSlice(db: ParleyDatabase, removal: IndexRemovalRow, betweenSteps: () => Promise<void>): Promise<number> {
  const candidates = removal.seqs.slice(0, REMOVAL_SLICE);
  const removals = new PostingRemovals(removal.conversationId, await blocksWithoutMessages(db, removal.conversationId, candidates));
  const held = await db.transaction('r', db.messageTerms, () => takeWithin(db, candidates, removals, REMOVAL_ROWS));
  await removeFromPostings(db, removals, betweenSteps);
  await betweenSteps();
  await db.transaction('rw', db.messageTerms, db.indexRemovals, async () => {
    // Mostly one range delete per run of neighbouring seqs (a purge's messages), not a request per row.
    await deleteByRuns(db.messageTerms, held, (seqs) => byRequests(seqs, (part) => db.messageTerms.bulkDelete(part)));
    const rest = removal.seqs.slice(held.length);
    if (rest.length > 0) await db.indexRemovals.put({ ...removal, seqs: rest });
    else await db.indexRemovals.delete(removal.id!);
  });
  return held.length;
}

/**
 * Takes the first of these messages (at least one) into `removals`, as many as name at most `budget` posting rows to
 * edit, and returns their seqs. Messages in an emptied block name none, and their messageTerms rows are not read; the
 * others' are read POSTING_STEP at a time, each read's messages added to the edits as it comes (no task goes over
 * more), and no further than needed.
 */
async function takeWithin(db: ParleyDatabase, candidates: readonly number[], removals: PostingRemovals, budget: number): Promise<number[]> {
  const held: number[] = [];
  for (let from = 0; from < candidates.length; from += POSTING_STEP) {
    const step = candidates.slice(from, from + POSTING_STEP);
    const read = step.filter((seq) => !removals.inEmptiedBlock(seq));
    const rows = read.length > 0 ? await termRowsOf(db, read) : [];
    const terms = new Map(rows.map((row, index) => [read[index]!, row?.terms ?? []]));
    for (const seq of step) {
      const named = terms.get(seq);
      if (named === undefined) removals.addEmptied(seq);
      else if (!removals.addWithin(seq, named, budget)) return held;
      held.push(seq);
    }
  }
  return held;
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
  await db.transaction('rw', db.postingsByChat, db.messageTerms, db.indexQueue, async () => {
    await setIndexedTerms(db, changes);
    // Only the indexer changes queued rows (others add new ones), so these are as read.
    const done = ranges.map(([, end], index) => ({ row: queued[index]!, end }));
    const finished = done.filter(({ row, end }) => end === row.last).map(({ row }) => row.id!);
    if (finished.length > 0) await db.indexQueue.bulkDelete(finished);
    for (const { row, end } of done) if (end < row.last) await db.indexQueue.put({ ...row, first: end + 1 });
  });
  return count;
}
