// A user who was away (page closed, core stopped) while 500 messages were sent to them catches up when they come
// back: all 500 stored and shown once, in order, the unread count right and the chat list current; every
// transaction that stored them was committed to disk before main was told (strict durability).
import { expect, test } from '@playwright/test';
import {
  chatRow,
  expectStatus,
  messageWriteDurabilities,
  openChat,
  recordMessageWriteDurability,
  register,
  scrollThroughHistory,
  send,
  sendMany,
  startChat,
  storedRows,
  type StoredMessageRow,
} from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const COUNT = 500;
const bodies = Array.from({ length: COUNT }, (_, i) => `Catch-up message ${String(i + 1).padStart(3, '0')}`);

test('a user back after a while catches up on 500 messages: once each, in order, unread count and chat list right', async () => {
  test.setTimeout(600_000);
  // alice types 500 messages in a couple of seconds, which the relay's default rate limit (100/s) would slow.
  const relay = await world.relay({ rateLimitPerSecond: 2_000, rateLimitBurst: 5_000 });
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  await register(alice, 'alice');
  await register(bob, 'bob');
  const a = alice.page;
  await startChat(a, 'bob');
  await send(a, 'Are you there?');
  await openChat(bob.page, 'dm:alice', 'alice');
  await expectStatus(a, 'Are you there?', 'read');

  // bob quits: his page closes and his core stops. alice keeps writing.
  await bob.quit();
  const started = Date.now();
  await sendMany(a, bodies);
  // One conversation sends strictly in order, so the last one sent means all were; reading the stored rows
  // meanwhile would decrypt 500 rows per poll on the page that is sending.
  await expectStatus(a, bodies[COUNT - 1]!, 'sent', 300_000);
  expect((await storedRows<StoredMessageRow>(a, 'alice', 'messages')).filter((row) => row.status === 'sent').length).toBe(COUNT);
  const sentIn = Date.now() - started;
  await world.screenshot(a, '01-alice-sent-500');

  // bob comes back to the chat he left open: it reopens at the unread divider with the relay's 500 below it.
  await recordMessageWriteDurability(bob);
  const back = Date.now();
  await bob.launch();
  const b = bob.page;
  const row = chatRow(b, 'dm:alice');
  await expect(row).toContainText(bodies[COUNT - 1]!, { timeout: 60_000 });
  await expect(b.getByTestId('unread-divider')).toHaveText(`${COUNT} unread messages`);
  const caughtUpIn = Date.now() - back;
  console.info(`catch-up: alice sent ${COUNT} in ${sentIn} ms; bob caught up in ${caughtUpIn} ms`);
  await expect(b.locator('[data-conversation]').first()).toHaveAttribute('data-conversation', 'dm:alice');
  await expect(b.locator('.message .message-body').first()).toHaveText('Are you there?');
  // Only what has been on screen counts as read: a screenful below the divider, not the 500.
  const unread = async () => Number((await row.locator('.badge').getAttribute('aria-label'))?.replace(' unread', ''));
  await expect.poll(unread).toBeLessThan(COUNT);
  expect(await unread()).toBeGreaterThan(COUNT - 40);
  await world.screen(bob, '02-bob-back-at-divider');

  const stored = (await storedRows<StoredMessageRow>(b, 'bob', 'messages')).filter((r) => r.conversationId === 'dm:alice').sort((x, y) => x.seq - y.seq);
  expect(stored.map((r) => r.body)).toEqual(['Are you there?', ...bodies]);
  expect(new Set(stored.map((r) => r.messageId)).size).toBe(stored.length);
  const durabilities = await messageWriteDurabilities(b);
  expect(durabilities.length).toBeGreaterThan(0);
  expect(new Set(durabilities)).toEqual(new Set(['strict']));

  // Scrolling down shows every message once, in order.
  const shown = await scrollThroughHistory(b);
  expect(shown.doubled).toBe(0);
  expect(shown.bodies).toEqual(['Are you there?', ...bodies]);
  await world.screenshot(b, '04-bob-scrolled-to-newest');
  await expect(row.getByLabel(/unread/)).toHaveCount(0);

  // alice's ticks follow: every one delivered, and read as far as bob scrolled (all of them).
  await expect
    .poll(async () => (await storedRows<StoredMessageRow>(a, 'alice', 'messages')).filter((r) => r.status === 'read').length, { timeout: 30_000 })
    .toBe(COUNT + 1);
  await world.screenshot(a, '05-alice-all-read');
});
