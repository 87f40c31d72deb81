// New-message notifications through the browser shell's Notification API (the same web API Electron routes to the
// OS): a message for a chat that is not on screen notifies with the sender and text; the preview setting changes
// what it shows; clicking it opens the chat; a muted chat stays silent; right-to-left text arrives intact with
// dir "auto"; the window title carries the unread count.
import { expect, test, type Page } from '@playwright/test';
import { chatRow, dialog, openChat, register, registeredUsers, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

interface Shown {
  title: string;
  body?: string;
  dir?: string;
  tag?: string;
}

/** Records every notification the page makes (and still makes the real one), so the test can read and click them. */
async function recordNotifications(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as Record<string, unknown> & { Notification: { new (title: string, options?: object): { onclick: unknown; close(): void }; permission: string } };
    const Real = g.Notification;
    const shown: (Shown & { handle: { onclick: (() => void) | null } })[] = [];
    g.__shown = shown;
    function Recording(title: string, options: { body?: string; dir?: string; tag?: string } = {}) {
      let real: { onclick: unknown; close(): void } | null = null;
      try {
        real = new Real(title, options);
      } catch {
        real = null;
      }
      const handle = {
        onclick: null as (() => void) | null,
        close: () => real?.close(),
      };
      shown.push({ title, body: options.body, dir: options.dir, tag: options.tag, handle });
      return handle;
    }
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    g.Notification = Recording as unknown as typeof Real;
  });
}

const shownOn = (page: Page) =>
  page.evaluate(() => ((globalThis as unknown as { __shown: Shown[] }).__shown ?? []).map(({ title, body, dir, tag }) => ({ title, body, dir, tag })));

async function setPreview(page: Page, label: string, screenshot?: () => Promise<void>): Promise<void> {
  await sidebar(page).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(page, 'Settings');
  await settings.getByRole('radio', { name: label }).click();
  await expect(settings.getByRole('radio', { name: label })).toBeChecked();
  await screenshot?.();
  await settings.getByRole('button', { name: 'Done' }).click();
}

test('notifications show what the setting allows, open the chat, and stay silent for a muted chat', async () => {
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await register(await world.user('carol', relay.url), 'carol');
  const a = alice.page;
  await alice.context.grantPermissions(['notifications'], { origin: new URL(alice.shell.url).origin });
  await startChat(a, 'bob');
  await startChat(a, 'carol');
  await recordNotifications(a);

  // bob writes while alice has carol's chat open: a notification with his name and text.
  await startChat(bob.page, 'alice');
  await send(bob.page, 'Are we still on for tonight?');
  await expect.poll(() => shownOn(a), { timeout: 20_000 }).toEqual([{ title: '\u2068bob\u2069', body: 'Are we still on for tonight?', dir: 'auto', tag: 'dm:bob' }]);
  await expect(a).toHaveTitle('(1) Parley');

  // Clicking it opens bob's chat.
  await a.evaluate(() => (globalThis as unknown as { __shown: { handle: { onclick: () => void } }[] }).__shown[0]!.handle.onclick());
  await expect(a.getByRole('heading', { level: 2, name: 'bob' })).toBeVisible();
  await expect(a).toHaveTitle('Parley');

  // "Name only": the text stays out of the notification.
  await openChat(a, 'dm:carol', 'carol');
  await setPreview(a, 'Name only', () => world.screen(alice, '01-settings-notifications'));
  await send(bob.page, 'The code is 4711');
  await expect.poll(async () => (await shownOn(a)).length, { timeout: 20_000 }).toBe(2);
  expect((await shownOn(a))[1]).toEqual({ title: '\u2068bob\u2069', body: 'New message', dir: 'auto', tag: 'dm:bob' });

  // "Nothing": neither name nor text.
  await setPreview(a, 'Nothing (just “New message”)');
  await send(bob.page, 'Still there?');
  await expect.poll(async () => (await shownOn(a)).length, { timeout: 20_000 }).toBe(3);
  expect((await shownOn(a))[2]).toEqual({ title: 'Parley', body: 'New message', dir: 'auto', tag: 'dm:bob' });
  expect(JSON.stringify(await shownOn(a))).not.toContain('4711');

  // Mute bob's chat for an hour: his next message arrives, silently.
  await setPreview(a, 'Name and message');
  await openChat(a, 'dm:bob', 'bob');
  await a.getByRole('button', { name: 'Contact info for bob' }).click();
  const info = dialog(a, /Contact info/);
  await info.getByRole('button', { name: 'Mute for 1 hour' }).click();
  await expect(info.getByText(/^Muted until /)).toBeVisible();
  await world.screen(alice, '02-chat-muted');
  await info.getByRole('button', { name: 'Done' }).click();
  await openChat(a, 'dm:carol', 'carol');
  await send(bob.page, 'This one is muted');
  await expect(chatRow(a, 'dm:bob')).toContainText('This one is muted', { timeout: 20_000 });
  expect(await shownOn(a)).toHaveLength(3);
  await expect(a).toHaveTitle('Parley');

  // Unmuted, right-to-left text arrives as written, for the system to lay out.
  await openChat(a, 'dm:bob', 'bob');
  await a.getByRole('button', { name: 'Contact info for bob' }).click();
  await dialog(a, /Contact info/).getByRole('button', { name: 'Unmute' }).click();
  await dialog(a, /Contact info/).getByRole('button', { name: 'Done' }).click();
  await openChat(a, 'dm:carol', 'carol');
  await send(bob.page, 'שלום! נתראה בערב?');
  await expect.poll(async () => (await shownOn(a)).length, { timeout: 20_000 }).toBe(4);
  expect((await shownOn(a))[3]).toEqual({ title: '\u2068bob\u2069', body: 'שלום! נתראה בערב?', dir: 'auto', tag: 'dm:bob' });
});
