// Layout checks on what a person sees: an element wholly inside the window, and computed sizes read in the page.
import { expect, type Locator, type Page } from '@playwright/test';

/** The box of an element against the window: nothing of it may be outside. */
export async function expectInsideWindow(page: Page, element: Locator): Promise<void> {
  const box = await element.boundingBox();
  const size = page.viewportSize()!;
  expect(box, 'on screen').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(size.height);
}

// Page-side, as source: the e2e files are compiled without the DOM's types.
/** An element's computed font size in px (for `locator.evaluate`). */
export const FONT_SIZE = new Function('node', 'return parseFloat(getComputedStyle(node).fontSize)') as (node: unknown) => number;
/** An element's computed line height in px (for `locator.evaluate`; the element's line-height must not be `normal`). */
export const LINE_HEIGHT = new Function('node', 'return parseFloat(getComputedStyle(node).lineHeight)') as (node: unknown) => number;
/** Whether an element's text is wider than its box, i.e. cut off (for `locator.evaluate`). */
export const CUT_OFF = new Function('node', 'return node.scrollWidth > node.clientWidth') as (node: unknown) => boolean;
/** Whether an element's text is cut off with an ellipsis (for `locator.evaluate`). */
export const ELLIPSIZED = new Function('node', "return node.scrollWidth > node.clientWidth && getComputedStyle(node).textOverflow === 'ellipsis'") as (
  node: unknown,
) => boolean;
/** Whether a text field shows all it holds, with nothing scrolled out of sight either way (for `locator.evaluate`). */
export const SHOWS_ALL_ITS_TEXT = new Function('node', 'return node.scrollHeight <= node.clientHeight + 1 && node.scrollWidth <= node.clientWidth + 1') as (
  node: unknown,
) => boolean;
