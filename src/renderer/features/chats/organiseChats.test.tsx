import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { fakeContact } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { renderApp, resetApp, restartApp, sessionDb } from '../../testing/renderApp';

afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

async function seed(db: ParleyDatabase) {
  await ensureConversation(db, 'dm:bob', 'bob', Date.UTC(2024, 0, 1, 9));
  await ensureConversation(db, 'dm:carol', 'carol', Date.UTC(2024, 0, 1, 12));
  await ensureConversation(db, 'dm:dave', 'dave', Date.UTC(2024, 0, 1, 11));
}

const row = (conversationId: string) => document.querySelector<HTMLElement>(`[data-conversation="${conversationId}"]`);
const rowNames = () =>
  within(screen.getByRole('list', { name: 'Conversations' }))
    .queryAllByRole('button')
    .map((button) => button.querySelector('.chat-item-name')?.textContent ?? '');
const contacts = [fakeContact('bob'), fakeContact('carol'), fakeContact('dave')];

describe('pinned and archived chats', () => {
  it('pins a chat to the top from its menu (right click) and unpins it by keyboard (Shift+F10), kept across a restart', async () => {
    const { user } = await renderApp({ contacts, seed });
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'dave', 'bob']), patient);
    await user.pointer({ keys: '[MouseRight]', target: row('dm:bob')! });
    await user.click(within(screen.getByRole('menu', { name: 'Chat actions: bob' })).getByRole('menuitem', { name: 'Pin chat' }));
    await waitFor(() => expect(rowNames()).toEqual(['bob', 'carol', 'dave']), patient);
    expect(within(row('dm:bob')!).getByRole('img', { name: 'Pinned' })).toBeTruthy();
    expect(document.activeElement).toBe(row('dm:bob'));

    await restartApp({ contacts });
    await waitFor(() => expect(rowNames()).toEqual(['bob', 'carol', 'dave']), patient);
    act(() => row('dm:bob')!.focus());
    await user.keyboard('{Shift>}{F10}{/Shift}');
    const menu = screen.getByRole('menu', { name: 'Chat actions: bob' });
    expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Unpin chat' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'dave', 'bob']), patient);
  });

  it('archives a chat out of the list into "Archived chats", finds it by search, and brings it back', async () => {
    const { user } = await renderApp({ contacts, seed });
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'dave', 'bob']), patient);
    await user.pointer({ keys: '[MouseRight]', target: row('dm:dave')! });
    await user.click(screen.getByRole('menuitem', { name: 'Archive chat' }));
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'bob']), patient);
    expect((await sessionDb().conversations.get('dm:dave'))?.archived).toBe(true);

    // A search looks through archived chats too.
    await user.type(screen.getByRole('searchbox', { name: 'Search chats and messages' }), 'dav');
    await waitFor(() => expect(rowNames()).toEqual(['dave']), patient);
    await user.clear(screen.getByRole('searchbox', { name: 'Search chats and messages' }));

    await user.click(await screen.findByRole('button', { name: /Archived chats/ }, patient));
    await waitFor(() => expect(rowNames()).toEqual(['dave']), patient);
    await user.pointer({ keys: '[MouseRight]', target: row('dm:dave')! });
    await user.click(screen.getByRole('menuitem', { name: 'Unarchive chat' }));
    await screen.findByText('No archived chats.', {}, patient);
    await user.click(screen.getByRole('button', { name: 'Back to chats' }));
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'dave', 'bob']), patient);
    expect(screen.queryByRole('button', { name: /Archived chats/ })).toBeNull();
  });

  it('brings an archived chat back when someone writes in it, unless it is muted', async () => {
    const { fake } = await renderApp({
      contacts,
      seed: async (db) => {
        await seed(db);
        await db.conversations.update('dm:bob', { archived: true });
        await db.conversations.update('dm:dave', { archived: true, mutedUntil: 'always' });
      },
    });
    await waitFor(() => expect(rowNames()).toEqual(['carol']), patient);
    act(() => {
      fake.deliver(textFrom('dave', 'd1', 'muted news', { sentAt: Date.UTC(2024, 0, 2), receivedAt: Date.UTC(2024, 0, 2) }));
      fake.deliver(textFrom('bob', 'b1', 'back again', { sentAt: Date.UTC(2024, 0, 2, 1), receivedAt: Date.UTC(2024, 0, 2, 1) }));
    });
    await waitFor(() => expect(rowNames()).toEqual(['bob', 'carol']), patient);
    expect((await sessionDb().conversations.get('dm:dave'))?.archived).toBe(true);
  });
});
