import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { sealAtRest } from './atRest/sealAtRest';
import { CLEAR_FIELDS, CURRENT_VERSION, ParleyDatabase, SCHEMA_V1, SCHEMA_V8, SCHEMA_V10, SCHEMA_V11, SCHEMA_V12 } from './database';
import { blindTermsOf } from './search/blindTerms';
import { purgeExpired } from './expiry';
import { indexNextSlice } from './search/indexMessages';
import { searchMessages } from './search/searchMessages';
import { countUnread } from './conversations';
import { conversationsOwingReceipts } from './receiptPositions';
import { testHistoryKeys } from '../testing/db';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

/** Writes a database exactly as the v1 code did. */
async function createV1(name: string): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(1).stores(SCHEMA_V1);
  await v1.open();
  await v1.table('conversations').bulkAdd([
    { id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 5, createdAt: 1, unreadCount: 2 },
    { id: 'dm:carol', kind: 'dm', title: 'carol', lastActivityAt: 4, createdAt: 1, unreadCount: 0 },
  ]);
  await v1.table('messages').bulkAdd([
    { conversationId: 'dm:bob', messageId: 'a', sender: 'bob', fromMe: false, body: 'one', timestamp: 1 },
    { conversationId: 'dm:bob', messageId: 'b', sender: 'me', fromMe: true, body: 'two', timestamp: 2, status: 'read' },
    { conversationId: 'dm:bob', messageId: 'c', sender: 'bob', fromMe: false, body: 'three', timestamp: 3 },
    { conversationId: 'dm:carol', messageId: 'd', sender: 'carol', fromMe: false, body: 'hi', timestamp: 4 },
    { conversationId: 'dm:bob', messageId: 'e', sender: 'bob', fromMe: false, body: 'four', timestamp: 5 },
  ]);
  await v1.table('outbox').add({ conversationId: 'dm:bob', messageId: 'b', messageSeq: 2, attempts: 0, nextAttemptAt: 0 });
  v1.close();
}

describe('schema migrations', () => {
  it('opens v1 data with the current code: directions, read positions from the old counters, receipts table', async () => {
    await createV1('migrate-1');
    const db = new ParleyDatabase('migrate-1', testHistoryKeys());
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);

    const messages = await db.messages.orderBy('seq').toArray();
    expect(messages.map((message) => message.direction)).toEqual(['in', 'out', 'in', 'in', 'in']);
    expect(messages.some((message) => 'fromMe' in message)).toBe(false);

    // bob had 2 unread: the two newest incoming (c, e) stay unread; carol had none.
    const bob = await db.conversations.get('dm:bob');
    const carol = await db.conversations.get('dm:carol');
    expect(bob && 'unreadCount' in bob).toBe(false);
    expect(await countUnread(db, 'dm:bob', bob?.lastReadSeq ?? -1)).toBe(2);
    expect(await countUnread(db, 'dm:carol', carol?.lastReadSeq ?? -1)).toBe(0);
    // Receipts of that time went out as events: after the upgrade, nothing older is owed.
    expect(await conversationsOwingReceipts(db)).toEqual([]);

    // The outbox row survives, and the new table works.
    expect(await db.outbox.count()).toBe(1);
    await db.receipts.put({ conversationId: 'dm:bob', messageId: 'b', user: 'bob', kind: 'read', at: 9 });
    expect(await db.receipts.where('[conversationId+messageId]').equals(['dm:bob', 'b']).count()).toBe(1);
    await db.drafts.put({ conversationId: 'dm:bob', text: 'unsent' });
    expect(await db.drafts.get('dm:bob')).toEqual({ conversationId: 'dm:bob', text: 'unsent' });
  });

  it('creates a new database directly at the current version', async () => {
    const db = new ParleyDatabase('migrate-2', testHistoryKeys());
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.tables.map((table) => table.name).sort()).toEqual([
      'conversations',
      'drafts',
      'earlyActions',
      'fileDeletions',
      'indexQueue',
      'indexRemovals',
      'messageTerms',
      'messages',
      'meta',
      'outbox',
      'postingsByChat',
      'receipts',
    ]);
  });

  it('moves v8’s search terms off the message rows into postings: old messages found, nothing left on the rows', async () => {
    // A v8 database as the v8 code wrote it: rows sealed, their terms in clear on the row (the `*terms` index).
    const keys = testHistoryKeys();
    const termsKey = (await keys).terms;
    const v8 = new Dexie('migrate-9');
    v8.use(sealAtRest(keys, {}));
    v8.version(8).stores(SCHEMA_V8);
    await v8.open();
    await v8.table('conversations').add({ id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 1, lastReadSeq: 0, createdAt: 1 });
    const row = (n: number, body: string, terms?: string[]) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in', body, timestamp: n, ...(terms ? { terms } : {}) });
    await v8.table('messages').bulkAdd([
      row(1, 'walrus ahoy', await blindTermsOf(termsKey, 'walrus ahoy')),
      row(2, 'walrus again', await blindTermsOf(termsKey, 'walrus again')),
      // Edited and waiting to be indexed again; and one the indexer had not reached.
      row(3, 'narwhal edited'),
      row(4, 'pelican unindexed'),
      { ...row(5, ''), direction: 'system', terms: [] },
    ]);
    await v8.table('meta').bulkPut([
      { key: 'search.indexedUpTo', value: 3 },
      { key: 'search.reindex:3', value: 3 },
    ]);
    v8.close();

    const db = new ParleyDatabase('migrate-9', keys);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.messages.schema.indexes.map((index) => index.name)).not.toContain('terms');
    expect((await searchMessages(db, 'walrus', { limit: 10 })).map((hit) => hit.message.body)).toEqual(['walrus again', 'walrus ahoy']);
    // What waited for the indexer is queued as one range (v9 queued a meta key per message; v10 moves them).
    expect(await db.meta.count()).toBe(0);
    expect((await db.indexQueue.toArray()).map(({ first, last }) => [first, last])).toEqual([[3, 4]]);
    while ((await indexNextSlice(db)) > 0);
    expect((await searchMessages(db, 'narwhal', { limit: 10 })).map((hit) => hit.message.body)).toEqual(['narwhal edited']);
    expect((await searchMessages(db, 'pelican', { limit: 10 })).map((hit) => hit.message.body)).toEqual(['pelican unindexed']);
    expect(await db.meta.count()).toBe(0);

    // No row keeps its terms, in clear or sealed; the messages read back as they were.
    const raw = new Dexie('migrate-9');
    await raw.open();
    const rows = (await raw.table('messages').toArray()) as Record<string, unknown>[];
    raw.close();
    expect(rows.filter((stored) => 'terms' in stored)).toEqual([]);
    expect((await db.messages.toArray()).map((message) => [message.body, 'terms' in message])).toEqual([
      ['walrus ahoy', false],
      ['walrus again', false],
      ['narwhal edited', false],
      ['pelican unindexed', false],
      ['', false],
    ]);
  });

  it('packs v10’s posting seqs into typed arrays: found as before, and the index still edited in place', async () => {
    // A v10 database as the v10 indexer wrote it: a posting row's seqs a plain array.
    const keys = testHistoryKeys();
    const termsKey = (await keys).terms;
    const v10 = new Dexie('migrate-11');
    v10.use(sealAtRest(keys, CLEAR_FIELDS));
    v10.version(10).stores(SCHEMA_V10);
    await v10.open();
    await v10.table('conversations').add({ id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 1, lastReadSeq: 0, createdAt: 1 });
    const bodies = ['walrus one', 'walrus two', 'walrus three'];
    const seqs = (await v10.table('messages').bulkAdd(
      bodies.map((body, n) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in', body, timestamp: n, ...(n === 0 ? { expiresAt: 1 } : {}) })),
      { allKeys: true },
    )) as number[];
    const terms = await Promise.all(bodies.map((body) => blindTermsOf(termsKey, body)));
    const postings = new Map<string, number[]>();
    terms.forEach((list, n) => list.forEach((term) => postings.set(term, [...(postings.get(term) ?? []), seqs[n]!])));
    await v10.table('postings').bulkAdd([...postings].map(([term, list]) => ({ term, conversationId: 'dm:bob', block: 0, seqs: list })));
    await v10.table('messageTerms').bulkAdd(terms.map((list, n) => ({ seq: seqs[n]!, terms: list })));
    v10.close();

    const db = new ParleyDatabase('migrate-11', keys);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    const raw = async () => {
      const plain = new Dexie('migrate-11');
      await plain.open();
      try {
        return (await plain.table('postingsByChat').toArray()) as { seqs: unknown }[];
      } finally {
        plain.close();
      }
    };
    const packed = await raw();
    expect(packed).toHaveLength(postings.size);
    for (const row of packed) expect(row.seqs).toBeInstanceOf(Int32Array);
    expect((await searchMessages(db, 'walrus', { limit: 10 })).map((hit) => hit.message.body)).toEqual(['walrus three', 'walrus two', 'walrus one']);
    // The indexer edits the packed rows: the expired first message leaves them.
    await purgeExpired(db, 2, async () => {});
    while ((await indexNextSlice(db)) > 0);
    expect((await raw()).map((row) => [...(row.seqs as Int32Array)])).toContainEqual([seqs[1], seqs[2]]);
    expect((await searchMessages(db, 'walrus', { limit: 10 })).map((hit) => hit.message.body)).toEqual(['walrus three', 'walrus two']);
  });

  it('marks v11’s unread tombstones so the unread count leaves them out; read ones need no mark', async () => {
    const keys = testHistoryKeys();
    const v11 = new Dexie('migrate-12');
    v11.use(sealAtRest(keys, CLEAR_FIELDS));
    v11.version(11).stores(SCHEMA_V11);
    await v11.open();
    const row = (n: number, extra: object = {}) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in', body: `text ${n}`, timestamp: n, ...extra });
    const tombstone = { body: '', deleted: true };
    const seqs = (await v11.table('messages').bulkAdd([row(1, tombstone), row(2), row(3, tombstone), row(4), row(5, { direction: 'out', sender: 'alice', ...tombstone })], { allKeys: true })) as number[];
    await v11.table('conversations').add({ id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 1, lastReadSeq: seqs[1]!, createdAt: 1 });
    v11.close();

    const db = new ParleyDatabase('migrate-12', keys);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    // Unread: 3 (a tombstone) and 4; only 4 counts.
    expect(await countUnread(db, 'dm:bob', seqs[1]!)).toBe(1);
    expect((await db.messages.toArray()).filter((message) => message.deletedIncoming === 1).map((message) => message.seq)).toEqual([seqs[2]]);
    expect((await db.messages.get(seqs[2]!))?.body).toBe('');
  });

  it('moves v12’s posting rows into chat order unchanged: found by their words, removable, the old table gone', async () => {
    const keys = testHistoryKeys();
    const termsKey = (await keys).terms;
    const v12 = new Dexie('migrate-13');
    v12.use(sealAtRest(keys, CLEAR_FIELDS));
    v12.version(12).stores(SCHEMA_V12);
    await v12.open();
    const chats = ['dm:bob', 'dm:carol'];
    for (const id of chats) await v12.table('conversations').add({ id, kind: 'dm', title: id, lastActivityAt: 1, lastReadSeq: 0, createdAt: 1 });
    // Seqs in two blocks of each chat, as the v12 indexer wrote them (keyed term, conversation, block).
    const messages = [
      { seq: 3, conversationId: 'dm:bob', body: 'walrus one' },
      { seq: 700, conversationId: 'dm:bob', body: 'walrus two', expiresAt: 1 },
      { seq: 4, conversationId: 'dm:carol', body: 'walrus three' },
      { seq: 701, conversationId: 'dm:carol', body: 'pelican four' },
    ];
    await v12.table('messages').bulkAdd(messages.map(({ seq, conversationId, body, expiresAt }) => ({ seq, conversationId, messageId: `m${seq}`, sender: 'bob', direction: 'in', body, timestamp: seq, ...(expiresAt ? { expiresAt } : {}) })));
    const terms = await Promise.all(messages.map(({ body }) => blindTermsOf(termsKey, body)));
    const rows = new Map<string, { term: string; conversationId: string; block: number; seqs: Int32Array }>();
    messages.forEach(({ seq, conversationId }, n) => {
      for (const term of terms[n]!) {
        const block = Math.floor(seq / 512);
        const id = `${term} ${conversationId} ${block}`;
        const row = rows.get(id);
        rows.set(id, { term, conversationId, block, seqs: Int32Array.from([...(row?.seqs ?? []), seq]) });
      }
    });
    await v12.table('postings').bulkAdd([...rows.values()]);
    await v12.table('messageTerms').bulkAdd(messages.map(({ seq }, n) => ({ seq, terms: terms[n]! })));
    v12.close();

    const db = new ParleyDatabase('migrate-13', keys);
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    const plain = new Dexie('migrate-13');
    await plain.open();
    const stored = {
      tables: plain.tables.map((table) => table.name),
      rows: (await plain.table('postingsByChat').toArray()) as { term: string; conversationId: string; block: number; seqs: Int32Array }[],
    };
    plain.close();
    expect(stored.tables).not.toContain('postings');
    const asText = (list: { term: string; conversationId: string; block: number; seqs: Int32Array }[]) =>
      list.map(({ term, conversationId, block, seqs }) => `${conversationId} ${block} ${term} ${[...seqs].join(',')}`).sort();
    expect(asText(stored.rows)).toEqual(asText([...rows.values()]));
    for (const row of stored.rows) expect(row.seqs).toBeInstanceOf(Int32Array);
    const found = async (query: string) => (await searchMessages(db, query, { limit: 10 })).map((hit) => hit.message.body);
    expect(await found('walrus')).toEqual(['walrus two', 'walrus three', 'walrus one']);
    expect(await found('pel')).toEqual(['pelican four']);
    // The indexer edits the moved rows: the expired message leaves them.
    await purgeExpired(db, 2, async () => {});
    while ((await indexNextSlice(db)) > 0);
    expect(await found('walrus')).toEqual(['walrus three', 'walrus one']);
    expect((await db.postingsByChat.toArray()).flatMap((row) => [...row.seqs])).not.toContain(700);
  });
});
