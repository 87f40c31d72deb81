import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../store/chats';
import { fakeContact } from '../testing/fakeParley';
import { renderApp, resetApp, sessionDb } from '../testing/renderApp';

afterEach(() => resetApp());

const patient = { timeout: 20_000 };

describe('the search index and sending', () => {
  it('indexes a sent message once it is sent, not while the send is on its way', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => useChats.getState().select('dm:bob'));
    fake.holdSends();
    await user.type(await screen.findByRole('textbox', { name: 'Message bob' }, patient), 'a walrus on the ice{Enter}');
    await waitFor(async () => expect(await sessionDb().messages.where('conversationId').equals('dm:bob').count()).toBe(1), patient);
    expect(await sessionDb().indexQueue.count()).toBe(1);
    // Longer than the quiet the indexer waits for after receiving (400 ms), shorter than its longest wait (2 s): with
    // the send held, the message waits in the queue.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await sessionDb().indexQueue.count()).toBe(1);
    fake.releaseSends();
    await waitFor(async () => expect(await sessionDb().indexQueue.count()).toBe(0), patient);
    expect(await sessionDb().messageTerms.count()).toBe(1);
  });
});
