// The composer never loses a word: a person who keeps typing right after Enter, pastes and sends twice in a row,
// or fires off a burst of messages gets every message sent exactly once, in order, with the exact text, on both
// sides — also with the renderer's CPU slowed four times, where a send takes longer than a keystroke.
import { expect, test, type Page } from '@playwright/test';
import { composer, register, startChat, storedRows, type StoredMessageRow } from '../support/app';
import { throttleCpu } from '../support/cpu';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/** The bodies of one conversation's messages in an account's database, in display order. */
async function storedBodies(page: Page, username: string, conversationId: string): Promise<string[]> {
  const rows = await storedRows<StoredMessageRow>(page, username, 'messages');
  return rows
    .filter((row) => row.conversationId === conversationId && row.direction !== 'system')
    .sort((a, b) => a.seq - b.seq)
    .map((row) => row.body);
}

/** Puts text on the clipboard and pastes it with Ctrl+V, as a person does. */
async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((value) => (globalThis as unknown as { navigator: { clipboard: { writeText(text: string): Promise<void> } } }).navigator.clipboard.writeText(value), text);
  await composer(page).press('Control+V');
}

test('typing right after Enter, pasting twice and a burst of 25 all arrive exactly once, in order', async () => {
  const relay = await world.relay();
  const alice = await world.user('alice', relay.url);
  const bob = await world.user('bob', relay.url);
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await register(alice, 'alice');
  await register(bob, 'bob');
  const a = alice.page;
  await startChat(a, 'bob');
  const sent: string[] = [];

  // Slow the renderer the way a busy machine does: a send now takes longer than a keystroke.
  const restoreCpu = await throttleCpu(a, 4);
  const field = composer(a);

  // Keep typing at human speed (35 ms a key) right after Enter.
  await field.pressSequentially('quick one', { delay: 35 });
  await field.press('Enter');
  await field.pressSequentially('and the second thought', { delay: 35 });
  await expect(field).toHaveValue('and the second thought');
  await field.press('Enter');
  sent.push('quick one', 'and the second thought');
  await expect(field).toHaveValue('');

  // Paste, Enter, paste, Enter — with no pause between.
  await paste(a, 'double A');
  await field.press('Enter');
  await paste(a, 'double B');
  await field.press('Enter');
  sent.push('double A', 'double B');
  await expect(field).toHaveValue('');

  // A burst: 25 fill-then-Enter without waiting for anything in between.
  for (let i = 1; i <= 25; i++) {
    await field.fill(`burst ${i}`);
    await field.press('Enter');
    sent.push(`burst ${i}`);
  }
  await expect(field).toHaveValue('');
  await restoreCpu();

  await expect(a.locator('.message-own .message-body').last()).toHaveText('burst 25');
  await expect.poll(() => storedBodies(a, 'alice', 'dm:bob'), { timeout: 20_000 }).toEqual(sent);
  await expect.poll(() => storedBodies(bob.page, 'bob', 'dm:alice'), { timeout: 30_000 }).toEqual(sent);
  const bobRows = (await storedRows<StoredMessageRow>(bob.page, 'bob', 'messages')).filter((row) => row.conversationId === 'dm:alice');
  expect(new Set(bobRows.map((row) => row.messageId)).size).toBe(sent.length);
  await world.screenshot(a, '01-alice-after-burst');
});
