import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_DEFAULT_RELAY } from '../../testing/fakeParley';
import { renderApp, resetApp } from '../../testing/renderApp';

afterEach(() => resetApp());

async function start(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp({ account: null, ...options });
  await screen.findByRole('heading', { name: 'Welcome to Parley' });
  const relay = screen.getByRole('textbox', { name: 'Relay' });
  await waitFor(() => expect(relay).toHaveProperty('value', FAKE_DEFAULT_RELAY));
  return { ...rendered, username: screen.getByRole('textbox', { name: 'Username' }), relay };
}

describe('onboarding', () => {
  it('defaults the relay to app.info and creates the account', async () => {
    const { user, username, fake } = await start();
    await user.type(username, 'alice');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeTruthy();
    expect(fake.calls.find((call) => call.channel === 'account.create')?.request).toEqual({ username: 'alice', relayUrl: FAKE_DEFAULT_RELAY });
  });

  it('takes several relays of one service, separated by commas, and names a bad entry', async () => {
    const { user, username, relay, fake } = await start();
    await user.type(username, 'alice');
    await user.clear(relay);
    await user.type(relay, 'wss://a.example.org/v1/ws, ws://b.example.org/v1/ws');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Relay 2 \(ws:\/\/b\.example\.org\/v1\/ws\): Use wss:\/\//);
    expect(fake.calls.some((call) => call.channel === 'account.create')).toBe(false);

    await user.clear(relay);
    await user.type(relay, 'wss://a.example.org/v1/ws, wss://b.example.org/v1/ws');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeTruthy();
    expect(fake.calls.find((call) => call.channel === 'account.create')?.request).toEqual({
      username: 'alice',
      relayUrl: 'wss://a.example.org/v1/ws',
      fallbackRelayUrls: ['wss://b.example.org/v1/ws'],
    });
  });

  it('explains a malformed username before asking main', async () => {
    const { user, username, fake } = await start();
    await user.type(username, 'a!{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/3–32 letters/);
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some((call) => call.channel === 'account.create')).toBe(false);
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['https://relay.example.org/', /must start with wss:\/\//],
    ['ws://relay.example.org/v1/ws', /Use wss:\/\/ for a relay on another machine/],
  ])('explains a bad relay URL (%s)', async (url, message) => {
    const { user, username, relay, fake } = await start();
    await user.type(username, 'alice');
    await user.clear(relay);
    await user.type(relay, url);
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(message);
    expect(relay.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some((call) => call.channel === 'account.create')).toBe(false);
  });

  it('shows main’s message for a taken username, on the username field', async () => {
    const { user, username } = await start({ users: ['alice'] });
    await user.type(username, 'alice{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/username “alice” is already taken/);
    expect(username.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows main’s message for an unreachable relay, on the relay field', async () => {
    const rendered = await start();
    rendered.fake.relayReachable = false;
    await rendered.user.type(rendered.username, 'alice{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not reach a relay at this address/);
    expect(rendered.relay.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('button', { name: 'Create account' })).toHaveProperty('disabled', false);
  });
});
