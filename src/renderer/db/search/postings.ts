// Where the blind search index lives (docs/security.md §10.2): `postingsByChat` — per conversation, block of
// POSTING_BLOCK seqs and term hash, the seqs of the messages whose text has that term; keyed in that order, so a chat's
// block is one key range, and indexed by term for search — and `messageTerms`, each indexed message's
// own term hashes, so a message leaves the index (edited, deleted, expired) without its text being opened or hashed
// again. Only the indexer writes them (indexMessages.ts: whoever stores, edits or deletes a message queues it,
// indexQueue.ts); a slice of messages costs one read and one write per distinct (term, conversation, block), not an
// IndexedDB entry per prefix of every message.
import type { ParleyDatabase } from '../database';
import type { MessageTermsRow, PostingRow } from '../rows';

/** Seqs per posting row (at most): a row holds one conversation's seqs from block × POSTING_BLOCK on. */
export const POSTING_BLOCK = 512;

/** Most posting rows (or messageTerms rows) read, edited and written back in one step: one IndexedDB answer's worth. */
export const POSTING_STEP = 64;

/**
 * Most requests one task makes to IndexedDB for a step's posting rows: they are read, written back and deleted this
 * many at a time. Issuing a request costs the page's thread time of its own (the key converted, the seqs copied out),
 * and a bulk call issues all of its requests in one task: a throttled profile of the purge at 3b85662 (bench:ui
 * --only purge --purge-cpu-throttle 4 --purge-profile, load ~10) had a 64-row step's bulkGet, bulkPut or bulkDelete
 * at 110–270 ms of one task.
 */
export const POSTING_REQUESTS = 16;

/** What the index is to hold for a message: the term hashes of its text now, or nothing (`null`: it is gone). */
export interface IndexedTerms {
  seq: number;
  conversationId: string;
  terms: readonly string[] | null;
}

/** [conversationId, block, term]: a chat's block of seqs is one key range. */
export type PostingKey = [string, number, string];

interface PostingEdit {
  key: PostingKey;
  add: number[];
  remove: Set<number>;
}

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
async function replaceIndexedTerms(db: ParleyDatabase, changes: readonly IndexedTerms[], before: readonly (MessageTermsRow | undefined)[]): Promise<void> {
  const edits = new PostingRowsNamed<PostingEdit>();
  const edit = (term: string, conversationId: string, seq: number) =>
    edits.blockOf(conversationId, seq).get(term, (block) => ({ key: [conversationId, block, term], add: [], remove: new Set() }));
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
  await inSteps(edits.values(), (step) => updatePostingStep(db, step));
  await inSteps(kept, (step) => db.messageTerms.bulkPut(step));
  await inSteps(dropped, (step) => db.messageTerms.bulkDelete(step));
}

/** The entries of one chat's block of seqs, by term. */
interface BlockEntries<T> {
  has(term: string): boolean;
  /** The row's entry, made by `make` (given the block) the first time. */
  get(term: string, make: (block: number) => T): T;
}

/**
 * Something per posting row, found by the term and a seq the row holds: by chat and block first, then by term, so
 * no key string is built per (term, message) — a removal slice looks up thousands.
 */
class PostingRowsNamed<T> {
  private readonly byBlock = new Map<string, Map<string, T>>();
  size = 0;

  /** The entries of the chat's block that `seq` falls in: one key string for all of a message's terms. */
  blockOf(conversationId: string, seq: number): BlockEntries<T> {
    const block = blockOf(seq);
    const chatBlock = `${conversationId}\u0000${block}`;
    let terms = this.byBlock.get(chatBlock);
    if (!terms) this.byBlock.set(chatBlock, (terms = new Map()));
    const entries = terms;
    return {
      has: (term) => entries.has(term),
      get: (term, make) => {
        let entry = entries.get(term);
        if (entry === undefined) {
          entries.set(term, (entry = make(block)));
          this.size += 1;
        }
        return entry;
      },
    };
  }

  values(): T[] {
    return [...this.byBlock.values()].flatMap((terms) => [...terms.values()]);
  }
}

/**
 * What a removal takes out of the index: the blocks of seqs it empties (none of the chat's messages left in them: a
 * purge's), whose rows go whole, and the posting rows it edits elsewhere, each with the seqs to take out of it,
 * gathered a message at a time as its messageTerms row is read: no task goes over the terms of more messages than one
 * read brought, and a message in an emptied block needs no terms read at all.
 */
export class PostingRemovals {
  private readonly rows = new PostingRowsNamed<PostingEdit>();
  private readonly blocksTaken = new Set<number>();
  private messages = 0;

  /** `emptied`: blocks of seqs with none of the chat's messages left in them (blocksWithoutMessages). */
  constructor(
    readonly conversationId: string,
    private readonly emptied: ReadonlySet<number> = new Set(),
  ) {}

  /** Whether message `seq` lies in an emptied block: it is taken by addEmptied, without its terms. */
  inEmptiedBlock(seq: number): boolean {
    return this.emptied.has(blockOf(seq));
  }

  /** Takes a message of an emptied block into the removal: its block's rows all go. */
  addEmptied(seq: number): void {
    this.blocksTaken.add(blockOf(seq));
  }

  /**
   * Takes message `seq` (with these terms) into the removal, unless the rows named would then be more than `budget`
   * and some message is in it already; says whether it did.
   */
  addWithin(seq: number, terms: readonly string[], budget: number): boolean {
    const named = this.rows.blockOf(this.conversationId, seq);
    let added = 0;
    for (const term of terms) if (!named.has(term)) added += 1;
    if (this.messages > 0 && this.rows.size + added > budget) return false;
    this.messages += 1;
    const make = (term: string) => (block: number) => ({ key: [this.conversationId, block, term] as PostingKey, add: [], remove: new Set<number>() });
    for (const term of terms) named.get(term, make(term)).remove.add(seq);
    return true;
  }

  /** The emptied blocks some message of the removal lies in. */
  blocks(): number[] {
    return [...this.blocksTaken];
  }

  edits(): PostingEdit[] {
    return this.rows.values();
  }
}

function blockOf(seq: number): number {
  return Math.floor(seq / POSTING_BLOCK);
}

/**
 * Which blocks of the seqs given hold none of the chat's messages now: a key read of at most one message a block.
 * Their posting rows can hold only seqs of messages deleted already (seqs are never reused). Only the indexer writes
 * posting rows, one slice at a time, so none is added between this check and the removal's delete; a message stored
 * in such a block meanwhile (the newest block, or imported history below the rest) is indexed by a later slice.
 */
export async function blocksWithoutMessages(db: ParleyDatabase, conversationId: string, seqs: readonly number[]): Promise<Set<number>> {
  const blocks = [...new Set(seqs.map(blockOf))];
  const left = await db.transaction('r', db.messages, () =>
    Promise.all(
      blocks.map((block) =>
        db.messages
          .where('[conversationId+seq]')
          .between([conversationId, block * POSTING_BLOCK], [conversationId, (block + 1) * POSTING_BLOCK], true, false)
          .limit(1)
          .primaryKeys(),
      ),
    ),
  );
  return new Set(blocks.filter((_, index) => left[index]!.length === 0));
}

/**
 * Takes a removal's messages out of their posting rows, each step in a short transaction of its own over
 * `postingsByChat` alone, `betweenSteps` awaited between two: neither the purge (whose transactions queue removals)
 * nor a search waits for more than a step. The emptied blocks go first, with one range delete a block; the other rows
 * are edited POSTING_STEP at a time. The messages' messageTerms rows stay: the caller deletes them once every step is
 * done, so a removal cut short (the window closed, a crash) is done again in full from them. Doing it again changes
 * nothing a step already did: a seq not in a row is not removed, a row left as it was is not written back, and an
 * emptied block's rows are gone already.
 */
export async function removeFromPostings(db: ParleyDatabase, removals: PostingRemovals, betweenSteps: () => Promise<void>): Promise<void> {
  const { conversationId } = removals;
  const blocks = removals.blocks();
  let first = true;
  const step = async (work: () => Promise<unknown>) => {
    if (!first) await betweenSteps();
    first = false;
    await db.transaction('rw', db.postingsByChat, work);
  };
  if (blocks.length > 0) await step(() => Promise.all(blocks.map((block) => blockRows(db, conversationId, block).delete())));
  await inSteps(removals.edits(), (part) => step(() => updatePostingStep(db, part)));
}

/** The posting rows of one chat's block of seqs: one key range. */
function blockRows(db: ParleyDatabase, conversationId: string, block: number) {
  // Every key [conversationId, block, term] lies between [conversationId, block] and [conversationId, block, []].
  return db.postingsByChat.where(':id').between([conversationId, block], [conversationId, block, []], false, false);
}

/** Runs `step` on POSTING_STEP items at a time, one after the other. */
async function inSteps<T>(items: readonly T[], step: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < items.length; from += POSTING_STEP) await step(items.slice(from, from + POSTING_STEP));
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

/**
 * Adds and removes seqs in at most POSTING_STEP posting rows: the rows read, then written back or deleted,
 * POSTING_REQUESTS requests at a time — so no IndexedDB answer or callback handles more than a step's rows, and no
 * task issues more than POSTING_REQUESTS requests, however many rows a slice edits (a purge's removal slice: every
 * term of hundreds of messages). A row the edit leaves as it was is not written.
 */
async function updatePostingStep(db: ParleyDatabase, edits: readonly PostingEdit[]): Promise<void> {
  const rows = (await byRequests(edits.map((entry) => entry.key), (keys) => db.postingsByChat.bulkGet(keys))).flat();
  const put: PostingRow[] = [];
  const gone: PostingKey[] = [];
  edits.forEach(({ key, add, remove }, index) => {
    const current = rows[index]?.seqs ?? NO_SEQS;
    const seqs = editedSeqs(current, add, remove);
    if (seqs === current) return;
    if (seqs.length > 0) put.push({ conversationId: key[0], block: key[1], term: key[2], seqs });
    else if (rows[index]) gone.push(key);
  });
  if (put.length > 0) await byRequests(put, (part) => db.postingsByChat.bulkPut(part));
  if (gone.length > 0) await byRequests(gone, (part) => db.postingsByChat.bulkDelete(part));
}

/**
 * Runs `request` on POSTING_REQUESTS items at a time, one after the other; its answers in order. Call it with some
 * items: inside a transaction, awaiting it with none lost Dexie's transaction (PrematureCommitError in the tests).
 */
export async function byRequests<T, R>(items: readonly T[], request: (part: T[]) => Promise<R>): Promise<R[]> {
  const answers: R[] = [];
  for (let from = 0; from < items.length; from += POSTING_REQUESTS) answers.push(await request(items.slice(from, from + POSTING_REQUESTS)));
  return answers;
}

const NO_SEQS = new Int32Array(0);

/** `current` (ascending) without `remove`, plus `add` (new seqs, usually all above the rest): ascending, each once. */
export function editedSeqs(current: Int32Array, add: readonly number[], remove: ReadonlySet<number>): Int32Array {
  let kept = current;
  if (remove.size > 0) {
    // A plain loop: TypedArray.prototype.filter calls back per seq, and a step edits up to 64 rows of 512.
    const left = new Int32Array(current.length);
    let count = 0;
    for (let index = 0; index < current.length; index++) {
      const seq = current[index]!;
      if (!remove.has(seq)) left[count++] = seq;
    }
    // A copy, not a view: IndexedDB would store a view's whole buffer.
    kept = count === current.length ? current : left.slice(0, count);
  }
  if (add.length === 0) return kept;
  const added = Int32Array.from(new Set(add)).sort();
  if (kept.length > 0 && added[0]! <= kept[kept.length - 1]!) return Int32Array.from(new Set([...kept, ...added])).sort();
  const seqs = new Int32Array(kept.length + added.length);
  seqs.set(kept);
  seqs.set(added, kept.length);
  return seqs;
}

/** The keys of a term's posting rows (in one conversation or all), without their seqs: which chats and blocks have it. */
export async function postingKeysOf(db: ParleyDatabase, term: string, conversationId?: string): Promise<PostingKey[]> {
  // Every index key [term, …] lies between [term] and [term, []] (an array sorts after every string and number).
  const prefix = conversationId === undefined ? [term] : [term, conversationId];
  return (await db.postingsByChat
    .where('[term+conversationId+block]')
    .between(prefix, [...prefix, []], false, false)
    .primaryKeys()) as PostingKey[];
}
