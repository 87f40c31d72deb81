// Group invite links through the browser shell and a real relay: alice (admin) makes a link in group info and sees
// it as a QR code; carol opens the parley://join link (the same endpoint a second launch of the desktop app feeds),
// sees what it claims, asks, is added by alice's device and talks in the group; a revoked link is refused for dave.
// alice makes bob an admin too and turns on the group's "approve new members" setting; on a new link dave waits — still after a restart of his app — and both
// admins see him waiting; bob lets him in on alice's link, and dave leaves alice's list.
// Screenshots of the invite card, the join dialog, the waiting request and the second admin's view of alice's link
// in the light and the dark theme.
import { expect, test, type Page } from '@playwright/test';
import { bubble, dialog, openChat, register, send, sidebar } from '../support/app';
import { openDeepLink } from '../support/deepLinks';
import { World, useWorld, type E2eUser } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** Screens in both themes (the app follows the system's colour scheme unless told otherwise). */
async function bothThemes(user: E2eUser, step: string): Promise<void> {
  await world.screen(user, `${step}-light`);
  await user.page.emulateMedia({ colorScheme: 'dark' });
  await world.screen(user, `${step}-dark`);
  await user.page.emulateMedia({ colorScheme: 'light' });
}

async function groupInfo(page: Page, name: string) {
  await page.getByRole('button', { name: 'Group info' }).click();
  return dialog(page, `Group info: ${name}`);
}

test('an invite link joins a third user; a revoked link is refused', async () => {
  // Four users, a restart and nine axe-scanned screens: far more than the default 90 s on a loaded 2-core machine.
  test.setTimeout(600_000);
  const relay = await world.relay();
  const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => world.user(name, relay.url)));
  for (const [user, name] of [
    [alice!, 'alice'],
    [bob!, 'bob'],
    [carol!, 'carol'],
    [dave!, 'dave'],
  ] as const) {
    await register(user, name);
  }
  const a = alice!.page;
  const c = carol!.page;

  await sidebar(a).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(a, 'New group');
  await newGroup.getByLabel('Group name').fill('Climbing');
  await newGroup.getByLabel('Members').fill('bob');
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(a.getByRole('heading', { level: 2, name: 'Climbing' })).toBeVisible({ timeout: 20_000 });

  // alice makes a link: seven days, any number of people, no approval.
  let info = await groupInfo(a, 'Climbing');
  await info.getByRole('button', { name: 'Create invite link' }).click();
  const card = info.getByRole('article', { name: 'Invite link' });
  await expect(card.getByRole('img', { name: 'QR code of an invite link to Climbing' })).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText('0 joined');
  const link = await card.getByRole('textbox', { name: 'Invite link' }).inputValue();
  expect(link).toMatch(/^parley:\/\/join\/[A-Za-z0-9_-]+$/);
  await card.scrollIntoViewIfNeeded();
  await bothThemes(alice!, '01-invite-link');
  await info.getByRole('button', { name: 'Done' }).click();

  // carol opens the link: the dialog says what it claims and sends nothing until she asks.
  expect(await openDeepLink(carol!, link)).toBe(202);
  const join = dialog(c, 'Join “Climbing”?');
  await expect(join).toContainText('alice invited you to the group Climbing.');
  await bothThemes(carol!, '02-join-dialog');
  await join.getByRole('button', { name: 'Ask to join' }).click();
  await expect(join.getByText('You are in this group.')).toBeVisible({ timeout: 20_000 });
  await world.screen(carol!, '03-joined');
  await join.getByRole('button', { name: 'Open the group' }).click();
  await expect(c.getByRole('heading', { level: 2, name: 'Climbing' })).toBeVisible();
  await send(c, 'Thanks for the link!');
  await expect(bubble(a, 'Thanks for the link!')).toBeVisible({ timeout: 20_000 });
  const [group] = await alice!.shell.core.client.messenger().listGroups();
  await openChat(bob!.page, `group:${group!.groupId}`, 'Climbing');
  await expect(bubble(bob!.page, 'Thanks for the link!')).toBeVisible({ timeout: 20_000 });
  await expect(bob!.page.locator('.system-row')).toContainText(['alice let carol in with an invite link']);

  // The link counts carol; a second link, revoked, lets dave in no more.
  info = await groupInfo(a, 'Climbing');
  await expect(info.getByRole('article', { name: 'Invite link' })).toContainText('1 joined');
  await info.getByRole('button', { name: 'Create invite link' }).click();
  const cards = info.getByRole('article', { name: 'Invite link' });
  await expect(cards).toHaveCount(2);
  const revoked = await cards.first().getByRole('textbox', { name: 'Invite link' }).inputValue();
  await cards.first().getByRole('button', { name: 'Revoke' }).click();
  await expect(cards).toHaveCount(1);
  await info.getByRole('button', { name: 'Done' }).click();

  await openDeepLink(dave!, revoked);
  const refused = dialog(dave!.page, 'Join “Climbing”?');
  await refused.getByRole('button', { name: 'Ask to join' }).click();
  await expect(refused.getByRole('alert')).toHaveText('This invite link was revoked. Ask an admin of the group for a new one.', { timeout: 20_000 });
  await bothThemes(dave!, '04-revoked-link');
  expect(await dave!.shell.core.client.messenger().listGroups()).toEqual([]);
  await refused.locator('.dialog-actions').getByRole('button', { name: 'Close' }).click();

  // alice makes bob an admin; an approval link: dave asks and waits, and still waits after restarting his app,
  // until bob lets him in with alice's link.
  info = await groupInfo(a, 'Climbing');
  await info.getByRole('button', { name: 'Make bob an admin' }).click();
  await expect(info.getByText('bob is now an admin.')).toBeVisible({ timeout: 20_000 });
  // The group's setting: from now on an admin approves each new member, whatever the link.
  // (The box shows the group's state: it turns checked once main has made the change.)
  const setting = info.getByRole('checkbox', { name: 'An admin approves each new member (every link)' });
  await setting.click();
  await expect(info.getByText('An admin now approves each new member.')).toBeVisible({ timeout: 20_000 });
  await expect(setting).toBeChecked();
  await info.getByRole('button', { name: 'Create invite link' }).click();
  await expect(info.getByRole('article', { name: 'Invite link' })).toHaveCount(2);
  const approval = await info.getByRole('article', { name: 'Invite link' }).first().getByRole('textbox', { name: 'Invite link' }).inputValue();
  await openDeepLink(dave!, approval);
  const asking = dialog(dave!.page, 'Join “Climbing”?');
  await asking.getByRole('button', { name: 'Ask to join' }).click();
  await expect(asking.getByRole('status')).toHaveText(/You will join as soon as an admin lets you in/, { timeout: 20_000 });
  await asking.locator('.dialog-actions').getByRole('button', { name: 'Cancel' }).click();
  const waitingText = 'Waiting for an admin to let you into “Climbing” (asked alice).';
  await expect(dave!.page.getByRole('region', { name: 'Join requests' })).toHaveText(waitingText);
  await dave!.quit();
  await dave!.launch();
  await expect(dave!.page.getByRole('region', { name: 'Join requests' })).toHaveText(waitingText, { timeout: 20_000 });
  await bothThemes(dave!, '05-waiting-after-restart');
  const waiting = info.getByRole('list', { name: 'Waiting to join' });
  await expect(waiting).toContainText('dave', { timeout: 20_000 });
  const b = bob!.page;
  await expect(b.locator('.system-row')).toContainText(['alice made you an admin'], { timeout: 20_000 });
  const bobsInfo = await groupInfo(b, 'Climbing');
  const alicesLink = bobsInfo.getByRole('article', { name: 'Invite link' }).first();
  await expect(alicesLink).toContainText('Made on alice’s device, the only one that can show this link.');
  await expect(bobsInfo.getByRole('checkbox', { name: 'An admin approves each new member (every link)' })).toBeChecked();
  const bobsWaiting = alicesLink.getByRole('list', { name: 'Waiting to join' });
  await expect(bobsWaiting).toContainText('dave asks to join', { timeout: 20_000 });
  await alicesLink.scrollIntoViewIfNeeded();
  await bothThemes(bob!, '06-second-admin-sees-the-request');
  await bobsWaiting.getByRole('button', { name: 'Let in' }).click();
  await expect(bobsInfo.getByText('dave was let in.')).toBeVisible({ timeout: 20_000 });
  await bobsInfo.getByRole('button', { name: 'Done' }).click();
  // The request leaves alice's list: bob answered it first.
  await expect(waiting).toHaveCount(0, { timeout: 20_000 });
  await expect(info.getByRole('article', { name: 'Invite link' }).first()).toContainText('1 joined');
  await info.getByRole('button', { name: 'Done' }).click();
  await expect(a.locator('.system-row')).toContainText(['bob let dave in with an invite link'], { timeout: 20_000 });
  await expect(dave!.page.getByRole('region', { name: 'Join requests' })).toHaveCount(0, { timeout: 20_000 });
  await expect.poll(async () => (await dave!.shell.core.client.messenger().listGroups()).map((g) => g.name), { timeout: 20_000 }).toEqual(['Climbing']);
});
