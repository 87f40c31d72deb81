// The unread total behind the badge: one read transaction however many chats there are (it reruns on every stored
// receive batch of a catch-up), muted and archived chats left out.
import { describe, expect, it } from 'vitest';
import { setArchived } from '../../db/chatOrganisation';
import { storeReceived } from '../../db/incoming';
import { setConversationMute } from '../../db/mutes';
import { countTransactions, freshDatabase } from '../../testing/db';
import { textFrom } from '../../testing/messages';
import { unreadTotal } from './useUnreadBadge';

describe('the unread total', () => {
  it('counts chats neither muted nor archived, in one read transaction', async () => {
    const db = freshDatabase();
    const transactions = countTransactions(db);
    await storeReceived(db, Array.from({ length: 20 }, (_, i) => textFrom(`user${i}`, `m${i}`, `hello ${i}`)), 'alice', (id) => id.slice(3));
    await setConversationMute(db, 'dm:user0', 'always');
    await setArchived(db, 'dm:user1', true);
    transactions.reset();

    expect(await unreadTotal(db, Date.now())).toBe(18);
    expect(transactions).toMatchObject({ readonly: 1, readwrite: 0 });
  });
});
