import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
  it('counts in-chat matches, saying it is indexing meanwhile, and settles (one answer, one jump)', async () => {
    const errors = vi.spyOn(console, 'error');
    const { fake, user } = await renderApp({ contacts: [fakeContact('bob')] });
    localStorage.setItem(PAUSE_INDEXING_KEY, '1');
    act(() => {
      fake.deliver(textFrom('bob', 'b1', 'a wombat in the garden'));
    });
    await waitFor(async () => expect(await sessionDb().messages.count()).toBe(1));
    await user.click(await screen.findByRole('button', { name: /bob/ }));
    await user.click(await screen.findByRole('button', { name: 'Search this chat' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search this chat' }), 'wombat');
    const count = () => document.querySelector('.chat-search-count')?.textContent;
    await waitFor(() => expect(count()).toBe('No matches (indexing…)'));
    localStorage.removeItem(PAUSE_INDEXING_KEY);
    act(() => {
      fake.deliver(textFrom('bob', 'b2', 'hello'));
    });
    await waitFor(() => expect(count()).toBe('1 of 1'));
    // The answer is one object until it changes: the bar's jump to the newest hit ran once per answer, not in a loop.
    expect(errors.mock.calls.flat().join(' ')).not.toMatch(/Maximum update depth/);
    errors.mockRestore();
  });


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

  it('keeps an answer given while the index was current: a message indexed later does not move the user’s place', async () => {
    const { fake, user } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => {
      fake.deliverAll([textFrom('bob', 'b1', 'first wombat'), textFrom('bob', 'b2', 'second wombat')]);
    });
    await waitFor(async () => expect(await sessionDb().indexQueue.count()).toBe(0));
    await waitFor(async () => expect(await sessionDb().messageTerms.count()).toBe(2));
    await user.click(await screen.findByRole('button', { name: /bob/ }));
    await user.click(await screen.findByRole('button', { name: 'Search this chat' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search this chat' }), 'wombat');
    const count = () => document.querySelector('.chat-search-count')?.textContent;
    await waitFor(() => expect(count()).toBe('1 of 2'));
    await user.click(screen.getByRole('button', { name: 'Previous match (older)' }));
    expect(count()).toBe('2 of 2');
    // Every text the count shows from now on.
    const shown: string[] = [];
    const countElement = document.querySelector('.chat-search-count')!;
    new MutationObserver(() => shown.push(countElement.textContent ?? '')).observe(countElement, { subtree: true, childList: true, characterData: true });
    act(() => {
      fake.deliver(textFrom('bob', 'b3', 'third wombat'));
    });
    // The bar saw the index fall behind and catch up again, and has asked for no new answer since.
    await waitFor(() => expect(shown).toContain('2 of 2 (indexing…)'));
    await waitFor(() => expect(count()).toBe('2 of 2'));
    await act(async () => {}); // the effects of what it shows have run
    expect(await sessionDb().messageTerms.count()).toBe(3);
    expect(countElement.getAttribute('aria-busy')).toBe('false');
  });

  it('takes the arrow keys from the search box on through the chats and the messages found', async () => {
    const { fake, user } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => {
      fake.deliverAll([textFrom('bob', 'b1', 'first wombat'), textFrom('bob', 'b2', 'second wombat')]);
    });
    await waitFor(async () => expect(await sessionDb().indexQueue.count()).toBe(0));
    await user.type(screen.getByRole('searchbox', { name: 'Search chats and messages' }), 'wombat');
    await waitFor(() => expect(within(found()).getAllByRole('button')).toHaveLength(2));
    const [newest, oldest] = within(found()).getAllByRole('button');
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(newest);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(oldest);
    await user.keyboard('{ArrowUp}{Enter}');
    await waitFor(() => expect(screen.getByRole('log', { name: 'Messages with bob' })).toBeTruthy());
  });
});
