// Full-text search through the browser shell: a word alice sent 1,000 messages ago is found from the sidebar
// (by a prefix, in another case, without its accent), the result names chat, sender and date with the word
// highlighted, and opening it jumps into the chat's history at that message; search within the chat steps
// between matches. Screenshots of each screen in both themes; axe on each screen.
import { expect, test, type Page } from '@playwright/test';
import { bubble, composer, registeredUsers, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

/**
 * Sends `count` messages through the composer, fast: in the page, each one is typed (insertText, as a keyboard
 * would) and sent with Enter, and every 20th waits until it shows in the list.
 */
async function sendMany(page: Page, count: number, text: (n: number) => string): Promise<void> {
  const bodies = Array.from({ length: count }, (_, n) => text(n));
  await page.evaluate(`(async (bodies) => {
    const input = document.querySelector('[data-testid="composer-input"]');
    const newest = () => [...document.querySelectorAll('.message .message-body')].at(-1)?.textContent;
    for (const [index, body] of bodies.entries()) {
      input.focus();
      document.execCommand('insertText', false, body);
      if (input.value !== body) throw new Error('the composer did not take the text');
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      while (input.value !== '') await new Promise((resolve) => setTimeout(resolve, 1));
      // Every 20th message waits until it is stored and shown, as a person typing fast would.
      if (index % 20 === 19 || index === bodies.length - 1) {
        while (newest() !== body) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  })(${JSON.stringify(bodies)})`);
}

test('a word sent 1,000 messages ago is found from the sidebar and in the chat, and opening it jumps there', async () => {
  test.setTimeout(300_000);
  const relay = await world.relay();
  const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);
  await startChat(alice.page, 'bob');
  // bob's deliveries wait at the relay: only alice's history matters here.
  await bob.quit();
  await send(alice.page, 'Meet me at the Crème Brûlée stand by the zoetrope');
  await sendMany(alice.page, 1_000, (n) => `Filler message number ${n}`);
  await expect(bubble(alice.page, 'Filler message number 999')).toBeVisible({ timeout: 120_000 });
  await expect(bubble(alice.page, 'Meet me at the Crème Brûlée stand by the zoetrope')).toHaveCount(0);

  // From the sidebar: a prefix, another case, no accents.
  await sidebar(alice.page).getByRole('searchbox', { name: /search chats/i }).fill('BRULE zoe');
  const results = alice.page.getByRole('region', { name: 'Messages found' });
  const hit = results.getByRole('button', { name: /Brûlée/ });
  await expect(hit).toBeVisible({ timeout: 30_000 });
  await expect(hit).toContainText('bob');
  await expect(hit).toContainText('You:');
  await expect(hit.locator('mark')).toHaveText(['Brûlée', 'zoetrope']);
  await world.screen(alice, '01-sidebar-results-light');
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await world.screen(alice, '02-sidebar-results-dark');
  await alice.page.emulateMedia({ colorScheme: 'light' });

  await hit.click();
  const target = bubble(alice.page, 'Meet me at the Crème Brûlée stand by the zoetrope');
  await expect(target).toBeInViewport({ timeout: 15_000 });
  await expect(alice.page.locator('.virtual-row[data-focused]')).toContainText('zoetrope');
  await world.screenBothThemes(alice, '03-jumped-to-message');

  // Within the chat: two matches for "number 99" (99 and 990–999 share the prefix "99"), stepping between them.
  await sidebar(alice.page).getByRole('searchbox', { name: /search chats/i }).fill('');
  await alice.page.getByRole('button', { name: 'Search this chat' }).click();
  const inChat = alice.page.getByRole('searchbox', { name: 'Search this chat' });
  await inChat.fill('filler 99');
  const count = alice.page.locator('.chat-search-count');
  await expect(count).toHaveText('1 of 11');
  await expect(alice.page.locator('.virtual-row[data-focused]')).toContainText('Filler message number 999');
  await inChat.press('Enter');
  await expect(count).toHaveText('2 of 11');
  await expect(alice.page.locator('.virtual-row[data-focused]')).toContainText('Filler message number 998');
  for (let step = 0; step < 9; step += 1) await alice.page.getByRole('button', { name: 'Previous match (older)' }).click();
  await expect(count).toHaveText('11 of 11');
  await expect(alice.page.locator('.virtual-row[data-focused]')).toContainText('Filler message number 99');
  await expect(bubble(alice.page, 'Filler message number 99')).toBeInViewport();
  await world.screenBothThemes(alice, '04-in-chat-search');
  await alice.page.getByRole('button', { name: 'Next match (newer)' }).click();
  await expect(count).toHaveText('10 of 11');
  await inChat.press('Escape');
  await expect(inChat).toBeHidden();
  await expect(composer(alice.page)).toBeVisible();
});
