import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { useTyping } from '../../store/typing';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { receiptFrom, textFrom, typingFrom } from '../../testing/messages';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

const DAY = 86_400_000;
const start = Date.UTC(2024, 2, 1, 10);

async function seed(db: ParleyDatabase) {
  await ensureConversation(db, 'dm:bob', 'bob', start);
  const add = (messageId: string, body: string, timestamp: number, direction: 'in' | 'out' = 'in', extra = {}) =>
    db.messages.add({ conversationId: 'dm:bob', messageId, sender: direction === 'in' ? 'bob' : 'alice', direction, body, timestamp, ...extra });
  await add('m1', 'yesterday from bob', start - DAY);
  const read = await add('m2', 'mine, delivered', start - DAY + 60_000, 'out', { status: 'delivered' });
  await add('m3', 'see https://example.org/page. ok?', start);
  await add('m4', 'mine, failed', start + 60_000, 'out', { status: 'failed', failure: { code: 'identity_changed', message: 'bob’s safety number changed.' } });
  await db.conversations.update('dm:bob', { lastReadSeq: read });
}

async function openBob() {
  act(() => useChats.getState().select('dm:bob'));
  return screen.findByRole('log', { name: 'Messages with bob' });
}

describe('the chat view', () => {
  it('shows bubbles, day separators, the unread divider and status ticks', async () => {
    await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openBob();
    await within(log).findByText('yesterday from bob');
    expect(within(log).getAllByText(/^(Yesterday|Today|.*2024)$/).length).toBeGreaterThanOrEqual(2);
    const divider = within(log).getByTestId('unread-divider');
    expect(divider.textContent).toBe('1 unread message');
    const own = within(log).getByText('mine, delivered').closest('.message');
    expect(own?.classList.contains('message-own')).toBe(true);
    expect(within(own as HTMLElement).getByRole('img', { name: 'Delivered' })).toBeTruthy();
    const other = within(log).getByText('yesterday from bob').closest('.message');
    expect(other?.classList.contains('message-other')).toBe(true);
    // The short time shows the whole date, with the year, on hover.
    const time = other?.querySelector('time');
    expect(time?.getAttribute('title')).toMatch(/2024/);
    expect(time?.getAttribute('title')).toMatch(/February|29/);
    // The divider comes right before the first unread message.
    const order = [...log.querySelectorAll('[data-testid="unread-divider"], .message-body')].map((element) => element.textContent);
    expect(order.indexOf('1 unread message')).toBe(order.findIndex((text) => text?.startsWith('see')) - 1);
  });

  it('shows why a message failed and requeues it on retry, with the same id', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openBob();
    const failed = (await within(log).findByText('mine, failed')).closest('.message') as HTMLElement;
    expect(within(failed).getByText('bob’s safety number changed.')).toBeTruthy();
    expect(within(failed).getByRole('img', { name: 'Not sent' })).toBeTruthy();
    await user.click(within(failed).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.sent.filter((request) => request.content.kind === 'text').map((request) => request.messageId)).toEqual(['m4']));
    await waitFor(() => expect(within(log).getByText('mine, failed').closest('.message')?.querySelector('[data-status]')?.getAttribute('data-status')).toBe('sent'));
  });

  it('renders links as link spans that ask main to open them, never as navigation', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openBob();
    const link = await within(log).findByRole('link', { name: 'https://example.org/page' });
    expect(link.tagName).toBe('SPAN');
    expect(link.hasAttribute('href')).toBe(false);
    expect(log.querySelector('a')).toBeNull();
    await user.click(link);
    await waitFor(() => expect(fake.openedLinks).toEqual(['https://example.org/page']));
    link.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.openedLinks).toHaveLength(2));
  });

  it('tells the user when main refuses to open a link', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    fake.failNext('links.open', { code: 'unsafe_link', message: 'Parley only opens web and mail links.' });
    const log = await openBob();
    await user.click(await within(log).findByRole('link', { name: 'https://example.org/page' }));
    expect(await screen.findByText('Parley only opens web and mail links.')).toBeTruthy();
  });

  it('updates ticks as receipts arrive, never backwards', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openBob();
    const status = () => within(log).getByText('mine, delivered').closest('.message')?.querySelector('[data-status]')?.getAttribute('data-status');
    await waitFor(() => expect(status()).toBe('delivered'));
    act(() => void fake.deliver(receiptFrom('bob', 'read', ['m2'])));
    await waitFor(() => expect(status()).toBe('read'));
    act(() => void fake.deliver(receiptFrom('bob', 'delivered', ['m2'])));
    await waitFor(() => expect(fake.pending.size).toBe(0));
    expect(status()).toBe('read');
  });

  it('shows who is typing, stores nothing, and forgets it after a while', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    await openBob();
    const before = await sessionDb().messages.count();
    act(() => void fake.deliver(typingFrom('bob', true)));
    expect(await screen.findByText('bob is typing…')).toBeTruthy();
    await waitFor(() => expect(fake.pending.size).toBe(0));
    expect(await sessionDb().messages.count()).toBe(before);
    act(() => useTyping.getState().expire(Date.now() + 7_000));
    expect(screen.queryByText('bob is typing…')).toBeNull();
    act(() => void fake.deliver(typingFrom('bob', true)));
    expect(await screen.findByText('bob is typing…')).toBeTruthy();
    act(() => void fake.deliver(typingFrom('bob', false)));
    await waitFor(() => expect(screen.queryByText('bob is typing…')).toBeNull());
  });

  it('shows new messages from the other side as they arrive', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openBob();
    act(() => void fake.deliver(textFrom('bob', 'm9', 'just now', { sentAt: start + 120_000 })));
    expect(await within(log).findByText('just now')).toBeTruthy();
  });

  it('counts every unread message in the divider, not only those of the loaded page', async () => {
    const manyUnread = async (db: ParleyDatabase) => {
      await ensureConversation(db, 'dm:bob', 'bob', start);
      const read = await db.messages.add({ conversationId: 'dm:bob', messageId: 'r0', sender: 'bob', direction: 'in', body: 'read already', timestamp: start });
      await db.messages.bulkAdd(
        Array.from({ length: 180 }, (_, i) => ({ conversationId: 'dm:bob', messageId: `u${i}`, sender: 'bob', direction: 'in' as const, body: `unread ${i}`, timestamp: start + (i + 1) * 1000 })),
      );
      await db.conversations.update('dm:bob', { lastReadSeq: read });
    };
    await renderApp({ contacts: [fakeContact('bob')], seed: manyUnread });
    const log = await openBob();
    await within(log).findByText('unread 0', {}, { timeout: 10_000 });
    await waitFor(() => expect(within(log).getByTestId('unread-divider').textContent).toBe('180 unread messages'));
  });
});
