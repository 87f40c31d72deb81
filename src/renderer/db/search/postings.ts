// Where the blind search index lives (docs/security.md §10.2): `postings` — per term hash, conversation and block of
// POSTING_BLOCK seqs, the seqs of the messages whose text has that term — and `messageTerms`, each indexed message's
// own term hashes, so a message leaves the index (edited, deleted, expired) without its text being opened or hashed
// again. Only the indexer writes them (indexMessages.ts: whoever stores, edits or deletes a message queues it,
// indexQueue.ts); a slice of messages costs one read and one write per distinct (term, conversation, block), not an
// IndexedDB entry per prefix of every message.
import type { ParleyDatabase } from '../database';
import type { MessageTermsRow, PostingRow } from '../rows';

/** Seqs per posting row (at most): a row holds one conversation's seqs from block × POSTING_BLOCK on. */
export const POSTING_BLOCK = 512;

/** What the index is to hold for a message: the term hashes of its text now, or nothing (`null`: it is gone). */
export interface IndexedTerms {
  seq: number;
  conversationId: string;
  terms: readonly string[] | null;
}

export type PostingKey = [string, string, number];

/**
 * Makes the index hold exactly `terms` for each of these messages (replacing what it held for them). `fresh`: messages
 * the index cannot hold yet (stored in this transaction: the benchmark's seeding). Runs inside the caller's
 * transaction, whose scope includes postings and messageTerms.
 */
export async function setIndexedTerms(db: ParleyDatabase, changes: readonly IndexedTerms[], fresh = false): Promise<void> {
  if (changes.length === 0) return;
  await replaceIndexedTerms(db, changes, fresh ? [] : await termRowsOf(db, changes.map((change) => change.seq)));
}

/**
 * setIndexedTerms with what the index holds for these messages already read (`before`: their messageTerms rows, in
 * the order of `changes`, in the caller's transaction).
 */
export async function replaceIndexedTerms(db: ParleyDatabase, changes: readonly IndexedTerms[], before: readonly (MessageTermsRow | undefined)[]): Promise<void> {
  const edits = new Map<string, { key: PostingKey; add: number[]; remove: Set<number> }>();
  const edit = (term: string, conversationId: string, seq: number) => {
    const key: PostingKey = [term, conversationId, Math.floor(seq / POSTING_BLOCK)];
    const id = key.join('\u0000');
    let entry = edits.get(id);
    if (!entry) edits.set(id, (entry = { key, add: [], remove: new Set() }));
    return entry;
  };
  const kept: MessageTermsRow[] = [];
  const dropped: number[] = [];
  changes.forEach((change, index) => {
    const old = new Set(before[index]?.terms ?? []);
    const now = new Set(change.terms ?? []);
    for (const term of old) if (!now.has(term)) edit(term, change.conversationId, change.seq).remove.add(change.seq);
    for (const term of now) if (!old.has(term)) edit(term, change.conversationId, change.seq).add.push(change.seq);
    if (now.size > 0) kept.push({ seq: change.seq, terms: [...now] });
    else if (before[index]) dropped.push(change.seq);
  });
  await updatePostings(db, [...edits.values()]);
  if (kept.length > 0) await db.messageTerms.bulkPut(kept);
  if (dropped.length > 0) await db.messageTerms.bulkDelete(dropped);
}

/**
 * The messageTerms rows of these seqs, in their order: one range read when they lie close together (a slice of a
 * stored batch, a purge batch), else one get per seq.
 */
export async function termRowsOf(db: ParleyDatabase, seqs: readonly number[]): Promise<(MessageTermsRow | undefined)[]> {
  const low = Math.min(...seqs);
  const high = Math.max(...seqs);
  if (high - low + 1 > seqs.length * 4) return db.messageTerms.bulkGet([...seqs]);
  const rows = await db.messageTerms.where(':id').between(low, high, true, true).toArray();
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  return seqs.map((seq) => bySeq.get(seq));
}

/** Adds and removes seqs in posting rows: one bulk read of the rows concerned, one bulk write, one bulk delete. */
async function updatePostings(db: ParleyDatabase, edits: readonly { key: PostingKey; add: number[]; remove: Set<number> }[]): Promise<void> {
  if (edits.length === 0) return;
  const rows = await db.postings.bulkGet(edits.map((entry) => entry.key));
  const put: PostingRow[] = [];
  const gone: PostingKey[] = [];
  edits.forEach(({ key, add, remove }, index) => {
    const current = rows[index]?.seqs ?? [];
    const kept = remove.size === 0 ? current : current.filter((seq) => !remove.has(seq));
    const seqs = add.length === 0 ? kept : mergeAscending(kept, add);
    if (seqs.length > 0) put.push({ term: key[0], conversationId: key[1], block: key[2], seqs });
    else if (rows[index]) gone.push(key);
  });
  if (put.length > 0) await db.postings.bulkPut(put);
  if (gone.length > 0) await db.postings.bulkDelete(gone);
}

/** `kept` ascending plus `added` (new seqs, usually all above `kept`), ascending, each once. */
function mergeAscending(kept: readonly number[], added: readonly number[]): number[] {
  const last = kept[kept.length - 1];
  const sortedAdded = [...new Set(added)].sort((a, b) => a - b);
  if (last === undefined || sortedAdded[0]! > last) return [...kept, ...sortedAdded];
  return [...new Set([...kept, ...sortedAdded])].sort((a, b) => a - b);
}

/** The keys of a term's posting rows (in one conversation or all), without their seqs: which chats and blocks have it. */
export async function postingKeysOf(db: ParleyDatabase, term: string, conversationId?: string): Promise<PostingKey[]> {
  // Every key [term, …] lies between [term] and [term, []] (an array sorts after every string and number).
  const prefix = conversationId === undefined ? [term] : [term, conversationId];
  return (await db.postings
    .where('[term+conversationId+block]')
    .between(prefix, [...prefix, []], false, false)
    .primaryKeys()) as PostingKey[];
}
