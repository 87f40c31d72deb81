// A group of three through a real relay: created in "New group", messages from every member shown to the others
// with sender names; then the admin removes a member in "Group info": the removed member sees it, cannot send any
// more, and later group messages never reach them (a direct message sent afterwards arrives, and none of the
// group's later messages came before it).
import { expect, test } from '@playwright/test';
import { bubble, chatRow, composer, dialog, openChat, registeredUsers, send, sidebar, startChat, storedRows, type StoredMessageRow } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('a group of three talks with sender names; a removed member sees it and gets nothing later', async () => {
  test.setTimeout(180_000); // three users on one slow machine: each step waits on state, the whole may take a while
  const relay = await world.relay();
  const [alice, bob, carol] = await registeredUsers(world, relay.url, ['alice', 'bob', 'carol']);
  const a = alice.page;
  const b = bob.page;
  const c = carol.page;

  // alice creates the group with two usernames typed in.
  await sidebar(a).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(a, 'New group');
  await newGroup.getByLabel('Group name').fill('Hiking club');
  await newGroup.getByLabel('Members').fill('bob, carol');
  await world.screen(alice, '01-new-group-dialog');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup).toBeHidden({ timeout: 20_000 });
  await expect(a.getByRole('heading', { level: 2, name: 'Hiking club' })).toBeVisible();
  await expect(a.locator('.system-row')).toHaveText(['You created the group “Hiking club” with bob and carol']);
  const groupRow = (page: typeof a) => page.locator('[data-conversation^="group:"]');
  const groupId = (await groupRow(a).getAttribute('data-conversation'))!;

  // bob and carol learn of it through the encrypted control message.
  for (const page of [b, c]) {
    await expect(chatRow(page, groupId)).toContainText('Hiking club');
    await openChat(page, groupId, 'Hiking club');
    await expect(page.locator('.system-row')).toContainText(['alice created the group “Hiking club”']);
  }

  await send(a, 'Trail at nine?');
  await expect(bubble(b, 'Trail at nine?')).toBeVisible();
  await send(b, 'Count me in');
  await expect(bubble(c, 'Count me in')).toBeVisible();
  await send(c, 'Bringing snacks');
  for (const page of [a, b]) await expect(bubble(page, 'Bringing snacks')).toBeVisible();
  await expect(bubble(a, 'Count me in')).toBeVisible();

  // Everyone sees the same order, others' messages with their sender's name, own ones without.
  const order = ['Trail at nine?', 'Count me in', 'Bringing snacks'];
  for (const page of [a, b, c]) await expect(page.locator('.message .message-body')).toHaveText(order);
  await expect(bubble(a, 'Count me in').locator('.message-sender')).toHaveText('bob');
  await expect(bubble(a, 'Bringing snacks').locator('.message-sender')).toHaveText('carol');
  await expect(bubble(c, 'Trail at nine?').locator('.message-sender')).toHaveText('alice');
  await expect(bubble(c, 'Count me in').locator('.message-sender')).toHaveText('bob');
  await expect(bubble(c, 'Bringing snacks').locator('.message-sender')).toHaveCount(0);
  await expect(a.locator('.chat-subtitle')).toHaveText(/3 members/);
  await world.screen(carol, '02-group-chat-carol');

  // Only the admin gets "Remove" buttons; alice removes carol.
  await b.getByRole('button', { name: 'Group info' }).click();
  await expect(dialog(b, /Group info/).getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await b.keyboard.press('Escape');
  await a.getByRole('button', { name: 'Group info' }).click();
  const info = dialog(a, 'Group info: Hiking club');
  await expect(info.locator('.member-name')).toHaveText([/^alice \(you\)\s*admin$/, 'bob', 'carol']);
  await world.screen(alice, '03-group-info');
  await info.getByRole('button', { name: 'Remove carol' }).click();
  await expect(info.getByText('Remove carol?')).toBeVisible();
  await info.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(info.getByRole('status').filter({ hasText: 'was removed' })).toHaveText('carol was removed.', { timeout: 20_000 });
  await expect(info.locator('.member-name')).toHaveText([/^alice \(you\)\s*admin$/, 'bob']);
  await world.screenshot(a, '04-group-info-after-removal');
  await a.keyboard.press('Escape');
  await expect(a.locator('.system-row').last()).toHaveText('You removed carol');
  await expect(a.locator('.chat-subtitle')).toHaveText(/2 members/);

  // carol sees the removal and has no composer in this group any more.
  await expect(c.locator('.system-row').last()).toHaveText('alice removed you', { timeout: 20_000 });
  await expect(c.getByText('You are no longer a member of this group, so you cannot send messages here.')).toBeVisible();
  await expect(composer(c)).toHaveCount(0);
  await expect(c.locator('.chat-subtitle')).toHaveText('You are no longer a member');
  await expect(b.locator('.system-row').last()).toHaveText('alice removed carol');
  await world.screen(carol, '05-removed-member');

  // Later messages reach the remaining members only.
  await send(a, 'Just the two of us now');
  await expect(bubble(b, 'Just the two of us now')).toBeVisible();
  await send(b, 'Fine by me');
  await expect(bubble(a, 'Fine by me')).toBeVisible();
  // A direct message to carol after both: anything of the group's sent to her would have been in her mailbox first.
  await startChat(a, 'carol');
  await send(a, 'Sorry carol, the group is full');
  await expect(chatRow(c, 'dm:alice')).toContainText('Sorry carol, the group is full', { timeout: 20_000 });
  await world.screenshot(c, '06-carol-after-later-messages');
  await expect(c.locator('.message .message-body')).toHaveText(order);
  await expect(chatRow(c, groupId)).not.toContainText(/Just the two|Fine by me/);
  await expect(chatRow(c, groupId).getByLabel(/unread/)).toHaveCount(0);
  // Ctrl+K jumps back to the group from alice's new direct chat.
  await a.keyboard.press('Control+K');
  const palette = a.getByRole('combobox', { name: 'Jump to a chat' });
  await palette.fill('hik');
  await expect(a.getByRole('option').locator('.palette-name')).toHaveText(['Hiking club']);
  await world.screen(alice, '07-jump-palette');
  await palette.press('Enter');
  await expect(a.getByRole('heading', { level: 2, name: 'Hiking club' })).toBeVisible();
  await expect(a.locator('.message .message-body').last()).toHaveText('Fine by me');

  const carolBodies = (await storedRows<StoredMessageRow>(c, 'carol', 'messages')).map((row) => row.body);
  expect(carolBodies).not.toContain('Just the two of us now');
  expect(carolBodies).not.toContain('Fine by me');
  expect(carolBodies).toContain('Sorry carol, the group is full');
});
