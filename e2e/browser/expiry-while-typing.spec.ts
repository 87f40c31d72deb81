// A chat emptying under a 30 s timer while its person reads back and writes, on a slow machine (the renderer's CPU
// slowed four times): the purge takes the messages off the screen and out of storage, and meanwhile the history
// still scrolls, every key typed lands in the composer, and the composer keeps the focus.
import { expect, test } from '@playwright/test';
import { bubble, composer, dialog, messageScroller, registeredUsers, send, sendMany, startChat, storedRows, type StoredMessageRow } from '../support/app';
import { throttleCpu } from '../support/cpu';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

const timed = Array.from({ length: 40 }, (_, index) => `Timed line ${index + 1}${index % 4 === 0 ? ', a longer one that wraps onto a second line in the bubble of a narrow enough window' : ''}`);

test('a chat emptying under a 30 s timer while its person scrolls back and types', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const [alice] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  const a = alice.page;
  await startChat(a, 'bob');
  await send(a, 'Before the timer');
  await a.getByRole('button', { name: 'Contact info for bob' }).click();
  await dialog(a, 'Contact info: bob').getByLabel('Disappearing messages timer').selectOption({ label: '30 seconds' });
  await dialog(a, 'Contact info: bob').getByRole('button', { name: 'Close' }).first().click();
  await sendMany(a, timed);
  await expect(bubble(a, timed[timed.length - 1]!)).toBeVisible();

  const restoreCpu = await throttleCpu(a, 4);
  // Read back: wheel turns up the history, then write.
  await messageScroller(a).hover();
  for (let turn = 0; turn < 4; turn++) await a.mouse.wheel(0, -500);
  await composer(a).click();
  const typed = ['Typing while ', 'the chat empties, ', 'every key kept.'];
  await composer(a).pressSequentially(typed[0]!, { delay: 40 });
  await world.screenBothThemes(alice, '01-scrolled-back-typing', { scan: false });

  // The first timed messages go (30 s after they were sent); typing and scrolling go on meanwhile.
  await expect(bubble(a, timed[0]!)).toHaveCount(0, { timeout: 90_000 });
  await composer(a).pressSequentially(typed[1]!, { delay: 40 });
  await messageScroller(a).hover();
  await a.mouse.wheel(0, 300);
  await composer(a).click();
  await world.screenBothThemes(alice, '02-emptying', { scan: false });
  await composer(a).pressSequentially(typed[2]!, { delay: 40 });

  await expect(a.locator('.message-body', { hasText: 'Timed line' })).toHaveCount(0, { timeout: 90_000 });
  await expect(composer(a)).toHaveValue(typed.join(''));
  await expect(composer(a)).toBeFocused();
  await expect(bubble(a, 'Before the timer')).toBeVisible();
  const stored = await storedRows<StoredMessageRow>(a, 'alice', 'messages');
  expect(stored.filter((row) => row.body.includes('Timed line'))).toEqual([]);
  await world.screenBothThemes(alice, '03-emptied-draft-kept', { scan: false });
  await restoreCpu();
});
