// Blocking through a real relay, driven as a person would: alice blocks bob from his contact info (she is asked
// first); his next message never reaches her (a later message after she unblocks him does, and his tick for the
// blocked one never goes past "sent"); her chat with him says why there is no composer, Settings lists him; she
// unblocks him from the chat. Screens in both themes, with axe scans.
import { expect, test } from '@playwright/test';
import { bubble, chatRow, composer, dialog, expectStatus, firstMessage, registeredUsers, send, sidebar } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('alice blocks bob: his messages are dropped unread, she cannot write to him, and unblocking lets them through', async () => {
  test.setTimeout(180_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  const b = bob.page;
  await firstMessage(alice, bob, 'hello bob');
  await send(b, 'hi alice');
  await expect(bubble(a, 'hi alice')).toBeVisible();

  await a.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(a, 'Contact info: bob');
  await info.getByRole('button', { name: 'Block bob…' }).click();
  await expect(info.getByRole('group', { name: 'Block bob?' }).getByRole('button', { name: 'Block' })).toBeFocused();
  await world.screenBothThemes(alice, '01-alice-asked-before-blocking');
  await a.keyboard.press('Enter');
  await expect(info.getByRole('button', { name: 'Unblock bob' })).toBeVisible();
  await info.getByRole('button', { name: 'Done' }).click();
  await expect(composer(a)).toHaveCount(0);
  await expect(a.getByText('You blocked bob.', { exact: false })).toBeVisible();
  await world.screenBothThemes(alice, '02-alice-chat-with-blocked-bob');

  // bob writes; it leaves him (sent) but alice never gets it, so it is never delivered.
  await send(b, 'are you ignoring me?');
  await expectStatus(b, 'are you ignoring me?', 'sent');
  await sidebar(a).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(a, 'Settings');
  await expect(settings.getByRole('list', { name: 'Blocked users' })).toContainText('bob');
  await settings.getByRole('list', { name: 'Blocked users' }).scrollIntoViewIfNeeded();
  await world.screenBothThemes(alice, '03-alice-settings-blocked-users');
  await settings.getByRole('button', { name: 'Done' }).click();

  // She unblocks him from the chat; his next message arrives, the one sent while blocked never does.
  await a.locator('.blocked-notice').getByRole('button', { name: 'Unblock' }).click();
  await expect(composer(a)).toBeVisible();
  await send(b, 'knock knock');
  await expect(bubble(a, 'knock knock')).toBeVisible();
  await expect(bubble(a, 'are you ignoring me?')).toHaveCount(0);
  await expect(chatRow(a, 'dm:bob')).toContainText('knock knock');
  await expectStatus(b, 'are you ignoring me?', 'sent');
  await send(a, 'sorry, who is there?');
  await expect(bubble(b, 'sorry, who is there?')).toBeVisible();
});
