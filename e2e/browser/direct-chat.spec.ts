// Two people register, find each other by username and chat both ways through a real relay: every own message's
// tick goes queued → sent → delivered → read as the other side receives, then reads; both see the same safety
// number. Screens on the way get an axe scan.
import { expect, test } from '@playwright/test';
import { bubble, chatRow, dialog, expectStatus, openChat, recordTicks, recordedTicks, register, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('two users add each other, chat both ways with ticks, and see the same safety number', async () => {
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  await world.screen(alice, '01-onboarding');
  await register(alice, 'alice');
  await register(bob, 'bob');
  await world.screenshot(alice.page, '02-empty-chat-list');

  // alice finds bob by username.
  await sidebar(alice.page).getByRole('button', { name: 'New chat' }).click();
  await dialog(alice.page, 'New chat').getByLabel('Username').fill('bob');
  await world.screen(alice, '03-new-chat-dialog');
  await dialog(alice.page, 'New chat').getByRole('button', { name: 'Start chat' }).click();
  await expect(alice.page.getByRole('heading', { level: 2, name: 'bob' })).toBeVisible();
  await expect(chatRow(alice.page, 'dm:bob')).toBeVisible();

  // bob has no chat open: the message reaches him (delivered) but is not read yet.
  await recordTicks(alice.page);
  await send(alice.page, 'Hi bob, it is alice');
  await expectStatus(alice.page, 'Hi bob, it is alice', 'delivered');
  await expect(chatRow(bob.page, 'dm:alice').getByLabel('1 unread')).toBeVisible();
  await expect(chatRow(bob.page, 'dm:alice')).toContainText('Hi bob, it is alice');
  await world.screenshot(alice.page, '04-alice-delivered');
  await world.screen(bob, '05-bob-chat-list-unread');

  // bob opens it: read, and alice's tick says so.
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, 'Hi bob, it is alice')).toBeVisible();
  await expectStatus(alice.page, 'Hi bob, it is alice', 'read');
  // A first message to a new contact starts the session (prekeys fetched from the relay), so "queued" is on
  // screen long enough to be seen every time.
  expect(await recordedTicks(alice.page, 'Hi bob, it is alice')).toEqual(['queued', 'sent', 'delivered', 'read']);
  await expect(chatRow(bob.page, 'dm:alice').getByLabel(/unread/)).toHaveCount(0);

  // bob adds alice by username too (she is already his contact through her first message) and answers.
  await startChat(bob.page, 'alice');
  await recordTicks(bob.page);
  await send(bob.page, 'Hello alice! Got it.');
  await send(bob.page, 'Second line\nwith a break');
  // alice has the chat open and in view: she reads them as they arrive.
  await expect(bubble(alice.page, 'Hello alice! Got it.')).toBeVisible();
  await expect(alice.page.locator('.message-other .message-body').last()).toHaveText('Second line\nwith a break');
  await expectStatus(bob.page, 'Hello alice! Got it.', 'read');
  // Later sends can be quick enough that a state lasts less than a frame (the relay's ack and alice's receipt can
  // land together, so "sent" may never be painted); the ticks still start before read and only move forward.
  const bobTicks = await recordedTicks(bob.page, 'Hello alice! Got it.');
  expect(bobTicks.length).toBeGreaterThan(1);
  expect(bobTicks.at(-1)).toBe('read');
  expect(isForward(bobTicks), `ticks only move forward: ${bobTicks.join(' → ')}`).toBe(true);
  await world.screen(alice, '06-alice-conversation');
  await world.screenshot(bob.page, '07-bob-conversation');

  // Order on both sides: every message once, as sent.
  const conversation = ['Hi bob, it is alice', 'Hello alice! Got it.', 'Second line\nwith a break'];
  await expect(alice.page.locator('.message .message-body')).toHaveText(conversation);
  await expect(bob.page.locator('.message .message-body')).toHaveText(conversation);

  // Contact info: the same 60-digit safety number on both sides.
  await alice.page.getByRole('button', { name: 'Contact info for bob' }).click();
  const aliceNumber = dialog(alice.page, 'Contact info: bob').getByRole('group', { name: /^Safety number: / });
  await expect(aliceNumber).toBeVisible();
  await world.screen(alice, '08-alice-contact-info');
  await bob.page.getByRole('button', { name: 'Contact info for alice' }).click();
  const bobNumber = dialog(bob.page, 'Contact info: alice').getByRole('group', { name: /^Safety number: / });
  await expect(bobNumber).toBeVisible();
  await world.screenshot(bob.page, '09-bob-contact-info');
  const digits = async (label: string | null) => (label ?? '').replace(/^Safety number: /, '').replace(/\s+/g, '');
  const aliceDigits = await digits(await aliceNumber.getAttribute('aria-label'));
  const bobDigits = await digits(await bobNumber.getAttribute('aria-label'));
  expect(aliceDigits).toMatch(/^\d{60}$/);
  expect(bobDigits).toBe(aliceDigits);

  // Marking verified shows in the header.
  await dialog(alice.page, 'Contact info: bob').getByRole('button', { name: 'Mark as verified' }).click();
  await expect(dialog(alice.page, 'Contact info: bob').getByText('Verified', { exact: true })).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(dialog(alice.page, 'Contact info: bob')).toBeHidden();
  await expect(alice.page.locator('.chat-subtitle')).toHaveText(/Verified/);
});

const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };
function isForward(statuses: string[]): boolean {
  return statuses.every((status, index) => index === 0 || (RANK[status] ?? -1) > (RANK[statuses[index - 1]!] ?? -1));
}
