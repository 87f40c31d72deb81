// A message deleted for everyone before it was read is not unread: bob's chat list badge and his app badge (the
// window title, "(n) Parley", which main mirrors on the dock/taskbar) drop it at once, and opening the chat shows
// its tombstone with no unread divider counting it.
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, dialog, expectStatus, registeredUsers, send, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const menu = (page: Page) => page.getByRole('menu', { name: 'Message actions' });

test('a message deleted for everyone before it was read leaves the unread badges', async () => {
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Are you there?');
  await send(alice.page, 'Oops, wrong chat');
  await send(alice.page, 'Call me later');
  await expectStatus(alice.page, 'Call me later', 'delivered');
  await expect(chatRow(bob.page, 'dm:alice').getByLabel('3 unread')).toBeVisible();
  await expect(bob.page).toHaveTitle('(3) Parley');

  await bubble(alice.page, 'Oops, wrong chat').click({ button: 'right' });
  await menu(alice.page).getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await dialog(alice.page, 'Delete for everyone?').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(alice.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1);

  await expect(chatRow(bob.page, 'dm:alice').getByLabel('2 unread')).toBeVisible();
  await expect(bob.page).toHaveTitle('(2) Parley');
  await world.screenBothThemes(bob, '01-bob-two-unread', { scan: false });

  await chatRow(bob.page, 'dm:alice').click();
  await expect(bob.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1);
  await expect(bubble(bob.page, 'Call me later')).toBeVisible();
  await expect(bob.page.getByTestId('unread-divider')).toHaveText('2 unread messages');
  await expect(chatRow(bob.page, 'dm:alice').getByLabel(/unread/)).toHaveCount(0);
  await expect(bob.page).toHaveTitle('Parley');
  await world.screenshot(bob.page, '02-bob-read');
});
