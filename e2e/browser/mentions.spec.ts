// A mention in a group through a real relay, driven as a person would: bob types `@al` in the group's composer,
// picks alice from the suggestions with the keyboard and sends; alice, reading another chat, sees the group marked
// with an unread mention in her chat list, opens it and finds her name highlighted; the mark goes once read. Then she
// organises her list: pins her chat with bob to the top (right click) and archives the group (keyboard: Shift+F10),
// opens "Archived chats" and finds it there. Before that she forwards bob's message to their one-to-one chat and
// reads its info (read by bob). Screens in both themes, with axe scans. And mentions as people type them: mid-sentence
// with Tab, inside Hebrew, added by an edit (the mark comes) and deleted for everyone (the mark goes).
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, composer, createGroup, dialog, openChat, registeredUsers, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** alice writes to bob (so he is a contact), then makes a group with him from "New group"; its conversation id. */
async function groupWithBob(a: Page, name: string): Promise<string> {
  await startChat(a, 'bob');
  await send(a, 'hi bob');
  return createGroup(a, name, ['bob']);
}

test('bob mentions alice in a group from the @ suggestions; alice sees the mark and her name highlighted, then pins and archives chats', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  const b = bob.page;

  const groupId = await groupWithBob(a, 'Book club');
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

test('as people type them: a mention mid-sentence with Tab, in right-to-left text, added by an edit and taken back by a delete', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  const b = bob.page;
  const groupId = await groupWithBob(a, 'Night train');
  await openChat(a, 'dm:bob', 'bob');
  await expect(chatRow(b, groupId)).toContainText('Night train');
  await openChat(b, groupId, 'Night train');

  // Typed quickly, the mention in the middle of a sentence, taken with Tab.
  await composer(b).click();
  await b.keyboard.type('thanks @al', { delay: 10 });
  await expect(b.getByRole('listbox', { name: 'Mention a member' }).getByRole('option', { name: 'alice' })).toHaveAttribute('aria-selected', 'true');
  await b.keyboard.press('Tab');
  await b.keyboard.type('for the tip', { delay: 10 });
  await expect(composer(b)).toHaveValue('thanks @alice for the tip');
  await b.keyboard.press('Enter');
  const mark = chatRow(a, groupId).getByLabel('Unread mention of you');
  await expect(mark).toBeVisible();
  await openChat(a, groupId, 'Night train');
  await expect(bubble(a, 'thanks @alice for the tip').locator('mark.mention-me')).toHaveText('@alice');
  await openChat(a, 'dm:bob', 'bob');

  // In Hebrew: the mention is highlighted inside right-to-left text.
  await composer(b).click();
  await b.keyboard.type('תודה @al', { delay: 10 });
  await b.keyboard.press('Enter');
  await expect(composer(b)).toHaveValue('תודה @alice ');
  await b.keyboard.type('נתראה בתחנה', { delay: 10 });
  await b.keyboard.press('Enter');
  await expect(mark).toBeVisible();
  await openChat(a, groupId, 'Night train');
  const hebrew = bubble(a, 'תודה @alice נתראה בתחנה');
  await expect(hebrew.locator('mark.mention-me')).toHaveText('@alice');
  await world.screenBothThemes(alice, '01-alice-mention-in-rtl', { scan: false });
  await openChat(a, 'dm:bob', 'bob');
  await expect(mark).toHaveCount(0);

  // bob adds a mention by editing his last message: alice's list marks the group; he deletes it for everyone: the mark goes.
  await send(b, 'who has the tickets?');
  await expect(chatRow(a, groupId)).toContainText('who has the tickets?');
  await expect(mark).toHaveCount(0);
  await composer(b).press('ArrowUp');
  await expect(composer(b)).toHaveValue('who has the tickets?');
  await composer(b).fill('@alice who has the tickets?');
  await composer(b).press('Enter');
  await expect(mark).toBeVisible();
  await world.screenBothThemes(alice, '02-alice-mark-after-edit', { scan: false });
  const edited = bubble(b, '@alice who has the tickets?');
  await edited.locator('.bubble').click({ button: 'right' });
  await b.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await dialog(b, 'Delete for everyone?').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(mark).toHaveCount(0);
  await expect(chatRow(a, groupId)).toContainText('This message was deleted.');
  await world.screenBothThemes(alice, '03-alice-mark-gone-after-delete', { scan: false });
});
