import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView } from '../../../shared/ipc';
import { groupConversationId } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { useDrafts } from '../../store/drafts';
import { fakeContact, fakeGroupId } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { textFrom } from '../../testing/messages';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

const club: GroupView = { groupId: fakeGroupId(1), name: 'Club', members: ['alice', 'bob', 'carol', 'carmen'], admins: ['alice'], createdBy: 'alice', active: true, approveNewMembers: false };
const clubId = groupConversationId(club.groupId);
const row = (conversationId: string) => document.querySelector<HTMLElement>(`[data-conversation="${conversationId}"]`);

describe('mentions', () => {
  it('suggests members after @ in a group; arrows move, Enter inserts the name, Escape closes the list only', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], groups: [club] });
    act(() => void fake.deliver(textFrom('bob', 'g1', 'hello club', { conversationId: clubId })));
    await waitFor(() => expect(row(clubId)).not.toBeNull(), patient);
    act(() => useChats.getState().select(clubId));
    const field = await screen.findByRole('textbox', { name: 'Message Club' }, patient);
    await user.type(field, 'hi @ca');
    const list = await screen.findByRole('listbox', { name: 'Mention a member' }, patient);
    expect(within(list).getAllByRole('option').map((option) => option.textContent?.slice(2))).toEqual(['carmen', 'carol']);
    expect(field.getAttribute('aria-activedescendant')).toBe(within(list).getByRole('option', { name: 'carmen' }).id);
    await user.keyboard('{ArrowDown}');
    expect(within(list).getByRole('option', { name: 'carol' }).getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Enter}');
    expect(useDrafts.getState().drafts[clubId]).toBe('hi @carol ');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(fake.sent.filter((request) => request.content.kind === 'text')).toHaveLength(0); // Enter chose, it did not send

    // Never this user; Escape closes the list and leaves the text.
    await user.type(field, '@al');
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.type(field, '{Backspace}{Backspace}b');
    expect(await screen.findByRole('option', { name: 'bob' }, patient)).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(useDrafts.getState().drafts[clubId]).toBe('hi @carol @b');
  });

  it('offers nobody in a one-to-one chat', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => useChats.getState().select('dm:bob'));
    await user.type(await screen.findByRole('textbox', { name: 'Message bob' }, patient), '@b');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('marks a chat with an unread mention in the list until it is read, and highlights the mention of me', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')], groups: [club] });
    act(() => void fake.deliver(textFrom('bob', 'g1', 'lunch, @carol?', { conversationId: clubId })));
    await waitFor(() => expect(row(clubId)).not.toBeNull(), patient);
    expect(within(row(clubId)!).queryByLabelText('Unread mention of you')).toBeNull();
    act(() => void fake.deliver(textFrom('bob', 'g2', 'and @Alice, are you in?', { conversationId: clubId })));
    expect(await within(row(clubId)!).findByLabelText('Unread mention of you', {}, patient)).toBeTruthy();

    act(() => useChats.getState().select(clubId));
    const log = await screen.findByRole('log', { name: 'Messages with Club' }, patient);
    const mine = await within(log).findByText('@Alice', {}, patient);
    expect(mine.tagName).toBe('MARK');
    expect(mine.classList.contains('mention-me')).toBe(true);
    const theirs = within(log).getByText('@carol');
    expect(theirs.classList.contains('mention')).toBe(true);
    expect(theirs.classList.contains('mention-me')).toBe(false);
    // Read now: the mark goes.
    await waitFor(() => expect(within(row(clubId)!).queryByLabelText('Unread mention of you')).toBeNull(), patient);
  });
});
