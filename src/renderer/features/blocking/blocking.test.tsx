import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();

const blockCalls = (calls: { channel: string; request: unknown }[]) => calls.filter((call) => call.channel === 'contacts.setBlocked').map((call) => call.request);
afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

describe('blocking', () => {
  it('blocks from contact info after asking, shows why the composer is gone, and unblocks from the chat or Settings', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol', { blocked: true })], seed: (db) => ensureConversation(db, 'dm:bob', 'bob', 1).then(() => undefined) });
    act(() => useChats.getState().select('dm:bob'));
    expect(await screen.findByRole('textbox', { name: 'Message bob' }, patient)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Contact info for bob' }));
    const info = await screen.findByRole('dialog', { name: 'Contact info: bob' }, patient);
    await user.click(within(info).getByRole('button', { name: 'Block bob…' }));
    const question = within(info).getByRole('group', { name: 'Block bob?' });
    // Cancel changes nothing.
    await user.click(within(question).getByRole('button', { name: 'Cancel' }));
    expect(blockCalls(fake.calls)).toHaveLength(0);
    await user.click(within(info).getByRole('button', { name: 'Block bob…' }));
    await user.click(within(within(info).getByRole('group', { name: 'Block bob?' })).getByRole('button', { name: 'Block' }));
    expect(await within(info).findByRole('button', { name: 'Unblock bob' }, patient)).toBeTruthy();
    expect(blockCalls(fake.calls)).toEqual([{ username: 'bob', blocked: true }]);
    await user.click(within(info).getByRole('button', { name: 'Done' }));

    // The chat has no composer now, and says why.
    expect(screen.queryByRole('textbox', { name: 'Message bob' })).toBeNull();
    const notice = screen.getByText(/You blocked bob\./).closest('.blocked-notice') as HTMLElement;
    await user.click(within(notice).getByRole('button', { name: 'Unblock' }));
    expect(await screen.findByRole('textbox', { name: 'Message bob' }, patient)).toBeTruthy();

    // Settings lists who is blocked, each with Unblock.
    await user.click(within(screen.getByRole('complementary')).getByRole('button', { name: 'Settings' }));
    const settings = await screen.findByRole('dialog', { name: 'Settings' }, patient);
    const list = within(settings).getByRole('list', { name: 'Blocked users' });
    expect(within(list).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['carol']);
    await user.click(within(list).getByRole('button', { name: 'Unblock carol' }));
    await waitFor(() => expect(within(settings).getByText('You have not blocked anyone.')).toBeTruthy(), patient);
  });

  it('keeps the keyboard’s place in contact info: muting, blocking and cancelling move the focus to the button that took the pressed one’s place', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')], seed: (db) => ensureConversation(db, 'dm:bob', 'bob', 1).then(() => undefined) });
    act(() => useChats.getState().select('dm:bob'));
    await user.click(await screen.findByRole('button', { name: 'Contact info for bob' }, patient));
    const info = await screen.findByRole('dialog', { name: 'Contact info: bob' }, patient);
    const press = async (name: string) => {
      act(() => within(info).getByRole('button', { name }).focus());
      await user.keyboard('{Enter}');
    };
    const focusedButton = () => (document.activeElement instanceof HTMLButtonElement ? document.activeElement.textContent : document.activeElement?.tagName);

    await press('Mute for 1 hour');
    await waitFor(() => expect(focusedButton()).toBe('Unmute'), patient);
    await press('Unmute');
    await waitFor(() => expect(focusedButton()).toBe('Mute for 1 hour'), patient);

    await press('Block bob…');
    expect(focusedButton()).toBe('Block');
    await press('Cancel');
    expect(focusedButton()).toBe('Block bob…');
    await press('Block bob…');
    await press('Block');
    await waitFor(() => expect(focusedButton()).toBe('Unblock bob'), patient);
    await press('Unblock bob');
    await waitFor(() => expect(focusedButton()).toBe('Block bob…'), patient);
  });
});
