// Conversations as people use them, where the other specs do not go: the message menu and the reaction picker with
// the keyboard only (the arrow keys stay in the menu, focus comes back to the message), a narrow window (nothing the
// toolbar or the menus show may leave it), long, pasted multi-line and emoji-only messages; a reply whose original is
// deleted for everyone while it is being written (its text goes from the screen and from both people's storage); a
// 30 s timer while the recipient's chat is closed (gone 30 s after sending on the sender's side, 30 s after reading on
// the reader's), right-to-left text edited and quoted, and pin, mute and block with the keyboard (focus stays put).
import { expect, test, type Page } from '@playwright/test';
import { bubble, composer, dialog, messageScroller, openChat, registeredUsers, send, startChat, storedRows } from '../support/app';
import { FONT_SIZE, expectInsideWindow } from '../support/layout';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const menu = (page: Page) => page.getByRole('menu', { name: 'Message actions' });

test('keyboard only, narrow window, long, multi-line and emoji-only messages', async () => {
  test.setTimeout(420_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  const long = `${'A long message that goes on and on about the night train and the tickets and the station. '.repeat(12)}The end.`;
  await send(alice.page, long);
  // Pasted: several lines at once.
  await composer(alice.page).click();
  await alice.page.keyboard.insertText('First line\nSecond line\n\nFourth line after a blank');
  await composer(alice.page).press('Enter');
  await send(alice.page, '🎉🎉🎉');
  await send(alice.page, '👍');
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, '👍')).toBeVisible();
  // Emoji-only messages are drawn large: one emoji larger than three, both larger than text.
  const fontSize = (text: string) => bob.page.locator('.message-body', { hasText: text }).first().evaluate(FONT_SIZE);
  const [one, three, text] = [await fontSize('👍'), await fontSize('🎉🎉🎉'), await fontSize('First line')];
  expect(one).toBeGreaterThan(three);
  expect(three).toBeGreaterThan(text * 1.5);
  await world.screenBothThemes(bob, '01-bob-long-multiline-emoji');

  // bob, keyboard only: from the composer back to the history (past the emoji and attach buttons), up to a message,
  // its menu, the picker.
  await composer(bob.page).focus();
  await bob.page.keyboard.press('Shift+Tab');
  await expect(bob.page.getByRole('button', { name: 'Insert emoji' })).toBeFocused();
  await bob.page.keyboard.press('Shift+Tab');
  await bob.page.keyboard.press('Shift+Tab');
  await expect(messageScroller(bob.page)).toBeFocused();
  await bob.page.keyboard.press('ArrowUp');
  await expect(bubble(bob.page, '👍')).toBeFocused();
  await bob.page.keyboard.press('ArrowUp');
  await expect(bubble(bob.page, '🎉🎉🎉')).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(menu(bob.page).getByRole('menuitem', { name: 'React with 👍' })).toBeFocused();
  // The arrow keys move in the menu (not from message to message behind it).
  await bob.page.keyboard.press('ArrowDown');
  await expect(menu(bob.page).getByRole('menuitem', { name: 'React with ❤️' })).toBeFocused();
  await world.screenBothThemes(bob, '02-bob-menu-by-keyboard');
  await bob.page.keyboard.press('Escape');
  await expect(menu(bob.page)).toHaveCount(0);
  await expect(bubble(bob.page, '🎉🎉🎉')).toBeFocused();
  // The picker: the menu's "More reactions…" (the last of the reactions row, above Reply), then a search and Enter.
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.press('Home');
  for (let i = 0; i < 6; i++) await bob.page.keyboard.press('ArrowRight');
  await expect(menu(bob.page).getByRole('menuitem', { name: 'More reactions…' })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  const picker = bob.page.getByRole('dialog', { name: 'React with an emoji' });
  await expect(picker.getByRole('combobox', { name: 'Search emoji' })).toBeFocused();
  await bob.page.keyboard.type('heart');
  await world.screenBothThemes(bob, '03-bob-reaction-picker-by-keyboard');
  await bob.page.keyboard.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(bubble(bob.page, '🎉🎉🎉')).toBeFocused();
  await expect(bubble(bob.page, '🎉🎉🎉').locator('.reaction-chip')).toHaveCount(1);
  // Reply with R, Escape out of it: the focus is in the composer.
  await bob.page.keyboard.press('r');
  await expect(bob.page.getByTestId('composer-mode')).toContainText('Replying to alice');
  await expect(composer(bob.page)).toBeFocused();
  await bob.page.keyboard.press('Escape');
  await expect(bob.page.getByTestId('composer-mode')).toHaveCount(0);
  await expect(composer(bob.page)).toBeFocused();
  // Back up from the composer: the reaction under 🎉🎉🎉 is now the history's last stop; ArrowDown from it selects the
  // message below. Info with I, closed with Escape: back on the message.
  await bob.page.keyboard.press('Shift+Tab');
  await bob.page.keyboard.press('Shift+Tab');
  await bob.page.keyboard.press('Shift+Tab');
  await expect(bubble(bob.page, '🎉🎉🎉').locator('.reaction-chip')).toBeFocused();
  await bob.page.keyboard.press('ArrowDown');
  await expect(bubble(bob.page, '👍')).toBeFocused();
  await bob.page.keyboard.press('i');
  const info = bob.page.getByRole('dialog', { name: /Message info|Info/ });
  await expect(info).toBeVisible();
  await world.screenBothThemes(bob, '04-bob-info');
  await bob.page.keyboard.press('Escape');
  await expect(info).toHaveCount(0);
  await expect(bubble(bob.page, '👍')).toBeFocused();

  // A narrow window: the toolbar and the menus stay inside it.
  for (const width of [360, 520]) {
    await alice.page.setViewportSize({ width, height: 700 });
    await bob.page.setViewportSize({ width, height: 700 });
    await world.screenBothThemes(alice, `05-alice-narrow-${width}`, { scan: width === 360 });
    // The composer's hint stays on one line.
    const hint = alice.page.locator('.composer-hint');
    expect((await hint.boundingBox())?.height).toBeLessThan((await hint.evaluate(FONT_SIZE)) * 2);
    // Someone moving by headings still finds the app's name while the chat list is hidden.
    await expect(alice.page.getByRole('heading', { level: 1, name: 'Parley' })).toHaveCount(1);
    const own = bubble(alice.page, '🎉🎉🎉');
    await own.hover();
    const toolbar = own.getByRole('toolbar', { name: 'Message actions' });
    await expect(toolbar).toBeVisible();
    await world.screenBothThemes(alice, `06-alice-narrow-${width}-toolbar`, { scan: false });
    await expectInsideWindow(alice.page, toolbar);
    await toolbar.getByRole('button', { name: 'More actions' }).click();
    await expectInsideWindow(alice.page, menu(alice.page));
    await world.screenBothThemes(alice, `07-alice-narrow-${width}-menu`, { scan: false });
    await alice.page.keyboard.press('Escape');
    const other = bubble(bob.page, '🎉🎉🎉');
    await other.hover();
    const otherToolbar = other.getByRole('toolbar', { name: 'Message actions' });
    await expectInsideWindow(bob.page, otherToolbar);
    await otherToolbar.getByRole('button', { name: 'React' }).click();
    await expectInsideWindow(bob.page, menu(bob.page));
    await bob.page.getByRole('menuitem', { name: 'More reactions…' }).click();
    await expectInsideWindow(bob.page, bob.page.getByRole('dialog', { name: 'React with an emoji' }));
    await world.screenBothThemes(bob, `08-bob-narrow-${width}-picker`, { scan: false });
    await bob.page.keyboard.press('Escape');
  }
});

test('a reply whose original is deleted for everyone while it is written', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  const secret = 'The door code is 4711 נפגש בתחנה';
  await send(alice.page, secret);
  await openChat(bob.page, 'dm:alice', 'alice');
  const original = bubble(bob.page, secret);
  await original.hover();
  await original.getByRole('button', { name: 'Reply' }).click();
  await expect(bob.page.getByTestId('composer-mode')).toContainText('4711');
  await bob.page.keyboard.type('Got it, thanks', { delay: 10 });
  // alice thinks better of it.
  const mine = bubble(alice.page, secret);
  await mine.locator('.bubble').click({ button: 'right' });
  await menu(alice.page).getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await dialog(alice.page, 'Delete for everyone?').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(bob.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1, { timeout: 30_000 });
  await world.screenBothThemes(bob, '01-bob-replying-to-deleted');
  await expect(bob.page.getByTestId('composer-mode')).not.toContainText('4711');
  await composer(bob.page).press('Enter');
  const reply = bubble(alice.page, 'Got it, thanks');
  await expect(reply).toBeVisible({ timeout: 30_000 });
  await world.screenBothThemes(alice, '02-alice-gets-reply-to-deleted');
  await expect(reply.locator('.message-quote')).not.toContainText('4711');
  await expect(alice.page.getByText(/4711/)).toHaveCount(0);
  await expect(bob.page.getByText(/4711/)).toHaveCount(0);
  for (const [user, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
    for (const store of ['messages', 'outbox'] as const) {
      const rows = await storedRows<unknown>(user.page, name, store);
      // Text only: a row's times are numbers, and one like 1796536324711 holds the digits too.
      const text = JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'number' ? 0 : value));
      expect(text, `${name}'s ${store}`).not.toContain('4711');
    }
  }
});

test('a 30 s timer while the chat is closed, right-to-left edits, and pin, mute and block from the keyboard', async () => {
  test.setTimeout(420_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'hello');
  // bob has no chat open: his list shows alice's chat, he does not open it.
  await expect(bob.page.locator('[data-conversation="dm:alice"]')).toContainText('hello', { timeout: 30_000 });
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(alice.page, 'Contact info: bob');
  await info.getByLabel('Disappearing messages timer').selectOption({ label: '30 seconds' });
  await info.getByRole('button', { name: 'Close' }).first().click();
  await send(alice.page, 'Gone in thirty');
  const sentAt = Date.now();
  await expect(bob.page.locator('[data-conversation="dm:alice"]')).toContainText('Gone in thirty', { timeout: 30_000 });
  await world.screenBothThemes(bob, '01-bob-list-with-timed-message', { scan: false });
  // alice's copy goes 30 s after it was sent; bob's waits until he has read it.
  await expect(bubble(alice.page, 'Gone in thirty')).toHaveCount(0, { timeout: 60_000 });
  expect(Date.now() - sentAt).toBeGreaterThanOrEqual(29_000);
  await expect(bob.page.locator('[data-conversation="dm:alice"]')).toContainText('Gone in thirty');
  await world.screenBothThemes(bob, '02-bob-list-after-alice-expiry', { scan: false });
  await openChat(bob.page, 'dm:alice', 'alice');
  const readAt = Date.now();
  await expect(bubble(bob.page, 'Gone in thirty')).toBeVisible();
  await expect(bubble(bob.page, 'Gone in thirty')).toHaveCount(0, { timeout: 60_000 });
  expect(Date.now() - readAt).toBeGreaterThanOrEqual(29_000);
  await expect(bob.page.locator('[data-conversation="dm:alice"]')).not.toContainText('Gone in thirty');
  await world.screenBothThemes(bob, '03-bob-after-expiry', { scan: false });
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  await dialog(alice.page, 'Contact info: bob').getByLabel('Disappearing messages timer').selectOption({ label: 'Off' });
  await dialog(alice.page, 'Contact info: bob').getByRole('button', { name: 'Close' }).first().click();

  // Right-to-left, edited: the label and time stay together at the bubble's end.
  await send(alice.page, 'נפגש בתחנה');
  await expect(bubble(bob.page, 'נפגש בתחנה')).toBeVisible();
  await composer(alice.page).press('ArrowUp');
  await expect(alice.page.getByTestId('composer-mode')).toContainText('Editing message');
  await composer(alice.page).fill('נפגש בתחנה המרכזית ב-8');
  await composer(alice.page).press('Enter');
  await expect(bubble(bob.page, 'נפגש בתחנה המרכזית ב-8')).toContainText('edited');
  await bubble(bob.page, 'נפגש בתחנה המרכזית ב-8').hover();
  await bubble(bob.page, 'נפגש בתחנה המרכזית ב-8').getByRole('button', { name: 'Reply' }).click();
  await send(bob.page, 'בסדר');
  await expect(bubble(alice.page, 'בסדר').locator('.message-quote')).toContainText('נפגש בתחנה המרכזית');
  await world.screenBothThemes(bob, '04-bob-rtl-edited-and-quoted');
  await world.screenBothThemes(alice, '05-alice-rtl-quote', { scan: false });

  // bob, keyboard only: pin the chat from its row's menu, then mute and block from the contact info.
  const row = bob.page.locator('[data-conversation="dm:alice"]');
  await row.focus();
  await bob.page.keyboard.press('Shift+F10');
  const chatMenu = bob.page.getByRole('menu', { name: 'Chat actions: alice' });
  await expect(chatMenu.getByRole('menuitem', { name: 'Pin chat' })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(chatMenu).toHaveCount(0);
  await expect(row).toBeFocused();
  await expect(row.getByRole('img', { name: 'Pinned' })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Contact info for alice' }).focus();
  await bob.page.keyboard.press('Enter');
  const bobInfo = dialog(bob.page, 'Contact info: alice');
  await expect(bobInfo).toBeVisible();
  await bobInfo.getByRole('button', { name: 'Mute for 1 hour' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bobInfo.getByRole('button', { name: 'Unmute' })).toBeVisible();
  await expect(bobInfo.getByRole('button', { name: 'Unmute' })).toBeFocused();
  await bobInfo.getByRole('button', { name: 'Block alice…' }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bobInfo.getByRole('button', { name: 'Block', exact: true })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(bobInfo.getByRole('button', { name: 'Unblock alice' })).toBeVisible();
  await world.screenBothThemes(bob, '06-bob-muted-and-blocked');
  await expect(bobInfo.getByRole('button', { name: 'Unblock alice' })).toBeFocused();
});
