import { describe, expect, it } from 'vitest';
import { countMessageReads, freshDatabase } from '../testing/db';
import { textFrom } from '../testing/messages';
import { storeReceived } from './incoming';
import { nextOwedReceipt, recordReceiptHandedOver } from './receiptPositions';

const titleOf = (id: string) => id.slice(3);

describe('receipt positions', () => {
  it('owes delivered receipts for a catch-up in order, 500 ids at a time, without opening a message row', async () => {
    const db = freshDatabase();
    const reads = countMessageReads(db);
    const batch = Array.from({ length: 700 }, (_, i) => textFrom('bob', `m${i}`, `text ${i}`));
    await storeReceived(db, batch, 'alice', titleOf);
    reads.reset();

    const first = await nextOwedReceipt(db, 'dm:bob', 500);
    expect(first).toMatchObject({ kind: 'delivered', messageIds: batch.slice(0, 500).map((message) => message.messageId) });
    await recordReceiptHandedOver(db, first!);
    const second = await nextOwedReceipt(db, 'dm:bob', 500);
    expect(second).toMatchObject({ kind: 'delivered', messageIds: batch.slice(500).map((message) => message.messageId) });
    await recordReceiptHandedOver(db, second!);
    expect(await nextOwedReceipt(db, 'dm:bob', 500)).toBeNull();
    // Ids and seqs are clear fields: no row was opened (decrypted) to find them.
    expect(reads.rows).toBe(0);
  });
});
