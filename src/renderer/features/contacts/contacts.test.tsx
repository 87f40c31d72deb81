import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';
import { safetyNumberGroups } from './safetyNumber';

afterEach(() => resetApp());

const sidebarButton = (name: string) => within(screen.getByRole('complementary')).getByRole('button', { name });

describe('new chat by username', () => {
  it('adds the contact, creates the chat and opens it', async () => {
    const { user, fake } = await renderApp();
    await user.click(sidebarButton('New chat'));
    await user.type(screen.getByRole('textbox', { name: 'Username' }), 'Bob{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(useChats.getState().selected).toBe('dm:bob');
    expect(fake.contacts.has('bob')).toBe(true);
    expect(await sessionDb().conversations.get('dm:bob')).toMatchObject({ title: 'bob', kind: 'dm' });
    expect(await screen.findByRole('heading', { name: 'bob' })).toBeTruthy();
  });

  it.each([
    ['nobody', /nobody does not exist on this relay/],
    ['alice', /That is you/],
    ['x', /3–32 letters/],
  ])('shows a clear error for %s and keeps the dialog open', async (name, message) => {
    const { user } = await renderApp();
    await user.click(sidebarButton('New chat'));
    const field = screen.getByRole('textbox', { name: 'Username' });
    await user.type(field, `${name}{Enter}`);
    expect((await screen.findByRole('alert')).textContent).toMatch(message);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('dialog', { name: 'New chat' })).toBeTruthy();
    expect(await sessionDb().conversations.count()).toBe(0);
  });

  it('shows main’s error when offline', async () => {
    const { user, fake } = await renderApp();
    fake.failNext('contacts.add', { code: 'offline', message: 'Parley is offline. Try again when connected.', retryable: true });
    await user.click(sidebarButton('New chat'));
    await user.type(screen.getByRole('textbox', { name: 'Username' }), 'bob{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('Parley is offline. Try again when connected.');
  });
});

describe('contact info', () => {
  it('shows the safety number as 12 groups of 5 digits and marks the contact verified', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => useChats.getState().select('dm:bob'));
    await user.click(await screen.findByRole('button', { name: 'Contact info for bob' }));
    const number = await screen.findByRole('group', { name: /^Safety number:/ });
    const groups = [...number.querySelectorAll('span')].map((span) => span.textContent);
    expect(groups).toHaveLength(12);
    expect(groups.every((group) => /^\d{5}$/.test(group ?? ''))).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Mark as verified' }));
    await waitFor(() => expect(fake.contacts.get('bob')?.verified).toBe(true));
    expect(await screen.findByRole('button', { name: 'Clear verification' })).toBeTruthy();
    expect(within(screen.getByRole('dialog')).getByText('Verified')).toBeTruthy();
  });

  it('shows a key change in the chat and accepts the new key from the dialog', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob', { verified: true, identityChanged: true })] });
    act(() => useChats.getState().select('dm:bob'));
    const notice = await screen.findByText(/bob’s safety number changed\./, { selector: 'strong' });
    expect(notice).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Review' }));
    await user.click(await screen.findByRole('button', { name: 'Accept the new safety number' }));
    await waitFor(() => expect(fake.contacts.get('bob')?.identityChanged).toBe(false));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Accept the new safety number' })).toBeNull());
    await user.keyboard('{Escape}');
    expect(screen.queryByText(/safety number changed/)).toBeNull();
  });
});

describe('safetyNumberGroups', () => {
  it('splits 60 digits into 12 groups of 5 and refuses anything else', () => {
    expect(safetyNumberGroups('0123456789'.repeat(6))).toEqual(['01234', '56789', '01234', '56789', '01234', '56789', '01234', '56789', '01234', '56789', '01234', '56789']);
    expect(() => safetyNumberGroups('123')).toThrow();
  });
});
