// Disappearing messages: a timer change is a system line queued for the others; own timed messages expire from
// when they were sent, others' from when they were read; the purge deletes them (and the snippets quoting them) in
// steps of a few rows, in slices ended by a deadline, each after an idle wait, so a big purge never holds the
// database or a frame for long.
import { describe, expect, it } from 'vitest';
import { countDeleteRequests, countMessageReads, freshDatabase, measureWorkPerTask, notedFileDeletions } from '../testing/db';
import { textFrom } from '../testing/messages';
import { markReadUpTo } from './conversations';
import { PURGE_IDLE_MS, PURGE_SLICE_MS, PURGE_SLICE_ROWS, PURGE_STEP, nextExpiry, purgeExpired, setExpiryTimer, waitForIdleSlice } from './expiry';
import type { ParleyDatabase } from './database';
import { storeReceived } from './incoming';
import { queueTextMessage } from './outgoing';
import type { MessageRow } from './rows';
import { blindQuery, blindTermsOfAll } from './search/blindTerms';
import { indexNextSlice } from './search/indexMessages';
import { setIndexedTerms } from './search/postings';
import { searchMessages } from './search/searchMessages';

const T = 1_700_000_000_000;

/** An idle wait that is never kept waiting; `waits` counts the batches it let start. */
function countingIdle(): { waits: number; idle: () => Promise<void> } {
  const counter = {
    waits: 0,
    idle: async () => {
      counter.waits += 1;
    },
  };
  return counter;
}

/** A requestIdleCallback that hands out these idle periods (ms left) in turn, none timed out; records the timeouts asked. */
function idlePeriods(...remaining: number[]): { requestIdle: typeof requestIdleCallback; asked: number } {
  const stub: { requestIdle: typeof requestIdleCallback; asked: number } = {
    asked: 0,
    requestIdle: ((callback: IdleRequestCallback) => {
      stub.asked += 1;
      const left = remaining.shift() ?? 50;
      queueMicrotask(() => callback({ didTimeout: false, timeRemaining: () => left }));
      return stub.asked;
    }) as typeof requestIdleCallback,
  };
  return stub;
}

/** Rows per slice of the purges so far: one file-deletion note per slice (one transaction), naming its messages. */
async function batchSizes(db: ParleyDatabase): Promise<number[]> {
  return (await db.fileDeletions.toArray()).map((note) => note.messages.length);
}

describe('disappearing messages', () => {
  it('sets a timer: a system line, the conversation’s timer, and the change queued in the conversation’s order', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm1', 'hi')], 'alice', (id) => id.slice(3));
    await setExpiryTimer(db, 'dm:bob', 'alice', 30, T);
    await setExpiryTimer(db, 'dm:bob', 'alice', 30, T + 1); // unchanged: nothing new
    expect(await db.conversations.get('dm:bob')).toMatchObject({ expireTimerSeconds: 30 });
    const system = await db.messages.where('[conversationId+direction+seq]').between(['dm:bob', 'system', 0], ['dm:bob', 'system', Infinity]).toArray();
    expect(system).toEqual([expect.objectContaining({ sender: 'alice', timer: { seconds: 30 } })]);
    expect((await db.outbox.toArray()).map((row) => [row.messageId, row.action])).toEqual([[system[0]!.messageId, { kind: 'expiry_timer', seconds: 30 }]]);

    // What is sent next carries the timer and expires 30 s after it was sent.
    const sent = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'gone soon', me: 'alice', now: T + 5 });
    expect(sent).toMatchObject({ expireTimerSeconds: 30, expiresAt: T + 5 + 30_000 });
  });

  it('starts a received message’s timer when it is read', async () => {
    const db = freshDatabase();
    const timed = { ...textFrom('bob', 'm1', 'x'), content: { kind: 'text' as const, body: 'x', expireTimerSeconds: 60 } };
    await storeReceived(db, [timed, textFrom('bob', 'm2', 'plain')], 'alice', (id) => id.slice(3));
    expect(await nextExpiry(db)).toBeUndefined();
    const last = (await db.messages.orderBy('seq').last())!.seq!;
    await markReadUpTo(db, 'dm:bob', last, T);
    expect(await nextExpiry(db)).toBe(T + 60_000);
    const rows = await db.messages.orderBy('seq').toArray();
    // First the line saying the chat took bob's timer (db/incoming.ts), then his two messages.
    expect(rows.map((row) => [row.direction, row.expiresAt])).toEqual([
      ['system', undefined],
      ['in', T + 60_000],
      ['in', undefined],
    ]);
  });

  it('purges what expired in slices with an idle wait between, and nothing else', async () => {
    const db = freshDatabase();
    const count = PURGE_SLICE_ROWS * 2 + 17;
    await db.messages.bulkAdd(
      Array.from({ length: count }, (_, i) => ({ conversationId: 'dm:bob', messageId: `e${i}`, sender: 'bob', direction: 'in' as const, body: `expiring ${i}`, timestamp: T, expiresAt: T + i })),
    );
    await db.messages.bulkAdd([
      { conversationId: 'dm:bob', messageId: 'later', sender: 'bob', direction: 'in', body: 'later', timestamp: T, expiresAt: T + 10 * count },
      { conversationId: 'dm:bob', messageId: 'kept', sender: 'alice', direction: 'out', body: 'reply', timestamp: T, quote: { messageId: 'e3', author: 'bob', text: 'expiring 3' }, quotedId: 'e3' },
    ]);
    const idle = countingIdle();
    const purged = await purgeExpired(db, T + count, idle.idle, () => 0);
    expect(purged).toBe(count);
    // Each slice started after an idle wait, and held at most PURGE_SLICE_ROWS rows (the clock never moved here).
    expect(idle.waits).toBe(3);
    // Every purged message is noted for main (which deletes its files), each once, one note per slice.
    expect(await batchSizes(db)).toEqual([PURGE_SLICE_ROWS, PURGE_SLICE_ROWS, 17]);
    const told = (await notedFileDeletions(db)).map((message) => `${message.conversationId}/${message.messageId}/${message.sender}`);
    expect(told.sort()).toEqual(Array.from({ length: count }, (_, i) => `dm:bob/e${i}/bob`).sort());
    expect((await db.messages.toArray()).map((row) => row.messageId)).toEqual(['later', 'kept']);
    // The reply stays, but what it quoted is gone from storage too.
    expect((await db.messages.toArray())[1]!.quote).toEqual({ messageId: 'e3', author: 'bob', text: '' });
    expect(await nextExpiry(db)).toBe(T + 10 * count);
  });

  it('ends a slice at its deadline: it takes no new step once PURGE_SLICE_MS have passed', async () => {
    const timed = async (count: number, msPerRead: number) => {
      const db = freshDatabase();
      await db.messages.bulkAdd(
        Array.from({ length: count }, (_, i) => ({ conversationId: 'dm:bob', messageId: `e${i}`, sender: 'bob', direction: 'in' as const, body: `${i}`, timestamp: T, expiresAt: T })),
      );
      let now = 0;
      expect(await purgeExpired(db, T, countingIdle().idle, () => (now += msPerRead))).toBe(count);
      expect(await db.messages.count()).toBe(0);
      return batchSizes(db);
    };
    // A step that takes the whole slice commits alone.
    expect(await timed(3 * PURGE_STEP + 5, PURGE_SLICE_MS)).toEqual([PURGE_STEP, PURGE_STEP, PURGE_STEP, 5]);
    // Steps of a third of it: the slice's third step ends at the deadline, and the slice with it.
    expect(await timed(4 * PURGE_STEP, PURGE_SLICE_MS / 3)).toEqual([3 * PURGE_STEP, PURGE_STEP]);
    // Fast steps: the slice ends at PURGE_SLICE_ROWS.
    expect(await timed(PURGE_SLICE_ROWS + 3, 0.001)).toEqual([PURGE_SLICE_ROWS, 3]);
  });

  it('does at most a step of work in any one task, however many expired', async () => {
    const db = freshDatabase();
    const work = measureWorkPerTask(db);
    try {
      // Every other row expires, so each is deleted by a request of its own (the costliest case: no runs), and the
      // expired rows have receipts, queued sends and a quoting reply to go with them.
      const count = 40 * PURGE_STEP;
      await db.messages.bulkAdd(
        Array.from({ length: count }, (_, i) => ({ conversationId: 'dm:bob', messageId: `m${i}`, sender: 'bob', direction: 'in' as const, body: `${i}`, timestamp: T, ...(i % 2 === 0 ? { expiresAt: T } : {}) })),
      );
      await db.receipts.bulkAdd(Array.from({ length: count / 2 }, (_, i) => ({ conversationId: 'dm:bob', messageId: `m${2 * i}`, user: 'bob', kind: 'read' as const, at: T })));
      await db.outbox.bulkAdd(Array.from({ length: 100 }, (_, i) => ({ conversationId: 'dm:bob', messageId: `m${2 * i}`, messageSeq: 2 * i + 1, attempts: 0, nextAttemptAt: T })));
      await db.messages.add({ conversationId: 'dm:bob', messageId: 'reply', sender: 'alice', direction: 'out', body: 'yes', timestamp: T, quote: { messageId: 'm4', author: 'bob', text: '4' }, quotedId: 'm4' });
      work.reset();
      expect(await purgeExpired(db, T, countingIdle().idle)).toBe(count / 2);
      expect(await db.messages.count()).toBe(count / 2 + 1);
      expect(await db.receipts.count()).toBe(0);
      expect(await db.outbox.count()).toBe(0);
      // No task received more than a step's rows, nor made more than a step's requests (and a few single ones).
      expect(work.rows).toBeLessThanOrEqual(PURGE_STEP);
      expect(work.keys).toBeLessThanOrEqual(2 * PURGE_STEP + 1);
      expect(work.requests).toBeLessThanOrEqual(PURGE_STEP + 2);
      expect(work.tasks).toBeGreaterThan(count / PURGE_STEP);
    } finally {
      work.restore();
    }
  });

  it('starts a slice only in an idle period long enough for it, or when waiting has gone on too long', async () => {
    // Periods too short for a slice are passed over: it starts in the first with PURGE_IDLE_MS left.
    const short = idlePeriods(2, PURGE_IDLE_MS - 1, PURGE_IDLE_MS);
    await waitForIdleSlice(short.requestIdle);
    expect(short.asked).toBe(3);
    // A page that never idles long enough: the wait ends when the browser says it timed out.
    let calls = 0;
    const busy = ((callback: IdleRequestCallback) => {
      calls += 1;
      queueMicrotask(() => callback({ didTimeout: calls === 4, timeRemaining: () => 1 }));
      return calls;
    }) as typeof requestIdleCallback;
    await waitForIdleSlice(busy);
    expect(calls).toBe(4);
  });

  it('deletes neighbouring expired rows with one request per run, never a row that is not expired between them', async () => {
    const db = freshDatabase();
    const deletes = countDeleteRequests(db);
    // Runs of expired rows with rows that stay between them (a timer set midway, a message not read yet), then a long run.
    const rows: MessageRow[] = [];
    for (let i = 0; i < 400; i++) {
      const stays = i % 50 === 49;
      rows.push({ conversationId: 'dm:bob', messageId: `m${i}`, sender: 'bob', direction: 'in', body: `${i}`, timestamp: T, ...(stays ? {} : { expiresAt: T }) });
    }
    await db.messages.bulkAdd(rows);
    const expired = rows.filter((row) => row.expiresAt !== undefined).length;
    expect(await purgeExpired(db, T, countingIdle().idle)).toBe(expired);
    expect((await db.messages.toArray()).map((row) => row.messageId)).toEqual(rows.filter((row) => row.expiresAt === undefined).map((row) => row.messageId));
    // A request per run (8 runs here, and one more where a step ends inside one), not one per row.
    expect(deletes.requests).toBeLessThanOrEqual(8 + Math.ceil(expired / PURGE_STEP));

    // Scattered rows: one request each, and still only they go.
    const scattered = freshDatabase();
    await scattered.messages.bulkAdd(
      Array.from({ length: 40 }, (_, i) => ({ conversationId: 'dm:bob', messageId: `s${i}`, sender: 'bob', direction: 'in' as const, body: `${i}`, timestamp: T, ...(i % 2 === 0 ? { expiresAt: T } : {}) })),
    );
    expect(await purgeExpired(scattered, T, countingIdle().idle)).toBe(20);
    expect((await scattered.messages.toArray()).map((row) => row.messageId)).toEqual(Array.from({ length: 20 }, (_, i) => `s${2 * i + 1}`));
  });

  it('purges thousands without opening one: content, search terms, queued sends and receipts go, nothing else', async () => {
    const db = freshDatabase();
    const reads = countMessageReads(db);
    const termsKey = (await db.historyKeys).terms;
    const count = 2_500;
    const rows: MessageRow[] = [];
    for (let i = 0; i < count; i++) {
      const body = `quokka ${i}`;
      rows.push({ conversationId: 'dm:bob', messageId: `e${i}`, sender: 'alice', direction: 'out', body, timestamp: T, expiresAt: T });
    }
    rows.push({ conversationId: 'dm:bob', messageId: 'kept', sender: 'bob', direction: 'in', body: 'quokka kept', timestamp: T });
    const terms = await blindTermsOfAll(termsKey, rows.map((row) => row.body));
    await db.transaction('rw', db.messages, db.postingsByChat, db.messageTerms, async () => {
      const seqs = await db.messages.bulkAdd(rows, { allKeys: true });
      await setIndexedTerms(
        db,
        rows.map((row, index) => ({ seq: seqs[index]!, conversationId: row.conversationId, terms: terms[index]! })),
        true,
      );
    });
    await db.receipts.bulkAdd([
      { conversationId: 'dm:bob', messageId: 'e7', user: 'bob', kind: 'read', at: T },
      { conversationId: 'dm:bob', messageId: 'kept', user: 'bob', kind: 'read', at: T },
    ]);
    await db.outbox.add({ conversationId: 'dm:bob', messageId: `e${count - 1}`, messageSeq: count, attempts: 0, nextAttemptAt: T });
    expect((await searchMessages(db, 'quokka', { limit: 5 })).length).toBe(5);

    reads.reset();
    expect(await purgeExpired(db, T, countingIdle().idle)).toBe(count);
    // Ids were enough: not one expired message was decrypted to be deleted.
    expect(reads.rows).toBe(0);
    expect((await db.messages.toArray()).map((row) => row.messageId)).toEqual(['kept']);
    // Not findable at once; their postings leave with the search indexer's next slices (search/indexQueue.ts).
    expect((await searchMessages(db, 'quokka', { limit: 5 })).map((hit) => hit.message.messageId)).toEqual(['kept']);
    while ((await indexNextSlice(db)) > 0);
    const { hashes } = await blindQuery(termsKey, 'quokka');
    const postings = await db.postingsByChat.toArray();
    for (const hash of hashes) expect(postings.filter((posting) => posting.term === hash).flatMap((posting) => [...posting.seqs])).toHaveLength(1);
    expect(await db.messageTerms.count()).toBe(1);
    expect((await searchMessages(db, 'quokka', { limit: 5 })).map((hit) => hit.message.messageId)).toEqual(['kept']);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.receipts.toArray()).map((row) => row.messageId)).toEqual(['kept']);
  }, 120_000);
});

