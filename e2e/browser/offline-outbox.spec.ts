// The outbox through a relay outage: with the relay stopped, five messages stay queued (shown as such), survive a
// reload of the page (they are in IndexedDB, not in memory), and once the relay is back they all reach the other
// side exactly once, in order, while the sender's ticks move on to delivered and read.
import { expect, test } from '@playwright/test';
import { bubble, chatRow, expectStatus, openChat, registeredUsers, send, startChat, storedRows, type StoredMessageRow } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const FIVE = ['one', 'two', 'three', 'four', 'five'].map((word) => `Offline message ${word}`);

test('five messages sent while the relay is down survive a reload and arrive once, in order', async () => {
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  const b = bob.page;
  await startChat(a, 'bob');
  await send(a, 'Before the outage');
  await expect(chatRow(b, 'dm:alice')).toContainText('Before the outage');
  // bob keeps the chat closed: what arrives is delivered and counted unread, not read yet.
  await expectStatus(a, 'Before the outage', 'delivered');

  await relay.stop();
  await expect(a.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ })).toBeVisible({ timeout: 15_000 });
  for (const body of FIVE) await send(a, body);
  for (const body of FIVE) await expectStatus(a, body, 'queued');
  await expect(a.locator('.message-own .status[data-status="queued"]')).toHaveCount(5);
  await world.screen(alice, '01-queued-while-relay-down');

  // The page goes away and comes back, reopening the chat it had open: the five are still queued, from IndexedDB.
  await alice.reload();
  await expect(a.getByRole('heading', { level: 2, name: 'bob' })).toBeVisible();
  for (const body of FIVE) await expectStatus(a, body, 'queued');
  const outbox = await storedRows<{ messageId: string }>(a, 'alice', 'outbox');
  expect(outbox).toHaveLength(5);
  await world.screenshot(a, '02-after-reload-still-queued');

  await relay.restart();
  // Sent once the connection is back (reconnect backoff is capped at 2 s here), delivered when bob has stored them.
  for (const body of FIVE) await expectStatus(a, body, 'delivered', 20_000);
  expect(await storedRows(a, 'alice', 'outbox')).toEqual([]);
  await world.screenshot(a, '03-delivered-after-restart');

  await expect(chatRow(b, 'dm:alice').getByLabel('6 unread')).toBeVisible();
  await expect(chatRow(b, 'dm:alice')).toContainText('Offline message five');
  await openChat(b, 'dm:alice', 'alice');
  await expect(b.locator('.message .message-body')).toHaveText(['Before the outage', ...FIVE]);
  await expect(b.getByTestId('unread-divider')).toHaveText('6 unread messages');
  await world.screenshot(b, '04-bob-received-in-order');
  for (const body of FIVE) await expectStatus(a, body, 'read');

  // Exactly once in bob's database, in the order alice sent them.
  const stored = (await storedRows<StoredMessageRow>(b, 'bob', 'messages')).filter((row) => row.conversationId === 'dm:alice').sort((x, y) => x.seq - y.seq);
  expect(stored.map((row) => row.body)).toEqual(['Before the outage', ...FIVE]);
  expect(new Set(stored.map((row) => row.messageId)).size).toBe(stored.length);
  await expect(bubble(a, 'Offline message five').locator('.status')).toHaveAttribute('data-status', 'read');
});
