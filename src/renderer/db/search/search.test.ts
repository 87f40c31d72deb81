import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../testing/db';
import type { ParleyDatabase } from '../database';
import type { MessageRow, StoredMessage } from '../rows';
import { MAX_PREFIX, prefixesOf } from './blindTerms';
import { indexMessages, indexNextChunk } from './indexMessages';
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

      await db.messages.update(seq, { body: 'first narwhal' });
      await indexMessages(db, [(await db.messages.get(seq)) as StoredMessage]);
      expect(bodies(await searchMessages(db, 'narwhal', { limit: 10 }))).toEqual(['first narwhal']);
      expect(bodies(await searchMessages(db, 'walrus', { limit: 10 }))).toEqual(['second walrus']);
    } finally {
      indexer.stop();
      await indexer.idle();
    }
  });
});
