// History transfer in the renderer's database: the primary reads its chats for the archive (the last N days or
// everything, display data only); the new device stores the batches before everything it received itself, as read,
// owing no receipts, with nothing twice when a batch is stored again or a message is already here.
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { HistoryImportBatch, HistoryMessage } from '../../shared/ipc';
import { freshDatabase } from '../testing/db';
import { actionFrom, attachmentView, receiptFrom, textFrom, unsentFrom } from '../testing/messages';
import { editMessage } from './actions';
import { countUnread, ensureConversation, listChatSummaries, markReadUpTo } from './conversations';
import { exportHistory, type HistoryBatch } from './historyExport';
import { importPosition, storeHistoryBatch } from './historyImport';
import { requeueMessage } from './outgoing';
import { storeReceived } from './incoming';
import { applyReadElsewhere } from './readElsewhere';
import { nextOwedReceipt } from './receiptPositions';
import type { StoredMessage } from './rows';
import { indexNextSlice } from './search/indexMessages';
import { searchMessages } from './search/searchMessages';

const titleOf = (id: string) => id.slice(3);
const DAY = 86_400_000;

describe('exporting history on the primary', () => {
  it('hands over the chats and their messages in display order, only from `since` on when asked, without notices', async () => {
    const db = freshDatabase();
    const now = Date.UTC(2026, 5, 1);
    const photo = attachmentView({ fileName: 'boat.jpg' });
    await storeReceived(
      db,
      [
        textFrom('bob', 'old', 'from last year', { sentAt: now - 400 * DAY }),
        textFrom('bob', 'recent', 'from yesterday', { sentAt: now - DAY }),
        { ...textFrom('bob', 'file', '', { sentAt: now - DAY + 1 }), content: { kind: 'media', caption: 'the boat', attachments: [photo] } },
        textFrom('carol', 'carol-old', 'long ago', { sentAt: now - 300 * DAY }),
      ],
      'alice',
      titleOf,
    );
    await db.messages.add({ conversationId: 'dm:bob', messageId: 'newer', sender: 'bob', direction: 'in', body: '', timestamp: now, notice: 'needs_newer_version' });
    await db.messages.add({ conversationId: 'dm:bob', messageId: 'mine', sender: 'alice', direction: 'out', body: 'on its way', timestamp: now, status: 'queued' });
    await ensureConversation(db, 'dm:dave', 'dave', now);
    // Read on the primary up to the first of bob's messages.
    await markReadUpTo(db, 'dm:bob', 1);

    const everything: HistoryBatch[] = [];
    const progress: [number, number][] = [];
    expect(await exportHistory(db, null, async (batch) => void everything.push(batch), (read, total) => progress.push([read, total]))).toBe(5);
    expect(everything.flatMap((b) => b.conversations.map((c) => c.id)).sort()).toEqual(['dm:bob', 'dm:carol', 'dm:dave']);
    const bobs = everything.flatMap((b) => b.messages).filter((m) => m.conversationId === 'dm:bob');
    expect(bobs.map((m) => m.messageId)).toEqual(['old', 'recent', 'file', 'mine']);
    expect(bobs.filter((m) => m.unread).map((m) => m.messageId)).toEqual(['recent', 'file']);
    expect(bobs.find((m) => m.messageId === 'file')).toMatchObject({ body: 'the boat', attachments: [photo.id], direction: 'in', sender: 'bob' });
    // A message still waiting to go travels as being sent (by this device), not as failed: nobody retries it.
    expect(bobs.find((m) => m.messageId === 'mine')).toMatchObject({ direction: 'out', status: 'sending' });
    expect(progress.at(-1)).toEqual([6, 6]);

    const lastMonth: HistoryBatch[] = [];
    await exportHistory(db, now - 30 * DAY, async (batch) => void lastMonth.push(batch));
    expect(lastMonth.flatMap((b) => b.conversations.map((c) => c.id))).toEqual(['dm:bob']);
    expect(lastMonth.flatMap((b) => b.messages.map((m) => m.messageId))).toEqual(['recent', 'file', 'mine']);
  });

  it('sends at most 1,000 messages a batch', async () => {
    const db = freshDatabase();
    await ensureConversation(db, 'dm:bob', 'bob', 1);
    await db.messages.bulkAdd(Array.from({ length: 1_001 }, (_, i) => ({ conversationId: 'dm:bob', messageId: `m${i}`, sender: 'bob', direction: 'in' as const, body: `n${i}`, timestamp: i })));
    const sizes: number[] = [];
    await exportHistory(db, null, async (batch) => void sizes.push(batch.messages.length));
    expect(sizes).toEqual([1000, 1]);
  });
});

const history = (count: number, conversationId = 'dm:bob'): HistoryMessage[] =>
  Array.from({ length: count }, (_, i) => ({ conversationId, messageId: `h${i}`, sender: 'bob', direction: 'in' as const, body: `harbour ${i}`, timestamp: 1_000 + i }));

function batchOf(messages: HistoryMessage[], withChats: boolean): HistoryImportBatch {
  return { conversations: withChats ? [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 2_000, pinnedAt: 5 }] : [], messages, attachments: [] };
}

describe('importing history on the new device', () => {
  it('stores it before what arrived here, as read and owing no receipts, found by search; a batch stored again adds nothing', async () => {
    const db = freshDatabase();
    // A message reached this device before the history did: it stays unread and owes its receipts.
    await storeReceived(db, [textFrom('bob', 'live', 'hello new laptop')], 'alice', titleOf);
    const messages = [...history(4), { ...history(1)[0]!, messageId: 'live', body: 'hello new laptop' }];
    await storeHistoryBatch(db, batchOf(messages.slice(0, 3), true), 0, 5, 'alice');
    expect(await importPosition(db)).toEqual({ offset: 3, total: 5 });
    await storeHistoryBatch(db, batchOf(messages.slice(0, 3), true), 0, 5, 'alice');
    await storeHistoryBatch(db, batchOf(messages.slice(3), false), 3, 5, 'alice');

    const rows = await db.messages.where('[conversationId+seq]').between(['dm:bob', Dexie.minKey], ['dm:bob', Dexie.maxKey]).toArray();
    expect(rows.map((row) => [row.seq, row.messageId])).toEqual([
      [-5, 'h0'],
      [-4, 'h1'],
      [-3, 'h2'],
      [-2, 'h3'],
      [1, 'live'],
    ]);
    const conversation = (await db.conversations.get('dm:bob'))!;
    expect(await countUnread(db, 'dm:bob', conversation.lastReadSeq)).toBe(1);
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toMatchObject({ kind: 'delivered', messageIds: ['live'] });
    // The chat existed already: it is kept as it was.
    expect(conversation.pinnedAt).toBeUndefined();

    while ((await indexNextSlice(db)) > 0);
    expect((await searchMessages(db, 'harbour 2', { limit: 10 })).map((hit) => hit.message.messageId)).toEqual(['h2']);
  });

  it('creates the chats it brings, with their settings, and keeps files as main adopted them', async () => {
    const db = freshDatabase();
    const photo = attachmentView({ fileName: 'boat.jpg' });
    const [first] = history(1, 'dm:bob');
    await storeHistoryBatch(db, { ...batchOf([{ ...first!, attachments: [photo.id] }], true), attachments: [photo] }, 0, 1, 'alice');
    expect(await db.conversations.get('dm:bob')).toMatchObject({ id: 'dm:bob', kind: 'dm', title: 'bob', lastReadSeq: 0, pinnedAt: 5, lastActivityAt: 2_000 });
    expect((await db.messages.get(-1))?.attachments).toEqual([photo]);
    expect(await countUnread(db, 'dm:bob', 0)).toBe(0);
  });

  it('shows messages the primary was still sending as being sent, never queues them here, and settles them by its transcript or a receipt', async () => {
    const db = freshDatabase();
    const own = (messageId: string, body: string): HistoryMessage => ({ conversationId: 'dm:bob', messageId, sender: 'alice', direction: 'out', body, timestamp: Date.now(), status: 'sending' });
    await storeHistoryBatch(db, batchOf([own('wait-1', 'first'), own('wait-2', 'second'), own('wait-3', 'third')], true), 0, 3, 'alice');
    const statuses = async () => (await db.messages.orderBy('seq').toArray()).map((row) => [row.messageId, row.status]);
    expect(await statuses()).toEqual([
      ['wait-1', 'sending'],
      ['wait-2', 'sending'],
      ['wait-3', 'sending'],
    ]);
    expect(await db.outbox.count()).toBe(0);

    // The primary sent the first: its transcript comes to this device as alice's own message.
    await storeReceived(db, [textFrom('alice', 'wait-1', 'first', { conversationId: 'dm:bob', sentAt: 1_700_000_009_000 })], 'alice', titleOf);
    // bob's phone got the second and says so to all of alice's devices before its transcript got here.
    await storeReceived(db, [receiptFrom('bob', 'delivered', ['wait-2'])], 'alice', titleOf);
    expect(await statuses()).toEqual([
      ['wait-1', 'sent'],
      ['wait-2', 'delivered'],
      ['wait-3', 'sending'],
    ]);
    expect((await db.messages.get(-3))?.sentAt).toBe(1_700_000_009_000);
    // The transcript is not a second message; a transcript coming late does not move a delivered message back.
    await storeReceived(db, [textFrom('alice', 'wait-2', 'second', { conversationId: 'dm:bob' })], 'alice', titleOf);
    expect(await db.messages.count()).toBe(3);
    expect((await db.messages.get(-2))?.status).toBe('delivered');

    // Editing one still being sent elsewhere goes out as an edit (this device's outbox does not hold the original).
    await editMessage(db, 'alice', (await db.messages.get(-1)) as StoredMessage, 'third, edited');
    expect((await db.outbox.toArray()).map((row) => row.action?.kind)).toEqual(['edit']);
  });

  it('keeps unread what was unread on the primary; reading it here or there starts its timer, and here owes read receipts', async () => {
    const db = freshDatabase();
    const [h0, h1, h2, h3] = history(4);
    const messages = [h0!, h1!, { ...h2!, unread: true as const, expireTimerSeconds: 60 }, { ...h3!, unread: true as const }];
    await storeHistoryBatch(db, batchOf(messages.slice(0, 3), true), 0, 4, 'alice');
    await storeHistoryBatch(db, batchOf(messages.slice(3), false), 3, 4, 'alice');
    const conversation = async () => (await db.conversations.get('dm:bob'))!;
    expect(await countUnread(db, 'dm:bob', (await conversation()).lastReadSeq)).toBe(2);
    // The primary sent their delivered receipts; nothing is owed until they are read.
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toBeNull();
    expect((await db.messages.get(-2))?.expiresAt).toBeUndefined();

    // Read on the primary (a read sync): read here too, its timer starts, and its read receipt was the primary's.
    const before = Date.now();
    await applyReadElsewhere(db, 'dm:bob', ['h2'], 'alice');
    expect(await countUnread(db, 'dm:bob', (await conversation()).lastReadSeq)).toBe(1);
    expect((await db.messages.get(-2))?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toBeNull();

    // Read here: this device owes the read receipt for it.
    await markReadUpTo(db, 'dm:bob', -1);
    expect(await countUnread(db, 'dm:bob', (await conversation()).lastReadSeq)).toBe(0);
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toMatchObject({ kind: 'read', messageIds: ['h3'] });
  });

  it('shows a message the primary will not send after all as not sent, with why and no Retry here, until the primary sends it after all', async () => {
    const db = freshDatabase();
    const own = (messageId: string, status: HistoryMessage['status']): HistoryMessage => ({ conversationId: 'dm:bob', messageId, sender: 'alice', direction: 'out', body: messageId, timestamp: Date.now(), status });
    await storeHistoryBatch(db, batchOf([own('gave-up', 'sending'), own('deleted-there', 'sending'), own('went-out', 'sent'), own('failed-before', 'failed')], true), 0, 4, 'alice');
    const rows = async () => (await db.messages.orderBy('seq').toArray()).map((row) => [row.messageId, row.status, row.failure?.code]);
    // Failed on the primary before the history was taken: failed here too, and only the primary retries it.
    expect(await rows()).toEqual([
      ['gave-up', 'sending', undefined],
      ['deleted-there', 'sending', undefined],
      ['went-out', 'sent', undefined],
      ['failed-before', 'failed', 'failed_elsewhere'],
    ]);

    await storeReceived(db, [unsentFrom('alice', ['gave-up', 'went-out'], 'failed', { conversationId: 'dm:bob' }), unsentFrom('alice', ['deleted-there'], 'deleted', { conversationId: 'dm:bob' })], 'alice', titleOf);
    // Someone else cannot say so (main takes it only from alice's own devices; this is the renderer's own check).
    await storeReceived(db, [unsentFrom('bob', ['went-out'], 'failed')], 'alice', titleOf);
    expect(await rows()).toEqual([
      ['gave-up', 'failed', 'failed_elsewhere'],
      ['deleted-there', 'failed', 'deleted_elsewhere'],
      ['went-out', 'sent', undefined],
      ['failed-before', 'failed', 'failed_elsewhere'],
    ]);
    expect((await db.messages.get(-4))?.failure?.message).toBe('Not sent: it could not be sent from your other device. You can retry it there.');
    // Not retried from here: the device that wrote it sends it.
    expect(await requeueMessage(db, -4)).toBe(false);
    expect(await db.outbox.count()).toBe(0);

    // The user retried on the primary and it went: its transcript settles the row here.
    await storeReceived(db, [textFrom('alice', 'gave-up', 'gave-up', { conversationId: 'dm:bob', sentAt: 1_700_000_009_000 })], 'alice', titleOf);
    expect(await db.messages.get(-4)).toMatchObject({ status: 'sent', sentAt: 1_700_000_009_000 });
    expect((await db.messages.get(-4))?.failure).toBeUndefined();
    expect(await db.messages.count()).toBe(4);
  });

  it('applies what came live while the history was on its way once its rows are stored: a notice the primary will not send, a reaction', async () => {
    const db = freshDatabase();
    const own = (messageId: string, status: HistoryMessage['status']): HistoryMessage => ({ conversationId: 'dm:bob', messageId, sender: 'alice', direction: 'out', body: messageId, timestamp: Date.now(), status });
    // The primary gives up on two messages, and bob reacts to one that went out, before the history has come.
    const receivedAt = Date.now();
    await storeReceived(
      db,
      [
        unsentFrom('alice', ['gave-up', 'never-here'], 'failed', { conversationId: 'dm:bob', receivedAt }),
        actionFrom('bob', 'r1', { kind: 'reaction', targetMessageId: 'went-out', targetAuthor: 'alice', emoji: '👍', remove: false }, { receivedAt }),
      ],
      'alice',
      titleOf,
    );
    expect(await db.messages.count()).toBe(0);
    await storeHistoryBatch(db, batchOf([own('gave-up', 'sending')], true), 0, 2, 'alice');
    await storeHistoryBatch(db, batchOf([own('went-out', 'sent')], false), 1, 2, 'alice');
    const rows = (await db.messages.orderBy('seq').toArray()).map((row) => [row.messageId, row.status, row.failure?.code, row.reactions?.bob?.emoji]);
    expect(rows).toEqual([
      ['gave-up', 'failed', 'failed_elsewhere', undefined],
      ['went-out', 'sent', undefined, '👍'],
    ]);
    // Applied once: only what names a message that never came still waits (and goes after EARLY_ACTION_TTL_MS).
    expect((await db.earlyActions.toArray()).map((row) => row.targetMessageId)).toEqual(['never-here']);
  });

  it('marks a group chat with @ when an unread message of its history names this user, and no chat whose history names no one', async () => {
    const db = freshDatabase();
    const group = 'group:AAAAAAAAAAAAAAAAAAAAAA';
    const quiet = 'group:BBBBBBBBBBBBBBBBBBBBBB';
    const from = (conversationId: string, messageId: string, body: string, unread: boolean, more: Partial<HistoryMessage> = {}): HistoryMessage => ({
      conversationId, messageId, sender: 'bob', direction: 'in', body, timestamp: 1_000, ...(unread ? { unread: true } : {}), ...more,
    });
    const chats = [group, quiet, 'dm:bob'].map((id) => ({ id, title: id, createdAt: 1, lastActivityAt: 2_000 }));
    await storeHistoryBatch(
      db,
      {
        conversations: chats,
        messages: [
          from(group, 'read-mention', '@alice read already', false),
          from(group, 'unread-mention', 'over to you @alice', true),
          from(group, 'later', 'and more', true),
          from(group, 'deleted-mention', '', true, { deleted: true }),
          from(quiet, 'q1', 'nobody named here', true),
          from('dm:bob', 'd1', '@alice in a direct chat', true),
        ],
        attachments: [],
      },
      0,
      6,
      'alice',
    );
    const marks = Object.fromEntries((await listChatSummaries(db)).map((s) => [s.conversation.id, [s.mentioned, s.unread]]));
    // The unread message deleted for everyone is not counted.
    expect(marks).toEqual({ [group]: [true, 2], [quiet]: [false, 1], 'dm:bob': [false, 1] });
    expect((await db.conversations.get(group))?.lastMentionSeq).toBe(-5);

    // Read here past it: the mark goes, as for a mention that arrived here.
    await markReadUpTo(db, group, -3);
    expect((await listChatSummaries(db)).find((s) => s.conversation.id === group)?.mentioned).toBe(false);
  });
});
