import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../testing/db';
import type { ParleyDatabase } from '../database';
import type { MessageRow, StoredMessage } from '../rows';
import { actionFrom, textFrom } from '../../testing/messages';
import { editMessage } from '../actions';
import { storeReceived } from '../incoming';
import { queueTextMessage } from '../outgoing';
import { blindTermsOf, blindTermsOfAll, MAX_PREFIX, prefixesOf } from './blindTerms';
import { indexNextChunk } from './indexMessages';
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

async function indexAll(db: ParleyDatabase): Promise<void> {
  while ((await indexNextChunk(db)) > 0);
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
    await db.messages.bulkAdd([
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
    await db.messages.bulkAdd([message('dm:bob', 'internationalization', 1), message('dm:bob', 'internationally', 2)]);
    await indexAll(db);
    expect(bodies(await searchMessages(db, 'internationaliz', { limit: 10 }))).toEqual(['internationalization']);
    expect(bodies(await searchMessages(db, 'internation', { limit: 10 }))).toEqual(['internationally', 'internationalization']);
  });

  it('keeps only keyed hashes in the index: no word, no prefix of one', async () => {
    const db = database();
    await db.messages.add(message('dm:bob', 'Pelicans whisper', 1));
    await indexAll(db);
    const raw = new Dexie(db.name);
    await raw.open();
    const [row] = (await raw.table('messages').toArray()) as { terms: string[] }[];
    raw.close();
    expect(row!.terms).toHaveLength(prefixesOf('pelicans').length + prefixesOf('whisper').length);
    for (const term of row!.terms) expect(term).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(JSON.stringify(row!.terms)).not.toMatch(/pel|whi/i);
  });

  it('indexes an edited message again, own or received: new words found, the old words’ hashes gone from the row', async () => {
    const db = database();
    await storeReceived(db, [textFrom('bob', 'b1', 'walrus ahoy', { sentAt: T })], 'alice', titleOf);
    const own = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'pelican', me: 'alice', now: T, messageId: 'a1' });
    await db.messages.update(own.seq, { status: 'sent' });
    await indexAll(db);
    const theirs = (await db.messages.where('[conversationId+messageId+sender]').equals(['dm:bob', 'b1', 'bob']).first()) as StoredMessage;
    const key = (await db.historyKeys).terms;
    expect(theirs.terms).toEqual(expect.arrayContaining(await blindTermsOf(key, 'walrus')));

    await storeReceived(db, [actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'b1', body: 'narwhal ahoy' }, { sentAt: T + 1 })], 'alice', titleOf);
    await editMessage(db, 'alice', { ...own, status: 'sent' }, 'flamingo', T + 2);
    // The edit itself took the old terms away; the new ones come with the next indexing (queued, so it survives a restart).
    expect((await db.messages.get(theirs.seq))?.terms).toBeUndefined();
    expect((await db.messages.get(own.seq))?.terms).toBeUndefined();
    await indexAll(db);
    expect(bodies(await searchMessages(db, 'narwhal', { limit: 10 }))).toEqual(['narwhal ahoy']);
    expect(bodies(await searchMessages(db, 'flamingo', { limit: 10 }))).toEqual(['flamingo']);
    expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
    expect(await searchMessages(db, 'pelican', { limit: 10 })).toEqual([]);
    const termsNow = [...((await db.messages.get(theirs.seq))?.terms ?? []), ...((await db.messages.get(own.seq))?.terms ?? [])];
    for (const stale of [...(await blindTermsOf(key, 'walrus')), ...(await blindTermsOf(key, 'pelican'))]) expect(termsNow).not.toContain(stale);
    expect(termsNow).toEqual(expect.arrayContaining(await blindTermsOf(key, 'ahoy')));
    // Nothing is left waiting.
    expect(await indexNextChunk(db)).toBe(0);
  });

  it('stores received messages with their terms: found at once, and the indexer leaves their rows as they are', async () => {
    const db = database();
    await storeReceived(
      db,
      [textFrom('bob', 'b1', 'walrus ahoy', { sentAt: T }), textFrom('bob', 'b2', 'Walrus again', { sentAt: T + 1 }), textFrom('bob', 'b3', 'ahoy', { sentAt: T + 2 })],
      'alice',
      titleOf,
    );
    expect(bodies(await searchMessages(db, 'walrus', { limit: 10 }))).toEqual(['Walrus again', 'walrus ahoy']);
    const key = (await db.historyKeys).terms;
    const [first] = (await db.messages.toArray()) as StoredMessage[];
    expect(first!.terms).toEqual(await blindTermsOf(key, 'walrus ahoy'));

    const raw = new Dexie(db.name);
    await raw.open();
    const sealedBefore = (await raw.table('messages').toArray()) as { sealed: Uint8Array }[];
    await indexAll(db);
    const sealedAfter = (await raw.table('messages').toArray()) as { sealed: Uint8Array }[];
    raw.close();
    // Not opened and sealed again (a fresh nonce would change the bytes), and the position moved past them.
    expect(sealedAfter.map((row) => [...row.sealed])).toEqual(sealedBefore.map((row) => [...row.sealed]));
    expect(await indexNextChunk(db)).toBe(0);
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
      const seq = await db.messages.add(message('dm:bob', 'first walrus', 1));
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['first walrus']);
      await db.messages.bulkAdd(Array.from({ length: 450 }, (_, n) => message('dm:bob', `filler ${n}`, n + 2)));
      await db.messages.add(message('dm:carol', 'second walrus', 500));
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['second walrus', 'first walrus']);

      // bob edits his first message: the indexer wakes for it although no message was added.
      await storeReceived(db, [actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'first narwhal' }, { sentAt: 2 })], 'alice', titleOf);
      await expect.poll(async () => bodies(await searchMessages(db, 'narwhal', { limit: 10 })), { timeout: 30_000 }).toEqual(['first narwhal']);
      expect((await db.messages.get(seq))?.body).toBe('first narwhal');
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
      await db.messages.add(message('dm:bob', 'waiting walrus', 1));
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

  it('indexes nothing while paused (the benchmark’s switch) and catches up at the next change once resumed', async () => {
    const db = database();
    const indexer = new SearchIndexer(db, (error) => {
      throw error;
    });
    indexer.start();
    localStorage.setItem(PAUSE_INDEXING_KEY, '1');
    try {
      await db.messages.add(message('dm:bob', 'paused walrus', 1));
      await indexer.idle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await indexer.idle();
      expect(await searchMessages(db, 'walrus', { limit: 10 })).toEqual([]);
      localStorage.removeItem(PAUSE_INDEXING_KEY);
      await db.messages.add(message('dm:bob', 'resumed walrus', 2));
      await expect.poll(async () => bodies(await searchMessages(db, 'walrus', { limit: 10 })), { timeout: 30_000 }).toEqual(['resumed walrus', 'paused walrus']);
    } finally {
      localStorage.removeItem(PAUSE_INDEXING_KEY);
      indexer.stop();
      await indexer.idle();
    }
  });
});
