import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact, type SendRequest } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { actionFrom, textFrom } from '../../testing/messages';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

async function seed(db: ParleyDatabase) {
  const now = Date.now();
  await ensureConversation(db, 'dm:bob', 'bob', now);
  await db.messages.add({ conversationId: 'dm:bob', messageId: 'm1', sender: 'alice', direction: 'out', body: 'a hasty message', timestamp: now, status: 'delivered' });
}

const isDelete = (request: SendRequest) => request.content.kind === 'delete';

async function ownMessage(): Promise<HTMLElement> {
  act(() => useChats.getState().select('dm:bob'));
  const log = await screen.findByRole('log', { name: 'Messages with bob' }, patient);
  return (await within(log).findByText('a hasty message', {}, patient)).closest('.message') as HTMLElement;
}


describe('delete for everyone', () => {
  it('asks first: Shift+Delete opens the question with Cancel focused, and Esc or Cancel keep the message', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const message = await ownMessage();
    act(() => message.focus());
    await user.keyboard('{Shift>}{Delete}{/Shift}');
    const dialog = await screen.findByRole('dialog', { name: 'Delete for everyone?' }, patient);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), patient);
    expect(document.activeElement).toBe(message);

    await user.keyboard('{Shift>}{Delete}{/Shift}');
    await user.click(within(await screen.findByRole('dialog', {}, patient)).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), patient);
    expect(within(message).getByText('a hasty message')).toBeTruthy();
    expect(fake.sent.filter(isDelete)).toHaveLength(0);
  });

  it('deletes from the menu once confirmed, with the keyboard: a tombstone here and the delete sent to bob', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const message = await ownMessage();
    act(() => message.focus());
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'Message actions' }, patient);
    await user.click(within(menu).getByRole('menuitem', { name: /Delete for everyone/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete for everyone?' }, patient);
    expect(fake.sent.filter(isDelete)).toHaveLength(0);
    await user.keyboard('{Tab}{Enter}');
    expect(dialog.isConnected).toBe(false);
    await within(message).findByText('This message was deleted.', {}, patient);
    await waitFor(() => expect(fake.sent.filter(isDelete)).toHaveLength(1), patient);
    expect(fake.sent.find(isDelete)?.content).toMatchObject({ kind: 'delete', targetMessageId: 'm1' });
  });

  it('shows the tombstone waiting to send while the delete cannot go, and not once it went', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const message = await ownMessage();
    fake.holdSends();
    act(() => message.focus());
    await user.keyboard('{Shift>}{Delete}{/Shift}');
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete for everyone?' }, patient)).getByRole('button', { name: /Delete for everyone/ }));
    await within(message).findByText('This message was deleted.', {}, patient);
    expect(await within(message).findByTitle('Waiting to send', {}, patient)).toBeTruthy();
    fake.releaseSends();
    await waitFor(() => expect(fake.sent.filter(isDelete)).toHaveLength(1), patient);
    await waitFor(() => expect(within(message).queryByTitle('Waiting to send')).toBeNull(), patient);
  });
});

describe('a reply whose original is deleted for everyone while it is written', () => {
  it('stops showing the original above the composer and sends no snippet of it', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => fake.deliver(textFrom('bob', 'm1', 'the door code is 4711')));
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' }, patient);
    const original = (await within(log).findByText('the door code is 4711', {}, patient)).closest('.message') as HTMLElement;
    act(() => original.focus());
    await user.keyboard('r');
    const mode = await screen.findByTestId('composer-mode', {}, patient);
    expect(mode.textContent).toContain('4711');
    await user.keyboard('got it');

    act(() => fake.deliver(actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm1' })));
    await within(original).findByText('This message was deleted.', {}, patient);
    await waitFor(() => expect(mode.textContent).toBe('Replying to bobThis message was deleted.'), patient);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.sent.filter((request) => request.content.kind === 'text')).toHaveLength(1), patient);
    const sent = fake.sent.find((request) => request.content.kind === 'text')!;
    expect(sent.content).toMatchObject({ body: 'got it', quote: { messageId: 'm1', author: 'bob', text: '' } });
    expect(JSON.stringify(await sessionDb().messages.toArray())).not.toContain('4711');
  });
});
