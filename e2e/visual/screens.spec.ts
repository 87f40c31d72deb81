// Walks every screen of the built renderer (out/renderer; run `npx electron-vite build` first) in light and dark
// at 1200×800 and 800×600, against an in-memory fake window.parley, and keeps a screenshot of each in
// e2e/artifacts/screenshots/visual/ for people to look at. Every screen also gets an axe scan: no serious or
// critical violations. The real core and relay are not involved (that is the browser-shell suite).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { throttleCpu } from '../support/cpu';
import { CUT_OFF, SHOWS_ALL_ITS_TEXT, expectInsideWindow } from '../support/layout';
import { gradientPng, toneWav } from '../support/media';
import { bundleFakeParley } from './fakeBundle';
import { serveDirectory, type StaticServer } from './staticServer';

const SHOTS = 'e2e/artifacts/screenshots/visual';
const RENDERER = 'out/renderer';
const THEMES = ['light', 'dark'] as const;
const SIZES = [
  { name: '1200x800', width: 1200, height: 800 },
  { name: '800x600', width: 800, height: 600 },
];

type Theme = (typeof THEMES)[number];
interface VisualConfig {
  scenario: 'new' | 'demo';
  connection?: 'online' | 'offline' | 'reconnecting' | 'connecting';
  longHistory?: number;
  media?: boolean;
}

let server: StaticServer;
let fakeScript: string;

test.beforeAll(async () => {
  if (!existsSync(`${RENDERER}/index.html`)) throw new Error(`${RENDERER} is missing: run \`npx electron-vite build\` first`);
  server = await serveDirectory(RENDERER);
  fakeScript = await bundleFakeParley();
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await server?.close();
});

/** Opens the app with the fake installed before any page script; returns the page's errors as they come. */
async function openApp(page: Page, theme: Theme, config: VisualConfig): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  // Runs in the page before the app: the stored theme, and the fake's configuration.
  await page.addInitScript({
    content: `localStorage.setItem('parley.theme', ${JSON.stringify(theme)}); window.__PARLEY_VISUAL__ = ${JSON.stringify(config)};`,
  });
  await page.addInitScript({ content: fakeScript });
  await page.goto(server.url);
  return errors;
}

/** Screenshot plus axe scan of what is on screen now. */
async function capture(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 4).join(' | ')}`);
  expect.soft(serious, `axe: serious or critical violations on ${name}`).toEqual([]);
}

/** Drives the page's fake window.parley (see src/renderer/testing/fakeParley.ts): `statement` uses `fake`. */
async function onFake(page: Page, statement: string): Promise<void> {
  await page.evaluate(`(() => { const fake = window.__parleyFake; ${statement}; })()`);
}

/** The nearest enclosing element with this class (for `locator.locator`). */
const ANCESTOR = (className: string) => `xpath=ancestor::*[contains(concat(' ', @class, ' '), ' ${className} ')][1]`;
const chatRow = (page: Page, id: string) => page.locator(`[data-conversation="${id}"]`);
const sidebarButton = (page: Page, name: string) => page.getByRole('complementary').getByRole('button', { name, exact: true });

for (const theme of THEMES) {
  for (const size of SIZES) {
    const prefix = `${theme}-${size.name}`;
    test.describe(`${theme}, ${size.name}`, () => {
      test.use({ viewport: { width: size.width, height: size.height } });

      test('onboarding', async ({ page }) => {
        const errors = await openApp(page, theme, { scenario: 'new' });
        await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
        await expect(page.getByRole('textbox', { name: 'Relay' })).toHaveValue(/^ws:\/\/127\.0\.0\.1/);
        await capture(page, `${prefix}-onboarding`);
        await page.getByRole('textbox', { name: 'Username' }).fill('bob');
        await page.getByRole('button', { name: 'Create account' }).click();
        await expect(page.getByRole('alert')).toContainText('taken');
        await capture(page, `${prefix}-onboarding-error`);
        expect(errors).toEqual([]);
      });

      test('messenger screens', async ({ page }) => {
        // Fourteen screens, each with an axe scan, on a shared machine: give the walk room.
        test.setTimeout(300_000);
        const errors = await openApp(page, theme, { scenario: 'demo' });
        await expect(chatRow(page, 'dm:bob')).toBeVisible();
        await expect(chatRow(page, 'dm:carol').getByLabel('2 unread')).toBeVisible();
        await capture(page, `${prefix}-chats`);

        // One-to-one chat: history, day separators, unread divider, links.
        await chatRow(page, 'dm:bob').click();
        const log = page.getByRole('log', { name: 'Messages with bob' });
        await expect(log.getByTestId('unread-divider')).toBeVisible();
        await expect(log.getByText('Morning! Running ten minutes late, sorry.')).toBeVisible();
        await capture(page, `${prefix}-chat-dm`);

        // Every delivery state: read, delivered, failed with a reason, queued while offline; and typing.
        const composer = page.getByRole('textbox', { name: 'Message bob' });
        await onFake(page, "fake.autoReceipt = 'read'");
        await composer.fill('Coffee is ready, see you at the car park');
        await composer.press('Enter');
        await expect(log.locator('[data-status="read"]')).toHaveCount(1);
        await onFake(page, "fake.autoReceipt = 'delivered'");
        await composer.fill('Parked next to the blue van');
        await composer.press('Enter');
        await expect(log.locator('[data-status="delivered"]').last()).toBeVisible();
        await onFake(page, "fake.failNextText({ code: 'send_failed', message: 'The relay refused this message.', retryable: false })");
        await composer.fill('This one will not go through');
        await composer.press('Enter');
        await expect(log.getByText('The relay refused this message.')).toBeVisible();
        await onFake(page, "fake.setConnection('reconnecting')");
        await composer.fill('Written while offline');
        await composer.press('Enter');
        await expect(log.locator('[data-status="queued"]')).toHaveCount(1);
        await onFake(page, "fake.deliver({ conversationId: 'dm:bob', messageId: 'typing1', sender: { user: 'bob', device: 1 }, sentAt: Date.now(), content: { kind: 'typing', typing: true } })");
        await expect(page.getByText('bob is typing…')).toBeVisible();
        await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
        await capture(page, `${prefix}-chat-dm-states`);
        await onFake(page, "fake.setConnection('online')");
        await expect(log.locator('[data-status="queued"]')).toHaveCount(0);

        // Composer hint for an empty message.
        await composer.fill('   ');
        await composer.press('Enter');
        await expect(page.getByText(/empty messages are not sent/)).toBeVisible();
        await capture(page, `${prefix}-composer-empty`);
        await composer.fill('');

        // Group chat with sender names and group changes.
        await chatRow(page, 'group:grp0000000000000000001').click();
        await expect(page.getByRole('log', { name: 'Messages with Weekend hike' }).getByText('On my way. Traffic is light.')).toBeVisible();
        await capture(page, `${prefix}-chat-group`);

        await page.getByRole('button', { name: 'Group info' }).click();
        await expect(page.getByRole('dialog', { name: 'Group info: Weekend hike' })).toBeVisible();
        await capture(page, `${prefix}-dialog-group-info`);
        const groupInfo = page.getByRole('dialog', { name: 'Group info: Weekend hike' });
        await groupInfo.getByRole('button', { name: 'Create invite link' }).click();
        const invite = groupInfo.getByRole('article', { name: 'Invite link' });
        await invite.scrollIntoViewIfNeeded();
        await expect(invite.getByRole('img', { name: 'QR code of an invite link to Weekend hike' })).toBeVisible();
        await capture(page, `${prefix}-dialog-group-invite`);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);

        // A parley://join link: what it claims, before anything is sent.
        await onFake(
          page,
          `fake.invitePreviews.set('${'J'.repeat(60)}', { groupId: 'grp0000000000000000009', groupName: 'Climbing', inviter: 'erin', expiresAt: Date.now() + 3 * 86400000, approval: true, alreadyMember: false });
           fake.receiveDeepLink({ status: 'accepted', id: 90, link: { kind: 'join', token: '${'J'.repeat(60)}' } })`,
        );
        await expect(page.getByRole('dialog', { name: 'Join “Climbing”?' })).toBeVisible();
        await capture(page, `${prefix}-dialog-join-group`);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);

        // A contact whose key changed.
        await chatRow(page, 'dm:dave').click();
        await expect(page.getByRole('alert').getByText('dave’s safety number changed.')).toBeVisible();
        await capture(page, `${prefix}-chat-key-change`);
        await page.getByRole('button', { name: 'Review' }).click();
        await expect(page.getByRole('group', { name: /^Safety number:/ })).toBeVisible();
        await capture(page, `${prefix}-dialog-contact-info`);
        await page.keyboard.press('Escape');

        await sidebarButton(page, 'New chat').click();
        await page.getByRole('textbox', { name: 'Username' }).fill('nobody');
        await page.getByRole('button', { name: 'Start chat' }).click();
        await expect(page.getByRole('dialog').getByRole('alert')).toContainText('does not exist on this relay');
        await capture(page, `${prefix}-dialog-new-chat-error`);
        await page.keyboard.press('Escape');

        await sidebarButton(page, 'New group').click();
        await page.getByRole('textbox', { name: 'Group name' }).fill('Climbing');
        await page.getByRole('checkbox', { name: 'erin' }).check();
        await capture(page, `${prefix}-dialog-new-group`);
        await page.keyboard.press('Escape');

        await sidebarButton(page, 'Settings').click();
        await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
        await capture(page, `${prefix}-dialog-settings`);
        await page.keyboard.press('Escape');

        await page.keyboard.press('Control+k');
        await page.getByRole('combobox', { name: 'Jump to a chat' }).fill('b');
        await expect(page.getByRole('option').first()).toBeVisible();
        await capture(page, `${prefix}-palette`);
        await page.keyboard.press('Escape');

        await page.getByRole('searchbox', { name: 'Search chats' }).fill('hike');
        await expect(chatRow(page, 'dm:bob')).toHaveCount(0);
        await capture(page, `${prefix}-chats-search`);

        expect(errors).toEqual([]);
      });
    });
  }
}

/**
 * Every file card in the chat: its bubble inside its row and the window, the file's name not cut, and each of its
 * buttons (save, download, pause, cancel) inside the card.
 */
async function expectFileCardsWhole(page: Page, log: Locator): Promise<void> {
  const cards = log.getByTestId('attachment-document');
  await expect(cards.first()).toBeVisible();
  for (const card of await cards.all()) {
    await card.scrollIntoViewIfNeeded();
    const fileName = await card.locator('.document-name').textContent();
    const bubble = card.locator(ANCESTOR('bubble'));
    const [bubbleBox, rowBox, cardBox] = [await bubble.boundingBox(), await card.locator(ANCESTOR('message-line')).boundingBox(), await card.boundingBox()];
    expect(bubbleBox!.x + bubbleBox!.width, `${fileName}'s bubble inside its row`).toBeLessThanOrEqual(rowBox!.x + rowBox!.width + 0.5);
    await expectInsideWindow(page, bubble);
    expect(await card.locator('.document-name').evaluate(CUT_OFF), `${fileName} not cut`).toBe(false);
    for (const button of await card.locator('button, a').all()) {
      const box = await button.boundingBox();
      const name = `${fileName}: ${await button.getAttribute('aria-label')}`;
      expect(box!.x, `${name} inside the card`).toBeGreaterThanOrEqual(cardBox!.x - 0.5);
      expect(box!.x + box!.width, `${name} inside the card`).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 0.5);
    }
  }
}

/**
 * Answers the media URL (/__parley/media on the page's origin) the way main would: a photo for image and video
 * previews and files, a tone for voice notes, and a hand-over of a picked file that becomes an upload in progress
 * (told to the fake, so the transfers list has it).
 */
async function answerMedia(page: Page): Promise<void> {
  const photo = gradientPng();
  const preview = gradientPng(120, 80);
  const tone = toneWav(7);
  let staged = 0;
  await page.route('**/__parley/media/**', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const [route_, id] = url.pathname.split('/').slice(3);
    if (route_ === 'stage') {
      const picture = (url.searchParams.get('name') ?? '').endsWith('.png');
      const view = {
        id: `staged${++staged}`.padEnd(22, '0'),
        direction: 'outgoing',
        kind: picture ? 'image' : 'file',
        contentType: picture ? 'image/png' : 'application/pdf',
        fileName: url.searchParams.get('name') ?? 'file',
        size: Number(url.searchParams.get('size')),
        voiceNote: false,
        width: picture ? 480 : null,
        height: picture ? 320 : null,
        durationMs: null,
        blurhash: null,
        hasThumbnail: picture,
        executable: false,
        state: 'uploading',
        transferred: Math.round(Number(url.searchParams.get('size')) * 0.3),
        total: Number(url.searchParams.get('size')),
        error: null,
      };
      await onFake(page, `fake.putAttachment(${JSON.stringify(view)})`);
      await route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify(view) });
    } else if (route_ === 'thumbnail' && request.method() === 'PUT') {
      const view = await page.evaluate(`window.__parleyFake.attachments.get(${JSON.stringify(id)})`);
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(view) });
    } else if (route_ === 'thumbnail') {
      await route.fulfill({ status: 200, contentType: 'image/png', body: preview });
    } else if (id?.startsWith('voice')) {
      await route.fulfill({ status: 200, contentType: 'audio/wav', body: tone });
    } else {
      await route.fulfill({ status: 200, contentType: 'image/png', body: photo });
    }
  });
}

for (const theme of THEMES) {
  test.describe(`media, ${theme}`, () => {
    test.use({ viewport: { width: 1200, height: 800 } });

    test('files in a chat, the image viewer, the preview tray and the transfers list', async ({ page }) => {
      test.setTimeout(180_000);
      await answerMedia(page);
      const errors = await openApp(page, theme, { scenario: 'demo', media: true });
      await chatRow(page, 'dm:erin').click();
      const log = page.getByRole('log', { name: 'Messages with erin' });
      await expect(log.getByRole('button', { name: 'Play Voice message' })).toBeVisible();
      await expect(log.getByRole('button', { name: 'Download trail map (large).pdf' })).toBeVisible();
      await expect(log.getByRole('progressbar', { name: 'Downloading all photos.zip' })).toBeVisible();
      await expect(log.locator('.audio-time')).toHaveText('0:07');
      await expectFileCardsWhole(page, log);
      await capture(page, `${theme}-1200x800-chat-media`);

      await log.getByRole('button', { name: 'Open hut.png' }).scrollIntoViewIfNeeded();
      await expect(log.locator('img.attachment-full-loaded')).toBeVisible();
      await expect(log.getByRole('button', { name: 'Play ridge.webm' })).toBeVisible();
      await capture(page, `${theme}-1200x800-chat-media-photo`);
      await log.getByRole('button', { name: 'Open hut.png' }).click();
      const viewer = page.getByRole('dialog', { name: 'hut.png' });
      await expect(viewer.getByTestId('viewer-image')).toBeVisible();
      await capture(page, `${theme}-1200x800-viewer`);
      await panZoomedImage(page, viewer);
      await page.keyboard.press('Escape');
      await expect(viewer).toBeHidden();

      await page.getByTestId('attach-input').setInputFiles([
        { name: 'summit.png', mimeType: 'image/png', buffer: gradientPng() },
        { name: 'packing list.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n'.padEnd(30_000, ' ')) },
      ]);
      const tray = page.getByTestId('attachment-tray');
      await expect(tray.locator('.tray-ready')).toHaveCount(2);
      await page.getByRole('textbox', { name: 'Message erin' }).fill('Photos from the top');
      await capture(page, `${theme}-1200x800-composer-tray`);

      await sidebarButton(page, 'Transfers, 3 in progress').click();
      const transfers = page.getByRole('dialog', { name: 'Transfers' });
      await expect(transfers.getByTestId('transfer-row')).toHaveCount(3);
      await expect(transfers.getByRole('listitem', { name: 'Receiving all photos.zip' })).toContainText('From erin');
      await capture(page, `${theme}-1200x800-dialog-transfers`);
      // "Show in chat" closes the list and lands on the message the file came with.
      await transfers.getByRole('button', { name: 'Show all photos.zip in chat' }).click();
      await expect(transfers).toBeHidden();
      await expect(page.locator('.message:focus')).toContainText('Everything from Saturday');
      expect(errors).toEqual([]);
    });
  });
}

/** Zooms the viewer's image with the wheel, then pans it by dragging and with an arrow key, as a person would. */
async function panZoomedImage(page: Page, viewer: Locator): Promise<void> {
  const image = viewer.getByTestId('viewer-image');
  const box = (await image.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let step = 0; step < 4; step++) await page.mouse.wheel(0, -100);
  await expect(viewer.getByRole('status')).toHaveText('244%');
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 4 });
  await page.mouse.up();
  await expect(image).toHaveAttribute('style', /translate\(80px, 40px\)/);
  await page.keyboard.press('ArrowLeft');
  await expect(image).toHaveAttribute('style', /translate\(140px, 40px\)/);
}

/** The direction the browser laid an element out in (dir="auto" resolves from the text's first strong character). */
async function directionOf(page: Page, selector: string, text: string): Promise<string> {
  const element = page.locator(selector).filter({ hasText: text }).last();
  return element.evaluate(DIRECTION_OF);
}

// Page-side functions, as source: this file is compiled without the DOM's types.
/** The width of an element's text as drawn. */
const TEXT_WIDTH = new Function('node', 'const range = document.createRange(); range.selectNodeContents(node); return range.getBoundingClientRect().width;') as (
  node: unknown,
) => number;
/** The drawn width of the first occurrence of `part` in an element's text, across the elements inside it. */
const WIDTH_OF_PART = new Function(
  'node',
  'part',
  `
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const texts = [];
  let whole = '';
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    texts.push([text, whole.length]);
    whole += text.data;
  }
  const start = whole.indexOf(part);
  const end = start + part.length;
  const at = (offset) => {
    const [text, first] = texts.findLast(([, first]) => first <= offset);
    return [text, Math.min(offset - first, text.data.length)];
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  return range.getBoundingClientRect().width;
`,
) as (node: unknown, part: string) => number;
const SHIPPED_EMOJI_FONT_STATUS = `[...document.fonts].find((face) => face.family.replace(/"/g, '') === 'Parley Emoji')?.status ?? 'absent'`;
/** How many strongly coloured pixels an element's last character has, drawn in the element's own font. */
const COLOURED_PIXELS_OF_LAST_CHARACTER = new Function(
  'node',
  `
  const style = getComputedStyle(node);
  const glyph = [...node.textContent.trim()].pop();
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const context = canvas.getContext('2d');
  context.font = '48px ' + style.fontFamily;
  context.textBaseline = 'top';
  context.fillStyle = '#000';
  context.fillText(glyph, 4, 4);
  const { data } = context.getImageData(0, 0, 64, 64);
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return coloured;
`,
) as (node: unknown) => number;
const DIRECTION_OF = new Function('node', 'return getComputedStyle(node).direction') as (node: unknown) => string;
/** Where a bubble's sentence-final period is drawn, against the line it sits on. */
const PERIOD_PLACE = new Function(
  'node',
  `
  const text = node.firstChild?.firstChild ?? node.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) throw new Error('the bubble holds no plain text');
  const whole = document.createRange();
  whole.selectNodeContents(text);
  const period = document.createRange();
  const end = text.textContent.lastIndexOf('.');
  period.setStart(text, end);
  period.setEnd(text, end + 1);
  return { periodLeft: period.getBoundingClientRect().left, lineLeft: whole.getBoundingClientRect().left, lineRight: whole.getBoundingClientRect().right };
`,
) as (node: unknown) => { periodLeft: number; lineLeft: number; lineRight: number };

for (const theme of THEMES) {
  test.describe(`right-to-left text, ${theme}`, () => {
    test.use({ viewport: { width: 1200, height: 800 } });

    test('Arabic and Hebrew lines run right to left, mixed lines follow their first words, in bubbles, list and composer', async ({ page }) => {
      const errors = await openApp(page, theme, { scenario: 'demo' });
      const row = chatRow(page, 'dm:layla');
      await expect(row).toBeVisible();
      // The preview runs right to left too (and is cut short on its left).
      expect(await directionOf(page, '[data-conversation="dm:layla"] .chat-item-preview', 'نعم')).toBe('rtl');
      await row.click();
      const log = page.getByRole('log', { name: 'Messages with layla' });
      await expect(log.getByText('ممتاز. سأحجز التذاكر الآن.')).toBeVisible();
      expect(await directionOf(page, '.message-body', 'مرحبا!')).toBe('rtl');
      expect(await directionOf(page, '.message-body', 'שלום!')).toBe('rtl');
      expect(await directionOf(page, '.message-body', 'Perfect — the museum')).toBe('ltr');
      expect(await directionOf(page, '.message-body', 'Yes! نلتقي')).toBe('ltr');
      // An Arabic sentence ends with its period on the left, where the sentence ends when read right to left.
      const body = log.locator('.message-body').filter({ hasText: 'ممتاز.' });
      const period = await body.evaluate(PERIOD_PLACE);
      expect(period.periodLeft - period.lineLeft).toBeLessThan((period.lineRight - period.lineLeft) / 4);

      const composer = page.getByRole('textbox', { name: 'Message layla' });
      await composer.fill('أراك هناك.');
      expect(await composer.evaluate(DIRECTION_OF)).toBe('rtl');
      await capture(page, `${theme}-1200x800-chat-rtl`);
      expect(errors).toEqual([]);
    });
  });
}

test.describe('emoji', () => {
  test.use({ viewport: { width: 800, height: 600 } });

  test('emoji are drawn with the font the app ships, whatever fonts the machine has', async ({ page }) => {
    const errors = await openApp(page, 'light', { scenario: 'demo' });
    await chatRow(page, 'dm:bob').click();
    await expect(page.getByText('Perfect, my left pole broke last time 😅')).toBeVisible();
    await page.evaluate('document.fonts.ready');
    // A web font is fetched only when some character on screen needs it: loaded means it drew the 😅.
    expect(await page.evaluate(SHIPPED_EMOJI_FONT_STATUS)).toBe('loaded');
    // In colour: a grey outline from a text font (DejaVu Sans has one) or an empty box is not the same emoji.
    const body = page.locator('.message-body', { hasText: 'my left pole broke' });
    expect(await body.evaluate(COLOURED_PIXELS_OF_LAST_CHARACTER)).toBeGreaterThan(200);
    await page.locator('.bubble', { hasText: 'my left pole broke' }).screenshot({ path: `${SHOTS}/light-emoji-bubble.png` });
    expect(errors).toEqual([]);
  });

  test('the picker draws every emoji whole, those made with an arrow or a digit too', async ({ page }) => {
    const errors = await openApp(page, 'light', { scenario: 'demo' });
    await chatRow(page, 'dm:bob').click();
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert emoji' });
    const search = picker.getByRole('combobox', { name: 'Search emoji' });
    await search.fill('grinning face');
    const width = (name: string) => picker.getByRole('option', { name, exact: true }).evaluate(TEXT_WIDTH);
    const one = await width('grinning face');
    // A sequence broken by the text font draws as a face or a digit beside a box: twice as wide, or more.
    const sequences: [query: string, name: string][] = [
      ['head shaking', 'head shaking horizontally'],
      ['keycap', 'keycap: 1'],
      ['left-right arrow', 'left-right arrow'],
    ];
    for (const [query, name] of sequences) {
      await search.fill(query);
      expect(await width(name), `${name} drawn as one emoji`).toBeLessThan(one * 1.3);
    }
    await search.fill('head shaking');
    await picker.screenshot({ path: `${SHOTS}/light-emoji-picker-sequences.png` });
    expect(errors).toEqual([]);
  });

  test('a message draws every emoji whole, those made with an arrow or a digit too', async ({ page }) => {
    const errors = await openApp(page, 'light', { scenario: 'demo' });
    await chatRow(page, 'dm:bob').click();
    const composer = page.getByRole('textbox', { name: 'Message bob' });
    await composer.fill('Dial 1️⃣ then #️⃣, 😀 ↔️ 🙂‍↔️ ©️ 2026 → fine');
    await composer.press('Enter');
    const body = page.locator('.message-body', { hasText: 'Dial' });
    await expect(body).toBeVisible();
    await page.evaluate('document.fonts.ready');
    const width = (part: string) => body.evaluate(WIDTH_OF_PART, part);
    const one = await width('😀');
    expect(one).toBeGreaterThan(0);
    // Broken by the text font, a sequence draws as a digit, an arrow or a face beside a box: twice as wide, or more.
    for (const sequence of ['1️⃣', '#️⃣', '↔️', '🙂‍↔️', '©️']) {
      expect(await width(sequence), `${sequence} drawn as one emoji`).toBeLessThan(one * 1.3);
    }
    // The text around them keeps the text font: digits and the plain arrow are narrower than an emoji.
    expect(await width('2')).toBeLessThan(one * 0.8);
    expect(await width('→')).toBeLessThan(one * 0.8);

    // A reaction with a keycap: its chip too.
    const bubble = page.locator('.bubble', { hasText: 'Dial' });
    await bubble.hover();
    await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'React' }).click();
    await page.getByRole('menuitem', { name: 'More reactions…' }).click();
    const picker = page.getByRole('dialog', { name: 'React with an emoji' });
    await picker.getByRole('combobox', { name: 'Search emoji' }).fill('keycap');
    await picker.getByRole('option', { name: 'keycap: 1', exact: true }).click();
    const chip = page.locator('.reaction-chip');
    await expect(chip).toHaveCount(1);
    expect(await chip.evaluate(WIDTH_OF_PART, '1️⃣'), 'the chip’s 1️⃣ drawn as one emoji').toBeLessThan(one * 1.3);
    await page.getByRole('log').screenshot({ path: `${SHOTS}/light-emoji-sequences-bubble.png` });
    expect(errors).toEqual([]);
  });
});

for (const theme of THEMES) {
  test.describe(`narrow window, ${theme}`, () => {
    test.use({ viewport: { width: 480, height: 760 } });

    test('shows one pane at a time: the chat list, then the chat with a way back', async ({ page }) => {
      const errors = await openApp(page, theme, { scenario: 'demo' });
      const sidebar = page.getByRole('complementary');
      await expect(chatRow(page, 'dm:bob')).toBeVisible();
      // The list takes the whole width.
      expect((await sidebar.boundingBox())?.width).toBeGreaterThan(470);
      await capture(page, `${theme}-480x760-chats`);

      await chatRow(page, 'dm:bob').click();
      const log = page.getByRole('log', { name: 'Messages with bob' });
      await expect(log.getByText('Save me a coffee?')).toBeVisible();
      await expect(sidebar).toBeHidden();
      expect((await log.boundingBox())?.width).toBeGreaterThan(470);
      await capture(page, `${theme}-480x760-chat`);

      await page.getByRole('button', { name: 'Back to chats' }).click();
      await expect(chatRow(page, 'dm:bob')).toBeVisible();
      await expect(log).toBeHidden();
      expect(errors).toEqual([]);
    });

    test('a catch-up shows how many messages have come in the header, which keeps the name whole and its buttons', async ({ page }) => {
      await page.setViewportSize({ width: 360, height: 640 });
      const errors = await openApp(page, theme, { scenario: 'demo' });
      await expect(chatRow(page, 'dm:bob')).toBeVisible();
      // Messages keep coming, 25 every 100 ms, until the test stops them.
      await onFake(
        page,
        "let n = 0; window.__catchUp = setInterval(() => fake.deliverAll(Array.from({ length: 25 }, () => ({ conversationId: 'dm:carol', messageId: 'c' + n, sender: { user: 'carol', device: 1 }, sentAt: Date.now(), content: { kind: 'text', body: 'Catching up ' + n++ } }))), 100)",
      );
      const status = page.locator('.app-receiving');
      await expect(status).toHaveText(/^Receiving messages… [\d,]+$/, { timeout: 30_000 });
      const header = page.locator('.sidebar-header');
      const headerBox = (await header.boundingBox())!;
      const statusBox = (await status.boundingBox())!;
      const actionsBox = (await page.locator('.sidebar-actions').boundingBox())!;
      expect(statusBox.x + statusBox.width).toBeLessThanOrEqual(actionsBox.x);
      expect(statusBox.x + statusBox.width).toBeLessThanOrEqual(headerBox.x + headerBox.width);
      await expect(sidebarButton(page, 'Settings')).toBeInViewport({ ratio: 1 });
      // The signed-in name stays whole beside it.
      expect(await page.locator('.app-user-name').evaluate((name) => name.scrollWidth <= name.clientWidth && name.clientWidth > 0)).toBe(true);
      await capture(page, `${theme}-360x640-receiving`);
      await page.setViewportSize({ width: 1200, height: 800 });
      await expect(status).toBeVisible();
      await capture(page, `${theme}-1200x800-receiving`);
      await page.evaluate('clearInterval(window.__catchUp)');
      await expect(status).toBeHidden({ timeout: 30_000 });
      expect(errors).toEqual([]);
    });

    test('a 360 px window keeps names, relay URLs, file cards and notices whole', async ({ page }) => {
      await page.setViewportSize({ width: 360, height: 640 });
      await answerMedia(page);
      const errors = await openApp(page, theme, { scenario: 'demo', media: true });
      const longName = 'alexandra.konstantinopoulou_1984';
      await onFake(page, `fake.users.add('${longName}')`);
      await sidebarButton(page, 'New chat').click();
      await page.getByRole('textbox', { name: 'Username' }).fill(longName);
      await page.getByRole('button', { name: 'Start chat' }).click();
      await expect(page.getByRole('log', { name: `Messages with ${longName}` })).toBeVisible();
      // The composer's placeholder would be cut mid-name ("Message alexa"): it says "Message" alone, named in full.
      const composer = page.getByRole('textbox', { name: `Message ${longName}` });
      await expect(composer).toHaveAttribute('placeholder', 'Message');
      await page.setViewportSize({ width: 1200, height: 640 });
      await expect(composer).toHaveAttribute('placeholder', `Message ${longName}`);
      await page.setViewportSize({ width: 360, height: 640 });
      await expect(composer).toHaveAttribute('placeholder', 'Message');
      await page.getByRole('button', { name: 'Back to chats' }).click();

      await sidebarButton(page, 'New group').click();
      const newGroup = page.getByRole('dialog', { name: 'New group' });
      const picked = newGroup.getByRole('checkbox', { name: longName });
      await picked.check();
      // Every contact's name stays inside its own place in the list: none runs over its neighbour or is cut.
      for (const item of await newGroup.locator('.member-picker li').all()) {
        const label = item.locator('label');
        const [itemBox, labelBox] = [await item.boundingBox(), await label.boundingBox()];
        expect(labelBox!.x + labelBox!.width, `${await label.textContent()} inside its place`).toBeLessThanOrEqual(itemBox!.x + itemBox!.width + 0.5);
        expect(await label.evaluate(CUT_OFF), `${await label.textContent()} shown whole`).toBe(false);
      }
      await expectInsideWindow(page, newGroup.locator('.member-picker'));
      await capture(page, `${theme}-360x640-dialog-new-group`);
      await page.keyboard.press('Escape');

      await sidebarButton(page, 'Settings').click();
      const relay = page.getByRole('dialog', { name: 'Settings' }).getByRole('textbox', { name: 'Relay URL' });
      await relay.fill('wss://relay.parley.example.org:8443/parley\nwss://relay-backup.parley.example.org:8443/parley');
      // Both URLs can be read in full without scrolling inside the field.
      expect(await relay.evaluate(SHOWS_ALL_ITS_TEXT), 'the relay field shows all it holds').toBe(true);
      await expectInsideWindow(page, relay);
      await expectInsideWindow(page, page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Save', exact: true }));
      await capture(page, `${theme}-360x640-dialog-settings`);
      // A device's details sit right under its name.
      const device = page.getByRole('list', { name: 'Your devices' }).getByRole('listitem').first();
      await device.scrollIntoViewIfNeeded();
      const [name, facts] = [await device.locator('.member-name').boundingBox(), await device.locator('.device-facts').boundingBox()];
      expect(facts!.y - name!.y, 'a device details one line below its name').toBeLessThan(40);
      await page.keyboard.press('Escape');

      // A changed safety number: the notice's button stays inside the notice.
      await chatRow(page, 'dm:dave').click();
      await page.getByRole('button', { name: 'Review' }).click();
      const notice = page.getByRole('dialog').getByRole('alert');
      const [noticeBox, acceptBox] = [await notice.boundingBox(), await notice.getByRole('button', { name: 'Accept the new safety number' }).boundingBox()];
      expect(acceptBox!.x + acceptBox!.width, 'the button inside the notice').toBeLessThanOrEqual(noticeBox!.x + noticeBox!.width);
      await capture(page, `${theme}-360x640-dialog-contact-info`);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Back to chats' }).click();

      await chatRow(page, 'dm:erin').click();
      await expectFileCardsWhole(page, page.getByRole('log', { name: 'Messages with erin' }));
      await capture(page, `${theme}-360x640-chat-files`);
      expect(errors).toEqual([]);
    });

    test('files in a chat and the viewer (a zoomed photo, a video opened from its bubble)', async ({ page }) => {
      await answerMedia(page);
      const errors = await openApp(page, theme, { scenario: 'demo', media: true });
      await chatRow(page, 'dm:erin').click();
      const log = page.getByRole('log', { name: 'Messages with erin' });
      await expect(log.getByRole('progressbar', { name: 'Downloading all photos.zip' })).toBeVisible();
      await expectFileCardsWhole(page, log);
      await capture(page, `${theme}-480x760-chat-media`);

      await log.getByRole('button', { name: 'Open hut.png' }).scrollIntoViewIfNeeded();
      await expect(log.locator('img.attachment-full-loaded')).toBeVisible();
      await log.getByRole('button', { name: 'Open hut.png' }).click();
      const viewer = page.getByRole('dialog', { name: 'hut.png' });
      await expect(viewer.getByTestId('viewer-image')).toBeVisible();
      await panZoomedImage(page, viewer);
      await capture(page, `${theme}-480x760-viewer-zoomed`);
      await page.keyboard.press('Escape');
      await expect(viewer).toBeHidden();

      await log.getByRole('button', { name: 'Open ridge.webm' }).click();
      const video = page.getByRole('dialog', { name: 'ridge.webm' });
      await expect(video.getByTestId('viewer-video')).toBeVisible();
      await capture(page, `${theme}-480x760-viewer-video`);
      await page.keyboard.press('Escape');
      await expect(video).toBeHidden();
      expect(errors).toEqual([]);
    });
  });
}

test.describe('long history', () => {
  test.use({ viewport: { width: 1200, height: 800 } });

  test('opens a 3,000-message chat at the newest message on a slow machine, then pages it in with a bounded DOM', async ({ page }) => {
    test.setTimeout(180_000);
    const errors = await openApp(page, 'light', { scenario: 'demo', longHistory: 3_000 });
    // The chat is listed while its 3,000 messages are still being stored; this test opens it once they all are
    // (opened midway, it rightly opens at the first unread message of that moment).
    await expect(chatRow(page, 'dm:frank')).toContainText('Message number 3000', { timeout: 60_000 });
    // Rows measure long after the first paint when the CPU is slow; the list must still land on the newest.
    const restoreCpu = await throttleCpu(page, 6);
    await chatRow(page, 'dm:frank').click();
    const log = page.getByRole('log', { name: 'Messages with frank' });
    await expect(log.getByText('Message number 3000', { exact: true })).toBeInViewport({ ratio: 1, timeout: 30_000 });
    // Forty more arrive while it is open at the bottom: the newest is still the one in view.
    await onFake(
      page,
      "for (let i = 1; i <= 40; i++) fake.deliver({ conversationId: 'dm:frank', messageId: 'more' + i, sender: { user: 'frank', device: 1 }, sentAt: Date.now(), content: { kind: 'text', body: 'One more ' + i + (i % 4 === 0 ? ' — long enough to wrap onto a second line of the bubble at this width, which changes its height after it is measured' : '') } })",
    );
    await expect(log.getByText(/^One more 40\b/)).toBeInViewport({ ratio: 1, timeout: 30_000 });
    await restoreCpu();
    const rows = log.locator('.virtual-row');
    expect(await rows.count()).toBeLessThan(80);
    // Scroll up the way a user does, with the wheel, until the first message.
    await log.hover();
    for (let step = 0; step < 400; step += 1) {
      if (await log.getByText(/^Message number 1 —/).count()) break;
      await page.mouse.wheel(0, -4_000);
      await page.waitForTimeout(50);
      expect(await rows.count()).toBeLessThan(80);
    }
    await expect(log.getByText(/^Message number 1 —/)).toBeVisible();
    // Away from the newest, the jump-to-newest button shows, beside the bubbles and never over one.
    const jump = await page.getByRole('button', { name: 'Jump to the newest message' }).boundingBox();
    expect(jump).not.toBeNull();
    for (const box of await Promise.all((await log.locator('.bubble').all()).map((bubble) => bubble.boundingBox()))) {
      if (!box || !jump) continue;
      const overlaps = box.x < jump.x + jump.width && jump.x < box.x + box.width && box.y < jump.y + jump.height && jump.y < box.y + box.height;
      expect(overlaps).toBe(false);
    }
    await capture(page, 'light-1200x800-chat-long-history-top');
    expect(errors).toEqual([]);
  });
});
