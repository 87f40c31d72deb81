// A mention in a group through a real relay, driven as a person would: bob types `@al` in the group's composer,
// picks alice from the suggestions with the keyboard and sends; alice, reading another chat, sees the group marked
// with an unread mention in her chat list, opens it and finds her name highlighted; the mark goes once read. Then she
// organises her list: pins her chat with bob to the top (right click) and archives the group (keyboard: Shift+F10),
// opens "Archived chats" and finds it there. Before that she forwards bob's message to their one-to-one chat and
// reads its info (read by bob). Screens in both themes, with axe scans.
import { expect, test } from '@playwright/test';
import { bubble, chatRow, composer, dialog, openChat, register, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('bob mentions alice in a group from the @ suggestions; alice sees the mark and her name highlighted, then pins and archives chats', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  await register(alice, 'alice');
  await register(bob, 'bob');
  const a = alice.page;
  const b = bob.page;

  await startChat(a, 'bob');
  await send(a, 'hi bob');
  await sidebar(a).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(a, 'New group');
  await newGroup.getByLabel('Group name').fill('Book club');
  await newGroup.getByRole('checkbox', { name: 'bob' }).check();
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup).toBeHidden({ timeout: 20_000 });
  const groupId = (await a.locator('[data-conversation^="group:"]').getAttribute('data-conversation'))!;
  // alice goes back to her chat with bob: the group is not in view.
  await openChat(a, 'dm:bob', 'bob');

  await expect(chatRow(b, groupId)).toContainText('Book club');
  await openChat(b, groupId, 'Book club');
  await composer(b).pressSequentially('@al');
  const suggestions = b.getByRole('listbox', { name: 'Mention a member' });
  await expect(suggestions.getByRole('option')).toHaveCount(1);
  await expect(suggestions.getByRole('option', { name: 'alice' })).toHaveAttribute('aria-selected', 'true');
  await world.screenBothThemes(bob, '01-bob-mention-suggestions');
  await composer(b).press('Enter');
  await expect(composer(b)).toHaveValue('@alice ');
  await composer(b).pressSequentially('which book next?');
  await composer(b).press('Enter');
  await expect(composer(b)).toHaveValue('');

  const mark = chatRow(a, groupId).getByLabel('Unread mention of you');
  await expect(mark).toBeVisible();
  await expect(chatRow(a, 'dm:bob').getByLabel('Unread mention of you')).toHaveCount(0);
  await world.screenBothThemes(alice, '02-alice-list-shows-mention');

  await openChat(a, groupId, 'Book club');
  const mentioned = bubble(a, '@alice which book next?');
  await expect(mentioned.locator('mark.mention-me')).toHaveText('@alice');
  await expect(mark).toHaveCount(0);
  await world.screenBothThemes(alice, '03-alice-sees-her-name-highlighted');

  // She forwards it to her chat with bob from its menu, picking the chat by keyboard, then looks at its info.
  await mentioned.locator('.bubble').click({ button: 'right' });
  await a.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: /Forward/ }).click();
  const forward = dialog(a, 'Forward message');
  await expect(forward.getByRole('option')).toHaveCount(2);
  await forward.getByRole('combobox', { name: 'Forward to' }).pressSequentially('bob');
  await expect(forward.getByRole('option')).toHaveCount(1);
  await world.screenBothThemes(alice, '04-alice-forwards');
  await a.keyboard.press('Enter');
  await expect(forward).toBeHidden();
  await expect(a.getByRole('heading', { level: 2, name: 'bob' })).toBeVisible();
  const forwarded = bubble(a, '@alice which book next?');
  await openChat(b, 'dm:alice', 'alice');
  await expect(bubble(b, '@alice which book next?')).toBeVisible();
  await forwarded.focus();
  await a.keyboard.press('i');
  const info = dialog(a, 'Message info');
  await expect(info.getByRole('row', { name: /bob/ })).toContainText('Read');
  await world.screenBothThemes(alice, '05-alice-message-info');
  await a.keyboard.press('Escape');

  // alice pins bob's chat from its menu (right click); it goes to the top with a pin.
  await chatRow(a, 'dm:bob').click({ button: 'right' });
  await a.getByRole('menu', { name: 'Chat actions: bob' }).getByRole('menuitem', { name: 'Pin chat' }).click();
  await expect(a.locator('.chat-item-name')).toHaveText(['bob', 'Book club']);
  await expect(chatRow(a, 'dm:bob').getByRole('img', { name: 'Pinned' })).toBeVisible();
  // She archives the group with the keyboard.
  await chatRow(a, groupId).focus();
  await a.keyboard.press('Shift+F10');
  await expect(a.getByRole('menu', { name: 'Chat actions: Book club' }).getByRole('menuitem', { name: 'Pin chat' })).toBeFocused();
  await world.screenBothThemes(alice, '06-alice-chat-menu');
  await a.keyboard.press('ArrowDown');
  await a.keyboard.press('Enter');
  await expect(a.locator('.chat-item-name')).toHaveText(['bob']);
  await world.screenBothThemes(alice, '07-alice-pinned-and-archived');
  await sidebar(a).getByRole('button', { name: /Archived chats/ }).click();
  await expect(a.locator('.chat-item-name')).toHaveText(['Book club']);
  await world.screenBothThemes(alice, '08-alice-archived-chats');
});
