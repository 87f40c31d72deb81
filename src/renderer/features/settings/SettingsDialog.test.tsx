import { act, screen, waitFor, within } from '@testing-library/react';
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
    await waitFor(() => expect(fake.calls).toContainEqual(expect.objectContaining({ channel: 'account.setRelayUrls', request: { relayUrls: ['wss://relay.example.org/v2/ws'] } })));
  });

  it('takes several relays, one per line or separated by commas, says which one is wrong, and shows the one in use', async () => {
    const { user, fake } = await renderApp();
    const { settings, relay, save } = await openSettings(user);
    expect(within(settings).getByText('Connected to ws://127.0.0.1:8787/v1/ws')).toBeTruthy();

    await user.clear(relay);
    await user.type(relay, 'wss://a.example.org/v1/ws{Enter}ws://b.example.org/v1/ws');
    await user.click(save);
    expect((await within(settings).findByRole('alert')).textContent).toBe(
      'Relay 2 (ws://b.example.org/v1/ws): Use wss:// for a relay on another machine; ws:// is only allowed for localhost',
    );
    expect(fake.calls.some((call) => call.channel === 'account.setRelayUrls')).toBe(false);

    await user.clear(relay);
    await user.type(relay, 'wss://a.example.org/v1/ws{Enter}wss://b.example.org/v1/ws, wss://c.example.org/v1/ws');
    await user.click(save);
    expect(await within(settings).findByRole('status')).toBeTruthy();
    const relayUrls = ['wss://a.example.org/v1/ws', 'wss://b.example.org/v1/ws', 'wss://c.example.org/v1/ws'];
    await waitFor(() => expect(fake.calls).toContainEqual(expect.objectContaining({ channel: 'account.setRelayUrls', request: { relayUrls } })));
    expect(await within(settings).findByText('Connected to wss://a.example.org/v1/ws')).toBeTruthy();

    // The first relay stops answering: main's transport moves on, and Settings says where to.
    act(() => fake.setConnection('reconnecting', null, 'wss://b.example.org/v1/ws'));
    expect(await within(settings).findByText('Next attempt: wss://b.example.org/v1/ws')).toBeTruthy();
    act(() => fake.setConnection('online'));
    expect(await within(settings).findByText('Connected to wss://b.example.org/v1/ws')).toBeTruthy();

    // Opened again, the field lists the saved relays one per line.
    await user.keyboard('{Escape}');
    const again = await openSettings(user);
    expect(again.relay).toHaveProperty('value', relayUrls.join('\n'));
    expect(again.save).toHaveProperty('disabled', true);
  });
});
