// Files between two people through the browser shell and a real relay: alice attaches a photo and a PDF (one
// removed from the tray first), writes a caption and sends them as one message; bob sees the photo's preview and the
// document's card, the photo itself (and in the viewer); the PDF downloads by itself (it is small) and he saves it
// with the same bytes. A voice note recorded with Chromium's fake microphone plays on the other side with its
// duration. Screenshots in light and dark.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, composer, openChat, register, registeredUsers, startChat } from '../support/app';
import { gradientPng } from '../support/media';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'.padEnd(6000, ' '));

const mediaBubble = (page: Page, caption: string) => bubble(page, caption);

test('an image and a document go as one message with a caption; the other side previews, opens and saves them', async () => {
  // Two users, three transfers and twelve screenshots with axe scans: more than the default 90 s on a loaded machine.
  test.slow();
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');

  const image = gradientPng();
  await alice.page.getByTestId('attach-input').setInputFiles([
    { name: 'sunset.png', mimeType: 'image/png', buffer: image },
    { name: 'minutes.pdf', mimeType: 'application/pdf', buffer: PDF },
    { name: 'draft.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
  ]);
  const tray = alice.page.getByTestId('attachment-tray');
  await expect(tray.locator('.tray-ready')).toHaveCount(3, { timeout: 20_000 });
  await tray.getByRole('button', { name: 'Remove draft.txt' }).click();
  await expect(tray.getByTestId('tray-item')).toHaveCount(2);
  await composer(alice.page).fill('Minutes and the view from the terrace');
  await world.screenBothThemes(alice, '01-alice-tray');
  await composer(alice.page).press('Enter');
  await expect(tray).toBeHidden();

  const sent = mediaBubble(alice.page, 'Minutes and the view from the terrace');
  await expect(sent.getByTestId('attachment-image')).toBeVisible();
  await expect(sent.getByTestId('attachment-document')).toContainText('minutes.pdf');
  // Uploads finish: the bars go, the message is sent.
  await expect(sent.getByTestId('transfer')).toHaveCount(0, { timeout: 30_000 });
  await expect(sent.locator('.status')).toHaveAttribute('data-status', /sent|delivered|read/, { timeout: 30_000 });
  await expect(sent.locator('img.attachment-full-loaded')).toBeVisible();
  await world.screenBothThemes(alice, '02-alice-sent');

  // bob: the chat list names the files, the chat shows the preview first, then the photo, and the document's card.
  await expect(chatRow(bob.page, 'dm:alice')).toContainText('2 files · Minutes and the view from the terrace', { timeout: 30_000 });
  await openChat(bob.page, 'dm:alice', 'alice');
  const received = mediaBubble(bob.page, 'Minutes and the view from the terrace');
  await expect(received.locator('img.attachment-full-loaded')).toBeVisible({ timeout: 30_000 });
  expect(await received.locator('img.attachment-full').evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight])).toEqual([480, 320]);
  const card = received.getByTestId('attachment-document');
  await expect(card).toContainText('PDF');
  await world.screenBothThemes(bob, '03-bob-received');

  // The photo opens in the viewer (fit, then actual size), and closes with Esc.
  await received.getByRole('button', { name: 'Open sunset.png' }).click();
  const viewer = bob.page.getByRole('dialog', { name: 'sunset.png' });
  await expect(viewer.getByTestId('viewer-image')).toBeVisible();
  await world.screenBothThemes(bob, '03b-bob-viewer');
  await viewer.getByRole('button', { name: 'Actual size' }).click();
  await expect(viewer.getByRole('button', { name: 'Fit to window' })).toHaveAttribute('aria-pressed', 'true');
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The PDF is under the 16 MB that download by themselves: it is saved without asking for it first.
  const save = card.getByRole('link', { name: 'Save minutes.pdf' });
  await expect(save).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([bob.page.waitForEvent('download'), save.click()]);
  expect(download.suggestedFilename()).toBe('minutes.pdf');
  expect((await readFile((await download.path())!)).equals(PDF)).toBe(true);
  await world.screenBothThemes(bob, '04-bob-downloaded');
});

test('a voice note recorded with the microphone plays on the other side with a seek bar and its duration', async () => {
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  await alice.context.grantPermissions(['microphone']);
  await register(alice, 'alice');
  await register(bob, 'bob');
  await startChat(alice.page, 'bob');

  await alice.page.getByRole('button', { name: 'Record a voice message' }).click();
  const recorder = alice.page.getByRole('group', { name: 'Recording a voice message' });
  await expect(recorder).toBeVisible();
  await expect(recorder.locator('.recorder-time')).toHaveText('0:02', { timeout: 10_000 });
  await world.screenshot(alice.page, '01-alice-recording');
  await recorder.getByRole('button', { name: 'Send voice message' }).click();

  const voice = alice.page.locator('.message-own [data-testid="attachment-audio"]');
  await expect(voice).toBeVisible({ timeout: 20_000 });
  await openChat(bob.page, 'dm:alice', 'alice');
  const heard = bob.page.locator('.message-other [data-testid="attachment-audio"]');
  await expect(heard).toBeVisible({ timeout: 30_000 });
  await expect(heard.locator('.audio-time')).toHaveText(/^0:0[2-4]$/);
  await heard.getByRole('button', { name: 'Play Voice message' }).click();
  await expect(heard.getByRole('button', { name: 'Pause Voice message' })).toBeVisible();
  // It plays: the position moves (the seek bar follows), against the recording's duration.
  await expect.poll(() => heard.locator('audio').evaluate((element) => {
          const audio = element as unknown as { currentTime: number; ended: boolean };
          return audio.currentTime > 0.3 || audio.ended;
        }), { timeout: 15_000 }).toBe(true);
  expect(Number(await heard.getByRole('slider').getAttribute('max'))).toBeGreaterThanOrEqual(1_900);
  await world.screenBothThemes(bob, '02-bob-voice-note');
});
