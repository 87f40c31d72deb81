import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp, resetApp } from '../../testing/renderApp';

afterEach(() => resetApp());

async function openSettings(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await user.click(await within(screen.getByRole('complementary')).findByRole('button', { name: 'Settings' }));
  const settings = await screen.findByRole('dialog', { name: 'Settings' });
  return { settings, relay: within(settings).getByRole('textbox', { name: 'Relay URL' }), save: within(settings).getByRole('button', { name: 'Save' }) };
}

describe('settings', () => {
  it('forgets a refused relay URL as soon as it is edited, and saves the corrected one', async () => {
    const { user, fake } = await renderApp();
    const { settings, relay, save } = await openSettings(user);
    await user.clear(relay);
    await user.type(relay, 'not a url');
    await user.click(save);
    expect((await within(settings).findByRole('alert')).textContent).toMatch(/not a valid URL/);
    expect(relay.getAttribute('aria-invalid')).toBe('true');

    await user.clear(relay);
    expect(within(settings).queryByRole('alert')).toBeNull();
    expect(relay.getAttribute('aria-invalid')).toBeNull();
    await user.type(relay, 'wss://relay.example.org/v2/ws');
    expect(save).toHaveProperty('disabled', false);
    await user.click(save);
    expect(await within(settings).findByRole('status')).toBeTruthy();
    await waitFor(() => expect(fake.calls.some((call) => call.channel === 'account.setRelayUrl')).toBe(true));
  });
});
