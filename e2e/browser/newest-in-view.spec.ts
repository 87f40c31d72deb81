// The newest message is never hidden: with the renderer's CPU slowed (a busy machine), a message sent just as the
// connection banner appears stays in view with its "queued" clock, and so does a burst that arrives while the
// chat is open at the bottom. In view means inside the message list's visible area, not merely rendered.
import { expect, test, type Page } from '@playwright/test';
import { bubble, messageScroller, registeredUsers, send, sendMany, startChat, storedRows, tick, type StoredMessageRow } from '../support/app';
import { throttleCpu } from '../support/cpu';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** How many pixels of a bubble are hidden below the message list's visible area (0 or less: none). */
async function hiddenBelow(page: Page, body: string): Promise<number> {
  const list = await messageScroller(page).boundingBox();
  const message = await bubble(page, body).boundingBox();
  if (!list || !message) return Number.POSITIVE_INFINITY;
  return message.y + message.height - (list.y + list.height);
}

/** Waits until the newest message is entirely in view (a pixel of rounding allowed), on state, not time. */
async function expectNewestInView(page: Page, body: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => hiddenBelow(page, body), { timeout }).toBeLessThanOrEqual(1);
}

const history = Array.from({ length: 30 }, (_, index) => `Earlier message ${index + 1}`);

test('a message sent as the connection banner appears stays in view with its queued clock', async () => {
  test.setTimeout(240_000);
  const relay = await world.relay();
  const [alice] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  await startChat(a, 'bob');
  await sendMany(a, history);
  await expectNewestInView(a, 'Earlier message 30');

  const restoreCpu = await throttleCpu(a, 4);
  await relay.stop();
  await send(a, 'Sent as the banner appears');
  await expect(a.getByRole('status').filter({ hasText: /Reconnecting|Connecting|offline/i })).toBeVisible({ timeout: 15_000 });
  await expect(tick(a, 'Sent as the banner appears')).toHaveAttribute('data-status', 'queued');
  await expectNewestInView(a, 'Sent as the banner appears');
  await expect(tick(a, 'Sent as the banner appears')).toBeInViewport({ ratio: 1 });
  await world.screenshot(a, '01-queued-under-banner');

  // The banner goes away once the relay is back; the message is still in view.
  await relay.restart();
  await expect(a.getByRole('status').filter({ hasText: /Reconnecting|Connecting|offline/i })).toBeHidden({ timeout: 90_000 });
  await expectNewestInView(a, 'Sent as the banner appears');
  await restoreCpu();
});

test('a burst arriving in an open chat on a slow machine ends with the newest message in view', async () => {
  test.setTimeout(240_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Hello bob');
  await startChat(bob.page, 'alice');
  await expect(bubble(bob.page, 'Hello bob')).toBeVisible({ timeout: 20_000 });

  const restoreCpu = await throttleCpu(bob.page, 6);
  const burst = Array.from({ length: 40 }, (_, index) => `Burst line ${index + 1}${index % 5 === 0 ? ' — a longer one that wraps onto a second line in the bubble when the window is narrow enough' : ''}`);
  await sendMany(alice.page, burst);
  // All of it stored on bob's side (however slow the machine), then the newest must be the one in view.
  await expect
    .poll(async () => (await storedRows<StoredMessageRow>(bob.page, 'bob', 'messages')).filter((row) => row.conversationId === 'dm:alice').length, { timeout: 120_000 })
    .toBe(burst.length + 1);
  await expectNewestInView(bob.page, burst[burst.length - 1]!);
  await world.screenshot(bob.page, '02-burst-newest-in-view');
  await restoreCpu();
});
