import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { countUnread } from '../../db/conversations';
import { storeReceived } from '../../db/incoming';
import { freshDatabase } from '../../testing/db';
import { FakeParley, fakeAccount } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { markSeen } from './readMarker';

describe('reading', () => {
  it('moves the read position forward only, and sends one read receipt for what became read', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'a', '1'), textFrom('bob', 'b', '2'), textFrom('bob', 'c', '3')], 'alice', () => 'bob');
    const seqs = (await db.messages.orderBy('seq').primaryKeys()) as number[];
    await markSeen(db, 'dm:bob', seqs[1]!);
    await waitFor(() => expect(fake.sent).toHaveLength(1));
    expect(fake.sent[0]).toMatchObject({ conversationId: 'dm:bob', content: { kind: 'receipt', receipt: 'read', messageIds: ['a', 'b'] } });
    expect(await countUnread(db, 'dm:bob', (await db.conversations.get('dm:bob'))!.lastReadSeq)).toBe(1);
    await markSeen(db, 'dm:bob', seqs[0]!);
    await markSeen(db, 'dm:bob', seqs[1]!);
    expect(fake.sent).toHaveLength(1);
    expect((await db.conversations.get('dm:bob'))?.lastReadSeq).toBe(seqs[1]);
  });

  it('a failed receipt is not an error the user sees', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice'), connection: 'offline' }).install(window);
    const db = freshDatabase();
    await storeReceived(db, [textFrom('bob', 'a', '1')], 'alice', () => 'bob');
    await expect(markSeen(db, 'dm:bob', 1)).resolves.toBeUndefined();
    expect(fake.calls.filter((call) => call.channel === 'messages.send')).toHaveLength(1);
  });
});
