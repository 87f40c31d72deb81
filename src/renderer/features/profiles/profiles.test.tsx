// Profiles in the renderer: a profile someone shared shows as their name and photo in the chat list, the chat header
// (with their username beside it) and contact info; the user sets their own name in Settings, with clear errors.
import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { renderApp, resetApp } from '../../testing/renderApp';

afterEach(() => resetApp());

const PHOTO = { type: 'image/jpeg' as const, data: '/9j/4AAQSkZJRgABAQAAAQABAAA=' };

async function openSettings(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await user.click(await within(screen.getByRole('complementary')).findByRole('button', { name: 'Settings' }));
  return screen.findByRole('dialog', { name: 'Settings' });
}

describe('profiles', () => {
  it('show a shared name and photo in the chat list, the header and contact info, with the username beside it', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob')] });
    const list = screen.getByRole('complementary');
    await within(list).findByText('bob');
    act(() => void fake.shareProfile({ username: 'bob', name: 'Robert Tables', avatar: PHOTO }));
    expect(await within(list).findByText('Robert Tables')).toBeTruthy();
    expect(list.querySelector('img.avatar-image')?.getAttribute('src')).toBe(`data:image/jpeg;base64,${PHOTO.data}`);

    act(() => useChats.getState().select('dm:bob'));
    expect(await screen.findByRole('heading', { name: 'Robert Tables' })).toBeTruthy();
    expect(screen.getByText('@bob ·')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Contact info for bob' }));
    const info = await screen.findByRole('dialog');
    expect(within(info).getByText('Robert Tables')).toBeTruthy();
    expect(within(info).getByText('@bob')).toBeTruthy();
  });

  it('sets the user’s own name from Settings, trimmed, and refuses one with hidden characters', async () => {
    const { user, fake } = await renderApp();
    const settings = await openSettings(user);
    const name = within(settings).getByRole('textbox', { name: 'Name' });
    const save = within(settings).getByRole('button', { name: 'Save profile' });
    expect(save).toHaveProperty('disabled', true);

    await user.type(name, 'Eve\u202Elyn');
    await user.click(save);
    expect((await within(settings).findByRole('alert')).textContent).toMatch(/control or direction characters/);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some((call) => call.channel === 'profiles.setOwn')).toBe(false);

    await user.clear(name);
    await user.type(name, '  Alice Liddell ');
    await user.click(save);
    expect((await within(settings).findByRole('status')).textContent).toMatch(/Profile saved/);
    await waitFor(() => expect(fake.ownProfile).toMatchObject({ name: 'Alice Liddell', avatar: null }));
  });

  it('shows main’s refusal when offline and keeps what was typed', async () => {
    const { user, fake } = await renderApp();
    fake.failNext('profiles.setOwn', { code: 'offline', message: 'Not connected to the relay right now. Try again once Parley is back online.', retryable: true });
    const settings = await openSettings(user);
    const name = within(settings).getByRole('textbox', { name: 'Name' });
    await user.type(name, 'Alice');
    await user.click(within(settings).getByRole('button', { name: 'Save profile' }));
    expect((await within(settings).findByRole('alert')).textContent).toMatch(/Not connected to the relay/);
    expect(name).toHaveProperty('value', 'Alice');
  });
});
