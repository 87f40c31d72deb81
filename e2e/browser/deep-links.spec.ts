// parley:// links through the browser shell's link endpoint — the same parser and inbox a second launch of the
// desktop app feeds: a link opens the right chat or group, `add` (and `chat` to a stranger) asks before adding,
// a link that arrives during onboarding waits for the messenger, and a malformed link shows a notice and does nothing.
import { expect, test } from '@playwright/test';
import { dialog, register, sidebar, startChat } from '../support/app';
import { openDeepLink } from '../support/deepLinks';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const chatHeading = (page: import('@playwright/test').Page, name: string) => page.getByRole('heading', { level: 2, name });

test('deep links open chats and groups, ask before adding anyone, and ignore malformed links with a notice', async () => {
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  const carol = await world.user('carol', relay.url);
  await register(alice, 'alice');
  await register(bob, 'bob');

  // A link that arrives while carol is still onboarding is held until her messenger runs.
  expect(await openDeepLink(carol, 'parley://chat/alice')).toBe(202);
  await register(carol, 'carol');
  const offer = dialog(carol.page, 'New chat');
  await expect(offer).toContainText('A link asks to start a chat with “alice”');
  await expect(offer.getByLabel('Username')).toHaveValue('alice');
  await world.screen(carol, '01-link-offers-a-chat');
  await offer.getByRole('button', { name: 'Start chat' }).click();
  await expect(chatHeading(carol.page, 'alice')).toBeVisible({ timeout: 20_000 });

  // A group of alice and bob; alice knows bob.
  const a = alice.page;
  await sidebar(a).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(a, 'New group');
  await newGroup.getByLabel('Group name').fill('Ropes');
  await newGroup.getByLabel('Members').fill('bob');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(chatHeading(a, 'Ropes')).toBeVisible({ timeout: 20_000 });
  await startChat(a, 'bob');
  const [group] = await alice.shell.core.client.messenger().listGroups();

  // group/<id> opens the group; chat/<contact> opens that chat at once.
  await openDeepLink(alice, `parley://group/${group!.groupId}`);
  await expect(chatHeading(a, 'Ropes')).toBeVisible();
  await openDeepLink(alice, 'parley://chat/bob');
  await expect(chatHeading(a, 'bob')).toBeVisible();

  // add/<stranger> asks first: nothing is looked up until alice confirms, and Cancel adds no one.
  await openDeepLink(alice, 'parley://add/Carol');
  const ask = dialog(a, 'New chat');
  await expect(ask).toContainText('A link asks to start a chat with “carol”');
  await world.screen(alice, '02-add-link-asks-first');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  expect((await alice.shell.core.client.messenger().listContacts()).map((contact) => contact.username)).toEqual(['bob']);
  await expect(chatHeading(a, 'bob')).toBeVisible();

  // Malformed links: a notice, nothing else (the open chat stays, no dialog, no contact).
  for (const link of ['parley://chat/bob" --inspect=9229', 'parley://open/https://evil.example', 'https://evil.example']) {
    await openDeepLink(alice, link);
    await expect(a.getByRole('status').getByText(/Parley ignored a link it could not read/).first()).toBeVisible();
  }
  await expect(a.getByRole('dialog')).toHaveCount(0);
  await expect(chatHeading(a, 'bob')).toBeVisible();
  await world.screen(alice, '03-malformed-link-notice');
  expect((await alice.shell.core.client.messenger().listContacts()).map((contact) => contact.username)).toEqual(['bob']);
});
