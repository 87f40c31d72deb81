// Linked devices through the UI, with three browser-shell users on one relay: alice's first device, her laptop
// linked to it (the laptop shows a code, alice copies it into Settings → Linked devices on the first device and
// confirms the name), and bob, who already chats with alice. Bob's chat says "alice linked a new device" (no
// key-change warning); bob's message reaches both of alice's devices, and reading it on the laptop clears it on the
// first device; what alice sends from the laptop, and her reaction there, show as hers on the first device; blocking
// bob on one device blocks him on the other (and unblocking); removing the laptop in Settings cuts it off. Screens in light and dark.
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, composer, dialog, expectStatus, openChat, register, send, sidebar, startChat } from '../support/app';
import { World, useWorld, type E2eUser } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** The screen now in the light theme, then in the dark one; with `scan`, an axe scan of each (they cost time). */
async function screens(user: E2eUser, step: string, scan = false): Promise<void> {
  const keep = scan ? (name: string) => world.screen(user, name) : (name: string) => world.screenshot(user.page, name);
  await keep(`${step}-light`);
  await user.page.emulateMedia({ colorScheme: 'dark' });
  await keep(`${step}-dark`);
  await user.page.emulateMedia({ colorScheme: 'light' });
}

async function openSettings(page: Page) {
  await sidebar(page).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(page, 'Settings');
  await expect(settings.getByRole('list', { name: 'Your devices' })).toBeVisible();
  return settings;
}

test('alice links her laptop from the UI: bob is told, both get his message, sends and reads sync, removal cuts the laptop off', async () => {
  test.setTimeout(480_000);
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const laptop = await world.user('alice-laptop', relay.url);
  await laptop.page.emulateMedia({ colorScheme: 'light' });
  await alice.page.emulateMedia({ colorScheme: 'light' });
  await register(alice, 'alice');
  const bob = await world.user('bob', relay.url);
  await register(bob, 'bob');
  await startChat(bob.page, 'alice');
  await send(bob.page, 'Hi alice, from bob');
  await expect(chatRow(alice.page, 'dm:bob')).toContainText('Hi alice, from bob', { timeout: 20_000 });

  // The laptop: "Link to an existing account", a name, then its code as QR and text.
  await laptop.page.getByRole('button', { name: 'Link to an existing account' }).click();
  await laptop.page.getByLabel('Name for this device').fill('Laptop');
  await screens(laptop, '01-laptop-name');
  await laptop.page.getByRole('button', { name: 'Show linking code' }).click();
  const codeField = laptop.page.getByRole('textbox', { name: 'Linking code' });
  await expect(codeField).toHaveValue(/^parley-link:1:/);
  await expect(laptop.page.getByRole('img', { name: 'QR code of this device’s linking code' })).toBeVisible();
  await expect(laptop.page.getByRole('status')).toHaveText('Waiting for your other device to confirm…');
  await screens(laptop, '02-laptop-code', true);
  await laptop.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await laptop.page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(laptop.page.getByText('Code copied.')).toBeVisible();
  const code = await laptop.page.evaluate('navigator.clipboard.readText()');
  expect(code).toBe(await codeField.inputValue());

  // alice's first device: Settings → Linked devices → Link a device, paste, confirm the name.
  const settings = await openSettings(alice.page);
  await settings.getByRole('button', { name: 'Link a device' }).click();
  await settings.getByLabel('Code from the new device').fill(String(code));
  await settings.getByRole('button', { name: 'Continue' }).click();
  const confirm = settings.getByRole('group', { name: 'Confirm the new device' });
  await expect(confirm).toContainText('Link “Laptop” to your account?');
  await settings.getByRole('heading', { name: 'Linked devices' }).scrollIntoViewIfNeeded();
  await screens(alice, '03-alice-confirm-link');
  await confirm.getByRole('button', { name: 'Link device' }).click();
  await expect(settings.getByText('“Laptop” is linked.')).toBeVisible();
  const devices = settings.getByRole('list', { name: 'Your devices' }).getByRole('listitem');
  await expect(devices).toHaveCount(2);
  await expect(devices.nth(1)).toContainText('Laptop');

  // The laptop is in: the account arrives with the provisioning message and the chats open.
  await expect(sidebar(laptop.page).getByText('alice')).toBeVisible({ timeout: 20_000 });
  await screens(alice, '04-alice-linked-devices', true);
  await alice.page.keyboard.press('Escape');

  // alice writes to bob from the laptop: bob is told she linked a device (no warning), and her first device shows
  // the message as her own.
  await startChat(laptop.page, 'bob');
  await send(laptop.page, 'Answer from my laptop');
  await expect(bubble(bob.page, 'Answer from my laptop')).toBeVisible({ timeout: 20_000 });
  await expect(bob.page.locator('.system-row')).toHaveText(['alice linked a new device']);
  await expect(bob.page.getByText('alice’s safety number changed.')).toHaveCount(0);
  await screens(bob, '05-bob-told-alice-linked-a-device');

  // bob answers: both of alice's devices get it. The laptop has the chat open and reads it; the first device, with
  // no chat open, is told so and shows no unread badge for it.
  await send(bob.page, 'Glad you have a laptop now');
  await expect(bubble(laptop.page, 'Glad you have a laptop now')).toBeVisible({ timeout: 20_000 });
  await expectStatus(bob.page, 'Glad you have a laptop now', 'read');
  const aliceRow = chatRow(alice.page, 'dm:bob');
  await expect(aliceRow).toContainText('Glad you have a laptop now', { timeout: 20_000 });
  await expect(aliceRow.getByLabel(/unread/)).toHaveCount(0, { timeout: 20_000 });
  await screens(alice, '06-alice-read-on-the-laptop');
  await openChat(alice.page, 'dm:bob', 'bob');
  await expect(bubble(alice.page, 'Answer from my laptop')).toHaveClass(/message-own/);
  await expect(bubble(alice.page, 'Hi alice, from bob')).toHaveClass(/message-other/);
  await expect(bubble(alice.page, 'Glad you have a laptop now')).toHaveClass(/message-other/);

  // alice reacts on the laptop: bob sees her reaction, and her first device shows it as her own.
  await bubble(laptop.page, 'Glad you have a laptop now').locator('.bubble').click({ button: 'right' });
  await laptop.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'React with 👍' }).click();
  await expect(bubble(bob.page, 'Glad you have a laptop now').getByRole('button', { name: '👍 1: alice' })).toBeVisible({ timeout: 20_000 });
  await expect(bubble(alice.page, 'Glad you have a laptop now').getByRole('button', { name: '👍 1: You' })).toBeVisible({ timeout: 20_000 });
  await screens(alice, '07-alice-sees-her-laptop-reaction');

  // alice blocks bob on the laptop: her first device, with his chat open, closes its composer too; unblocking him
  // there opens it on the laptop again.
  await laptop.page.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(laptop.page, 'Contact info: bob');
  await info.getByRole('button', { name: 'Block bob…' }).click();
  await info.getByRole('group', { name: 'Block bob?' }).getByRole('button', { name: 'Block' }).click();
  await info.getByRole('button', { name: 'Done' }).click();
  await expect(alice.page.getByText('You blocked bob.', { exact: false })).toBeVisible({ timeout: 20_000 });
  await expect(composer(alice.page)).toHaveCount(0);
  await screens(alice, '08-alice-bob-blocked-on-the-laptop');
  await alice.page.locator('.blocked-notice').getByRole('button', { name: 'Unblock' }).click();
  await expect(composer(alice.page)).toBeVisible();
  await expect(laptop.page.getByText('You blocked bob.', { exact: false })).toHaveCount(0, { timeout: 20_000 });
  await expect(composer(laptop.page)).toBeVisible();

  // alice removes the laptop (after a confirmation): the relay closes it, and bob's next message skips it.
  const again = await openSettings(alice.page);
  await again.getByRole('button', { name: 'Remove Laptop' }).click();
  await screens(alice, '09-alice-confirm-remove');
  await again.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(again.getByText('“Laptop” was removed. It no longer receives your messages.')).toBeVisible();
  await expect(again.getByRole('list', { name: 'Your devices' }).getByRole('listitem')).toHaveCount(1);
  await alice.page.keyboard.press('Escape');
  await expect(laptop.page.getByRole('status').filter({ hasText: 'This device was removed from your account' })).toBeVisible();
  await screens(laptop, '10-laptop-removed');

  await send(bob.page, 'After the laptop was removed');
  await expect(bubble(alice.page, 'After the laptop was removed')).toBeVisible();
  await expectStatus(bob.page, 'After the laptop was removed', 'read');
  await expect(bubble(laptop.page, 'Glad you have a laptop now')).toBeVisible();
  await expect(bubble(laptop.page, 'After the laptop was removed')).toHaveCount(0);
});
