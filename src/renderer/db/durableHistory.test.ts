import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDatabase, recordIndexedDbTransactions } from '../testing/db';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('durable history', () => {
  it('commits read-write transactions over messages with strict durability, and leaves every other one at the default', async () => {
    const opened = recordIndexedDbTransactions();
    const db = freshDatabase();
    await db.open();
    opened.length = 0;

    await db.transaction('rw', db.messages, db.conversations, () =>
      db.messages.add({ conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', direction: 'in', body: 'hi', timestamp: 1 }),
    );
    await db.messages.toArray();
    await db.drafts.put({ conversationId: 'dm:bob', text: 'unsent' });
    await db.transaction('rw', db.conversations, () => db.conversations.toArray());

    expect(opened).toEqual([
      { stores: ['messages', 'conversations'], mode: 'readwrite', durability: 'strict' },
      { stores: ['messages'], mode: 'readonly', durability: 'default' },
      { stores: ['drafts'], mode: 'readwrite', durability: 'default' },
      { stores: ['conversations'], mode: 'readwrite', durability: 'default' },
    ]);
  });
});
