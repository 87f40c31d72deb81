// Profiles through a real relay, driven as a person would: alice opens Settings, picks a photo and types her name
// (RTL text included), saves; bob sees neither until she writes to him, then her name and photo in his chat list,
// the chat header (with @alice beside the name) and contact info, and finds her chat in the jump palette by typing
// part of her name (the Hebrew part). Screens in both themes, with axe scans.
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, dialog, firstMessage, register, registeredUsers, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** A real picture to pick: a colourful 640 × 480 PNG drawn by the page itself. */
async function picture(page: Page): Promise<Buffer> {
  // Run in the page (a string: this file is typed without the DOM).
  const dataUrl = await page.evaluate<string>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d');
    const gradient = context.createLinearGradient(0, 0, 640, 480);
    gradient.addColorStop(0, '#f59e0b');
    gradient.addColorStop(1, '#7c3aed');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 640, 480);
    context.fillStyle = '#ffffff';
    context.beginPath();
    context.arc(320, 240, 120, 0, Math.PI * 2);
    context.fill();
    return canvas.toDataURL('image/png');
  })()`);
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

test('alice sets a name and photo; bob sees them once she writes to him', async () => {
  test.setTimeout(180_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  const b = bob.page;
  await firstMessage(alice, bob, 'hello bob');

  await sidebar(a).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(a, 'Settings');
  const name = settings.getByRole('textbox', { name: 'Name' });
  // Nothing to save while the name is only spaces.
  await name.fill('   ');
  await expect(settings.getByRole('button', { name: 'Save profile' })).toBeDisabled();
  await name.fill('');
  await name.pressSequentially('Alice אליס Liddell', { delay: 20 });
  await settings.getByLabel('Profile photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await picture(a) });
  await expect(settings.locator('.profile-settings img.avatar-image')).toBeVisible();
  await settings.getByRole('button', { name: 'Save profile' }).click();
  await expect(settings.getByRole('status')).toContainText('Profile saved');
  await world.screenBothThemes(alice, '01-alice-profile-saved');
  await settings.getByRole('button', { name: 'Done' }).click();

  // Nothing reaches bob until alice writes to him; then her name and photo do.
  await expect(chatRow(b, 'dm:alice')).toContainText('alice');
  await send(a, 'I have a photo now');
  await expect(bubble(b, 'I have a photo now')).toBeVisible();
  await expect(chatRow(b, 'dm:alice')).toContainText('Alice אליס Liddell');
  await expect(chatRow(b, 'dm:alice').locator('img.avatar-image')).toBeVisible();
  await expect(b.getByRole('heading', { name: 'Alice אליס Liddell' })).toBeVisible();
  await expect(b.locator('.chat-subtitle')).toContainText('@alice');
  await world.screenBothThemes(bob, '02-bob-sees-alice-profile');

  await b.getByRole('button', { name: 'Contact info for alice' }).click();
  const info = dialog(b, 'Contact info: alice');
  await expect(info.getByText('Alice אליס Liddell')).toBeVisible();
  await expect(info.getByText('@alice')).toBeVisible();
  await world.screenBothThemes(bob, '03-bob-contact-info');

  await info.press('Escape');

  // The jump palette finds her chat by the name she shared, not only by her username: from another chat, bob
  // types the Hebrew part of it fast and presses Enter at once.
  await register(await world.user('carol', relay.url), 'carol');
  await startChat(b, 'carol');
  await b.keyboard.press('Control+K');
  const palette = b.getByRole('combobox', { name: 'Jump to a chat' });
  await palette.pressSequentially('אליס', { delay: 0 });
  await expect(b.getByRole('option')).toHaveText(['Alice אליס Liddell @alice']);
  await world.screenBothThemes(bob, '04-bob-jumps-by-her-name');
  await palette.press('Enter');
  await expect(b.getByRole('heading', { name: 'Alice אליס Liddell' })).toBeVisible();
});
