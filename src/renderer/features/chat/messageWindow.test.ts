import { beforeAll, describe, expect, it } from 'vitest';
import { rowsInWindow } from '../../db/history';
import { countMessageReads, freshDatabase, seedMessages } from '../../testing/db';
import { MAX_WINDOW, PAGE_SIZE, latestWindow, loadNewer, loadOlder, openWindow, trimLiveWindow, type MessageWindow } from './messageWindow';

const HISTORY = 20_000;
const db = freshDatabase('paging');
const reads = countMessageReads(db);

beforeAll(async () => {
  await seedMessages(db, { conversationId: 'dm:bob', count: HISTORY });
  await seedMessages(db, { conversationId: 'dm:carol', count: 30 });
});

async function rows(window: MessageWindow) {
  return rowsInWindow(db, window.conversationId, window.fromSeq, window.toSeq);
}

describe('paging history from IndexedDB', () => {
  it('opens on the newest page, reading a page of rows, not the conversation', async () => {
    reads.reset();
    const window = await latestWindow(db, 'dm:bob');
    const loaded = await rows(window);
    expect(loaded).toHaveLength(PAGE_SIZE);
    expect(loaded.at(-1)?.body).toBe(`message ${HISTORY - 1}`);
    expect(window.hasOlder).toBe(true);
    expect(reads.rows).toBe(PAGE_SIZE);
    expect(reads.keys).toBeLessThanOrEqual(PAGE_SIZE + 1);
    expect(reads.cursors).toBe(0);
  });

  it('scrolling up 100 pages and back reads a bounded number of rows per step', async () => {
    let window = await latestWindow(db, 'dm:bob');
    let loaded = await rows(window);
    const step = async (move: typeof loadOlder) => {
      reads.reset();
      window = await move(db, window, loaded.map((row) => row.seq));
      loaded = await rows(window);
      // One page of keys to move the bounds, the window's rows to show: never the 20,000 of the conversation.
      expect(reads.keys).toBeLessThanOrEqual(PAGE_SIZE + 1);
      expect(reads.rows).toBeLessThanOrEqual(MAX_WINDOW);
      expect(reads.cursors).toBe(0);
      expect(loaded.length).toBeLessThanOrEqual(MAX_WINDOW);
    };
    for (let page = 0; page < 100; page += 1) await step(loadOlder);
    expect(loaded[0]?.body).toBe(`message ${HISTORY - 101 * PAGE_SIZE}`);
    expect(window.toSeq).not.toBeNull();

    // ...and back down to the newest, where the window is live again.
    for (let page = 0; page < 200 && window.toSeq !== null; page += 1) await step(loadNewer);
    expect(window.toSeq).toBeNull();
    expect(loaded.at(-1)?.body).toBe(`message ${HISTORY - 1}`);
    // 300 windows of up to 250 rows, each row decrypted (history at rest) by Node's WebCrypto: slow on a loaded machine.
  }, 120_000);

  it('reaches the oldest message and knows there is nothing older', async () => {
    let window = await latestWindow(db, 'dm:carol');
    expect(window.hasOlder).toBe(false);
    const loaded = await rows(window);
    expect(loaded.map((row) => row.body)).toEqual(Array.from({ length: 30 }, (_, i) => `message ${i}`));
    window = await loadOlder(db, window, loaded.map((row) => row.seq));
    expect((await rows(window))).toHaveLength(30);
  });

  it('opens at the unread divider when more than a page is unread', async () => {
    const all = await db.messages.where('[conversationId+seq]').between(['dm:bob', 0], ['dm:bob', Infinity]).primaryKeys();
    const lastRead = all[HISTORY - 300]!;
    const window = await openWindow(db, 'dm:bob', lastRead);
    const loaded = await rows(window);
    expect(loaded.some((row) => row.seq === lastRead + 1)).toBe(true);
    expect(loaded.length).toBeLessThanOrEqual(PAGE_SIZE + 1);
    expect(window.toSeq).not.toBeNull();
    expect(window.hasOlder).toBe(true);
  });

  it('trims a live window that grew from arrivals', () => {
    const seqs = Array.from({ length: MAX_WINDOW + PAGE_SIZE + 10 }, (_, i) => i + 1);
    const live: MessageWindow = { conversationId: 'dm:bob', fromSeq: 1, toSeq: null, hasOlder: false };
    expect(trimLiveWindow(live, seqs, true)).toMatchObject({ fromSeq: seqs.length - MAX_WINDOW + 1, toSeq: null, hasOlder: true });
    expect(trimLiveWindow(live, seqs, false)).toMatchObject({ fromSeq: 1, toSeq: MAX_WINDOW });
    expect(trimLiveWindow(live, seqs.slice(0, 10), true)).toBe(live);
  });
});
