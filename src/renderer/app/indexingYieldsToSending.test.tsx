// The session's search indexer stays out of a send's way: it indexes an own message only once the outbox has sent
// it, since an indexed chunk rewrites rows the send is about to update (bench:ui's send row with and without it).
import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureConversation } from '../db/conversations';
import { searchMessages } from '../db/search/searchMessages';
import { useChats } from '../store/chats';
import { fakeContact } from '../testing/fakeParley';
import { renderApp, resetApp, sessionDb } from '../testing/renderApp';

afterEach(() => resetApp());

const found = async (word: string) => (await searchMessages(sessionDb(), word, { limit: 10 })).map((hit) => hit.message.body);

describe('search indexing while sending', () => {
  it('indexes an own message once it is sent, not while it is on its way', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed: async (db) => void (await ensureConversation(db, 'dm:bob', 'bob', Date.now())) });
    act(() => useChats.getState().select('dm:bob'));
    fake.holdSends();
    await user.type(await screen.findByRole('textbox', { name: 'Message bob' }), 'walrus ahoy{Enter}');
    await expect.poll(async () => (await sessionDb().messages.toArray()).map((row) => row.body), { timeout: 10_000 }).toContain('walrus ahoy');
    // Time for the indexer to have done it, were it not waiting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await found('walrus')).toEqual([]);
    fake.releaseSends();
    await expect.poll(() => found('walrus'), { timeout: 10_000 }).toEqual(['walrus ahoy']);
  });
});
