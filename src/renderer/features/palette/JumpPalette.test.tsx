import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { renderApp, resetApp } from '../../testing/renderApp';

afterEach(() => resetApp());

async function seed(db: ParleyDatabase) {
  await ensureConversation(db, 'dm:bob', 'bob', 3);
  await ensureConversation(db, 'dm:carol', 'carol', 2);
  await ensureConversation(db, 'dm:dave', 'dave', 1);
}

const nameOf = (option: HTMLElement) => option.querySelector('.palette-name')?.textContent;
const sidebarButton = (name: string) => within(screen.getByRole('complementary')).getByRole('button', { name });

describe('Ctrl/Cmd+K: jump to a chat', () => {
  it('opens the palette, filters, moves with the arrows and opens the chosen chat with Enter', async () => {
    const { user } = await renderApp({ seed });
    await user.keyboard('{Control>}k{/Control}');
    const input = await screen.findByRole('combobox', { name: 'Jump to a chat' });
    expect(document.activeElement).toBe(input);
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    await user.type(input, 'a');
    expect(screen.getAllByRole('option').map(nameOf)).toEqual(['carol', 'dave']);
    expect(nameOf(screen.getByRole('option', { selected: true }))).toBe('carol');
    await user.keyboard('{ArrowDown}');
    expect(nameOf(screen.getByRole('option', { selected: true }))).toBe('dave');
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getByRole('option', { selected: true }).id);
    await user.keyboard('{Enter}');
    expect(useChats.getState().selected).toBe('dm:dave');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await screen.findByRole('heading', { name: 'dave' })).toBeTruthy();
  });

  it('works with Cmd+K too, and the shortcut closes it again', async () => {
    const { user } = await renderApp({ seed });
    await user.keyboard('{Meta>}k{/Meta}');
    expect(await screen.findByRole('dialog', { name: 'Jump to a chat' })).toBeTruthy();
    await user.keyboard('{Control>}k{/Control}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says when nothing matches', async () => {
    const { user } = await renderApp({ seed });
    await user.keyboard('{Control>}k{/Control}');
    await user.type(await screen.findByRole('combobox'), 'zzz');
    expect(screen.getByText('No chats match “zzz”.')).toBeTruthy();
    await user.keyboard('{Enter}');
    expect(useDialogs.getState().open?.kind).toBe('palette');
  });
});

describe('dialogs', () => {
  it.each([
    ['New chat', 'New chat'],
    ['New group', 'New group'],
    ['Settings', 'Settings'],
  ])('Esc closes “%s” and focus returns to the button that opened it', async (button, title) => {
    const { user } = await renderApp({ seed });
    const opener = sidebarButton(button);
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: title });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('keeps Tab and Shift+Tab inside the dialog', async () => {
    const { user } = await renderApp({ seed });
    await user.click(sidebarButton('New chat'));
    const dialog = await screen.findByRole('dialog', { name: 'New chat' });
    for (let i = 0; i < 8; i += 1) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    for (let i = 0; i < 8; i += 1) {
      await user.tab({ shift: true });
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    // The rest of the window is inert meanwhile.
    expect(document.getElementById('app-root-content')?.hasAttribute('inert')).toBe(true);
  });

  it('Esc closes the contact info dialog opened from the chat header', async () => {
    const { user } = await renderApp({ seed, contacts: [{ username: 'bob', identityKey: 'k', verified: false, identityChanged: false, addedAt: 1, blocked: false }] });
    useChats.getState().select('dm:bob');
    await user.click(await screen.findByRole('button', { name: 'Contact info for bob' }));
    expect(await screen.findByRole('dialog', { name: 'Contact info: bob' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
