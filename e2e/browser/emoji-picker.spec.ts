// The emoji picker between two people through a real relay, driven as a person would: alice opens the composer's
// picker, finds an emoji by a keyword and puts it in her text with Enter; bob reacts to it with
// an emoji that is not in the quick row, from "More reactions…", and alice sees his reaction. The next time alice
// opens the picker, what she used is first. Screens in both themes, with axe scans of both pickers.
import { expect, test } from '@playwright/test';
import { bubble, composer, openChat, registeredUsers, send, startChat } from '../support/app';
import { useWorld, type World } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('emoji from the composer’s picker and a reaction from the full picker', async () => {
  test.setTimeout(480_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  // The colour emoji font is loaded once the app is idle, before any emoji is on screen, so the first one to arrive
  // is drawn at once, not as an empty box until the font has loaded.
  await expect.poll(() => bob.page.evaluate<string>(`[...document.fonts].find((face) => face.family === '"Parley Emoji"' || face.family === 'Parley Emoji')?.status ?? 'missing'`), { timeout: 30_000 }).toBe('loaded');
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Ready for the trip?');
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, 'Ready for the trip?')).toBeVisible();

  // alice: "Packed " then an emoji found by a keyword ("suitcase" finds 🧳 luggage).
  await composer(alice.page).fill('Packed ');
  await alice.page.getByRole('button', { name: 'Insert emoji' }).click();
  const picker = alice.page.getByRole('dialog', { name: 'Insert emoji' });
  const search = picker.getByRole('combobox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await expect(picker.getByRole('group', { name: 'Smileys & emotion' })).toBeVisible();
  await world.screenBothThemes(alice, '01-alice-composer-picker');
  await search.fill('suitcase');
  await expect(picker.getByRole('option', { name: 'luggage' })).toHaveAttribute('aria-selected', 'true');
  await world.screenBothThemes(alice, '02-alice-picker-search', { scan: false });
  await search.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(composer(alice.page)).toBeFocused();
  await expect(composer(alice.page)).toHaveValue('Packed 🧳');
  await composer(alice.page).press('Enter');
  const packed = bubble(bob.page, 'Packed 🧳');
  await expect(packed).toBeVisible();

  // bob reacts with 🤩 from the full picker: menu → More reactions… → search → click.
  await packed.locator('.bubble').click({ button: 'right' });
  await bob.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'More reactions…' }).click();
  const reactions = bob.page.getByRole('dialog', { name: 'React with an emoji' });
  await expect(reactions.getByRole('group', { name: 'Smileys & emotion' })).toBeVisible();
  await reactions.getByRole('combobox', { name: 'Search emoji' }).fill('star');
  await expect(reactions.getByRole('option', { name: 'star-struck' })).toBeVisible();
  await world.screenBothThemes(bob, '03-bob-reaction-picker');
  await reactions.getByRole('option', { name: 'star-struck' }).click();
  await expect(reactions).toHaveCount(0);
  await expect(bubble(alice.page, 'Packed 🧳').getByRole('button', { name: '🤩 1: bob' })).toBeVisible();
  await world.screenBothThemes(alice, '04-alice-sees-reaction', { scan: false });

  // What alice used comes first the next time.
  await alice.page.getByRole('button', { name: 'Insert emoji' }).click();
  const recent = alice.page.getByRole('dialog', { name: 'Insert emoji' }).getByRole('group', { name: 'Recently used' });
  await expect(recent.getByRole('option')).toHaveText(['🧳']);
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.getByRole('dialog', { name: 'Insert emoji' })).toHaveCount(0);
});
