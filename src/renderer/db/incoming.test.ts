import { describe, expect, it, vi } from 'vitest';
import { countRequests, freshDatabase } from '../testing/db';
import { receiptFrom, textFrom, typingFrom } from '../testing/messages';
import { countUnread, ensureConversation, listChatSummaries } from './conversations';
import { storeReceived } from './incoming';
import { queueTextMessage } from './outgoing';
import { advanceStatus } from './rows';
import { fakeGroupId } from '../testing/fakeParley';

const titleOf = (id: string) => id.slice(3);

describe('storing received messages', () => {
  it('stores text once, however often it is delivered (same conversation, id and sender)', async () => {
    const db = freshDatabase();
    const message = textFrom('bob', 'm1', 'hello');
    const first = await storeReceived(db, [message, { ...message, inboxId: 'other' }], 'alice', titleOf);
    const again = await storeReceived(db, [{ ...message, inboxId: 'third' }], 'alice', titleOf);
    expect(first.stored).toHaveLength(1);
    expect(again.stored).toHaveLength(0);
    expect(await db.messages.count()).toBe(1);
    // Same id from another sender, or in another conversation, is another message.
    await storeReceived(db, [textFrom('carol', 'm1', 'hi'), textFrom('bob', 'm1', 'x', { conversationId: `group:${fakeGroupId(1)}` })], 'alice', titleOf);
    expect(await db.messages.count()).toBe(3);
  });

  it('creates the conversation on first contact and counts unread from Dexie', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm1', 'one'), textFrom('bob', 'm2', 'two')], 'alice', titleOf);
    const conversation = await db.conversations.get('dm:bob');
    expect(conversation).toMatchObject({ kind: 'dm', title: 'bob', lastReadSeq: 0 });
    expect(await countUnread(db, 'dm:bob', 0)).toBe(2);
  });

  it('creates a conversation once when an action and the receive pipeline create it at the same time', async () => {
    const db = freshDatabase();
    const groupId = `group:${fakeGroupId(7)}`;
    // A group this device just made: the action opens its conversation while main's history entry arrives.
    const own = { ...textFrom('alice', 'g1', ''), conversationId: groupId, content: { kind: 'group_update' as const, update: { kind: 'created' as const, by: 'alice', name: 'Trip', members: ['alice', 'bob'] } } };
    await Promise.all([
      storeReceived(db, [own], 'alice', () => 'Group'),
      ensureConversation(db, groupId, 'Trip', 1),
      ensureConversation(db, groupId, 'Trip', 1),
    ]);
    expect(await db.conversations.toArray()).toEqual([expect.objectContaining({ id: groupId, title: 'Trip' })]);
  });

  it('seals a batch’s rows before its transaction: nothing waits for an encryption inside it', async () => {
    const db = freshDatabase();
    await ensureConversation(db, 'dm:bob', 'bob', 1);
    // awaitInTransaction keeps a transaction open with counts of a key no store uses while WebCrypto works.
    const count = vi.spyOn(IDBObjectStore.prototype, 'count');
    const batch = Array.from({ length: 50 }, (_, i) => textFrom('bob', `m${i}`, `text ${i}`, i === 7 ? { conversationId: 'dm:carol' } : {}));
    await storeReceived(db, batch, 'alice', titleOf);
    // Neither the messages nor the indexer's queue row wait for WebCrypto in the transaction.
    const tables = ['messages', 'indexQueue'];
    const spins = count.mock.contexts.filter((store, call) => tables.includes((store as IDBObjectStore).name) && count.mock.calls[call]![0] === -Infinity);
    count.mockRestore();
    expect(spins).toHaveLength(0);
    const stored = await db.messages.orderBy('seq').toArray();
    expect(stored.map((row) => [row.conversationId, row.body])).toEqual(batch.map((message) => [message.conversationId, (message.content as { body: string }).body]));
    expect(stored[3]).toMatchObject({ sender: 'bob', direction: 'in', timestamp: batch[3]!.sentAt, receivedAt: batch[3]!.receivedAt });
  });

  it('a catch-up decrypts nothing it stored: the next batch reads its chat rows, and the chat list its rows, from the cache', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm0', 'first batch'), textFrom('carol', 'c0', 'hi')], 'alice', titleOf);
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    await storeReceived(db, [textFrom('bob', 'm1', 'second batch'), textFrom('carol', 'c1', 'again')], 'alice', titleOf);
    const list = await listChatSummaries(db);
    const calls = decrypt.mock.calls.length;
    decrypt.mockRestore();
    expect(list.map((chat) => [chat.conversation.id, chat.lastMessage?.body, chat.unread])).toEqual([
      ['dm:carol', 'again', 2],
      ['dm:bob', 'second batch', 2],
    ]);
    expect(calls).toBe(0);
  });

  it('stores a batch with a number of database requests that does not grow with its size (catch-up)', async () => {
    const requestsFor = async (size: number) => {
      const db = freshDatabase();
      const counter = countRequests(db);
      await ensureConversation(db, 'dm:bob', 'bob', 1);
      const batch = Array.from({ length: size }, (_, i) => textFrom('bob', `m${i}`, `text ${i}`));
      counter.requests = 0;
      const outcome = await storeReceived(db, [...batch, textFrom('carol', 'c1', 'hi'), batch[0]!], 'alice', titleOf);
      expect(outcome.stored).toHaveLength(size + 1);
      expect(await db.messages.count()).toBe(size + 1);
      return counter.requests;
    };
    const small = await requestsFor(10);
    expect(await requestsFor(200)).toBe(small);
    // The messages and the conversations, and the search index: one read and one write of the posting rows, one write of the messages' terms.
    expect(small).toBeLessThanOrEqual(9);
  });

  it('keeps a batch in order, once, with activity and unread counts as if stored one by one', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm1', 'one', { receivedAt: 10 })], 'alice', titleOf);
    // Own messages from another device, a duplicate, another chat and a group change in one batch.
    const groupId = `group:${fakeGroupId(3)}`;
    const created = { ...textFrom('alice', 'g0', ''), conversationId: groupId, receivedAt: 15, content: { kind: 'group_update' as const, update: { kind: 'created' as const, by: 'alice', name: 'Trip', members: ['alice', 'bob'] } } };
    await storeReceived(
      db,
      [
        textFrom('bob', 'm2', 'two', { receivedAt: 20 }),
        textFrom('alice', 'm3', 'mine', { receivedAt: 30, conversationId: 'dm:bob' }),
        textFrom('bob', 'm1', 'one again', { receivedAt: 40 }),
        textFrom('bob', 'm4', 'four', { receivedAt: 50 }),
        textFrom('carol', 'c1', 'hi', { receivedAt: 60 }),
        created,
      ],
      'alice',
      (id) => (id.startsWith('group:') ? 'Group' : id.slice(3)),
    );
    const bob = await db.messages.where('conversationId').equals('dm:bob').sortBy('seq');
    expect(bob.map((row) => row.body)).toEqual(['one', 'two', 'mine', 'four']);
    const conversation = await db.conversations.get('dm:bob');
    expect(conversation?.lastActivityAt).toBe(50);
    // Read up to the own message; only "four" is unread.
    expect(await countUnread(db, 'dm:bob', conversation!.lastReadSeq)).toBe(1);
    expect(await db.conversations.get('dm:carol')).toMatchObject({ title: 'carol', lastActivityAt: 60, lastReadSeq: 0 });
    // This device's own group change is read and names the group.
    const group = await db.conversations.get(groupId);
    expect(group).toMatchObject({ title: 'Trip', lastActivityAt: 15 });
    expect(group!.lastReadSeq).toBe((await db.messages.where('conversationId').equals(groupId).first())!.seq);
  });

  it('never stores typing notices', async () => {
    const db = freshDatabase();
    const outcome = await storeReceived(db, [typingFrom('bob', true), typingFrom('bob', false)], 'alice', titleOf);
    expect(outcome.typing).toHaveLength(2);
    expect(await db.messages.count()).toBe(0);
    expect(await db.conversations.count()).toBe(0);
  });

  it('receipts move own messages forward and never back', async () => {
    const db = freshDatabase();
    const own = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'hi', me: 'alice' });
    await db.messages.update(own.seq, { status: 'sent' });
    const status = async () => (await db.messages.get(own.seq))?.status;

    await storeReceived(db, [receiptFrom('bob', 'read', [own.messageId])], 'alice', titleOf);
    expect(await status()).toBe('read');
    await storeReceived(db, [receiptFrom('bob', 'delivered', [own.messageId])], 'alice', titleOf);
    expect(await status()).toBe('read');
    expect(await db.receipts.get(['dm:bob', own.messageId, 'bob'])).toMatchObject({ kind: 'read' });
    // A receipt never creates a row, and ids of other senders' messages are ignored.
    await storeReceived(db, [receiptFrom('bob', 'read', ['unknown'])], 'alice', titleOf);
    expect(await db.messages.count()).toBe(1);
  });

  it('applies a receipt naming 500 messages with a few requests, not a few per message', async () => {
    const db = freshDatabase();
    const counter = countRequests(db);
    const own = [];
    for (let i = 0; i < 500; i++) own.push(await queueTextMessage(db, { conversationId: 'dm:bob', body: `m${i}`, me: 'alice', now: 1_000 + i }));
    await db.messages.where('seq').below(own[250]!.seq).modify({ status: 'sent' });
    await db.outbox.where('messageId').anyOf(own.slice(0, 250).map((row) => row.messageId)).delete();
    counter.requests = 0;
    await storeReceived(db, [receiptFrom('bob', 'delivered', own.map((row) => row.messageId))], 'alice', titleOf);
    expect(counter.requests).toBeLessThanOrEqual(8);
    const statuses = (await db.messages.toArray()).map((row) => row.status);
    expect(new Set(statuses)).toEqual(new Set(['delivered']));
    // The 250 still queued were delivered anyway: their outbox rows go.
    expect(await db.outbox.count()).toBe(0);
    expect(await db.receipts.count()).toBe(500);
    // A later "read" moves them on; a repeated "delivered" changes nothing.
    await storeReceived(db, [receiptFrom('bob', 'read', own.slice(0, 10).map((row) => row.messageId)), receiptFrom('bob', 'delivered', [own[0]!.messageId])], 'alice', titleOf);
    expect((await db.messages.get(own[0]!.seq))?.status).toBe('read');
    expect(await db.receipts.get(['dm:bob', own[0]!.messageId, 'bob'])).toMatchObject({ kind: 'read' });
    expect((await db.messages.get(own[10]!.seq))?.status).toBe('delivered');
  });

  it('a receipt for a message still queued (sent before a crash) removes it from the outbox', async () => {
    const db = freshDatabase();
    const own = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'hi', me: 'alice' });
    await storeReceived(db, [receiptFrom('bob', 'delivered', [own.messageId])], 'alice', titleOf);
    expect((await db.messages.get(own.seq))?.status).toBe('delivered');
    expect(await db.outbox.count()).toBe(0);
  });

  it('stores group changes as system rows and renames the conversation', async () => {
    const db = freshDatabase();
    const conversationId = `group:${fakeGroupId(7)}`;
    const update = textFrom('bob', 'g1', 'x', { conversationId });
    const outcome = await storeReceived(
      db,
      [{ ...update, content: { kind: 'group_update', update: { kind: 'renamed', by: 'bob', name: 'Hiking' } } }],
      'alice',
      () => 'Group',
    );
    expect(outcome.groupsChanged).toBe(true);
    const [row] = await db.messages.toArray();
    expect(row).toMatchObject({ direction: 'system', update: { kind: 'renamed', name: 'Hiking' } });
    expect((await db.conversations.get(conversationId))?.title).toBe('Hiking');
  });
});

describe('status order', () => {
  it.each([
    ['queued', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'read', 'read'],
    ['read', 'delivered', 'read'],
    ['delivered', 'sent', 'delivered'],
    ['read', 'failed', 'read'],
    ['queued', 'failed', 'failed'],
    ['failed', 'delivered', 'delivered'],
  ] as const)('%s then %s is %s', (current, next, expected) => {
    expect(advanceStatus(current, next)).toBe(expected);
  });
});
