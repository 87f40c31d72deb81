import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

async function seed(db: ParleyDatabase) {
  const now = Date.now();
  await ensureConversation(db, 'dm:bob', 'bob', now);
  await db.messages.bulkAdd([
    { conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', direction: 'in', body: 'first from bob', timestamp: now - 2_000 },
    { conversationId: 'dm:bob', messageId: 'm2', sender: 'bob', direction: 'in', body: 'second from bob', timestamp: now - 1_000 },
  ]);
}

async function messageNamed(body: string): Promise<HTMLElement> {
  const log = await screen.findByRole('log', { name: 'Messages with bob' }, patient);
  return (await within(log).findByText(body, {}, patient)).closest('.message') as HTMLElement;
}

describe('the message menu and the reaction picker with the keyboard', () => {
  it('keep the arrow keys to themselves: they move in the menu and the picker, not from message to message', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')], seed });
    act(() => useChats.getState().select('dm:bob'));
    const second = await messageNamed('second from bob');
    act(() => second.focus());
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'Message actions' }, patient);
    const items = within(menu).getAllByRole('menuitem');
    expect(document.activeElement).toBe(items[0]);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(items[1]);
    await user.keyboard('{End}{ArrowUp}');
    expect(document.activeElement).toBe(items[items.length - 2]);
    await user.keyboard('{Escape}');
    expect(menu.isConnected).toBe(false);
    expect(document.activeElement).toBe(second);

    // The full picker from the menu: the arrow keys move in its grid, Enter reacts, the focus comes back.
    await user.keyboard('{Enter}');
    await user.click(within(await screen.findByRole('menu', {}, patient)).getByRole('menuitem', { name: 'More reactions…' }));
    const picker = await screen.findByRole('dialog', { name: 'React with an emoji' }, patient);
    const search = within(picker).getByRole('combobox');
    await waitFor(() => expect(search.getAttribute('aria-activedescendant')).toBeTruthy(), patient);
    const before = search.getAttribute('aria-activedescendant');
    await user.keyboard('{ArrowDown}');
    expect(picker.contains(document.activeElement)).toBe(true);
    expect(search.getAttribute('aria-activedescendant')).not.toBe(before);
    await user.keyboard('{Escape}');
    expect(picker.isConnected).toBe(false);
    expect(document.activeElement).toBe(second);
  });

  it('opens inside the landmark it was opened from, where assistive technology looks for it', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')], seed });
    act(() => useChats.getState().select('dm:bob'));
    const second = await messageNamed('second from bob');
    act(() => second.focus());
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'Message actions' }, patient);
    expect(screen.getByRole('main').contains(menu)).toBe(true);
    expect(second.contains(menu)).toBe(false);
    await user.keyboard('{Escape}');

    const chat = document.querySelector<HTMLElement>('[data-conversation="dm:bob"]')!;
    await user.pointer({ keys: '[MouseRight]', target: chat });
    const chatMenu = screen.getByRole('menu', { name: 'Chat actions: bob' });
    expect(screen.getByRole('complementary').contains(chatMenu)).toBe(true);
    expect(document.activeElement).toBe(within(chatMenu).getAllByRole('menuitem')[0]);
  });
});
