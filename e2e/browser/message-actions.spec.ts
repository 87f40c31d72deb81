// Message actions between two people through a real relay, driven as a person would: bob replies to one of alice's
// messages from its hover toolbar and alice jumps back to the original from the quote; alice reacts from the menu and
// takes it back; she edits her last message with Up-arrow and deletes an earlier one for everyone after confirming (bob's quote of it
// empties too); then she turns on a 30-second disappearing timer and a message vanishes on both sides. Screens in
// both themes, with axe scans on the way. Then bob forwards a picture alice sent him to carol: it goes by its pointer
// (nothing uploaded again) and says "Forwarded" on both sides. And the same features as people use them: a timer
// turned on while the other is typing, right-to-left text replied to, a word edited and then searched for, and a
// message deleted for everyone while the relay is down.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { bubble, chatRow, composer, dialog, openChat, registeredUsers, send, sendMany, sidebar, startChat } from '../support/app';
import { gradientPng } from '../support/media';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/**
 * Light and dark screenshots of the same moment (the app follows the OS theme unless told otherwise); `scan` adds an
 * axe scan of the light one.
 */
const menu = (page: Page) => page.getByRole('menu', { name: 'Message actions' });

/** What lineCount uses of the page's DOM (the e2e code is typed without the DOM library). */
interface TextNode {
  ownerDocument: { createRange(): { selectNodeContents(node: TextNode): void; getClientRects(): Iterable<{ top: number }> } };
}

/** How many lines an element's text takes on screen. */
const lineCount = (element: Locator) =>
  element.evaluate((node) => {
    const text = node as unknown as TextNode;
    const range = text.ownerDocument.createRange();
    range.selectNodeContents(text);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });

test('reply and jump, react and un-react, edit, delete for everyone, and a 30 s disappearing timer on both sides', async () => {
  test.setTimeout(420_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Lunch at noon?');
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, 'Lunch at noon?')).toBeVisible();

  // Enough chatter that the question scrolls out of alice's view.
  await sendMany(
    alice.page,
    Array.from({ length: 18 }, (_, i) => `filler ${i + 1}`),
  );
  await expect(bubble(bob.page, 'filler 18')).toBeVisible({ timeout: 60_000 });

  // bob replies from the toolbar on the question's bubble (it shows on hover).
  const question = bubble(bob.page, 'Lunch at noon?');
  await question.scrollIntoViewIfNeeded();
  await question.hover();
  await question.getByRole('button', { name: 'Reply' }).click();
  await expect(bob.page.getByTestId('composer-mode')).toContainText('Replying to alice');
  await expect(composer(bob.page)).toBeFocused();
  await send(bob.page, 'Yes, see you there');

  const reply = bubble(alice.page, 'Yes, see you there');
  await expect(reply.locator('.message-quote')).toContainText('You');
  await expect(reply.locator('.message-quote')).toContainText('Lunch at noon?');
  await expect(bubble(alice.page, 'Lunch at noon?')).toHaveCount(0); // out of view, not rendered
  await world.screenBothThemes(alice, '01-alice-reply-with-quote', { scan: false });
  await reply.locator('.message-quote').click();
  await expect(bubble(alice.page, 'Lunch at noon?')).toBeInViewport();
  await expect(bubble(alice.page, 'Lunch at noon?')).toBeFocused();

  // alice reacts to the reply from its menu (right click): bob sees who reacted; she takes it back.
  await alice.page.getByRole('button', { name: 'Jump to the newest message' }).click();
  await reply.locator('.bubble').click({ button: 'right' });
  await expect(menu(alice.page).getByRole('menuitem', { name: 'Reply' })).toContainText('R');
  await world.screenBothThemes(alice, '02-alice-message-menu');
  await menu(alice.page).getByRole('menuitem', { name: 'React with 👍' }).click();
  const bobChip = bubble(bob.page, 'Yes, see you there').getByRole('button', { name: '👍 1: alice' });
  await expect(bobChip).toBeVisible();
  await expect(bobChip).toHaveAttribute('title', 'alice');
  await world.screenBothThemes(bob, '03-bob-sees-reaction');
  await reply.getByRole('button', { name: '👍 1: You' }).click();
  await expect(bubble(bob.page, 'Yes, see you there').locator('.reaction-chip')).toHaveCount(0);

  // alice edits her last message: Up-arrow in the empty composer.
  await send(alice.page, 'See you!');
  await expect(bubble(bob.page, 'See you!')).toBeVisible();
  await composer(alice.page).press('ArrowUp');
  await expect(alice.page.getByTestId('composer-mode')).toContainText('Editing message');
  await expect(composer(alice.page)).toHaveValue('See you!');
  await composer(alice.page).fill('See you soon!');
  await composer(alice.page).press('Enter');
  await expect(bubble(bob.page, 'See you soon!')).toContainText('edited');
  await expect(bubble(bob.page, 'See you!')).toHaveCount(0);
  await expect(chatRow(bob.page, 'dm:alice')).toContainText('See you soon!');
  await world.screenBothThemes(bob, '04-bob-sees-edit', { scan: false });

  // alice deletes the question for everyone, with the keyboard: select it, open its menu, choose.
  const original = bubble(alice.page, 'Lunch at noon?');
  await alice.page.locator('.message-quote').first().click();
  await expect(original).toBeFocused();
  await alice.page.keyboard.press('Enter');
  await menu(alice.page).getByRole('menuitem', { name: 'Delete for everyone' }).click();
  const confirm = dialog(alice.page, 'Delete for everyone?');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await world.screenBothThemes(alice, '05-alice-confirms-delete');
  await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(alice.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1);
  const bobReply = bubble(bob.page, 'Yes, see you there');
  await expect(bobReply.locator('.message-quote')).toContainText('This message was deleted.');
  await expect(bob.page.getByText('Lunch at noon?')).toHaveCount(0);
  await world.screenBothThemes(bob, '06-bob-sees-tombstone');

  // alice turns on a 30-second timer in the contact info; both get the system line.
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(alice.page, 'Contact info: bob');
  await info.getByLabel('Disappearing messages timer').selectOption({ label: '30 seconds' });
  await info.getByRole('button', { name: 'Close' }).first().click();
  await expect(chatRow(alice.page, 'dm:bob')).toContainText('You set disappearing messages to 30 seconds.');
  // The list has stayed at the newest message since the jump above, so the system line comes into view by itself.
  await expect(alice.page.locator('.system-row', { hasText: 'You set disappearing messages to 30 seconds.' })).toBeVisible();
  await expect(bob.page.locator('.system-row', { hasText: 'alice set disappearing messages to 30 seconds.' })).toBeVisible();
  await send(alice.page, 'This message self-destructs');
  await expect(bubble(bob.page, 'This message self-destructs')).toBeVisible();
  await world.screenBothThemes(bob, '07-bob-disappearing-message', { scan: false });
  // Gone on both sides once its 30 s are up (bob read it at once: his chat is open).
  await expect(bubble(alice.page, 'This message self-destructs')).toHaveCount(0, { timeout: 60_000 });
  await expect(bubble(bob.page, 'This message self-destructs')).toHaveCount(0, { timeout: 60_000 });
  await world.screenBothThemes(alice, '08-alice-after-expiry', { scan: false });
});

test('a picture forwarded to a third person goes by its pointer and says "Forwarded" on both sides', async () => {
  // Three users and a file through a relay: under load the steps took about 2 min.
  test.setTimeout(420_000);
  const relay = await world.relay();
  const [alice, bob, carol] = await registeredUsers(world, relay.url, ['alice', 'bob', 'carol']);
  await startChat(bob.page, 'carol');
  await startChat(alice.page, 'bob');
  await alice.page.getByTestId('attach-input').setInputFiles([{ name: 'logo.png', mimeType: 'image/png', buffer: gradientPng() }]);
  await expect(alice.page.getByTestId('attachment-tray').locator('.tray-ready')).toHaveCount(1, { timeout: 20_000 });
  await composer(alice.page).fill('Our new logo');
  await composer(alice.page).press('Enter');

  // bob forwards it from its menu to carol, picked by name.
  await openChat(bob.page, 'dm:alice', 'alice');
  const received = bubble(bob.page, 'Our new logo');
  await expect(received.locator('img.attachment-full-loaded')).toBeVisible({ timeout: 30_000 });
  await received.locator('.bubble').click({ button: 'right' });
  await menu(bob.page).getByRole('menuitem', { name: 'Forward…' }).click();
  const picker = dialog(bob.page, 'Forward message');
  await picker.getByRole('combobox', { name: 'Forward to' }).fill('car');
  await world.screenBothThemes(bob, '01-bob-forwards-picture');
  await picker.getByRole('combobox', { name: 'Forward to' }).press('Enter');
  const forwarded = bubble(bob.page, 'Our new logo');
  await expect(bob.page.getByRole('log', { name: 'Messages with carol' })).toBeVisible();
  await expect(forwarded.locator('.message-forwarded')).toHaveText('Forwarded');
  await expect(forwarded.locator('.status')).toHaveAttribute('data-status', /sent|delivered|read/, { timeout: 30_000 });

  // carol gets the picture itself (fetched with bob's grant of alice's blob), labelled.
  await openChat(carol.page, 'dm:bob', 'bob');
  const arrived = bubble(carol.page, 'Our new logo');
  await expect(arrived.locator('.message-forwarded')).toHaveText('Forwarded');
  await expect(arrived.locator('img.attachment-full-loaded')).toBeVisible({ timeout: 30_000 });
  await world.screenBothThemes(carol, '02-carol-sees-forwarded-picture');
});

test('as people do it: a timer set while the other types, delete for everyone while offline, edit then search, right-to-left text', async () => {
  test.setTimeout(420_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Planning the trip');
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, 'Planning the trip')).toBeVisible();

  // bob is halfway through a sentence when alice turns on a 30 s timer: his draft stays as typed, focus stays in the
  // composer, and what he sends then carries the timer.
  await composer(bob.page).click();
  await bob.page.keyboard.type('I was thinking we could', { delay: 15 });
  await expect(alice.page.getByText('bob is typing…')).toBeVisible();
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(alice.page, 'Contact info: bob');
  await info.getByLabel('Disappearing messages timer').selectOption({ label: '30 seconds' });
  await info.getByRole('button', { name: 'Close' }).first().click();
  await expect(bob.page.locator('.system-row', { hasText: 'alice set disappearing messages to 30 seconds.' })).toBeVisible();
  await expect(composer(bob.page)).toHaveValue('I was thinking we could');
  await expect(composer(bob.page)).toBeFocused();
  await bob.page.keyboard.type(' take the night train', { delay: 15 });
  await world.screenBothThemes(bob, '01-bob-typing-as-timer-set', { scan: false });
  await bob.page.keyboard.press('Enter');
  const timed = bubble(alice.page, 'I was thinking we could take the night train');
  await expect(timed.getByRole('img', { name: 'Disappearing message' })).toBeVisible();
  await expect(bubble(bob.page, 'I was thinking we could take the night train').getByRole('img', { name: 'Disappearing message' })).toBeVisible();
  // Gone on both sides after its 30 s (alice has the chat open: read at once).
  await expect(timed).toHaveCount(0, { timeout: 60_000 });
  await expect(bubble(bob.page, 'I was thinking we could take the night train')).toHaveCount(0, { timeout: 60_000 });
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  await dialog(alice.page, 'Contact info: bob').getByLabel('Disappearing messages timer').selectOption({ label: 'Off' });
  await dialog(alice.page, 'Contact info: bob').getByRole('button', { name: 'Close' }).first().click();
  await expect(bob.page.locator('.system-row', { hasText: 'alice turned off disappearing messages.' })).toBeVisible();

  // Right-to-left text beside left-to-right: a Hebrew message with an English word and a number, replied to and edited.
  const hebrew = 'נפגש בתחנה ב-8 with the tickets';
  await send(alice.page, hebrew);
  const rtl = bubble(bob.page, hebrew);
  await expect(rtl).toBeVisible();
  await expect(rtl.locator('.message-body')).toHaveAttribute('dir', 'auto');
  // A short message takes one line: the bubble may be 72% of the row, not of its own text and toolbar.
  expect(await lineCount(rtl.locator('.message-body'))).toBe(1);
  await rtl.hover();
  await rtl.getByRole('button', { name: 'Reply' }).click();
  await send(bob.page, 'מעולה, see you there');
  await expect(bubble(alice.page, 'מעולה, see you there').locator('.message-quote')).toContainText('נפגש בתחנה');
  await world.screenBothThemes(alice, '02-alice-rtl-reply', { scan: false });

  // Edit, then search: the new words are found, the old ones no longer.
  await send(alice.page, 'Bring the quokka sticker');
  await expect(bubble(bob.page, 'Bring the quokka sticker')).toBeVisible();
  await composer(alice.page).press('ArrowUp');
  await expect(composer(alice.page)).toHaveValue('Bring the quokka sticker');
  await composer(alice.page).fill('Bring the wombat sticker');
  await composer(alice.page).press('Enter');
  await expect(bubble(bob.page, 'Bring the wombat sticker')).toContainText('edited');
  const search = sidebar(bob.page).getByRole('searchbox', { name: /search chats/i });
  await search.fill('wombat');
  const found = bob.page.getByRole('region', { name: 'Messages found' });
  await expect(found.getByRole('button', { name: /wombat/ })).toBeVisible({ timeout: 30_000 });
  await expect(found.getByRole('button', { name: /wombat/ }).locator('mark')).toHaveText(['wombat']);
  await world.screenBothThemes(bob, '03-bob-finds-edited-word', { scan: false });
  await search.fill('quokka');
  await expect(found.getByText('No messages match “quokka”.')).toBeVisible({ timeout: 30_000 });
  await expect(found.getByRole('button', { name: /quokka/ })).toHaveCount(0);
  await search.fill('');

  // alice deletes a message for everyone while the relay is down: her tombstone at once, queued; bob's once it is back.
  await send(alice.page, 'Oops, wrong chat');
  await expect(bubble(bob.page, 'Oops, wrong chat')).toBeVisible();
  await relay.stop();
  await expect(alice.page.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ })).toBeVisible({ timeout: 15_000 });
  const oops = bubble(alice.page, 'Oops, wrong chat');
  await oops.locator('.bubble').click({ button: 'right' });
  await menu(alice.page).getByRole('menuitem', { name: 'Delete for everyone' }).click();
  await dialog(alice.page, 'Delete for everyone?').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(alice.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1);
  await expect(alice.page.getByText('Oops, wrong chat')).toHaveCount(0);
  expect(await lineCount(alice.page.locator('.bubble-deleted .message-notice'))).toBe(1);
  // Her tombstone says the delete still waits to go out, until it has.
  const tombstone = alice.page.locator('.message').filter({ hasText: 'This message was deleted.' });
  await expect(tombstone.getByTitle('Waiting to send')).toBeVisible();
  await world.screenBothThemes(alice, '04-alice-deleted-while-offline', { scan: false });
  await relay.restart();
  await expect(bob.page.locator('.message').filter({ hasText: 'This message was deleted.' })).toHaveCount(1, { timeout: 30_000 });
  await expect(tombstone.getByTitle('Waiting to send')).toHaveCount(0);
  await expect(bob.page.getByText('Oops, wrong chat')).toHaveCount(0);
  await world.screenBothThemes(bob, '05-bob-sees-delete-after-outage');
});
