// The expiry worker purges what is due, and a purge that failed is tried again: the live query it follows only
// speaks when the earliest expiry changes, and a failed purge changes nothing, so without a retry expired
// messages would stay until some other timed message came along.
import type { DBCore } from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { freshDatabase } from '../../testing/db';
import { ExpiryWorker } from './ExpiryWorker';

const T = 1_700_000_000_000;

function expiring(count: number, expiresAt: number) {
  return Array.from({ length: count }, (_, i) => ({ conversationId: 'dm:bob', messageId: `e${i}`, sender: 'bob', direction: 'in' as const, body: `x${i}`, timestamp: T, expiresAt }));
}

describe('ExpiryWorker', () => {
  it('purges what expired, and what expires later when its time comes', async () => {
    const db = freshDatabase();
    await db.messages.bulkAdd([...expiring(3, Date.now() - 1), { conversationId: 'dm:bob', messageId: 'soon', sender: 'bob', direction: 'in', body: 's', timestamp: T, expiresAt: Date.now() + 300 }]);
    const worker = new ExpiryWorker(db, () => undefined);
    worker.start();
    try {
      await vi.waitFor(async () => expect(await db.messages.count()).toBe(0), { timeout: 10_000 });
    } finally {
      worker.stop();
    }
  });

  it('purges a message whose timer fired before the clock reached its expiry', async () => {
    const db = freshDatabase();
    const due = Date.now() + 200;
    await db.messages.add({ conversationId: 'dm:bob', messageId: 'soon', sender: 'bob', direction: 'in', body: 's', timestamp: T, expiresAt: due });
    // The first time the clock is read once the message is due (the purge its timer starts), it reads 100 ms behind:
    // the timer fired a moment before the wall clock reached the expiry, and that purge finds nothing due.
    let lagged = false;
    const clock = () => {
      const now = Date.now();
      if (now < due || lagged) return now;
      lagged = true;
      return now - 100;
    };
    const worker = new ExpiryWorker(db, () => undefined, clock);
    worker.start();
    try {
      await vi.waitFor(async () => expect(await db.messages.count()).toBe(0), { timeout: 10_000 });
      expect(lagged).toBe(true);
    } finally {
      worker.stop();
    }
  });

  it('tries a failed purge again', async () => {
    const db = freshDatabase();
    let failing = true;
    db.use({
      stack: 'dbcore',
      name: 'failsOnce',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: (request) => {
              if (name === 'messages' && (request.type === 'delete' || request.type === 'deleteRange') && failing) {
                failing = false;
                return Promise.reject(new Error('disk full'));
              }
              return table.mutate(request);
            },
          };
        },
      }),
    });
    await db.messages.bulkAdd(expiring(5, Date.now() - 1));
    const logged: string[] = [];
    const worker = new ExpiryWorker(db, (event) => logged.push(event));
    worker.start();
    try {
      await vi.waitFor(async () => expect(await db.messages.count()).toBe(0), { timeout: 10_000 });
      expect(logged).toEqual(['expiry.purge_failed']);
    } finally {
      worker.stop();
    }
  });

  it('does not re-read the next expiry while it purges, and reads it again after', async () => {
    const db = freshDatabase();
    // Reads of the earliest expiry: key-only reads of the expiresAt index (the purge reads its ids with values).
    let expiryReads = 0;
    db.use({
      stack: 'dbcore',
      name: 'expiryReads',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            query: (request) => {
              if (name === 'messages' && request.query.index.name === 'expiresAt' && !request.values) expiryReads += 1;
              return table.query(request);
            },
            openCursor: (request) => {
              if (name === 'messages' && request.query.index.name === 'expiresAt' && !request.values) expiryReads += 1;
              return table.openCursor(request);
            },
          };
        },
      }),
    });
    await db.messages.bulkAdd([...expiring(2_000, Date.now() - 1), { conversationId: 'dm:bob', messageId: 'later', sender: 'bob', direction: 'in', body: 'l', timestamp: T, expiresAt: Date.now() + 3_600_000 }]);
    const worker = new ExpiryWorker(db, () => undefined);
    worker.start();
    try {
      await vi.waitFor(async () => expect(await db.messages.count()).toBe(1), { timeout: 20_000 });
      await worker.whenIdle();
      // Once to find the expiry, once after the purge (which then sleeps until 'later'): not once per batch.
      await vi.waitFor(() => expect(expiryReads).toBe(2));
      expect(await db.fileDeletions.count()).toBeGreaterThan(2);
    } finally {
      worker.stop();
    }
  });
});
