import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureConversation } from '../../db/conversations';
import type { ParleyDatabase } from '../../db/database';
import { renderApp, resetApp, restartApp, sessionDb } from '../../testing/renderApp';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';

afterEach(() => resetApp());

async function openChat(name: string) {
  await act(async () => useChats.getState().select(`dm:${name}`));
  return screen.findByRole('textbox', { name: `Message ${name}` });
}

const contacts = [fakeContact('bob'), fakeContact('carol')];
const seed = async (db: ParleyDatabase) => {
  await ensureConversation(db, 'dm:bob', 'bob', 2);
  await ensureConversation(db, 'dm:carol', 'carol', 1);
};

describe('the composer', () => {
  it('keeps an unsent draft through a restart, shows it in the chat list, and forgets it once sent', async () => {
    const { user } = await renderApp({ contacts, seed });
    await user.type(await openChat('bob'), 'half a thought');
    await waitFor(async () => expect(await sessionDb().drafts.get('dm:bob')).toEqual({ conversationId: 'dm:bob', text: 'half a thought' }));

    // bob's chat was open: it opens again after the restart, with the draft in the composer; from another chat
    // the list shows it as a draft.
    const again = await restartApp({ contacts });
    const reopened = await screen.findByRole('textbox', { name: 'Message bob' });
    await waitFor(() => expect(reopened).toHaveProperty('value', 'half a thought'));
    await openChat('carol');
    const draftShown = await within(screen.getByRole('navigation', { name: 'Chats' })).findByText(/half a thought/);
    expect(draftShown.closest('.chat-item-preview')?.textContent).toBe('Draft: half a thought');
    const input = await openChat('bob');
    await waitFor(() => expect(input).toHaveProperty('value', 'half a thought'));
    await again.user.type(input, ', finished{Enter}');
    await waitFor(() => expect(again.fake.sent.find((request) => request.content.kind === 'text')?.content).toMatchObject({ body: 'half a thought, finished' }));
    await waitFor(async () => expect(await sessionDb().drafts.count()).toBe(0));
  });


  it('Enter sends: the message is written with an outbox row, then sent once', async () => {
    const { fake, user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    await user.type(input, 'Hello Bob{Enter}');
    await waitFor(() => expect(input).toHaveProperty('value', ''));
    await waitFor(() => expect(fake.sent.filter((request) => request.content.kind === 'text')).toHaveLength(1));
    const [sent] = fake.sent.filter((request) => request.content.kind === 'text');
    expect(sent).toMatchObject({ conversationId: 'dm:bob', content: { kind: 'text', body: 'Hello Bob' } });
    const rows = await sessionDb().messages.where('conversationId').equals('dm:bob').toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ messageId: sent?.messageId, direction: 'out' });
    await waitFor(async () => expect((await sessionDb().messages.toArray())[0]?.status).toBe('sent'));
  });

  it('↑ edits the last message, but not over what was typed before that message was found', async () => {
    const { user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    await user.type(input, 'the original{Enter}');
    await waitFor(async () => expect((await sessionDb().messages.toArray())[0]?.status).toBe('sent'));

    // ↑, then a paste before IndexedDB answers which message is the last one.
    act(() => {
      fireEvent.keyDown(input, { key: 'ArrowUp' });
      fireEvent.change(input, { target: { value: 'a new thought' } });
    });
    // A later read of messages is answered after the lookup (IndexedDB runs them in order).
    await act(async () => void (await sessionDb().messages.toArray()));
    expect(screen.queryByTestId('composer-mode')).toBeNull();
    expect(input).toHaveProperty('value', 'a new thought');

    // On an empty composer ↑ edits it.
    await user.clear(input);
    await user.keyboard('{ArrowUp}');
    expect((await screen.findByTestId('composer-mode')).textContent).toContain('Editing message');
    await waitFor(() => expect(input).toHaveProperty('value', 'the original'));
  });

  it('Shift+Enter adds a line instead of sending', async () => {
    const { fake, user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    await user.type(input, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(input).toHaveProperty('value', 'line one\nline two');
    expect(await sessionDb().messages.count()).toBe(0);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.sent.find((request) => request.content.kind === 'text')?.content).toMatchObject({ body: 'line one\nline two' }));
  });

  it('refuses an empty or blank message with a hint, and writes nothing', async () => {
    const { fake, user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    await user.type(input, '   {Enter}');
    expect(await screen.findByText(/empty messages are not sent/i)).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect(await sessionDb().messages.count()).toBe(0);
    expect(await sessionDb().outbox.count()).toBe(0);
    expect(fake.calls.some((call) => call.channel === 'messages.send' && JSON.stringify(call.request).includes('"text"'))).toBe(false);
  });

  it('keeps a draft per chat when switching', async () => {
    const { user } = await renderApp({ contacts, seed });
    await user.type(await openChat('bob'), 'for bob');
    const carol = await openChat('carol');
    expect(carol).toHaveProperty('value', '');
    await user.type(carol, 'for carol');
    expect(await openChat('bob')).toHaveProperty('value', 'for bob');
    expect(await openChat('carol')).toHaveProperty('value', 'for carol');
    // The chat list shows the other chat's draft.
    const list = screen.getByRole('list', { name: 'Conversations' });
    expect(within(list).getByText('for bob')).toBeTruthy();
  });

  it('accepts pasted text', async () => {
    const { user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    await user.click(input);
    await user.paste('pasted\ntext');
    expect(input).toHaveProperty('value', 'pasted\ntext');
  });

  it('queues while offline and sends when the connection comes back', async () => {
    const { fake, user } = await renderApp({ contacts, seed, connection: 'reconnecting' });
    const input = await openChat('bob');
    await user.type(input, 'while offline{Enter}');
    await waitFor(async () => expect(await sessionDb().outbox.count()).toBe(1));
    expect(screen.getByText(/Reconnecting/)).toBeTruthy();
    expect(fake.sent).toHaveLength(0);
    act(() => fake.setConnection('online'));
    await waitFor(() => expect(fake.sent.map((request) => request.content.kind)).toContain('text'));
    await waitFor(async () => expect(await sessionDb().outbox.count()).toBe(0));
  });

  it('takes the next message while the last one is still being stored: every Enter sends what was shown, in order', async () => {
    const { fake, user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    // No waiting between messages: each Enter is followed at once by the next keystrokes.
    await user.type(input, 'first{Enter}second{Enter}third{Enter}and a draft');
    expect(input).toHaveProperty('value', 'and a draft');
    await waitFor(() => expect(fake.sent.filter((request) => request.content.kind === 'text')).toHaveLength(3));
    const bodies = (await sessionDb().messages.where('conversationId').equals('dm:bob').sortBy('seq')).map((row) => row.body);
    expect(bodies).toEqual(['first', 'second', 'third']);
    expect(input).toHaveProperty('value', 'and a draft');
  });

  it('gives a message that could not be stored back to the composer, ahead of what was typed since', async () => {
    const { fake, user } = await renderApp({ contacts, seed });
    const input = await openChat('bob');
    // The disk is full: IndexedDB refuses the new message row, the rest of the app keeps running.
    sessionDb().messages.hook('creating', () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await user.type(input, 'must not be lost{Enter}');
    expect(await screen.findByText(/could not save this message/i)).toBeTruthy();
    expect(input).toHaveProperty('value', 'must not be lost');
    expect(fake.sent.filter((request) => request.content.kind === 'text')).toHaveLength(0);
  });
});
