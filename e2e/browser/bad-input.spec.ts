// Bad input gets a clear error and changes nothing: a relay URL that is malformed or unreachable (onboarding and
// settings), an empty or blank message (the composer refuses with a hint and stores nothing), an unknown, invalid
// or own username in "New chat".
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { chatRow, composer, dialog, register, sidebar, startChat, storedRows } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** A loopback port nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('bad relay URLs, empty messages and unknown usernames get clear errors and change nothing', async () => {
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  const a = alice.page;

  // Onboarding: malformed, not a WebSocket, plain ws:// to another machine, then nothing listening.
  await a.getByLabel('Username').fill('alice');
  const relayField = a.getByLabel('Relay');
  const create = a.getByRole('button', { name: 'Create account' });
  const cases: [string, RegExp][] = [
    ['relay.example.org', /not a valid URL/],
    ['https://relay.example.org/v1/ws', /must start with wss:\/\//],
    ['ws://relay.example.org/v1/ws', /Use wss:\/\/ for a relay on another machine/],
  ];
  for (const [url, message] of cases) {
    await relayField.fill(url);
    await create.click();
    await expect(a.getByRole('alert')).toHaveText(message);
    await expect(relayField).toHaveAttribute('aria-invalid', 'true');
  }
  await relayField.fill(`ws://127.0.0.1:${await closedPort()}/v1/ws`);
  await create.click();
  await expect(a.getByRole('alert')).toHaveText(/could not reach a relay at this address.*Details: ECONNREFUSED · relay_unreachable|did not answer/, { timeout: 20_000 });
  await expect(a.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await world.screen(alice, '01-onboarding-relay-unreachable');
  await relayField.fill(relay.url);
  await create.click();
  await expect(a.getByRole('heading', { name: 'Welcome to Parley' })).toBeHidden({ timeout: 20_000 });
  await register(bob, 'bob');

  // New chat: an invalid name is caught before main, an unknown one by the relay, and yourself.
  await sidebar(a).getByRole('button', { name: 'New chat' }).click();
  const newChat = dialog(a, 'New chat');
  const field = newChat.getByLabel('Username');
  await field.fill('b!');
  await newChat.getByRole('button', { name: 'Start chat' }).click();
  await expect(newChat.getByRole('alert')).toHaveText(/Usernames are 3–32 letters/);
  await field.fill('alice');
  await newChat.getByRole('button', { name: 'Start chat' }).click();
  await expect(newChat.getByRole('alert')).toHaveText(/That is you/);
  await field.fill('nobody-here');
  await newChat.getByRole('button', { name: 'Start chat' }).click();
  // The core names the sentence (user.unknown, with the name); the renderer's string table says it.
  await expect(newChat.getByRole('alert')).toHaveText('nobody-here does not exist on this relay.', { timeout: 15_000 });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await world.screenBothThemes(alice, '02-new-chat-unknown-user');
  await newChat.getByRole('button', { name: 'Cancel' }).click();
  await expect(a.locator('[data-conversation]')).toHaveCount(0);

  // The composer: Enter on an empty or blank message shows a hint and stores nothing.
  await startChat(a, 'bob');
  await composer(a).press('Enter');
  const hint = a.locator('.composer-hint');
  await expect(hint).toHaveText('Type a message first — empty messages are not sent.');
  await expect(composer(a)).toHaveAttribute('aria-invalid', 'true');
  await composer(a).fill('   \n  ');
  await a.getByRole('button', { name: 'Send message' }).click();
  await expect(hint).toHaveText('Type a message first — empty messages are not sent.');
  await world.screen(alice, '03-composer-empty-hint');
  await composer(a).fill('typing again clears the hint');
  await expect(hint).toHaveText(/^Enter to send · Shift\+Enter for a new line/);
  await composer(a).fill('');
  expect(await storedRows(a, 'alice', 'messages')).toEqual([]);
  expect(await storedRows(a, 'alice', 'outbox')).toEqual([]);
  await expect(chatRow(a, 'dm:bob')).toContainText('No messages yet');

  // Settings: a bad relay URL is refused; the account keeps its relay and stays connected.
  await sidebar(a).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(a, 'Settings');
  const relayUrl = settings.getByLabel('Relay URL');
  await expect(relayUrl).toHaveValue(relay.url);
  await relayUrl.fill('ftp://relay.example.org');
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(settings.getByRole('alert')).toHaveText(/must start with wss:\/\//);
  await relayUrl.fill('wss://');
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(settings.getByRole('alert')).toHaveText(/not a valid URL/);
  // Several relays: the entry at fault is named; the relay in use is shown.
  await expect(settings.getByText(`Connected to ${relay.url}`)).toBeVisible();
  await relayUrl.fill(`${relay.url}\nws://relay.example.org/v1/ws`);
  await settings.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(settings.getByRole('alert')).toHaveText(/^Relay 2 \(ws:\/\/relay\.example\.org\/v1\/ws\): Use wss:\/\//);
  await world.screen(alice, '05-settings-relay-list');
  await world.screen(alice, '04-settings-bad-relay');
  await a.keyboard.press('Escape');
  await expect(settings).toBeHidden();
  await sidebar(a).getByRole('button', { name: 'Settings' }).click();
  await expect(dialog(a, 'Settings').getByLabel('Relay URL')).toHaveValue(relay.url);
  await expect(a.getByRole('status').filter({ hasText: /Reconnecting|Connecting|Offline/ })).toHaveCount(0);
});
