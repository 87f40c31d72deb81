import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PAUSE_INDEXING_KEY } from '../../db/search/pauseIndexing';
import { fakeContact } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

afterEach(async () => {
  localStorage.removeItem(PAUSE_INDEXING_KEY);
  await resetApp();
});

const found = () => screen.getByRole('region', { name: 'Messages found' });

describe('message search while the index is behind', () => {
  it('says it is indexing while a received word is not indexed yet, and finds it once the indexer has caught up', async () => {
    const { fake, user } = await renderApp({ contacts: [fakeContact('bob')] });
    // The indexer is held (the benchmark's switch) as a catch-up would keep it behind.
    localStorage.setItem(PAUSE_INDEXING_KEY, '1');
    act(() => {
      fake.deliver(textFrom('bob', 'b1', 'the quokka crossed the road'));
    });
    await waitFor(async () => expect(await sessionDb().messages.count()).toBe(1));
    await waitFor(() => expect(fake.pending.size).toBe(0));

    await user.type(screen.getByRole('searchbox', { name: 'Search chats and messages' }), 'quokka');
    await waitFor(() => expect(within(found()).getByText('Indexing new messages… some may not be found yet.')).toBeTruthy());
    expect(within(found()).getByText('No messages match “quokka”.')).toBeTruthy();
    expect(within(found()).queryAllByRole('button')).toHaveLength(0);

    // Resumed: the next message wakes the indexer, which takes both; the open search answers again by itself.
    localStorage.removeItem(PAUSE_INDEXING_KEY);
    act(() => {
      fake.deliver(textFrom('bob', 'b2', 'another quokka'));
    });
    await waitFor(() => expect(within(found()).getAllByRole('button').map((hit) => hit.textContent)).toEqual([expect.stringContaining('another quokka'), expect.stringContaining('the quokka crossed')]));
    expect(within(found()).queryByText(/Indexing new messages/)).toBeNull();
  });
});
