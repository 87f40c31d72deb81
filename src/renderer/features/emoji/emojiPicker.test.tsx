// The emoji picker as a person uses it: from the composer (search, Enter, the emoji lands at the caret; recently
// used first next time; arrows move through the grid) and from a message's menu ("More reactions…" reacts with any
// single emoji; emoji that are not one, like keycaps, are not offered there).
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
const patient = { timeout: 15_000 };

async function seed(db: ParleyDatabase) {
  const now = Date.now();
  await ensureConversation(db, 'dm:bob', 'bob', now);
  await db.messages.add({ conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', direction: 'in', body: 'we won the match', timestamp: now });
}

async function openChat() {
  act(() => useChats.getState().select('dm:bob'));
  return screen.findByRole('log', { name: 'Messages with bob' }, patient);
}

function activeOption(picker: HTMLElement): string | null {
  const search = within(picker).getByRole('combobox', { name: 'Search emoji' });
  const id = search.getAttribute('aria-activedescendant');
  return id ? document.getElementById(id)?.getAttribute('aria-label') ?? null : null;
}

describe('emoji picker', () => {
  it('inserts the emoji found by name at the caret, and offers it first next time', { timeout: 90_000 }, async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')], seed });
    await openChat();
    const field = screen.getByTestId('composer-input') as HTMLTextAreaElement;
    await user.type(field, 'great game');
    act(() => field.setSelectionRange(5, 5));
    await user.click(screen.getByRole('button', { name: 'Insert emoji' }));
    const picker = await screen.findByRole('dialog', { name: 'Insert emoji' }, patient);
    await within(picker).findByRole('group', { name: 'Smileys & emotion' }, patient);
    expect(document.activeElement).toBe(within(picker).getByRole('combobox', { name: 'Search emoji' }));
    await user.keyboard('trophy');
    await waitFor(() => expect(activeOption(picker)).toBe('trophy'), patient);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByTestId('emoji-picker')).toBeNull(), patient);
    expect(field.value).toBe('great🏆 game');
    await waitFor(() => expect(document.activeElement).toBe(field), patient);

    await user.click(screen.getByRole('button', { name: 'Insert emoji' }));
    const again = await screen.findByRole('dialog', { name: 'Insert emoji' }, patient);
    const recent = await within(again).findByRole('group', { name: 'Recently used' }, patient);
    expect(within(recent).getAllByRole('option').map((option) => option.textContent)).toEqual(['🏆']);
    expect(within(again).getAllByRole('tab')[0]!.getAttribute('aria-label')).toBe('Recently used');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('emoji-picker')).toBeNull(), patient);
    expect(field.value).toBe('great🏆 game');
  });

  it('moves through the grid with the arrow keys and shows the active emoji’s name', { timeout: 90_000 }, async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob')], seed });
    await openChat();
    await user.click(screen.getByRole('button', { name: 'Insert emoji' }));
    const picker = await screen.findByRole('dialog', { name: 'Insert emoji' }, patient);
    await within(picker).findByRole('group', { name: 'Smileys & emotion' }, patient);
    expect(activeOption(picker)).toBe('grinning face');
    await user.keyboard('{ArrowRight}');
    expect(activeOption(picker)).toBe('grinning face with big eyes');
    await user.keyboard('{ArrowDown}');
    // Eight to a row: the ninth smiley in Unicode's order.
    const smileys = within(within(picker).getByRole('group', { name: 'Smileys & emotion' })).getAllByRole('option');
    expect(activeOption(picker)).toBe(smileys[9]!.getAttribute('aria-label'));
    expect(within(picker).getByText(smileys[9]!.getAttribute('aria-label')!)).toBeTruthy();
    await user.click(within(picker).getByRole('tab', { name: 'Flags' }));
    expect(activeOption(picker)).toBe(within(within(picker).getByRole('group', { name: 'Flags' })).getAllByRole('option')[0]!.getAttribute('aria-label'));
  });

  it('reacts with any single emoji from “More reactions…”, keycaps too', { timeout: 90_000 }, async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')], seed });
    const log = await openChat();
    const message = (await within(log).findByText('we won the match', {}, patient)).closest('.message') as HTMLElement;
    act(() => message.focus());
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'Message actions' }, patient);
    await user.click(within(menu).getByRole('menuitem', { name: 'More reactions…' }));
    const picker = await screen.findByRole('dialog', { name: 'React with an emoji' }, patient);
    await within(picker).findByRole('group', { name: 'Smileys & emotion' }, patient);
    await user.keyboard('keycap');
    await within(picker).findByRole('option', { name: 'keycap: 1' }, patient);
    await user.clear(within(picker).getByRole('combobox', { name: 'Search emoji' }));
    await user.keyboard('partying');
    await waitFor(() => expect(activeOption(picker)).toBe('partying face'), patient);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.sent.some((request) => request.content.kind === 'reaction')).toBe(true), patient);
    expect(fake.sent.find((request) => request.content.kind === 'reaction')?.content).toMatchObject({ kind: 'reaction', emoji: '🥳', targetMessageId: 'm1' });
    await within(message).findByRole('button', { name: /🥳/ }, patient);
    expect(document.activeElement).toBe(message);
  });
});
