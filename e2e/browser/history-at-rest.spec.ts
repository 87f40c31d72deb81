// History encrypted at rest (docs/security.md §10.2): after a conversation, a copy of the user's whole profile
// folder (the browser's profile with its IndexedDB, and the core's data folder) holds none of what was said —
// not a sent phrase, not a received one, not an unsent draft, not a search. A control phrase written to IndexedDB in plain text
// by the same page is found by the same scan, so the scan can see IndexedDB's files.
import { expect, test } from '@playwright/test';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bubble, composer, openChat, register, send, sidebar, startChat } from '../support/app';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every file of the folder that holds the phrase, in UTF-8 or UTF-16 (V8 keeps strings in either form). */
async function filesHolding(dir: string, phrases: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const needles = phrases.map((phrase) => ({ phrase, forms: [Buffer.from(phrase, 'utf8'), Buffer.from(phrase, 'utf16le')] }));
  for (const file of await filesUnder(dir)) {
    const content = await readFile(file).catch(() => null);
    if (!content) continue;
    for (const { phrase, forms } of needles) {
      if (forms.some((form) => content.includes(form))) found.set(phrase, [...(found.get(phrase) ?? []), file.slice(dir.length + 1)]);
    }
  }
  return found;
}

/** In the page, with plain IndexedDB: rows of alice's drafts table (the page's globals are not typed here). */
const COUNT_DRAFT_ROWS = `new Promise((resolve, reject) => {
  const open = indexedDB.open('parley-alice');
  open.onsuccess = () => {
    const request = open.result.transaction('drafts').objectStore('drafts').count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
    request.onerror = () => reject(request.error);
  };
  open.onerror = () => reject(open.error);
})`;

/** In the page: a phrase written to IndexedDB with no sealing, the control the scan must find. */
const writeControl = (phrase: string) => `new Promise((resolve, reject) => {
  const open = indexedDB.open('scan-control', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('rows');
  open.onsuccess = () => {
    const tx = open.result.transaction('rows', 'readwrite');
    tx.objectStore('rows').put({ phrase: ${JSON.stringify(phrase)} }, 1);
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})`;

test('a copied profile folder reveals no message, draft or search', async () => {
  const unique = Math.random().toString(36).slice(2, 8);
  const sent = `Quokkas juggle marmalade ${unique}sent`;
  const received = `Pelicans whisper ${unique}received`;
  const draft = `Unsent thought ${unique}draft`;
  const control = `Plaintext control ${unique}control`;

  const relay = await world.relay();
  const alice = await world.user('alice', relay.url, {}, { profileOnDisk: true });
  const bob = await world.user('bob', relay.url);
  await register(alice, 'alice');
  await register(bob, 'bob');
  await startChat(alice.page, 'bob');
  await send(alice.page, sent);
  await openChat(bob.page, 'dm:alice', 'alice');
  await expect(bubble(bob.page, sent)).toBeVisible({ timeout: 20_000 });
  await send(bob.page, received);
  await expect(bubble(alice.page, received)).toBeVisible({ timeout: 20_000 });

  // Searches, from the sidebar and within the chat: neither the queries nor the words may reach the disk.
  const sidebarQuery = `whisp ${unique}recei`;
  const chatQuery = `quokk ${unique}se`;
  const sidebarSearch = sidebar(alice.page).getByRole('searchbox', { name: /search chats/i });
  await sidebarSearch.fill(sidebarQuery);
  await alice.page.getByRole('region', { name: 'Messages found' }).getByRole('button', { name: /Pelicans whisper/ }).click();
  await expect(alice.page.locator('.virtual-row[data-focused]')).toContainText(received);
  await sidebarSearch.fill('');
  await alice.page.getByRole('button', { name: 'Search this chat' }).click();
  await alice.page.getByRole('searchbox', { name: 'Search this chat' }).fill(chatQuery);
  await expect(alice.page.locator('.chat-search-count')).toHaveText('1 of 1');
  await alice.page.getByRole('searchbox', { name: 'Search this chat' }).press('Escape');
  await composer(alice.page).fill(draft);
  await world.screenshot(alice.page, '01-conversation-and-draft');

  // The control: the same page writes a phrase to IndexedDB without Parley's sealing.
  await alice.page.evaluate(writeControl(control));
  // The draft reaches IndexedDB (a row appears), and after a restart it comes back from there.
  await expect.poll(() => alice.page.evaluate(COUNT_DRAFT_ROWS)).toBe(1);
  await alice.quit();
  await alice.launch();
  await openChat(alice.page, 'dm:bob', 'bob');
  await expect(composer(alice.page)).toHaveValue(draft);
  await expect(bubble(alice.page, sent)).toBeVisible();

  await alice.quit();
  await alice.context.close();
  const copy = await world.dir('alice-profile-copy');
  await cp(alice.dataDir, copy, { recursive: true });
  const found = await filesHolding(copy, [sent, received, draft, control, sidebarQuery, chatQuery, `${unique}sent`, `${unique}received`, `${unique}draft`]);
  expect([...found.keys()]).toContain(control);
  found.delete(control);
  expect(Object.fromEntries(found)).toEqual({});
});
