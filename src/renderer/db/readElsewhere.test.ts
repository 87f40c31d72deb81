import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../testing/db';
import { receiptFrom, textFrom } from '../testing/messages';
import { countUnread } from './conversations';
import { storeReceived } from './incoming';
import { nextOwedReceipt } from './receiptPositions';

const titleOf = (id: string) => id.slice(3);

describe('read on another device', () => {
  it('clears what alice read on her other device, and owes no read receipt for it', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm1', 'one'), textFrom('bob', 'm2', 'two'), textFrom('bob', 'm3', 'three')], 'alice', titleOf);
    expect(await countUnread(db, 'dm:bob', 0)).toBe(3);

    // Her other device read m1 and m2 and says so with her own read receipt in the chat with bob.
    await storeReceived(db, [receiptFrom('alice', 'read', ['m2', 'm1'], { conversationId: 'dm:bob' })], 'alice', titleOf);
    const conversation = (await db.conversations.get('dm:bob'))!;
    expect(await countUnread(db, 'dm:bob', conversation.lastReadSeq)).toBe(1);
    // The read receipts for them went from the device that read them; only m3's delivery is still owed here.
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toMatchObject({ kind: 'delivered', messageIds: ['m3'] });
    // Never a receipt row or a status change for bob's messages: it is not a receipt from a recipient.
    expect(await db.receipts.count()).toBe(0);
  });

  it('never moves the read position back, and ignores messages this device does not have and own delivered receipts', async () => {
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'm1', 'one'), textFrom('bob', 'm2', 'two')], 'alice', titleOf);
    await storeReceived(db, [receiptFrom('alice', 'read', ['m2'], { conversationId: 'dm:bob' })], 'alice', titleOf);
    const readUpTo = (await db.conversations.get('dm:bob'))!.lastReadSeq;
    await storeReceived(
      db,
      [
        receiptFrom('alice', 'read', ['m1'], { conversationId: 'dm:bob' }),
        receiptFrom('alice', 'read', ['not-here'], { conversationId: 'dm:bob' }),
        receiptFrom('alice', 'delivered', ['m2'], { conversationId: 'dm:carol' }),
      ],
      'alice',
      titleOf,
    );
    expect((await db.conversations.get('dm:bob'))!.lastReadSeq).toBe(readUpTo);
    expect(await db.conversations.get('dm:carol')).toBeUndefined();
    expect(await countUnread(db, 'dm:bob', readUpTo)).toBe(0);
  });
});
