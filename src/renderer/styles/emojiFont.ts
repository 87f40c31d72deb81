// The colour emoji font Parley ships (Noto Color Emoji, SIL OFL 1.1, from @fontsource/noto-color-emoji), so emoji
// look the same on every machine, including Linux desktops with no colour emoji font, where they would be empty
// boxes or grey outlines. It comes first in the text's font list (styles/theme.css) but covers only emoji code
// points, so letters, digits and punctuation keep the system font. The file (about 6 MB, from the app's own bundle)
// is loaded ahead of any emoji on screen, once the signed-in session has stored what waited for it (app/session.ts):
// left to the browser, it would be fetched only when the first emoji is on screen, and that emoji would show as an
// empty box until the font had loaded (font-display: swap); loaded at start, its fetch and decoding (a second of a
// core on a slow machine) would compete with storing a catch-up.
import emojiFontUrl from '@fontsource/noto-color-emoji/files/noto-color-emoji-emoji-400-normal.woff2?url';

/** The family name the stylesheet asks for. */
export const EMOJI_FONT_FAMILY = 'Parley Emoji';

/**
 * Emoji and the characters that join or dress them: Miscellaneous Symbols and Dingbats, the variation selector,
 * zero-width joiner and keycap, regional indicators and pictographs (U+1F000–1FAFF), and the tag characters of
 * subdivision flags. Digits, '#', '*', '©', '™' and arrows are left to the text font, which draws them as text.
 * Inclusive [first, last] code point pairs.
 */
const EMOJI_RANGES: readonly (readonly [number, number])[] = [
  [0x200d, 0x200d], [0x20e3, 0x20e3], [0x231a, 0x231b], [0x2328, 0x2328], [0x23cf, 0x23cf], [0x23e9, 0x23fa],
  [0x24c2, 0x24c2], [0x25aa, 0x25ab], [0x25b6, 0x25b6], [0x25c0, 0x25c0], [0x25fb, 0x25fe], [0x2600, 0x27bf],
  [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x3030, 0x3030], [0x303d, 0x303d], [0x3297, 0x3297],
  [0x3299, 0x3299], [0xfe0f, 0xfe0f], [0x1f000, 0x1faff], [0xe0020, 0xe007f],
];

const hex = (codePoint: number) => codePoint.toString(16).toUpperCase();
const UNICODE_RANGE = EMOJI_RANGES.map(([first, last]) => (first === last ? `U+${hex(first)}` : `U+${hex(first)}-${hex(last)}`)).join(', ');

/** Whether the emoji face draws `codePoint`; every other character of the text comes from the text font. */
export function emojiFaceCovers(codePoint: number): boolean {
  return EMOJI_RANGES.some(([first, last]) => codePoint >= first && codePoint <= last);
}

/**
 * The same font under another name and for every character, for emoji that the text font would break (the picker's
 * cells, and in text the sequences of styles/wholeEmoji.ts): a sequence whose parts include an arrow or a digit
 * (🙂‍↔️ "head shaking", the keycaps 1️⃣ #️⃣, ↔️) is drawn whole, where the text font would draw those parts and break
 * it into a face and a box.
 */
export const WHOLE_EMOJI_FONT_FAMILY = 'Parley Emoji Whole';

/** The faces installEmojiFont added: the text's, which preloadEmojiFont loads, and the whole one. */
let installed: FontFace | null = null;
let whole: FontFace | null = null;

/**
 * Adds both faces to the page's fonts: from then on the browser loads each when a character on screen needs it (the
 * whole face only for the rare sequences drawn with it, or when the picker asks).
 */
export function installEmojiFont(fonts: FontFaceSet = document.fonts): void {
  installed = new FontFace(EMOJI_FONT_FAMILY, `url(${emojiFontUrl}) format('woff2')`, { unicodeRange: UNICODE_RANGE, display: 'swap' });
  whole = new FontFace(WHOLE_EMOJI_FONT_FAMILY, `url(${emojiFontUrl}) format('woff2')`, { display: 'swap' });
  fonts.add(installed);
  fonts.add(whole);
}

/** Loads the installed face once the page is next idle, ahead of any emoji on screen. */
export function preloadEmojiFont(whenIdle: (load: () => void) => void = (load) => requestIdleCallback(load)): void {
  const face = installed;
  // A failed load leaves emoji to the system fonts, as before; the browser retries when one is on screen.
  if (face) whenIdle(() => void face.load().catch(() => undefined));
}

/** Loads the whole-emoji face (the picker waits for it, so its cells never show half-drawn sequences). */
export async function loadWholeEmojiFont(): Promise<void> {
  // A failed load leaves the cells to the fonts below it.
  await whole?.load().catch(() => undefined);
}
