import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countDeleteRequests, freshDatabase, measureWorkPerTask, recordTransactions } from '../../testing/db';
import type { ParleyDatabase } from '../database';
import type { IndexQueueRow, MessageRow, MessageTermsRow, PostingRow, StoredMessage } from '../rows';
import { actionFrom, textFrom } from '../../testing/messages';
import { deleteMessage, editMessage } from '../actions';
import { purgeExpired } from '../expiry';
import { storeReceived } from '../incoming';
import { queueTextMessage } from '../outgoing';
import { blindTermsOf, blindTermsOfAll, MAX_PREFIX, prefixesOf, termPrefixesOf } from './blindTerms';
import { indexNextSlice, REMOVAL_ROWS, REMOVAL_SLICE, removeNextSlice, SLICE } from './indexMessages';
import { editedSeqs, POSTING_BLOCK, POSTING_REQUESTS, POSTING_STEP, PostingRemovals } from './postings';
import { indexBehind, queueForIndexing, queueForRemoval } from './indexQueue';
import { PAUSE_INDEXING_KEY } from './pauseIndexing';
import { SearchIndexer } from './SearchIndexer';
import { searchMessages } from './searchMessages';
import { fold, wordsOf } from './words';

const opened: ParleyDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function database(): ParleyDatabase {
  const db = freshDatabase('search');
  opened.push(db);
  return db;
}

function message(conversationId: string, body: string, n: number): MessageRow {
  return { conversationId, messageId: `m${n}`, sender: 'bob', direction: 'in', body, timestamp: n };
}

/** A table's rows as IndexedDB holds them (below the at-rest sealing). */
async function rawRows(db: ParleyDatabase, table: string): Promise<Record<string, unknown>[]> {
  const raw = new Dexie(db.name);
  await raw.open();
  try {
    return (await raw.table(table).toArray()) as Record<string, unknown>[];
  } finally {
    raw.close();
  }
}

/** Stores rows as an own writer does (outgoing.ts, the history import): queued for the indexer. */
async function addQueued(db: ParleyDatabase, rows: MessageRow[]): Promise<number[]> {
  return db.transaction('rw', db.messages, db.indexQueue, async () => {
    const seqs = await db.messages.bulkAdd(rows, { allKeys: true });
    await queueForIndexing(db, seqs);
    return seqs;
  });
}

async function indexAll(db: ParleyDatabase): Promise<void> {
  while ((await indexNextSlice(db)) > 0);
}

/** The seqs some posting row names. */
async function postedSeqs(db: ParleyDatabase): Promise<Set<number>> {
  return new Set(((await rawRows(db, 'postingsByChat')) as unknown as PostingRow[]).flatMap((posting) => [...posting.seqs]));
}

/** The tables of every read-write transaction `db` opens while `run` runs. */
async function writeScopes(db: ParleyDatabase, run: () => Promise<unknown>): Promise<string[][]> {
  const scopes: string[][] = [];
  const open = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  const spy = vi.spyOn(db, 'transaction').mockImplementation(((...args: unknown[]) => {
    const [mode, ...rest] = args;
    if (mode === 'rw') scopes.push(rest.slice(0, -1).flat().map((table) => (table as { name: string }).name));
    return open(...args);
  }) as typeof db.transaction);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return scopes;
}

/** Forty words, common to the messages of commonWordMessages. */
const vocabulary = Array.from({ length: 40 }, (_, n) => `${String.fromCharCode(97 + (n % 26))}${String.fromCharCode(97 + ((n * 7) % 26))}word${n}`);

/**
 * Ten words each from the vocabulary and a number of its own: removing them names every posting row of the
 * vocabulary's prefixes (each holding the seqs of most of the messages) and one or two of each number.
 */
function commonWordMessages(count: number): MessageRow[] {
  const text = (n: number) => [...Array.from({ length: 10 }, (_, k) => vocabulary[(n * 3 + k * 7) % vocabulary.length]), `n${n}`].join(' ');
  return Array.from({ length: count }, (_, n) => message('dm:bob', text(n), n));
}

const T = 1_700_000_000_000;
const titleOf = (id: string) => id.slice(3);

const bodies = (hits: { message: StoredMessage }[]) => hits.map((hit) => hit.message.body);

describe('words', () => {
  it('folds case and diacritics and splits scripts without spaces', () => {
    expect(fold('Crème BRÛLÉE Ångström')).toBe('creme brulee angstrom');
    expect(wordsOf('Hello, wörld!').map((word) => word.folded)).toEqual(['hello', 'world']);
    expect(wordsOf('東京に行きます').length).toBeGreaterThan(1);
    expect(prefixesOf('pelican')).toEqual(['pe', 'pel', 'peli', 'pelic', 'pelica', 'pelican']);
    expect(prefixesOf('extraordinarily').at(-1)).toHaveLength(MAX_PREFIX);
  });
});

describe('full-text search over the blind index', () => {
  it('finds by prefix, any case and accents, all words needed, newest first, with the words to highlight', async () => {
    const db = database();
    await addQueued(db, [
      message('dm:bob', 'Meet me at the Café Mozart', 1),
      message('dm:carol', 'The cafe is closed today', 2),
      message('dm:bob', 'Mozart wrote a lot', 3),
      message('dm:bob', 'caffeine is a drug', 4),
    ]);
    await indexAll(db);

    expect(bodies(await searchMessages(db, 'CAFÉ', { limit: 10 }))).toEqual(['The cafe is closed today', 'Meet me at the Café Mozart']);
    expect(bodies(await searchMessages(db, 'caf', { limit: 10 }))).toEqual(['caffeine is a drug', 'The cafe is closed today', 'Meet me at the Café Mozart']);
    expect(bodies(await searchMessages(db, 'moz cafe', { limit: 10 }))).toEqual(['Meet me at the Café Mozart']);
    expect(bodies(await searchMessages(db, 'caf', { limit: 10, conversationId: 'dm:bob' }))).toEqual(['caffeine is a drug', 'Meet me at the Café Mozart']);
    expect(bodies(await searchMessages(db, 'caf', { limit: 1 }))).toEqual(['caffeine is a drug']);
    expect(await searchMessages(db, 'zebra', { limit: 10 })).toEqual([]);
    expect(await searchMessages(db, '  ,, ', { limit: 10 })).toEqual([]);

    const [hit] = await searchMessages(db, 'mozart café', { limit: 10, conversationId: 'dm:bob' });
    const text = hit!.message.body;
    expect(hit!.ranges.map((range) => text.slice(range.start, range.end))).toEqual(['Café', 'Mozart']);
  });

  it('confirms long words on the text: a query longer than the indexed prefix matches only what it spells', async () => {
    const db = database();
    await addQueued(db, [message('dm:bob', 'internationalization', 1), message('dm:bob', 'internationally', 2)]);
    await indexAll(db);
    expect(bodies(await searchMessages(db, 'internationaliz', { limit: 10 }))).toEqual(['internationalization']);
    expect(bodies(await searchMessages(db, 'internation', { limit: 10 }))).toEqual(['internationally', 'internationalization']);
  });

  it('keeps only keyed hashes in the index: no word, no prefix of one', async () => {
    const db = database();
    await queueTextMessage(db, { conversationId: 'dm:bob', body: 'Pelicans whisper', me: 'alice', now: T, messageId: 'a1' });
    await indexAll(db);
    const postings = await rawRows(db, 'postingsByChat');
    const [own] = await rawRows(db, 'messageTerms');
    expect(postings).toHaveLength(prefixesOf('pelicans').length + prefixesOf('whisper').length);
    expect(own!.terms).toHaveLength(postings.length);
    for (const posting of postings) expect(posting.term).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify([postings, own])).not.toMatch(/pel|whi/i);
    // The message row has no terms of its own any more, in clear or sealed.
    const [row] = await rawRows(db, 'messages');
    expect(Object.keys(row!).sort()).toEqual(['conversationId', 'direction', 'messageId', 'sealed', 'sender', 'seq']);
    expect((await db.messages.toArray())[0]).not.toHaveProperty('terms');
  });

  it('queues edits, own or received, for the indexer: the old words never find the message, the new ones once indexed', async () => {
    const db = database();
    await storeReceived(db, [textFrom('bob', 'b1', 'walrus ahoy', { sentAt: T })], 'alice', titleOf);
    const own = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'pelican', me: 'alice', now: T, messageId: 'a1' });
    await db.messages.update(own.seq, { status: 'sent' });
    await indexAll(db);
    const key = (await db.historyKeys).terms;
    expect(bodies(await searchMessages(db, 'walrus', { limit: 10 }))).toEqual(['walrus ahoy']);

    const scopes = await writeScopes(db, async () => {
      await storeReceived(db, [actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'b1', body: 'narwhal ahoy' }, { sentAt: T + 1 })], 'alice', titleOf);
      await editMessage(db, 'alice', { ...own, status: 'sent' }, 'flamingo', T + 2);
    });
    // The edits touched no index row: they queued the messages.
    for (const scope of scopes) expect(scope).not.toContain('postingsByChat');
    expect(await indexBehind(db)).toBe(true);
    // Not indexed yet: the new words are not found, and the old ones find nothing (the live text is checked).
    expect(await searchMessages(db, 'narwhal', { limit: 10 })).toEqual([]);
    expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
    expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);

    await indexAll(db);
    expect(await indexBehind(db)).toBe(false);
    expect(bodies(await searchMessages(db, 'narwhal', { limit: 10 }))).toEqual(['narwhal ahoy']);
    expect(bodies(await searchMessages(db, 'flamingo', { limit: 10 }))).toEqual(['flamingo']);
    expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
    expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);
    const stored = JSON.stringify([await rawRows(db, 'postingsByChat'), await rawRows(db, 'messageTerms')]);
    for (const stale of [...(await blindTermsOf(key, 'walrus')), ...(await blindTermsOf(key, 'pelican'))]) expect(stored).not.toContain(stale);
    for (const term of [...(await blindTermsOf(key, 'ahoy')), ...(await blindTermsOf(key, 'flamingo'))]) expect(stored).toContain(term);
  });

  it('a message edited after the indexer read it is indexed by its new text in the end, never found by its old', async () => {
    const db = database();
    const own = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'pelican draft', me: 'alice', now: T, messageId: 'a1' });
    // The indexer reads the queued row, then the user edits it before the indexer writes.
    const open = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
    let edited = false;
    const spy = vi.spyOn(db, 'transaction').mockImplementation((async (...args: unknown[]) => {
      if (args[0] === 'rw' && !edited) {
        edited = true;
        await editMessage(db, 'alice', own, 'flamingo draft', T + 1);
        // The slice writes the old text's terms now; the edit's own queue row is still there.
        expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);
      }
      return open(...args);
    }) as typeof db.transaction);
    expect(await indexNextSlice(db)).toBe(1);
    spy.mockRestore();
    expect(edited).toBe(true);
    expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);
    expect(await indexBehind(db)).toBe(true);
    await indexAll(db);
    expect(bodies(await searchMessages(db, 'flamingo', { limit: 10 }))).toEqual(['flamingo draft']);
    expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);
    const stored = JSON.stringify(await rawRows(db, 'postingsByChat'));
    for (const stale of await blindTermsOf((await db.historyKeys).terms, 'pelican')) expect(stored).not.toContain(stale);
  });

  it('takes deleted and expired messages out of the index later, never findable by their old words meanwhile', async () => {
    const db = database();
    await storeReceived(
      db,
      [textFrom('bob', 'b1', 'walrus one', { sentAt: T }), textFrom('bob', 'b2', 'walrus two', { sentAt: T + 1 }), textFrom('bob', 'b3', 'walrus three', { sentAt: T + 2 })],
      'alice',
      titleOf,
    );
    const mine = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'walrus mine', me: 'alice', now: T + 3, messageId: 'a1' });
    const gone = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'walrus gone', me: 'alice', now: T + 4, messageId: 'a2' });
    await db.messages.update(gone.seq, { expiresAt: T + 5 });
    await indexAll(db);
    expect(await searchMessages(db, 'walrus', { limit: 10 })).toHaveLength(5);
    const seqOf = async (messageId: string) => (await db.messages.toArray()).find((row) => row.messageId === messageId)!.seq!;
    const [one, two] = [await seqOf('b1'), await seqOf('b2')];
    const removed = [one, two, mine.seq, gone.seq];

    const scopes = await writeScopes(db, async () => {
      await storeReceived(db, [actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'b1' }, { sentAt: T + 10 })], 'alice', titleOf);
      await deleteMessage(db, 'alice', (await db.messages.get(two)) as StoredMessage, false, T + 11);
      await deleteMessage(db, 'alice', mine, true, T + 12);
      expect(await purgeExpired(db, T + 6, async () => undefined)).toBe(1);
    });
    // Deletes and the purge touched no index row: the removals wait for the indexer, which takes them first.
    for (const scope of scopes) expect(scope.filter((table) => table === 'postingsByChat' || table === 'messageTerms')).toEqual([]);
    for (const seq of removed) expect((await postedSeqs(db)).has(seq)).toBe(true);
    const notFound = async () => {
      expect(bodies(await searchMessages(db, 'walrus', { limit: 10 })).filter((body) => body !== 'walrus four')).toEqual(['walrus three']);
      for (const word of ['one', 'two', 'mine', 'gone']) expect(await searchMessages(db, word, { limit: 10 })).toEqual([]);
    };
    await notFound();
    // A message queued for indexing meanwhile waits behind the removals.
    await storeReceived(db, [textFrom('bob', 'b4', 'walrus four', { sentAt: T + 13 })], 'alice', titleOf);
    while ((await indexNextSlice(db)) > 0) {
      await notFound();
      if ((await db.indexRemovals.count()) > 0) expect(await searchMessages(db, 'four', { limit: 10 })).toEqual([]);
    }

    const postings = (await rawRows(db, 'postingsByChat')) as unknown as PostingRow[];
    const named = await postedSeqs(db);
    for (const seq of removed) expect(named.has(seq)).toBe(false);
    expect(((await rawRows(db, 'messageTerms')) as unknown as MessageTermsRow[]).map((row) => row.seq)).toEqual([await seqOf('b3'), await seqOf('b4')]);
    // Only the remaining messages' prefixes have rows (none left empty).
    expect(postings).toHaveLength(prefixesOf('walrus').length + prefixesOf('three').length + prefixesOf('four').length);
    expect(await db.indexRemovals.count()).toBe(0);
  });

  it('stores a received batch with one queue row and no index row; the indexer then writes one posting row per distinct term', async () => {
    const db = database();
    const batch = Array.from({ length: 50 }, (_, n) => textFrom('bob', `b${n}`, `catch-up message ${n}`, { sentAt: T + n }));
    const scopes = await writeScopes(db, () => storeReceived(db, batch, 'alice', titleOf));
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).not.toContain('postingsByChat');
    expect(scopes[0]).not.toContain('messageTerms');
    expect(await db.postingsByChat.count()).toBe(0);
    expect(await db.messageTerms.count()).toBe(0);
    const [first] = (await db.messages.orderBy('seq').primaryKeys()) as number[];
    expect((await rawRows(db, 'indexQueue')) as unknown as IndexQueueRow[]).toEqual([{ id: 1, first: first!, last: first! + 49 }]);
    // Not searchable yet, and search knows.
    expect(await indexBehind(db)).toBe(true);
    expect(await searchMessages(db, 'messa', { limit: 3 })).toEqual([]);

    await indexAll(db);
    expect(await indexBehind(db)).toBe(false);
    const distinct = new Set(batch.flatMap((message) => termPrefixesOf((message.content as { body: string }).body)));
    const perMessage = batch.reduce((sum, message) => sum + termPrefixesOf((message.content as { body: string }).body).length, 0);
    const postings = (await rawRows(db, 'postingsByChat')) as unknown as PostingRow[];
    expect(postings).toHaveLength(distinct.size);
    expect(postings.length).toBeLessThan(perMessage / 5);
    expect(postings.find((posting) => posting.seqs.length === 50)).toBeDefined();
    // Each row's seqs are stored as one typed array, ascending (v11): copied as one buffer, no JS number per seq.
    for (const posting of postings) {
      expect(posting.seqs).toBeInstanceOf(Int32Array);
      expect([...posting.seqs]).toEqual([...posting.seqs].sort((a, b) => a - b));
    }
    // The message rows carry no index of terms.
    expect(db.messages.schema.indexes.map((index) => index.name)).not.toContain('terms');
    expect(bodies(await searchMessages(db, 'messa', { limit: 3 }))).toEqual(['catch-up message 49', 'catch-up message 48', 'catch-up message 47']);
    expect(bodies(await searchMessages(db, 'messa 4', { limit: 3 }))).toEqual(['catch-up message 4']);
    expect(bodies(await searchMessages(db, 'catch 17', { limit: 10 }))).toEqual(['catch-up message 17']);
  });

  it('indexes in slices of at most SLICE messages, each in one short write, the queue row moving on', async () => {
    const db = database();
    const count = SLICE * 2 + 50;
    const seqs = await addQueued(
      db,
      Array.from({ length: count }, (_, n) => message('dm:bob', `walrus ${n}`, n)),
    );
    await addQueued(db, [message('dm:carol', 'walrus carol', count)]);
    const scopes = await writeScopes(db, () => indexNextSlice(db));
    expect(scopes).toEqual([['postingsByChat', 'messageTerms', 'indexQueue']]);
    expect(await db.messageTerms.count()).toBe(SLICE);
    expect((await db.indexQueue.toArray()).map(({ first, last }) => [first, last])).toEqual([
      [seqs[SLICE]!, seqs[count - 1]!],
      [seqs[count - 1]! + 1, seqs[count - 1]! + 1],
    ]);
    expect(await indexNextSlice(db)).toBe(SLICE);
    // The last slice takes the rest of the batch and the next queue row together.
    expect(await indexNextSlice(db)).toBe(51);
    expect(await indexNextSlice(db)).toBe(0);
    expect(await db.messageTerms.count()).toBe(count + 1);
    expect(await searchMessages(db, 'walrus', { limit: 1_000 })).toHaveLength(count + 1);

    // Removals too: a purge batch larger than a slice is taken out a slice at a time.
    await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs: seqs.slice(0, REMOVAL_SLICE + 10) }));
    expect(await indexNextSlice(db)).toBe(REMOVAL_SLICE);
    expect(await indexNextSlice(db)).toBe(10);
    expect(await db.messageTerms.count()).toBe(count + 1 - REMOVAL_SLICE - 10);
  });

  it('edits a posting row’s seqs into a compact ascending array: removed ones gone, added ones in order, each once', () => {
    const row = Int32Array.from([-3, 1, 2, 5, 9]);
    const removed = editedSeqs(row, [], new Set([2, 9]));
    expect([...removed]).toEqual([-3, 1, 5]);
    // Its own buffer, no bigger than it: IndexedDB stores a view's whole buffer.
    expect(removed.buffer.byteLength).toBe(removed.byteLength);
    expect([...editedSeqs(row, [12, 10, 12], new Set([1]))]).toEqual([-3, 2, 5, 9, 10, 12]);
    expect([...editedSeqs(row, [3, -4], new Set())]).toEqual([-4, -3, 1, 2, 3, 5, 9]);
    expect(editedSeqs(row, [], new Set([7]))).toBe(row);
  });

  it('takes long messages out of the index in shorter slices: at most REMOVAL_ROWS posting rows a slice', async () => {
    const db = database();
    // Twelve words of its own per message: a dozen or more posting rows of its own each, over a thousand for the hundred.
    const text = (n: number) => Array.from({ length: 12 }, (_, word) => `word${word}x${n}`).join(' ');
    const seqs = await addQueued(
      db,
      Array.from({ length: 100 }, (_, n) => message('dm:bob', text(n), n)),
    );
    await indexAll(db);
    // All in one block of seqs: a message's terms name its posting rows.
    const termsOf = (await db.messageTerms.toArray()).map((row) => row.terms);
    const rowsNamed = (messages: string[][]) => new Set(messages.flat()).size;
    expect(rowsNamed(termsOf)).toBeGreaterThan(REMOVAL_ROWS * 2);

    await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs }));
    const slices: number[] = [];
    for (let taken = await indexNextSlice(db); taken > 0; taken = await indexNextSlice(db)) slices.push(taken);
    let from = 0;
    for (const taken of slices) {
      expect(rowsNamed(termsOf.slice(from, from + taken))).toBeLessThanOrEqual(REMOVAL_ROWS);
      from += taken;
    }
    expect(from).toBe(100);
    expect(await db.messageTerms.count()).toBe(0);
    expect(await postedSeqs(db)).toEqual(new Set());
  });

  it('takes messages of common words out of the index reading each posting row about once, in steps of POSTING_STEP rows, POSTING_REQUESTS requests a task', async () => {
    const db = database();
    const work = measureWorkPerTask(db);
    try {
      const seqs = await addQueued(db, commonWordMessages(300));
      await indexAll(db);
      const before = (await rawRows(db, 'postingsByChat')).length;
      expect(before).toBeGreaterThan(4 * POSTING_STEP);

      await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs }));
      const reads = vi.spyOn(db.postingsByChat, 'bulkGet');
      work.reset();
      let slices = 0;
      for (let taken = await indexNextSlice(db); taken > 0; taken = await indexNextSlice(db)) slices += 1;
      expect(slices).toBeGreaterThan(1);
      // A slice takes as many messages as fit REMOVAL_ROWS rows: each row is read about once, not once every few messages.
      const rowsRead = reads.mock.calls.reduce((sum, [keys]) => sum + keys.length, 0);
      expect(rowsRead).toBeLessThan(before * 1.5);
      expect(await postedSeqs(db)).toEqual(new Set());
      expect(await db.messageTerms.count()).toBe(0);
      // Every slice named more posting rows than a step; no task read more than a step's rows or made more than
      // POSTING_REQUESTS requests (and a couple of single ones).
      expect(work.rows).toBeLessThanOrEqual(POSTING_STEP);
      expect(work.requests).toBeLessThanOrEqual(POSTING_REQUESTS + 2);
      expect(work.tasks).toBeGreaterThan(before / POSTING_STEP);
    } finally {
      work.restore();
    }
  });

  it('takes messages out of the index in transactions of a step each, none holding indexRemovals, and a read of messages per task', async () => {
    const db = database();
    const transactions = recordTransactions(db);
    const work = measureWorkPerTask(db);
    const seqs = await addQueued(db, commonWordMessages(300));
    await indexAll(db);
    await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs }));
    transactions.length = 0;
    // Messages whose terms are gathered into the edits, per task: at most one read's worth.
    const perTask = new Map<number, number>();
    const gather = PostingRemovals.prototype.addWithin;
    const gathered = vi.spyOn(PostingRemovals.prototype, 'addWithin').mockImplementation(function (this: PostingRemovals, ...args) {
      perTask.set(work.current(), (perTask.get(work.current()) ?? 0) + 1);
      return gather.apply(this, args);
    });
    try {
      while ((await removeNextSlice(db)) > 0);
    } finally {
      gathered.mockRestore();
      work.restore();
    }
    expect(await postedSeqs(db)).toEqual(new Set());
    expect(Math.max(...perTask.values())).toBeLessThanOrEqual(POSTING_STEP + 1);
    expect([...perTask.values()].reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(300);

    const editing = transactions.filter((transaction) => (transaction.rows.postingsByChat ?? 0) > 0);
    expect(editing.length).toBeGreaterThan(4);
    for (const transaction of editing) {
      // A step's rows read, then written back or deleted; nothing else, so a purge (which queues removals) never waits for it.
      expect(transaction.tables).toEqual(['postingsByChat']);
      expect(transaction.rows.postingsByChat).toBeLessThanOrEqual(2 * POSTING_STEP);
    }
    // The removal row moves on in a transaction of its own, with the messageTerms rows of the messages done: their
    // keys read (neighbours here), then one range deleted.
    for (const transaction of transactions.filter((transaction) => transaction.tables.includes('indexRemovals') && transaction.mode === 'readwrite')) {
      expect(transaction.tables).not.toContain('postingsByChat');
      expect(transaction.rows.messageTerms ?? 0).toBeLessThanOrEqual(REMOVAL_SLICE + 1);
    }
  });

  it("deletes a removal's messageTerms rows with a request per run of neighbouring seqs, never another chat's between them", async () => {
    const db = database();
    const deletes = countDeleteRequests(db, 'messageTerms');
    // Bob's messages in runs of 40, with one of Carol's after each run.
    const rows = Array.from({ length: 246 }, (_, n) => (n % 41 === 40 ? message('dm:carol', `carol ${vocabulary[n % 40]}`, n) : message('dm:bob', `bob ${vocabulary[n % 40]}`, n)));
    const seqs = await addQueued(db, rows);
    await indexAll(db);
    const bobs = seqs.filter((_, n) => rows[n]!.conversationId === 'dm:bob');
    const carols = seqs.filter((_, n) => rows[n]!.conversationId === 'dm:carol');
    await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs: bobs }));
    while ((await removeNextSlice(db)) > 0);
    expect(((await rawRows(db, 'messageTerms')) as unknown as MessageTermsRow[]).map((row) => row.seq)).toEqual(carols);
    expect(await postedSeqs(db)).toEqual(new Set(carols));
    // Six runs of Bob's, not 240 single deletes.
    expect(deletes.requests).toBe(6);
  });

  it('takes out a block of seqs none of whose chat’s messages is left with one range delete, no posting row read; a block still holding some row by row', async () => {
    const db = database();
    const deletes = countDeleteRequests(db, 'postingsByChat');
    // Bob's messages over three blocks of seqs, with Carol's in the middle block.
    const rows = Array.from({ length: 3 * POSTING_BLOCK }, (_, n) => (n % 50 === 25 ? message('dm:carol', `carol ${vocabulary[n % 40]}`, n) : message('dm:bob', `bob ${vocabulary[n % 40]} n${n}`, n)));
    const seqs = await addQueued(db, rows);
    await indexAll(db);
    const blockOf = (seq: number) => Math.floor(seq / POSTING_BLOCK);
    const middle = blockOf(seqs[POSTING_BLOCK + 100]!);
    const bobs = seqs.filter((_, n) => rows[n]!.conversationId === 'dm:bob');
    // All of Bob's messages in the middle block go, and the first half of his in the block after it.
    const gone = bobs.filter((seq) => blockOf(seq) === middle || (blockOf(seq) === middle + 1 && seq % POSTING_BLOCK < POSTING_BLOCK / 2));
    await db.transaction('rw', db.messages, db.indexRemovals, async () => {
      await db.messages.bulkDelete(gone);
      await queueForRemoval(db, gone.map((seq) => ({ seq, conversationId: 'dm:bob' })));
    });
    deletes.requests = 0;
    const reads = vi.spyOn(db.postingsByChat, 'bulkGet');
    const deletedOneByOne = vi.spyOn(db.postingsByChat, 'bulkDelete');
    await indexAll(db);
    const blocksOf = (calls: [readonly unknown[]][]) => new Set(calls.flatMap(([keys]) => keys.map((key) => (key as [string, number, string])[1])));
    // The middle block's rows went with one range delete and were never read; the next block's were edited (those
    // left empty deleted one by one).
    expect(blocksOf(reads.mock.calls)).toEqual(new Set([middle + 1]));
    expect(blocksOf(deletedOneByOne.mock.calls)).toEqual(new Set([middle + 1]));
    // One range delete for each removal slice that took messages of the middle block (REMOVAL_SLICE a slice there: they
    // name no row to edit).
    const middleGone = gone.filter((seq) => blockOf(seq) === middle).length;
    expect(middleGone).toBeGreaterThan(REMOVAL_SLICE);
    expect(deletes.requests - deletedOneByOne.mock.calls.reduce((sum, [keys]) => sum + keys.length, 0)).toBe(Math.ceil(middleGone / REMOVAL_SLICE));
    const kept = seqs.filter((seq) => !gone.includes(seq));
    expect(await postedSeqs(db)).toEqual(new Set(kept));
    expect(await db.messageTerms.count()).toBe(kept.length);
    const carols = seqs.filter((_, n) => rows[n]!.conversationId === 'dm:carol');
    expect((await searchMessages(db, 'carol', { limit: 1_000 })).map((hit) => hit.message.seq).sort((a, b) => a - b)).toEqual(carols);
    expect((await searchMessages(db, 'bob', { limit: 10_000 })).map((hit) => hit.message.seq).sort((a, b) => a - b)).toEqual(bobs.filter((seq) => !gone.includes(seq)));
  });

  it('does a removal cut short between two steps (the window closed) again in full: no hash of it left, the others intact', async () => {
    const db = database();
    const seqs = await addQueued(db, commonWordMessages(300));
    await indexAll(db);
    const [removed, kept] = [seqs.slice(0, 150), seqs.slice(150)];
    await db.transaction('rw', db.indexRemovals, () => db.indexRemovals.add({ conversationId: 'dm:bob', seqs: removed }));
    let steps = 0;
    const closedAfterTwoSteps = async () => {
      steps += 1;
      if (steps === 3) throw new Error('the window closed');
    };
    await expect(removeNextSlice(db, closedAfterTwoSteps)).rejects.toThrow('the window closed');
    // Some postings were edited; the messageTerms rows and the removal row are as they were.
    expect([...(await postedSeqs(db))].filter((seq) => removed.includes(seq)).length).toBeGreaterThan(0);
    expect(await db.messageTerms.count()).toBe(300);
    expect((await db.indexRemovals.toArray()).map((row) => row.seqs)).toEqual([removed]);

    await indexAll(db);
    expect(await postedSeqs(db)).toEqual(new Set(kept));
    expect(((await rawRows(db, 'messageTerms')) as unknown as MessageTermsRow[]).map((row) => row.seq)).toEqual(kept);
    expect(await db.indexRemovals.count()).toBe(0);
    const hits = await searchMessages(db, vocabulary[0]!, { limit: 1_000 });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(kept).toContain(hit.message.seq);
  });

  it('pages block by block, newest first, across chats: a common word reads only the newest blocks, an old rare one is found', async () => {
    const db = database();
    const texts = Array.from({ length: 1_300 }, (_, n) => (n === 3 ? 'walrus common' : `common ${n}`));
    await storeReceived(
      db,
      texts.map((text, n) => textFrom(n % 2 === 0 ? 'bob' : 'carol', `m${n}`, text, { sentAt: T + n })),
      'alice',
      titleOf,
    );
    await indexAll(db);
    const blocks = new Set((await db.postingsByChat.toArray()).map((posting) => posting.block));
    expect(blocks.size).toBeGreaterThan(2);
    const reads = vi.spyOn(db.postingsByChat, 'bulkGet');
    expect(bodies(await searchMessages(db, 'common', { limit: 3 }))).toEqual(['common 1299', 'common 1298', 'common 1297']);
    // Only the newest block's rows were read (their keys were read first, without seqs).
    expect(reads).toHaveBeenCalled();
    expect(reads.mock.calls.flatMap(([keys]) => keys.map((key) => (key as [string, number, string])[1])).every((block) => block === Math.max(...blocks))).toBe(true);
    reads.mockRestore();
    expect(bodies(await searchMessages(db, 'comm walr', { limit: 3 }))).toEqual(['walrus common']);
    expect(bodies(await searchMessages(db, 'common', { limit: 2, conversationId: 'dm:carol' }))).toEqual(['common 1299', 'common 1297']);
  });

  it('indexes received messages without writing their rows again', async () => {
    const db = database();
    await storeReceived(
      db,
      [textFrom('bob', 'b1', 'walrus ahoy', { sentAt: T }), textFrom('bob', 'b2', 'Walrus again', { sentAt: T + 1 }), textFrom('bob', 'b3', 'ahoy', { sentAt: T + 2 })],
      'alice',
      titleOf,
    );
    const sealedBefore = (await rawRows(db, 'messages')) as { sealed: Uint8Array }[];
    await indexAll(db);
    expect(bodies(await searchMessages(db, 'walrus', { limit: 10 }))).toEqual(['Walrus again', 'walrus ahoy']);
    const key = (await db.historyKeys).terms;
    const [first] = (await db.messages.toArray()) as StoredMessage[];
    expect((await db.messageTerms.get(first!.seq))?.terms).toEqual(await blindTermsOf(key, 'walrus ahoy'));
    const sealedAfter = (await rawRows(db, 'messages')) as { sealed: Uint8Array }[];
    // Not opened and sealed again (a fresh nonce would change the bytes), and nothing left queued.
    expect(sealedAfter.map((row) => [...row.sealed])).toEqual(sealedBefore.map((row) => [...row.sealed]));
    expect(await indexNextSlice(db)).toBe(0);
  });

  it('hashes a batch of texts as it hashes each text alone', async () => {
    const key = (await database().historyKeys).terms;
    const texts = ['walrus ahoy', 'Walrus again', '', 'ahoy ahoy'];
    expect(await blindTermsOfAll(key, texts)).toEqual(await Promise.all(texts.map((text) => blindTermsOf(key, text))));
  });

  it('indexes in the background as messages arrive, and again after an edit', async () => {
    const db = database();
    const indexer = new SearchIndexer(db, (error) => {
      throw error;
    });
    indexer.start();
    try {
      const [seq] = await addQueued(db, [message('dm:bob', 'first walrus', 1)]);
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['first walrus']);
      await addQueued(db, Array.from({ length: 450 }, (_, n) => message('dm:bob', `filler ${n}`, n + 2)));
      await addQueued(db, [message('dm:carol', 'second walrus', 500)]);
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['second walrus', 'first walrus']);

      // bob edits his first message: the indexer wakes for it although no message was added.
      await storeReceived(db, [actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'first narwhal' }, { sentAt: 2 })], 'alice', titleOf);
      await expect.poll(async () => bodies(await searchMessages(db, 'narwhal', { limit: 10 })), { timeout: 30_000 }).toEqual(['first narwhal']);
      expect((await db.messages.get(seq!))?.body).toBe('first narwhal');
      expect(bodies(await searchMessages(db, 'walrus', { limit: 10 }))).toEqual(['second walrus']);
    } finally {
      indexer.stop();
      await indexer.idle();
    }
  });

  it('indexes a chunk only once what goes first (storing what was received) is done', async () => {
    const db = database();
    let asked = 0;
    let release = () => {};
    const receiving = new Promise<void>((resolve) => (release = resolve));
    const indexer = new SearchIndexer(
      db,
      (error) => {
        throw error;
      },
      () => {
        asked += 1;
        return receiving;
      },
    );
    indexer.start();
    try {
      await addQueued(db, [message('dm:bob', 'waiting walrus', 1)]);
      await expect.poll(() => asked, { timeout: 30_000 }).toBeGreaterThan(0);
      // Held before its first chunk: nothing indexed while receiving goes on.
      expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
      release();
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['waiting walrus']);
    } finally {
      indexer.stop();
      await indexer.idle();
    }
  });

  it('takes removals out of the index only once a running purge is done', async () => {
    const db = database();
    const [kept, gone] = await addQueued(db, [message('dm:bob', 'kept walrus', 1), message('dm:bob', 'gone walrus', 2)]);
    await indexAll(db);
    let asked = 0;
    let purged = () => {};
    const purging = new Promise<void>((resolve) => (purged = resolve));
    const indexer = new SearchIndexer(
      db,
      (error) => {
        throw error;
      },
      undefined,
      undefined,
      () => {
        asked += 1;
        return purging;
      },
    );
    indexer.start();
    try {
      await db.transaction('rw', db.messages, db.indexRemovals, async () => {
        await db.messages.delete(gone!);
        await queueForRemoval(db, [{ seq: gone!, conversationId: 'dm:bob' }]);
      });
      await expect.poll(() => asked, { timeout: 30_000 }).toBeGreaterThan(0);
      // Held while the purge runs: the removal waits, its hashes still there.
      expect(await db.indexRemovals.count()).toBe(1);
      expect(await postedSeqs(db)).toEqual(new Set([kept, gone]));
      purged();
      await expect.poll(() => db.indexRemovals.count(), { timeout: 30_000 }).toBe(0);
      expect(await postedSeqs(db)).toEqual(new Set([kept]));
    } finally {
      indexer.stop();
      await indexer.idle();
    }
  });

  it('watches its queues with a request each, however many rows wait: no cursor walked over them at each change', async () => {
    const db = database();
    const seqs = await addQueued(db, Array.from({ length: 40 }, (_, n) => message('dm:bob', `walrus ${n}`, n)));
    await indexAll(db);
    let purged = () => {};
    const purging = new Promise<void>((resolve) => (purged = resolve));
    const indexer = new SearchIndexer(
      db,
      (error) => {
        throw error;
      },
      undefined,
      undefined,
      () => purging,
    );
    const cursor = (globalThis as unknown as { IDBCursor: { prototype: { continue(key?: unknown): void } } }).IDBCursor.prototype;
    const step = vi.spyOn(cursor, 'continue');
    indexer.start();
    try {
      // A purge's removal rows, one per slice committed, waiting for it to end; the watch runs again at each.
      for (const seq of seqs) {
        await db.transaction('rw', db.messages, db.indexRemovals, async () => {
          await db.messages.delete(seq);
          await queueForRemoval(db, [{ seq, conversationId: 'dm:bob' }]);
        });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(step).not.toHaveBeenCalled();
      purged();
      await expect.poll(() => db.indexRemovals.count(), { timeout: 30_000 }).toBe(0);
      expect(await postedSeqs(db)).toEqual(new Set());
    } finally {
      step.mockRestore();
      purged();
      indexer.stop();
      await indexer.idle();
    }
  });

  it('indexes nothing while paused (the benchmark’s switch) and catches up at the next change once resumed', async () => {
    const db = database();
    const indexer = new SearchIndexer(db, (error) => {
      throw error;
    });
    indexer.start();
    localStorage.setItem(PAUSE_INDEXING_KEY, '1');
    try {
      await addQueued(db, [message('dm:bob', 'paused walrus', 1)]);
      await indexer.idle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await indexer.idle();
      expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
      localStorage.removeItem(PAUSE_INDEXING_KEY);
      await addQueued(db, [message('dm:bob', 'resumed walrus', 2)]);
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['resumed walrus', 'paused walrus']);
    } finally {
      localStorage.removeItem(PAUSE_INDEXING_KEY);
      indexer.stop();
      await indexer.idle();
    }
  });
});
