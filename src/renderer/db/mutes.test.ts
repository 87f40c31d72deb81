import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../testing/db';
import { ensureConversation } from './conversations';
import { conversationMute, setConversationMute } from './mutes';

describe('mutes', () => {
  it('are kept on the chat, and refused for a chat that has no row yet instead of being dropped unseen', async () => {
    const db = freshDatabase();
    await expect(setConversationMute(db, 'dm:bob', 'always')).rejects.toThrow('no such conversation');
    await ensureConversation(db, 'dm:bob', 'bob', 1_000);
    await setConversationMute(db, 'dm:bob', 'always');
    expect(await conversationMute(db, 'dm:bob')).toBe('always');
    await setConversationMute(db, 'dm:bob', null);
    expect(await conversationMute(db, 'dm:bob')).toBeUndefined();
  });
});
