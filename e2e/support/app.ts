// What a person does in Parley, as Playwright steps over the real UI: create an account, start a chat, open one,
// send, read ticks. Scenarios read like the issue; selectors live here, by role and label where the UI has them.
import { expect, type Locator, type Page } from '@playwright/test';
import type { E2eUser, World } from './world';

export type Status = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** Onboarding with the relay the page proposes (the user's core was started with it). */
export async function register(user: E2eUser, username: string): Promise<void> {
  const { page } = user;
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeHidden({ timeout: 20_000 });
  await expect(sidebar(page).getByText(username)).toBeVisible();
}

/**
 * Browser-shell users on one relay, each registered under their own name (created in the order given, then
 * registered in it): `const [alice, bob] = await registeredUsers(world, relay.url, ['alice', 'bob']);`
 */
export async function registeredUsers<const Names extends readonly string[]>(world: World, relayUrl: string, names: Names): Promise<{ -readonly [K in keyof Names]: E2eUser }> {
  const users: E2eUser[] = [];
  for (const name of names) users.push(await world.user(name, relayUrl));
  for (const user of users) await register(user, user.name);
  return users as { -readonly [K in keyof Names]: E2eUser };
}

export const sidebar = (page: Page): Locator => page.getByRole('complementary');
export const dialog = (page: Page, name: string | RegExp): Locator => page.getByRole('dialog', { name });
export const chatRow = (page: Page, conversationId: string): Locator => page.locator(`[data-conversation="${conversationId}"]`);
export const composer = (page: Page): Locator => page.getByTestId('composer-input');
export const messageScroller = (page: Page): Locator => page.getByTestId('message-scroller');
/** A rendered message bubble by its body text (exact). */
export const bubble = (page: Page, body: string): Locator =>
  page.locator('.message').filter({ has: page.locator('.message-body', { hasText: new RegExp(`^${escapeRegExp(body)}$`) }) });

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "New chat" from the sidebar: the contact is looked up by main; the chat opens on success. */
export async function startChat(page: Page, username: string): Promise<void> {
  await sidebar(page).getByRole('button', { name: 'New chat' }).click();
  const newChat = dialog(page, 'New chat');
  await newChat.getByLabel('Username').fill(username);
  await newChat.getByRole('button', { name: 'Start chat' }).click();
  await expect(newChat).toBeHidden({ timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 2, name: username })).toBeVisible();
}

/** Makes a group from "New group" with these contacts, waits for the dialog to close; the group's conversation id. */
export async function createGroup(page: Page, name: string, members: readonly string[]): Promise<string> {
  await sidebar(page).getByRole('button', { name: 'New group' }).click();
  const newGroup = dialog(page, 'New group');
  await newGroup.getByLabel('Group name').fill(name);
  for (const member of members) await newGroup.getByRole('checkbox', { name: member }).check();
  await newGroup.getByRole('button', { name: 'Create group' }).click();
  await expect(newGroup).toBeHidden({ timeout: 20_000 });
  return (await page.locator('[data-conversation^="group:"]').getAttribute('data-conversation'))!;
}

export async function openChat(page: Page, conversationId: string, title: string): Promise<void> {
  await chatRow(page, conversationId).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
}

/** `from` starts a chat with `to` and writes `body`; `to` opens that chat and sees it. */
export async function firstMessage(from: E2eUser, to: E2eUser, body: string): Promise<void> {
  await startChat(from.page, to.name);
  await send(from.page, body);
  await openChat(to.page, `dm:${from.name}`, from.name);
  await expect(bubble(to.page, body)).toBeVisible();
}

/** Types into the open chat's composer and presses Enter. */
export async function send(page: Page, body: string): Promise<void> {
  await composer(page).fill(body);
  await composer(page).press('Enter');
  await expect(composer(page)).toHaveValue('');
}

/** The status tick of an own message, by body. */
export function tick(page: Page, body: string): Locator {
  return bubble(page, body).locator('.status');
}

export async function expectStatus(page: Page, body: string, status: Status, timeout = 15_000): Promise<void> {
  await expect(tick(page, body)).toHaveAttribute('data-status', status, { timeout });
}

/** The bodies of the message bubbles rendered now, top to bottom (the list is virtualized: only those in view). */
export async function renderedBodies(page: Page): Promise<string[]> {
  return page.locator('.message .message-body').allTextContents();
}

interface PageGlobals {
  __parleyTicks?: Record<string, string[]>;
  document: { querySelector(selector: string): unknown };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean | string[]>): void };
}
interface PageElement {
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

/**
 * Records, in the page, every status each own message shows (by message id), from now on: the ticks a person
 * would see change, however briefly. Read back with `recordedTicks`.
 */
export async function recordTicks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const seen: Record<string, string[]> = (g.__parleyTicks = {});
    const root = g.document.querySelector('body') as PageElement;
    const scan = () => {
      for (const status of root.querySelectorAll('.message .status[data-status]')) {
        const id = status.closest('.message')?.getAttribute('data-message-id');
        const value = status.getAttribute('data-status');
        if (!id || !value) continue;
        const list = (seen[id] ??= []);
        if (list[list.length - 1] !== value) list.push(value);
      }
    };
    scan();
    new g.MutationObserver(scan).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** The statuses each own message went through since recordTicks, by body. */
export async function recordedTicks(page: Page, body: string): Promise<string[]> {
  const id = await bubble(page, body).getAttribute('data-message-id');
  if (!id) throw new Error(`no message "${body}" on screen`);
  return page.evaluate((messageId) => (globalThis as unknown as PageGlobals).__parleyTicks?.[messageId] ?? [], id);
}

/**
 * Every row of one object store of an account's IndexedDB (`parley-<username>`), read straight from the page and
 * opened the way the app opens it: the history is sealed at rest (docs/security.md §10.2), so the reader asks main
 * for the history key over the page's own bridge (`history.key`) and opens each row's sealed fields with it
 * (HKDF-SHA-256 → AES-256-GCM, the table's name as associated data; src/renderer/db/atRest/rowCipher.ts).
 */
export async function storedRows<T>(page: Page, username: string, store: 'messages' | 'conversations' | 'outbox'): Promise<T[]> {
  const rows = await page.evaluate(`(${READ_SEALED_STORE})(${JSON.stringify(`parley-${username}`)}, ${JSON.stringify(store)})`);
  return rows as T[];
}

// Page-side source (this file is compiled without the DOM's types).
const READ_SEALED_STORE = `async (name, storeName) => {
  const rows = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(new Error('cannot open ' + name));
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction(storeName).objectStore(storeName).getAll();
      all.onsuccess = () => { db.close(); resolve(all.result); };
      all.onerror = () => reject(new Error('cannot read ' + storeName));
    };
  });
  if (!rows.some((row) => row.sealed instanceof Uint8Array)) return rows;
  const answer = await window.parley.invoke('history.key', {});
  if (!answer.ok) throw new Error('history.key: ' + answer.error.message);
  const raw = Uint8Array.from(atob(answer.value.key), (c) => c.charCodeAt(0));
  const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode('parley history rows v1') },
    base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
  const aad = new TextEncoder().encode('parley.history.v1/' + storeName);
  return Promise.all(rows.map(async (row) => {
    if (!(row.sealed instanceof Uint8Array)) return row;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: row.sealed.subarray(1, 13), additionalData: aad }, key, row.sealed.subarray(13));
    const { sealed, ...clear } = row;
    return { ...clear, ...JSON.parse(new TextDecoder().decode(plain)) };
  }));
}`;

/**
 * From the next page the user opens: the durability of every read-write IndexedDB transaction over `messages`, as
 * the browser made it (src/renderer/db/durableHistory.ts). Read with messageWriteDurabilities.
 */
export async function recordMessageWriteDurability(user: E2eUser): Promise<void> {
  await user.context.addInitScript(RECORD_MESSAGE_WRITES);
}

export async function messageWriteDurabilities(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__parleyMessageWrites ?? []')) as string[];
}

// Page-side source, run before the app's own scripts (Dexie binds the connection's `transaction` when it opens).
const RECORD_MESSAGE_WRITES = `(() => {
  const writes = (window.__parleyMessageWrites = []);
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, options) {
    const transaction = open.call(this, stores, mode, options);
    const scope = typeof stores === 'string' ? [stores] : [...stores];
    if (transaction.mode === 'readwrite' && scope.includes('messages')) writes.push(transaction.durability);
    return transaction;
  };
})();`;

/** The stored message rows the e2e specs look at (a subset of src/renderer/db/rows.ts). */
export interface StoredMessageRow {
  seq: number;
  conversationId: string;
  messageId: string;
  sender: string;
  direction: 'in' | 'out' | 'system';
  body: string;
  status?: Status;
}

interface ComposerElement {
  value: string;
  focus(): void;
  dispatchEvent(event: unknown): boolean;
}
interface ComposerGlobals {
  document: { querySelector(selector: string): ComposerElement | null };
  Object: ObjectConstructor;
  HTMLTextAreaElement: { prototype: object };
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  KeyboardEvent: new (type: string, init: { key: string; code: string; bubbles: boolean; cancelable: boolean }) => unknown;
  requestAnimationFrame(callback: () => void): number;
}

/**
 * Types and sends each body through the open chat's real composer, driven from inside the page (an input event,
 * then Enter, then waiting for the composer to clear) — the same path as a person typing, many times faster than
 * one Playwright round trip per key.
 */
export async function sendMany(page: Page, bodies: readonly string[]): Promise<void> {
  await page.evaluate(async (texts) => {
    const g = globalThis as unknown as ComposerGlobals;
    const field = g.document.querySelector('[data-testid="composer-input"]');
    if (!field) throw new Error('no composer');
    const setValue = g.Object.getOwnPropertyDescriptor(g.HTMLTextAreaElement.prototype, 'value')!.set!;
    const frame = () => new Promise<void>((resolve) => g.requestAnimationFrame(() => resolve()));
    field.focus();
    for (const text of texts) {
      setValue.call(field, text);
      field.dispatchEvent(new g.Event('input', { bubbles: true }));
      await frame();
      field.dispatchEvent(new g.KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
      for (let waited = 0; field.value !== ''; waited++) {
        if (waited > 600) throw new Error(`the composer did not take "${text}"`);
        await frame();
      }
    }
  }, [...bodies]);
}

interface ScrollElement {
  scrollTop: number;
  dispatchEvent(event: unknown): boolean;
  clientHeight: number;
  scrollHeight: number;
  getBoundingClientRect(): { top: number; bottom: number };
  querySelectorAll(selector: string): Iterable<{
    getAttribute(name: string): string | null;
    querySelector(selector: string): { textContent: string | null } | null;
    getBoundingClientRect(): { top: number; bottom: number };
  }>;
}

/**
 * Scrolls the open chat's history from the top of what is loaded to the newest message, a part of a screen at a
 * time, each step once the list has drawn rows over the whole screen (on a slow machine that takes more than a
 * frame; paging newer history in as the list asks for it), and returns every message it showed, in order, once
 * each — plus how many times a message id was on screen at two places at once (should be 0). Each step is a
 * person's wheel turn as the list sees it (a wheel event, then the move): the list holds its place until a person
 * scrolls, and a bare change of scrollTop is not one.
 */
export async function scrollThroughHistory(page: Page): Promise<{ bodies: string[]; doubled: number }> {
  return page.evaluate(async () => {
    const g = globalThis as unknown as {
      document: { querySelector(selector: string): ScrollElement | null };
      requestAnimationFrame(callback: () => void): number;
      WheelEvent: new (type: string, init: { deltaY: number; bubbles: boolean }) => unknown;
    };
    const scroller = g.document.querySelector('[data-testid="message-scroller"]');
    if (!scroller) throw new Error('no open chat');
    const frame = () => new Promise<void>((resolve) => g.requestAnimationFrame(() => resolve()));
    const order: string[] = [];
    const bodies = new Map<string, string>();
    let doubled = 0;
    const collect = () => {
      const seen = new Set<string>();
      const rows = [...scroller.querySelectorAll('.virtual-row')].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
      for (const row of rows) {
        const message = row.querySelector('.message') as unknown as { getAttribute(name: string): string | null } | null;
        const id = message?.getAttribute('data-message-id');
        if (!id) continue;
        if (seen.has(id)) doubled++;
        seen.add(id);
        if (!bodies.has(id)) {
          bodies.set(id, row.querySelector('.message-body')?.textContent ?? '');
          order.push(id);
        }
      }
    };
    const wheel = (deltaY: number) => {
      scroller.dispatchEvent(new g.WheelEvent('wheel', { deltaY, bubbles: true }));
      scroller.scrollTop += deltaY;
    };
    wheel(-scroller.scrollTop);
    for (let i = 0; i < 10; i++) await frame();
    // The screen is drawn when rows cover it from its top edge to its bottom edge (or to the end of the content).
    const drawn = () => {
      const view = scroller.getBoundingClientRect();
      const rows = [...scroller.querySelectorAll('.virtual-row')].map((row) => row.getBoundingClientRect());
      if (rows.length === 0) return false;
      const top = Math.min(...rows.map((row) => row.top));
      const bottom = Math.max(...rows.map((row) => row.bottom));
      const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
      return (top <= view.top + 1 || scroller.scrollTop === 0) && (bottom >= view.bottom - 1 || atEnd);
    };
    let stillAtEnd = 0;
    for (let step = 0; step < 5_000 && stillAtEnd < 30; step++) {
      for (let wait = 0; wait < 600 && !drawn(); wait++) await frame();
      collect();
      const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
      stillAtEnd = atEnd ? stillAtEnd + 1 : 0;
      if (!atEnd) wheel(Math.floor(scroller.clientHeight * 0.6));
      await frame();
      await frame();
    }
    collect();
    return { bodies: order.map((id) => bodies.get(id) ?? ''), doubled };
  });
}
