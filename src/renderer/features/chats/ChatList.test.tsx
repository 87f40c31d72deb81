import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact, fakeGroupId } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { renderApp, resetApp, restartApp, sessionDb } from '../../testing/renderApp';
import { filterChats } from './filterChats';

afterEach(() => resetApp());

const groupId = fakeGroupId(1);

async function seed(db: ParleyDatabase) {
  await ensureConversation(db, 'dm:bob', 'bob', Date.UTC(2024, 0, 1, 9));
  await ensureConversation(db, 'dm:carol', 'carol', Date.UTC(2024, 0, 1, 12));
  await ensureConversation(db, `group:${groupId}`, 'Hiking club', Date.UTC(2024, 0, 1, 10));
  await ensureConversation(db, `group:${fakeGroupId(2)}`, 'Café crew', Date.UTC(2023, 11, 1));
  // bob: 3 incoming, the first one read.
  const base = { conversationId: 'dm:bob', sender: 'bob', direction: 'in' as const };
  const first = await db.messages.add({ ...base, messageId: 'b1', body: 'one', timestamp: Date.UTC(2024, 0, 1, 9) });
  await db.messages.add({ ...base, messageId: 'b2', body: 'two', timestamp: Date.UTC(2024, 0, 1, 9, 1) });
  await db.messages.add({ ...base, messageId: 'b3', body: 'three', timestamp: Date.UTC(2024, 0, 1, 9, 2) });
  await db.conversations.update('dm:bob', { lastReadSeq: first });
  await db.messages.add({ conversationId: 'dm:carol', messageId: 'c1', sender: 'alice', direction: 'out', body: 'see you', timestamp: Date.UTC(2024, 0, 1, 12), status: 'read' });
}

function row(conversationId: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-conversation="${conversationId}"]`);
  if (!element) throw new Error(`no chat list row for ${conversationId}`);
  return element;
}

function rowNames(): string[] {
  const list = screen.getByRole('list', { name: 'Conversations' });
  return within(list)
    .queryAllByRole('button')
    .map((button) => button.querySelector('.chat-item-name')?.textContent ?? '');
}

describe('the chat list', () => {
  it('sorts by activity, shows the last message and unread counts from Dexie', async () => {
    await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')], seed });
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'Hiking club', 'bob', 'Café crew']));
    const bob = row('dm:bob');
    expect(within(bob).getByText('three')).toBeTruthy();
    expect(within(bob).getByLabelText('2 unread')).toBeTruthy();
    const carol = row('dm:carol');
    expect(carol.querySelector('.chat-item-preview')?.textContent).toBe('You: see you');
    expect(within(carol).queryByLabelText(/unread/)).toBeNull();
  });

  it('moves a chat up and counts it unread when a message arrives', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')], seed });
    await waitFor(() => expect(rowNames()[0]).toBe('carol'));
    act(() => {
      fake.deliver(textFrom('bob', 'b4', 'four', { sentAt: Date.UTC(2024, 0, 2), receivedAt: Date.UTC(2024, 0, 2) }));
    });
    await waitFor(() => expect(rowNames()[0]).toBe('bob'));
    expect(within(row('dm:bob')).getByLabelText('3 unread')).toBeTruthy();
    // Stored, then committed, then acknowledged with a delivered receipt (the seeded messages owe one too).
    await waitFor(() => expect(fake.pending.size).toBe(0));
    await waitFor(() =>
      expect(
        fake.sent.some(
          (request) =>
            request.conversationId === 'dm:bob' && request.content.kind === 'receipt' && request.content.receipt === 'delivered' && request.content.messageIds.includes('b4'),
        ),
      ).toBe(true),
    );
  });

  it('filters by name as the user types, ignoring case and accents', async () => {
    const { user } = await renderApp({ seed });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    await user.type(screen.getByRole('searchbox', { name: 'Search chats and messages' }), 'CAFE');
    expect(rowNames()).toEqual(['Café crew']);
    await user.clear(screen.getByRole('searchbox', { name: 'Search chats and messages' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search chats and messages' }), 'nobody');
    expect(rowNames()).toEqual([]);
    expect(screen.getByText('No chats match “nobody”.')).toBeTruthy();
  });

  it('opens a chat on click', async () => {
    const { user } = await renderApp({ seed });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    await user.click(row(`group:${groupId}`));
    expect(useChats.getState().selected).toBe(`group:${groupId}`);
    expect(await screen.findByRole('heading', { name: 'Hiking club' })).toBeTruthy();
    expect(row(`group:${groupId}`).getAttribute('aria-current')).toBe('true');
    expect(await sessionDb().conversations.count()).toBe(4);
  });

  it('is one Tab stop: the arrow keys, Home and End move between chats, Enter opens one', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')], seed });
    await waitFor(() => expect(rowNames()).toEqual(['carol', 'Hiking club', 'bob', 'Café crew']));
    const tabbable = () => [...document.querySelectorAll<HTMLElement>('button.chat-item')].filter((button) => button.tabIndex === 0).map((button) => button.dataset.conversation);
    expect(tabbable()).toEqual(['dm:carol']);
    // Down from the search box, then along the list.
    await user.click(screen.getByRole('searchbox', { name: 'Search chats and messages' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(row('dm:carol'));
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(row('dm:bob'));
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(row(`group:${fakeGroupId(2)}`));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(row(`group:${fakeGroupId(2)}`));
    await user.keyboard('{Home}{ArrowDown}{Enter}');
    expect(useChats.getState().selected).toBe(`group:${groupId}`);
    // Out with Tab and back with Shift+Tab: the list is one stop, on the chat last focused.
    expect(tabbable()).toEqual([`group:${groupId}`]);
    row(`group:${groupId}`).focus();
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search chats and messages' }));
    await user.tab();
    expect(document.activeElement).toBe(row(`group:${groupId}`));
  });

  it('gives the focus back to the chat’s row when the chat is closed ("Back to chats")', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')], seed });
    await user.click(await waitFor(() => row('dm:bob')));
    await user.click(await screen.findByRole('button', { name: 'Back to chats' }));
    expect(useChats.getState().selected).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(row('dm:bob')));
  });
});

describe('filterChats', () => {
  it('keeps the order it is given', () => {
    const chat = (title: string) => ({ conversation: { id: `dm:${title}`, kind: 'dm' as const, title, lastActivityAt: 0, lastReadSeq: 0, createdAt: 0 }, lastMessage: null, unread: 0, mentioned: false });
    expect(filterChats([chat('bob'), chat('bobby'), chat('carol')], ' BO ').map((item) => item.conversation.title)).toEqual(['bob', 'bobby']);
  });

  it('reopens the chat that was open when the app closed, and not one that is gone', async () => {
    const contacts = [fakeContact('bob'), fakeContact('carol')];
    const { user } = await renderApp({ contacts, seed });
    await user.click(await waitFor(() => row('dm:carol')));
    await screen.findByRole('textbox', { name: 'Message carol' });

    await restartApp({ contacts });
    expect(await screen.findByRole('textbox', { name: 'Message carol' })).toBeTruthy();

    await sessionDb().conversations.delete('dm:carol');
    await restartApp({ contacts });
    await screen.findByRole('navigation', { name: 'Chats' });
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Pick a chat, or start a new one' })).toBeTruthy());
    expect(screen.queryByRole('textbox', { name: 'Message carol' })).toBeNull();
  });
});
