// A photo and a short video to a group of three through a real relay. bob keeps the default automatic downloads:
// both download in the background as the message arrives and the video plays. carol has set Settings › Media to
// "Never" for photos and videos: she sees the previews that came inside the message first (nothing downloaded), then
// downloads and opens the photo in the viewer, and plays the video, which streams while it downloads. Then alice
// records a voice note in the group (Chromium's fake microphone) and carol plays it. Screenshots in light and dark.
import { expect, test, type Locator } from '@playwright/test';
import { bubble, chatRow, dialog, openChat, registeredUsers, sidebar } from '../support/app';
import { canvasWebm, gradientPng } from '../support/media';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const CAPTION = 'From the summit';

/** The video (or audio) element in `frame` has played past its start (or to its end). */
async function expectPlaying(frame: Locator, element: 'video' | 'audio' = 'video'): Promise<void> {
  await expect
    .poll(() => frame.locator(element).evaluate((media) => {
          const player = media as unknown as { currentTime: number; ended: boolean };
          return player.currentTime > 0.3 || player.ended;
        }), { timeout: 30_000 })
    .toBe(true);
}

test('a photo, a short video and a voice note to a group: previews first, the photo in the viewer, the video and the voice note play', async () => {
  // Three users, three uploads and four downloads on a loaded machine: a budget, not a goal (every wait is on state).
  test.setTimeout(6 * 60_000);
  const relay = await world.relay();
  const [alice, bob, carol] = await registeredUsers(world, relay.url, ['alice', 'bob', 'carol']);
  const [a, b, c] = [alice.page, bob.page, carol.page];

  // carol downloads no photos or videos by herself.
  await sidebar(c).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(c, 'Settings');
  const automatic = settings.getByRole('group', { name: 'Download received files automatically' });
  for (const kind of ['Photos', 'Videos']) {
    await automatic.getByRole('combobox', { name: kind }).selectOption({ label: 'Never' });
    await expect(automatic.getByRole('combobox', { name: kind })).toHaveValue('0');
  }
  await settings.getByRole('button', { name: 'Show transfers' }).scrollIntoViewIfNeeded();
  await world.screenBothThemes(carol, '01-carol-media-settings');
  await settings.getByRole('button', { name: 'Done' }).click();

  await sidebar(a).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(a, 'New group');
  await newGroup.getByLabel('Group name').fill('Summit');
  await newGroup.getByLabel('Members').fill('bob, carol');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup).toBeHidden({ timeout: 20_000 });
  const groupId = (await a.locator('[data-conversation^="group:"]').getAttribute('data-conversation'))!;
  for (const page of [b, c]) await expect(chatRow(page, groupId)).toContainText('Summit', { timeout: 30_000 });

  const video = await canvasWebm(a);
  await a.getByTestId('attach-input').setInputFiles([
    { name: 'summit.png', mimeType: 'image/png', buffer: gradientPng() },
    { name: 'clip.webm', mimeType: 'video/webm', buffer: video },
  ]);
  const tray = a.getByTestId('attachment-tray');
  await expect(tray.locator('.tray-ready')).toHaveCount(2, { timeout: 20_000 });
  await a.getByTestId('composer-input').fill(CAPTION);
  await a.getByTestId('composer-input').press('Enter');
  const sent = bubble(a, CAPTION);
  await expect(sent.getByTestId('transfer')).toHaveCount(0, { timeout: 60_000 });
  await expect(sent.locator('.status')).toHaveAttribute('data-status', /sent|delivered|read/, { timeout: 30_000 });

  // carol: the previews that came with the message, and nothing downloaded until she asks.
  await openChat(c, groupId, 'Summit');
  const atCarol = bubble(c, CAPTION);
  const photo = atCarol.getByTestId('attachment-image');
  const clip = atCarol.getByTestId('attachment-video');
  await expect(photo.locator('img.attachment-preview')).toBeVisible({ timeout: 30_000 });
  await expect(clip.locator('img.attachment-preview')).toBeVisible();
  await expect(photo.getByRole('button', { name: 'Download summit.png' })).toBeVisible();
  await expect(atCarol.locator('img.attachment-full')).toHaveCount(0);
  await expect(atCarol.locator('video')).toHaveCount(0);
  await world.screenBothThemes(carol, '02-carol-previews-first');

  await photo.getByRole('button', { name: 'Download summit.png' }).click();
  await expect(photo.locator('img.attachment-full-loaded')).toBeVisible({ timeout: 30_000 });
  await photo.getByRole('button', { name: 'Open summit.png' }).click();
  const viewer = c.getByRole('dialog', { name: 'summit.png' });
  await expect(viewer.getByTestId('viewer-image')).toBeVisible();
  await world.screenBothThemes(carol, '03-carol-viewer');
  await c.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  await clip.getByRole('button', { name: 'Play clip.webm' }).click();
  await expectPlaying(clip);
  await world.screenBothThemes(carol, '04-carol-video-played');

  // bob: both downloaded by themselves as the message arrived (under the defaults), before he opened the chat; the
  // video plays.
  await openChat(b, groupId, 'Summit');
  const atBob = bubble(b, CAPTION);
  await expect(atBob.locator('img.attachment-full-loaded')).toBeVisible({ timeout: 30_000 });
  const bobsClip = atBob.getByTestId('attachment-video');
  await expect(bobsClip.locator('video')).toBeVisible({ timeout: 30_000 });
  // Muted, so Chromium lets a script start it without a click.
  await bobsClip.locator('video').evaluate((element) => {
    const player = element as unknown as { muted: boolean; play(): Promise<void> };
    player.muted = true;
    return player.play();
  });
  await expectPlaying(bobsClip);
  await world.screenBothThemes(bob, '05-bob-downloaded-by-themselves');

  // A voice note to the group; carol's audio downloads by itself (default limit) and she plays it.
  await alice.context.grantPermissions(['microphone']);
  await a.getByRole('button', { name: 'Record a voice message' }).click();
  const recorder = a.getByRole('group', { name: 'Recording a voice message' });
  await expect(recorder.locator('.recorder-time')).toHaveText('0:01', { timeout: 10_000 });
  await recorder.getByRole('button', { name: 'Send voice message' }).click();
  const heard = c.locator('.message-other [data-testid="attachment-audio"]');
  await expect(heard).toBeVisible({ timeout: 30_000 });
  await heard.getByRole('button', { name: 'Play Voice message' }).click();
  await expect(heard.getByRole('button', { name: 'Pause Voice message' })).toBeVisible({ timeout: 30_000 });
  await expectPlaying(heard, 'audio');
  await world.screenshot(c, '06-carol-voice-note-played');
});
