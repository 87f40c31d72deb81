// Seeds a long history straight into the app's own IndexedDB database (parley-<username>, the schema Dexie
// created when the app opened it): rows shaped like src/renderer/db/rows.ts MessageRow, written in bulk from
// inside the page, many thousands per transaction. Far faster than the real pipeline (which would encrypt, relay
// and store each one), and the rows are indistinguishable to the UI. The conversation's read position and activity
// are moved to the newest seeded row, as after reading it all. Reload the page afterwards so Dexie re-reads.
import type { Page } from '@playwright/test';
import type { IdbDatabase, IdbRequest, PageWindow } from './page';

export interface SeedOptions {
  username: string;
  conversationId: string;
  peer: string;
  count: number;
  /** Rows per transaction. */
  batch?: number;
}

export interface SeedResult {
  count: number;
  firstSeq: number;
  lastSeq: number;
  newestMessageId: string;
  ms: number;
}

export async function seedHistory(page: Page, options: SeedOptions): Promise<SeedResult> {
  return page.evaluate(async ({ username, conversationId, peer, count, batch }) => {
    const w = globalThis as unknown as PageWindow;
    const started = w.performance.now();
    const request = <T>(req: IdbRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(new Error('IndexedDB request failed'));
      });
    const db = await request<IdbDatabase>(w.indexedDB.open(`parley-${username}`));
    const words = ['sure', 'see you at', 'the', 'train', 'was late again', 'did you read', 'https://example.org/notes', 'tomorrow', 'lunch?', 'ok', 'that makes sense', 'let me check', 'photos from the trip', 'haha', 'on my way', 'can you send', 'the draft', 'thanks!'];
    let state = 12345;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const body = (i: number) => {
      const length = 1 + Math.floor(random() * (i % 97 === 0 ? 60 : 14));
      const parts: string[] = [];
      for (let k = 0; k < length; k++) parts.push(words[Math.floor(random() * words.length)]!);
      return `${parts.join(' ')}${i % 211 === 0 ? '\nsecond line' : ''} #${i}`;
    };
    const now = Date.now();
    const span = 365 * 86_400_000;
    const start = now - span - 3_600_000;
    let firstSeq = 0;
    let lastSeq = 0;
    let newestMessageId = '';
    let direction: 'in' | 'out' = 'in';
    for (let from = 0; from < count; from += batch) {
      const tx = db.transaction(['messages'], 'readwrite', { durability: 'relaxed' });
      const store = tx.objectStore('messages');
      const done = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error('seed transaction failed'));
        tx.onabort = () => reject(new Error('seed transaction aborted'));
      });
      let last: IdbRequest<unknown> | null = null;
      for (let i = from; i < Math.min(count, from + batch); i++) {
        if (random() < 0.35) direction = direction === 'in' ? 'out' : 'in';
        const timestamp = start + Math.floor((span * i) / count);
        const messageId = `seed${String(i).padStart(8, '0')}${conversationId.replace(/\W/g, '')}`.slice(0, 64);
        const row = {
          conversationId,
          messageId,
          sender: direction === 'in' ? peer : username,
          direction,
          body: body(i),
          timestamp,
          ...(direction === 'out' ? { status: 'read', sentAt: timestamp + 200 } : {}),
        };
        const added = store.add(row);
        if (i === 0) added.onsuccess = () => (firstSeq = Number(added.result));
        last = added;
        newestMessageId = messageId;
      }
      const tail = last;
      if (tail) tail.onsuccess = () => (lastSeq = Number(tail.result));
      await done;
    }
    // Read to the end, active at the newest message.
    const tx = db.transaction(['conversations'], 'readwrite');
    const conversations = tx.objectStore('conversations');
    const row = (await request(conversations.get(conversationId))) as { lastReadSeq: number; lastActivityAt: number } | undefined;
    if (!row) throw new Error(`no conversation ${conversationId} to seed`);
    row.lastReadSeq = lastSeq;
    row.lastActivityAt = start + span;
    await request(conversations.put(row));
    db.close();
    return { count, firstSeq, lastSeq, newestMessageId, ms: w.performance.now() - started };
  }, { ...options, batch: options.batch ?? 20_000 });
}
