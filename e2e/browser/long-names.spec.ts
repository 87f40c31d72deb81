// Long names, as people pick them: a 30-character username, a right-to-left display name near the 64-character
// limit, and a group named in 100 characters, seen by both people at three window widths. Nothing may grow or spill
// because of a name: the empty composer stays one line (its placeholder says "Message <chat name>"), the composer's
// hint one line, the header's buttons inside the window, the signed-in name cut off with an ellipsis, a sender's name
// inside its bubble; and in the group's info at 360 px, a short member name whole beside its actions and the invite
// link's choices inside the window. Screens in both themes, with an axe scan of the narrowest.
import { expect, test, type Page } from '@playwright/test';
import { bubble, chatRow, composer, createGroup, dialog, openChat, registeredUsers, send, sidebar, startChat } from '../support/app';
import { CUT_OFF, ELLIPSIZED, FONT_SIZE, LINE_HEIGHT, expectInsideWindow } from '../support/layout';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const LONG_USERNAME = 'alice_with_a_very_long_name_xx';
const RTL_NAME = 'عبد الرحمن بن محمد الطويل من مدينة الإسكندرية القديمة';
const GROUP_NAME = 'The extraordinarily long-named weekly gathering of people who like trains, tickets and old stations';

/** What a name must not do to the chat on screen, at the window's current size. */
async function expectNamesContained(page: Page): Promise<void> {
  const input = composer(page);
  await expect(input).toHaveValue('');
  expect((await input.boundingBox())!.height, 'the empty composer is one line').toBeLessThan((await input.evaluate(LINE_HEIGHT)) * 2);
  const hint = page.locator('.composer-hint');
  expect((await hint.boundingBox())!.height, 'the hint is one line').toBeLessThan((await hint.evaluate(FONT_SIZE)) * 2);
  await expectInsideWindow(page, page.getByRole('button', { name: 'Search this chat' }));
}

test('long and right-to-left names leave every screen whole, from a wide window to a narrow one', async () => {
  test.setTimeout(240_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, [LONG_USERNAME, 'bob']);
  const a = alice.page;
  const b = bob.page;

  await startChat(a, 'bob');
  await sidebar(a).getByRole('button', { name: 'Settings' }).click();
  const settings = dialog(a, 'Settings');
  await settings.getByRole('textbox', { name: 'Name' }).fill(RTL_NAME);
  await settings.getByRole('button', { name: 'Save profile' }).click();
  await expect(settings.getByRole('status')).toContainText('Profile saved');
  await settings.getByRole('button', { name: 'Done' }).click();
  await send(a, 'hi bob');

  const groupId = await createGroup(a, GROUP_NAME, ['bob']);
  await send(a, 'first in the group');
  await expect(chatRow(b, groupId)).toContainText('The extraordinarily', { timeout: 20_000 });
  await openChat(b, groupId, GROUP_NAME);
  await expect(bubble(b, 'first in the group')).toBeVisible();

  for (const width of [1200, 700, 360]) {
    await a.setViewportSize({ width, height: 700 });
    await b.setViewportSize({ width, height: 700 });
    await expectNamesContained(a);
    await expectNamesContained(b);
    // The sender's name (right to left, in a group) stays inside the bubble and the window.
    const sender = bubble(b, 'first in the group').locator('.message-sender');
    await expect(sender).toContainText(RTL_NAME);
    await expectInsideWindow(b, sender);
    if (width === 700) expect(await sidebar(a).locator('.app-user-name').evaluate(ELLIPSIZED), 'the signed-in name ends in an ellipsis').toBe(true);
    await world.screenBothThemes(alice, `01-alice-group-${width}`, { scan: width === 360 });
    await world.screenBothThemes(bob, `02-bob-group-${width}`, { scan: false });
  }

  // The group's info in the narrow window: a short member name beside its actions is not cut to "b…", and the
  // invite link's two choices stay inside the window.
  await a.getByRole('button', { name: 'Group info' }).click();
  const info = dialog(a, `Group info: ${GROUP_NAME}`);
  const bobRow = info.getByRole('listitem').filter({ hasText: 'bob' });
  await expect(bobRow.getByRole('button', { name: 'Remove bob' })).toBeVisible();
  expect(await bobRow.locator('.member-name').evaluate(CUT_OFF), 'bob is shown whole').toBe(false);
  await world.screenBothThemes(alice, '03-alice-group-info-360', { scan: false });
  const uses = info.getByRole('combobox', { name: 'Lets in' });
  await uses.scrollIntoViewIfNeeded();
  await expectInsideWindow(a, uses);
  await world.screenBothThemes(alice, '04-alice-group-invite-terms-360', { scan: false });
});
