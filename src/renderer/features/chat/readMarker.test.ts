import { describe, expect, it, vi } from 'vitest';
import { countUnread } from '../../db/conversations';
import { storeReceived } from '../../db/incoming';
import { useSession } from '../../store/session';
import { freshDatabase } from '../../testing/db';
import { textFrom } from '../../testing/messages';
import { markSeen } from './readMarker';

describe('reading', () => {
  it('moves the read position forward only, and tells the receipt worker when something became read', async () => {
    const db = freshDatabase();
    const poke = vi.fn();
    useSession.setState({ session: { me: 'alice', db, outbox: { poke: vi.fn() }, receipts: { poke } } });
    await storeReceived(db, [textFrom('bob', 'a', '1'), textFrom('bob', 'b', '2'), textFrom('bob', 'c', '3')], 'alice', () => 'bob');
    const seqs = (await db.messages.orderBy('seq').primaryKeys()) as number[];
    await markSeen(db, 'dm:bob', seqs[1]!);
    expect(poke).toHaveBeenCalledWith('dm:bob');
    expect(await countUnread(db, 'dm:bob', (await db.conversations.get('dm:bob'))!.lastReadSeq)).toBe(1);
    poke.mockClear();
    await markSeen(db, 'dm:bob', seqs[0]!);
    await markSeen(db, 'dm:bob', seqs[1]!);
    expect(poke).not.toHaveBeenCalled();
    expect((await db.conversations.get('dm:bob'))?.lastReadSeq).toBe(seqs[1]);
    useSession.setState({ session: null });
  });
});
