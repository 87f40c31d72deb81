// The chat list's read: what each chat shows, and that it is one read transaction however many chats there are
// (it reruns on every stored receive batch of a catch-up).
import { describe, expect, it } from 'vitest';
import { countTransactions, freshDatabase } from '../testing/db';
import { actionFrom, textFrom } from '../testing/messages';
import { setPinned } from './chatOrganisation';
import { countUnread, ensureConversation, listChatSummaries, markReadUpTo } from './conversations';
import { storeReceived } from './incoming';

const titleOf = (id: string) => id.slice(3);

describe('the chat list', () => {
  it('shows each chat with its newest message and unread count, pinned first, an empty chat with none', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'b1', 'one', { receivedAt: 1_000 }), textFrom('bob', 'b2', 'two', { receivedAt: 2_000 })], 'alice', titleOf);
    await storeReceived(db, [textFrom('carol', 'c1', 'hi', { receivedAt: 3_000 })], 'alice', titleOf);
    await ensureConversation(db, 'dm:dave', 'dave', 500);
    const bobTwo = await db.messages.where('[conversationId+messageId+sender]').equals(['dm:bob', 'b1', 'bob']).primaryKeys();
    await markReadUpTo(db, 'dm:bob', bobTwo[0]!);
    await setPinned(db, 'dm:dave', true);

    const summaries = await listChatSummaries(db);
    expect(summaries.map((summary) => [summary.conversation.id, summary.lastMessage?.body ?? null, summary.unread])).toEqual([
      ['dm:dave', null, 0],
      ['dm:carol', 'hi', 1],
      ['dm:bob', 'two', 1],
    ]);
  });

  it('is read in one transaction whatever the number of chats', async () => {
    const db = freshDatabase();
    const transactions = countTransactions(db);
    await storeReceived(db, Array.from({ length: 20 }, (_, i) => textFrom(`user${i}`, `m${i}`, `hello ${i}`)), 'alice', titleOf);
    transactions.reset();

    const summaries = await listChatSummaries(db);
    expect(summaries).toHaveLength(20);
    expect(summaries.every((summary) => summary.unread === 1 && summary.lastMessage?.body.startsWith('hello '))).toBe(true);
    expect(transactions).toMatchObject({ readonly: 1, readwrite: 0 });
  });

  it('does not count a message deleted for everyone as unread, nor one deleted after it was read', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'b1', 'one'), textFrom('bob', 'b2', 'two'), textFrom('bob', 'b3', 'three')], 'alice', titleOf);
    expect((await listChatSummaries(db))[0]!.unread).toBe(3);
    await storeReceived(db, [actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'b2' })], 'alice', titleOf);
    const [summary] = await listChatSummaries(db);
    expect(summary!.unread).toBe(2);
    expect(summary!.lastMessage?.body).toBe('three');
    // Read up to the first: the tombstone after it is still not counted; deleting the read one changes nothing.
    const [first] = (await db.messages.where('[conversationId+messageId+sender]').equals(['dm:bob', 'b1', 'bob']).primaryKeys()) as number[];
    await markReadUpTo(db, 'dm:bob', first!);
    await storeReceived(db, [actionFrom('bob', 'd2', { kind: 'delete', targetMessageId: 'b1' })], 'alice', titleOf);
    expect(await countUnread(db, 'dm:bob', first!)).toBe(1);
    expect((await listChatSummaries(db))[0]!.unread).toBe(1);
  });
});
