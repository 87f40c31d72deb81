// History on a newly linked device through the UI, with browser-shell users on one relay: alice has 1,000 messages
// (and a hello) with bob; her laptop shows a code, alice pastes it into Settings → Linked devices, keeps "Transfer history:
// Everything" and links it. The laptop says how the history comes in and when it is all there; the chat with bob is
// there with all of them, none unread, and the laptop's search finds an old one. Screens in light and dark.
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, dialog, expectStatus, openChat, registeredUsers, send, sendMany, sidebar, startChat, storedRows } from '../support/app';
import { useWorld, type E2eUser, type World } from '../support/world';

let world: World;
useWorld((created) => (world = created));

async function linkingCode(laptop: E2eUser): Promise<string> {
  await laptop.page.getByRole('button', { name: 'Link to an existing account' }).click();
  await laptop.page.getByLabel('Name for this device').fill('Laptop');
  await laptop.page.getByRole('button', { name: 'Show linking code' }).click();
  const code = laptop.page.getByRole('textbox', { name: 'Linking code' });
  await expect(code).toHaveValue(/^parley-link:1:/);
  return code.inputValue();
}

async function openDevices(page: Page) {
  await sidebar(page).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(page, 'Settings');
  await expect(settings.getByRole('list', { name: 'Your devices' })).toBeVisible();
  return settings;
}

test('history transfer brings 1,000 messages to a newly linked device', async () => {
  test.setTimeout(720_000);
  // alice types 1,000 messages in seconds, which the relay's default rate limit (100/s) would slow.
  const relay = await world.relay({ rateLimitPerSecond: 2_000, rateLimitBurst: 5_000 });
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Hello bob');
  await expectStatus(alice.page, 'Hello bob', 'delivered', 60_000);
  // bob's deliveries wait at the relay from now on: only alice's history matters here.
  await bob.quit();
  const bodies = Array.from({ length: 1_000 }, (_, n) => `History message number ${n}`);
  await sendMany(alice.page, bodies);
  // All sent from alice's device before she links (one conversation sends in order: the last sent means all were).
  // A burst of 1,000 through the composer and the outbox takes ~100–300 ms a message on a loaded 2-core machine.
  await expectStatus(alice.page, bodies[bodies.length - 1]!, 'sent', 480_000);
  await expect.poll(async () => (await storedRows(alice.page, 'alice', 'messages')).length, { timeout: 60_000, intervals: [2_000] }).toBe(1_001);

  const laptop = await world.user('alice-laptop', relay.url);
  const code = await linkingCode(laptop);
  const settings = await openDevices(alice.page);
  await settings.getByRole('button', { name: 'Link a device' }).click();
  await settings.getByLabel('Code from the new device').fill(code);
  await settings.getByRole('button', { name: 'Continue' }).click();
  const confirm = settings.getByRole('group', { name: 'Confirm the new device' });
  const choice = confirm.getByRole('group', { name: 'Transfer history' });
  await expect(choice.getByRole('radio', { name: 'Everything' })).toBeChecked();
  await confirm.getByRole('button', { name: 'Link device' }).scrollIntoViewIfNeeded();
  await world.screenBothThemes(alice, '01-alice-chooses-history');
  await confirm.getByRole('button', { name: 'Link device' }).click();
  await expect(settings.getByText('“Laptop” is linked.')).toBeVisible({ timeout: 60_000 });

  // The laptop: the chats open, the banner tells how the history comes in, then that it is all there.
  const banner = laptop.page.locator('[data-history]');
  await expect(banner).toHaveText('Your history is here: 1,001 messages.Dismiss', { timeout: 120_000 });
  const row = chatRow(laptop.page, 'dm:bob');
  await expect(row).toContainText('History message number 999');
  await expect(row.locator('.unread-badge')).toHaveCount(0);
  await world.screenBothThemes(laptop, '02-laptop-history-arrived', { scan: false });
  await openChat(laptop.page, 'dm:bob', 'bob');
  await expect(bubble(laptop.page, 'History message number 999')).toBeVisible();
  await expect(laptop.page.getByText('This message could not be sent.')).toHaveCount(0);
  await world.screenBothThemes(laptop, '03-laptop-chat-with-history', { scan: false });
  expect((await storedRows<{ conversationId: string }>(laptop.page, 'alice', 'messages')).filter((m) => m.conversationId === 'dm:bob')).toHaveLength(1_001);

  // Its search finds an old message of the history (indexed on the laptop, in the background).
  await sidebar(laptop.page).getByRole('searchbox', { name: /search chats/i }).fill('history message number 17');
  const results = laptop.page.getByRole('region', { name: 'Messages found' });
  await expect(results.getByRole('button', { name: /History message number 17\b/ }).first()).toBeVisible({ timeout: 60_000 });
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
});
