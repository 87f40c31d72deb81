// Receipts are state: bob reads alice's message while the relay is down, quits and starts again, and once the
// relay is back alice's tick says "read" — nothing bob did offline is dropped.
import { expect, test } from '@playwright/test';
import { bubble, chatRow, expectStatus, openChat, registeredUsers, send, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('a chat read while the relay is down is reported read once it is back, across a restart', async () => {
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Read me when you can');
  await send(alice.page, 'And this one too');
  await expectStatus(alice.page, 'And this one too', 'delivered');
  await expect(chatRow(bob.page, 'dm:alice').getByLabel('2 unread')).toBeVisible();

  await relay.stop();
  await expect(bob.page.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ })).toBeVisible({ timeout: 15_000 });
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, 'And this one too')).toBeVisible();
  await expect(chatRow(bob.page, 'dm:alice').getByLabel(/unread/)).toHaveCount(0);
  await world.screenshot(bob.page, '01-bob-read-while-offline');

  // bob quits and starts again before the relay is back.
  await bob.quit();
  await bob.launch();
  await expect(chatRow(bob.page, 'dm:alice')).toBeVisible();
  await relay.restart();

  await expectStatus(alice.page, 'Read me when you can', 'read', 30_000);
  await expectStatus(alice.page, 'And this one too', 'read');
  await world.screenshot(alice.page, '02-alice-sees-read');
  expect(bob.log.filter((line) => line.includes('receipt_dropped'))).toEqual([]);
});
