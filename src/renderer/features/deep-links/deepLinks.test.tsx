import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../../store/chats';
import { fakeContact, fakeGroupId } from '../../testing/fakeParley';
import { renderApp, resetApp } from '../../testing/renderApp';
import { REJECTED_LINK_NOTICE, deepLinkAction, type DeepLinkContext } from './deepLinkAction';

afterEach(() => resetApp());

const context: DeepLinkContext = { me: 'alice', contacts: new Set(['bob']), groups: new Map([[fakeGroupId(1), 'Climbing']]) };

describe('deepLinkAction', () => {
  it('opens chats and groups this device has', () => {
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'chat', username: 'bob' } }, context)).toEqual({ kind: 'open', conversationId: 'dm:bob', title: 'bob' });
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'add', username: 'bob' } }, context)).toEqual({ kind: 'open', conversationId: 'dm:bob', title: 'bob' });
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'group', groupId: fakeGroupId(1) } }, context)).toEqual({
      kind: 'open',
      conversationId: `group:${fakeGroupId(1)}`,
      title: 'Climbing',
    });
  });

  it('only offers to start a chat with someone new, whichever route asked', () => {
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'chat', username: 'carol' } }, context)).toEqual({ kind: 'offerChat', username: 'carol' });
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'add', username: 'carol' } }, context)).toEqual({ kind: 'offerChat', username: 'carol' });
  });

  it('explains links it cannot act on', () => {
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'chat', username: 'alice' } }, context)).toMatchObject({ kind: 'notice', tone: 'info' });
    expect(deepLinkAction({ status: 'accepted', id: 1, link: { kind: 'group', groupId: fakeGroupId(9) } }, context)).toMatchObject({ kind: 'notice', tone: 'error' });
    expect(deepLinkAction({ status: 'rejected', id: 1, reason: 'malformed' }, context)).toEqual({ kind: 'notice', text: REJECTED_LINK_NOTICE, tone: 'error' });
  });
});

describe('deep links in the app', () => {
  it('opens the chat a link names, also for a link that arrived before the app started', async () => {
    const { fake } = await renderApp({
      contacts: [fakeContact('bob'), fakeContact('carol')],
      // Held by main while the app was starting.
      deepLinks: [{ status: 'accepted', id: 1, link: { kind: 'chat', username: 'bob' } }],
    });
    await waitFor(() => expect(useChats.getState().selected).toBe('dm:bob'));
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 2, link: { kind: 'chat', username: 'carol' } }));
    await waitFor(() => expect(useChats.getState().selected).toBe('dm:carol'));
    expect(await screen.findByRole('heading', { name: 'carol' })).toBeTruthy();
  });

  it('asks before adding someone: the new-chat dialog opens prefilled and nothing is looked up until confirmed', async () => {
    const { fake, user } = await renderApp();
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'add', username: 'dave' } }));
    const dialog = await screen.findByRole('dialog', { name: 'New chat' });
    expect(within(dialog).getByText(/A link asks to start a chat with “dave”/)).toBeTruthy();
    expect((within(dialog).getByRole('textbox', { name: 'Username' }) as HTMLInputElement).value).toBe('dave');
    expect(fake.calls.some((call) => call.channel === 'contacts.add')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Start chat' }));
    await waitFor(() => expect(useChats.getState().selected).toBe('dm:dave'));
    expect(fake.contacts.has('dave')).toBe(true);
  });

  it('a cancelled offer adds no one', async () => {
    const { fake, user } = await renderApp();
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'chat', username: 'erin' } }));
    const dialog = await screen.findByRole('dialog', { name: 'New chat' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.contacts.has('erin')).toBe(false);
  });

  it('says a malformed link was ignored, and does nothing else', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => fake.receiveDeepLink({ status: 'rejected', id: 1, reason: 'bad_argument' }));
    expect(await screen.findByText(REJECTED_LINK_NOTICE)).toBeTruthy();
    expect(useChats.getState().selected).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
